import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { as, Client, createTestApp, entryId, signIn, type TestApp } from '../../../test/support/app.ts'

let t: TestApp
let contributor: Client
let admin: Client
before(async () => {
  t = await createTestApp()
  contributor = await signIn(t.app, as.northmoor('contributor'))
  admin = await signIn(t.app, as.northmoor('admin'))
})
after(() => t.close())

const anon = () => new Client(t.app)

describe('drafting and publishing an ATRS record', () => {
  test('a record cannot be drafted before the board approves', async () => {
    const id = await entryId(t.db, 'Rent arrears prioritisation model')
    const res = await contributor.post(`/register/${id}/transparency`)
    assert.equal(res.statusCode, 303)
    assert.match(String(res.headers.location), /refused=lifecycle.needsApproval/)
    assert.equal((await t.db.query('select 1 from transparency_records where entry_id = $1', [id])).length, 0)
  })

  test('drafting fills fields from the register and screening; publishing waits for completeness', async () => {
    const id = await entryId(t.db, "Children's social care case chronology")
    assert.equal((await contributor.post(`/register/${id}/transparency`)).statusCode, 303)
    const page = await contributor.get(`/register/${id}/transparency`)
    assert.equal(page.statusCode, 200)
    assert.match(page.body, /value="Children&#39;s social care case chronology"/)
    assert.match(page.body, /Principal Social Worker/)
    assert.match(page.body, /A full data protection impact assessment is required|DPIA/)

    // Contributors draft; only admins publish.
    assert.equal((await contributor.post(`/register/${id}/transparency/publish`)).statusCode, 403)
    await admin.get(`/register/${id}/transparency`)
    const refused = await admin.post(`/register/${id}/transparency/publish`)
    assert.equal(refused.statusCode, 409)
    assert.match(refused.body, /cannot be published until every required field is complete/)
    assert.match(refused.body, /href="#field-benefit">Enter Benefit/)
    assert.equal((await t.db.query('select 1 from transparency_publications p join transparency_records r on r.id = p.record_id where r.entry_id = $1', [id])).length, 0)
  })

  test('a complete record publishes as version 1 and appears on the public register', async () => {
    const id = await entryId(t.db, "Children's social care case chronology")
    const form = await contributor.get(`/register/${id}/transparency`)
    const version = /name="version" value="(\d+)"/.exec(form.body)![1]!
    const save = await contributor.post(`/register/${id}/transparency/edit`, {
      version,
      one_sentence_description: 'Drafts case chronologies for social workers to check.',
      benefit: 'Frees social worker time for families.',
      previous_process: 'Chronologies were typed by hand.',
      impact_assessment: 'DPIA and equality impact assessment completed.',
      risks_and_mitigations: 'Errors caught by social worker review.',
      scope: 'Children’s social care case records only.',
    })
    assert.equal(save.statusCode, 303)
    await admin.get(`/register/${id}/transparency`)
    const pub = await admin.post(`/register/${id}/transparency/publish`)
    assert.equal(pub.statusCode, 303)

    const list = await anon().get('/public?q=chronology')
    assert.equal(list.statusCode, 200)
    assert.match(list.body, /Children&#39;s social care case chronology/)
    const record = await anon().get('/public/records/northmoor/childrens-social-care-case-chronology')
    assert.equal(record.statusCode, 200)
    assert.match(record.body, /Frees social worker time for families\./)
    assert.match(record.body, /Version 1, published/)
  })

  test('later edits publish a new version; the old version never changes', async () => {
    const id = await entryId(t.db, "Children's social care case chronology")
    const form = await contributor.get(`/register/${id}/transparency`)
    const version = /name="version" value="(\d+)"/.exec(form.body)![1]!
    await contributor.post(`/register/${id}/transparency/edit`, { version, benefit: 'Saves about two hours per chronology.' })
    // The public still sees version 1 until an admin publishes.
    assert.match((await anon().get('/public/records/northmoor/childrens-social-care-case-chronology')).body, /Frees social worker time/)
    await admin.get(`/register/${id}/transparency`)
    await admin.post(`/register/${id}/transparency/publish`)
    const latest = await anon().get('/public/records/northmoor/childrens-social-care-case-chronology')
    assert.match(latest.body, /Saves about two hours per chronology\./)
    assert.match(latest.body, /All versions/)
    const v1 = await anon().get('/public/records/northmoor/childrens-social-care-case-chronology?version=1')
    assert.match(v1.body, /Frees social worker time/)
    assert.match(v1.body, /This is an earlier version/)
    await assert.rejects(t.db.query("update transparency_publications set fields = '{}'::jsonb"), /cannot be changed/)
    await assert.rejects(t.db.query('delete from transparency_publications'), /cannot be changed/)
  })

  test('a stale record edit is refused and keeps what was typed', async () => {
    const id = await entryId(t.db, "Children's social care case chronology")
    const res = await contributor.post(`/register/${id}/transparency/edit`, { version: '1', benefit: 'Typed on an old page.' })
    assert.equal(res.statusCode, 409)
    assert.match(res.body, /Someone else saved this record/)
    assert.match(res.body, /Typed on an old page\./)
  })

  test('drafts are never public, and another council cannot reach them', async () => {
    const id = await entryId(t.db, "Children's social care case chronology")
    const other = await signIn(t.app, as.riverside('admin'))
    assert.equal((await other.get(`/register/${id}/transparency`)).statusCode, 404)
    assert.equal((await other.post(`/register/${id}/transparency/publish`)).statusCode, 404)
    assert.equal((await anon().get('/public/records/northmoor/no-such-record')).statusCode, 404)
    assert.equal((await anon().get('/public/records/northmoor/childrens-social-care-case-chronology?version=99')).statusCode, 404)
    assert.equal((await anon().get('/public/records/northmoor/childrens-social-care-case-chronology?version=abc')).statusCode, 404)
    const list = await anon().get('/public')
    assert.doesNotMatch(list.body, /Rent arrears prioritisation model/)
  })
})

describe('public downloads', () => {
  test('JSON lists the latest version of every published record with ATRS keys', async () => {
    const res = await anon().get('/public/records.json')
    assert.equal(res.statusCode, 200)
    const records = res.json() as Record<string, string | number>[]
    const names = records.map((r) => r.name).sort()
    assert.ok(names.includes('Adaptive traffic signal control'))
    assert.ok(names.includes('Meeting notes and actions assistant'))
    const chronology = records.find((r) => r.id === 'northmoor/childrens-social-care-case-chronology')!
    assert.equal(chronology.version, 2)
    assert.equal(chronology.standard_version, '3.0')
    for (const key of ['name', 'description', 'website_url', 'contact_email', 'organisation_or_department', 'senior_responsible_owner', 'benefit']) {
      assert.ok(key in chronology, key)
    }
  })

  test('CSV has the ATRS header and one row per record', async () => {
    const res = await anon().get('/public/records.csv')
    assert.equal(res.statusCode, 200)
    assert.match(String(res.headers['content-type']), /text\/csv/)
    const [header] = res.body.split('\r\n')
    assert.match(header!, /^id,standard_version,date_updated,version,title,organisation_name/)
    const json = (await anon().get('/public/records.json')).json() as unknown[]
    assert.equal(res.body.trim().split('\r\n').length >= json.length + 1, true)
  })

  test('the public pages need no login and show no internal navigation', async () => {
    const res = await anon().get('/public')
    assert.equal(res.statusCode, 200)
    assert.doesNotMatch(res.body, /href="\/people"/)
    assert.match(res.body, /Public register of AI and algorithmic tools/)
  })
})
