// Complete ATRS records (issue 11 §1), through the pages a council uses: every value is checked when
// it is saved (not only at publish) and each refusal names its field and keeps what was typed; the
// completeness list names each field by section; a reviewer who did not write the record approves
// it before an administrator publishes; repeated model and data specifications are added and
// removed; a field can be withheld with a reason; Welsh text goes out with the version; and a
// published version cannot be changed through any route.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { assertShows, Client, createTestApp, fieldValue, type TestApp } from '../../../test/support/app.ts'
import { approveRecord, completeRecord, makeEntry, makeTeam, signInAs, type Team } from '../../../test/support/factories.ts'
import type { RegisterEntry } from '../register/model.ts'
import { CURRENT_STANDARD } from './standard.ts'

let t: TestApp
let team: Team
let contributor: Client
let assessor: Client
let admin: Client
before(async () => {
  t = await createTestApp({ demo: false })
  team = await makeTeam(t)
  ;[contributor, assessor, admin] = await Promise.all([signInAs(t, team.contributor), signInAs(t, team.assessor), signInAs(t, team.admin)])
})
after(() => t.close())

const recordOf = (id: string) => t.services.transparency.recordFor(team.viewer.user, id)
const formVersion = async (c: Client, entry: RegisterEntry) => fieldValue((await c.get(`/register/${entry.id}/transparency`)).body, 'version')!
const save = async (c: Client, entry: RegisterEntry, form: Record<string, string>) =>
  c.post(`/register/${entry.id}/transparency/edit`, { version: await formVersion(c, entry), ...form })
const publications = async (entry: RegisterEntry) =>
  t.db.query<{ version_no: number; fields: Record<string, string>; fields_cy: Record<string, string>; redactions: Record<string, string>; standard_version: string }>(
    `select p.version_no, p.fields, p.fields_cy, p.redactions, p.standard_version from transparency_publications p
     join transparency_records r on r.id = p.record_id where r.entry_id = $1 order by p.version_no`, [entry.id])

describe('values are checked when saved', () => {
  let entry: RegisterEntry
  before(async () => { entry = await makeEntry(t, team, { name: 'Saving checks', stage: 'approved', record: 'draft' }) })

  /** What a careless user or an attacker types → the field named in the error. */
  const CASES: { name: string; form: Record<string, string>; field: string; key: string }[] = [
    { name: 'a phase that is not one of the standard’s', form: { phase: 'Banana' }, field: 'phase', key: 'transparency.errors.notAnOption' },
    { name: 'third party involvement that is neither Yes nor No', form: { external_supplier_involvement: 'Maybe' }, field: 'external_supplier_involvement', key: 'transparency.errors.notAnOption' },
    { name: 'a region that is not one of the standard’s', form: { region: 'Narnia' }, field: 'region', key: 'transparency.errors.notAnOption' },
    { name: 'an empty title', form: { title: '   ' }, field: 'title', key: 'transparency.errors.missing' },
    { name: 'a javascript: website', form: { website_url: 'javascript:alert(1)' }, field: 'website_url', key: 'transparency.errors.invalid' },
    { name: 'a website with no host', form: { website_url: 'https://localhost' }, field: 'website_url', key: 'transparency.errors.invalid' },
    { name: 'a 25,000-character description', form: { description: 'x'.repeat(25000) }, field: 'description', key: 'transparency.errors.tooLong' },
  ]
  for (const c of CASES) {
    test(`${c.name} is refused, naming the field and keeping what was typed`, async () => {
      const before = (await recordOf(entry.id))!
      const res = await save(contributor, entry, { benefit: 'Typed beside the mistake.', ...c.form })
      assert.equal(res.statusCode, 400, res.body.slice(0, 300))
      assert.match(res.body, /govuk-error-summary/)
      assert.match(res.body, new RegExp(`href="#field-${c.field}"`), 'the summary links to the field')
      const label = before.completeness.missing.find((m) => m.key === c.field)?.label
      if (label) assertShows(res.body, c.key, { field: label })
      assert.equal(fieldValue(res.body, 'benefit'), 'Typed beside the mistake.', 'what was typed is kept')
      const after = (await recordOf(entry.id))!
      assert.equal(after.version, before.version, 'nothing was saved')
      assert.equal(after.fields.benefit, before.fields.benefit)
    })
  }

  test('an unknown value typed before the field had options stays visible, and is listed as not an option', async () => {
    await t.db.query(`update transparency_records set fields = fields || '{"phase": "Banana"}'::jsonb where entry_id = $1`, [entry.id])
    const page = await contributor.get(`/register/${entry.id}/transparency`)
    assert.equal(fieldValue(page.body, 'phase'), 'Banana')
    assert.match(page.body, /href="#field-phase">Choose Phase from the options/)
    const r = (await recordOf(entry.id))!
    assert.ok(r.completeness.missing.some((m) => m.key === 'phase' && m.problem === 'notAnOption'), 'Banana is never "complete"')
    await save(contributor, entry, { phase: 'Pre-deployment' })
  })

  test('a JSON body where a form is expected saves nothing and is not a 500', async () => {
    const before = (await recordOf(entry.id))!
    const res = await t.app.inject({
      method: 'POST', url: `/register/${entry.id}/transparency/edit`,
      headers: { cookie: contributor.cookieHeader(), 'content-type': 'application/json', 'x-csrf-token': contributor.csrf },
      payload: JSON.stringify({ version: before.version, title: ['a', 'b'], benefit: { $ne: 1 } }),
    })
    assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${res.statusCode}`)
    assert.equal((await recordOf(entry.id))!.version, before.version)
  })
})

describe('the completeness check names each field, by section', () => {
  test('an empty draft lists every required field under its section, and "N/A" answers apart', async () => {
    const entry = await makeEntry(t, team, { name: 'Completeness list', stage: 'approved', record: 'draft' })
    await save(contributor, entry, { previous_process: 'N/A', alternatives_considered: 'n/a' })
    const page = await contributor.get(`/register/${entry.id}/transparency`)
    const r = (await recordOf(entry.id))!
    assert.equal(r.standardVersion, CURRENT_STANDARD)
    assert.ok(r.completeness.missing.length > 10, 'a new draft has much to complete')
    for (const m of r.completeness.missing) {
      assert.ok(page.body.includes(`href="#field-${m.key}"`), `${m.key} is linked`)
    }
    for (const section of new Set(r.completeness.missing.map((m) => m.section))) {
      assert.ok(page.body.includes(`<h3 class="govuk-heading-s">${section.replace(/'/g, '&#39;')}</h3>`), `section ${section} is named`)
    }
    // The draft says "None." for sensitive attributes in operation (the entry holds no personal data): listed for checking too.
    assert.deepEqual(r.completeness.notApplicable.map((m) => m.key).sort(), ['alternatives_considered', 'operational_sensitive_attributes__1', 'previous_process'])
    assert.match(page.body, /3 fields are answered &quot;N\/A&quot;/)
    // Labels say "(optional)" only for what is optional now: the third party's details are, until involvement is Yes.
    assert.match(page.body, /2\.1\.4\.1 Third party \(optional\)/)
    await save(contributor, entry, { external_supplier_involvement: 'Yes' })
    const yes = await contributor.get(`/register/${entry.id}/transparency`)
    assert.doesNotMatch(yes.body, /2\.1\.4\.1 Third party \(optional\)/)
    assert.match(yes.body, /href="#field-external_supplier">Enter Third party/)
  })
})

describe('a reviewer approves before an administrator publishes', () => {
  test('the author cannot approve; a later save lapses the approval; publish waits for it', async () => {
    const entry = await makeEntry(t, team, { name: 'Review flow', stage: 'live', record: 'complete', by: { writer: team.assessor } })
    // The assessor wrote the record: the approve button is not offered, and a forced post is refused.
    const own = await assessor.get(`/register/${entry.id}/transparency`)
    assertShows(own.body, 'transparency.errors.ownRecordReview')
    const refused = await assessor.post(`/register/${entry.id}/transparency/approve`, { version: fieldValue(own.body, 'version')! })
    assert.equal(refused.statusCode, 409)
    assert.equal((await recordOf(entry.id))!.approval, null)
    // A contributor may not approve at all.
    assert.equal((await contributor.post(`/register/${entry.id}/transparency/approve`, { version: '1' })).statusCode, 403)
    // The board member did not write it.
    const board = await signInAs(t, team.board)
    const page = await board.get(`/register/${entry.id}/transparency`)
    assert.equal((await board.post(`/register/${entry.id}/transparency/approve`, { version: fieldValue(page.body, 'version')! })).statusCode, 303)
    assert.equal((await recordOf(entry.id))!.approval?.current, true)
    // Saving again lapses the approval.
    await save(assessor, entry, { benefit: 'Changed after approval.' })
    assert.equal((await recordOf(entry.id))!.approval?.current, false)
    const early = await admin.post(`/register/${entry.id}/transparency/publish`)
    assert.equal(early.statusCode, 409)
    assertShows(early.body, 'transparency.errors.needsReview')
    assert.deepEqual(await publications(entry), [])
    // An approval of an older version (a stale form) is refused.
    assert.equal((await board.post(`/register/${entry.id}/transparency/approve`, { version: fieldValue(page.body, 'version')! })).statusCode, 409)
    await approveRecord(t, team.board.user, entry)
    assert.equal((await admin.post(`/register/${entry.id}/transparency/publish`)).statusCode, 303)
    const [v1] = await publications(entry)
    assert.equal(v1!.standard_version, CURRENT_STANDARD)
  })

  test('an incomplete record cannot be approved, and the refusal names the fields', async () => {
    const entry = await makeEntry(t, team, { name: 'Approve incomplete', stage: 'approved', record: 'draft' })
    const page = await assessor.get(`/register/${entry.id}/transparency`)
    const res = await assessor.post(`/register/${entry.id}/transparency/approve`, { version: fieldValue(page.body, 'version')! })
    assert.equal(res.statusCode, 409)
    assertShows(res.body, 'transparency.errors.incomplete')
    assert.match(res.body, /href="#field-benefit"/)
  })

  test('another council cannot approve', async () => {
    const entry = await makeEntry(t, team, { name: 'Approve elsewhere', stage: 'live', record: 'complete' })
    const other = await signInAs(t, (await makeTeam(t)).assessor)
    assert.equal((await other.post(`/register/${entry.id}/transparency/approve`, { version: '1' })).statusCode, 404)
    assert.equal((await recordOf(entry.id))!.approval, null)
  })
})

describe('repeated model and data specifications', () => {
  test('add another, remove one in the middle: the others move up, and what was typed is saved first', async () => {
    const entry = await makeEntry(t, team, { name: 'Two models', stage: 'approved', record: 'draft' })
    for (const name of ['First model', 'Second model', 'Third model']) {
      const r = (await recordOf(entry.id))!
      const n = Object.keys(r.fields).filter((k) => /^model_name__\d+$/.test(k)).length
      const res = await save(contributor, entry, { ...(n ? { [`model_name__${n}`]: r.fields[`model_name__${n}`] ?? '' } : {}), _add: 'model' })
      assert.equal(res.statusCode, 303)
      await save(contributor, entry, { [`model_name__${n + 1}`]: name })
    }
    let r = (await recordOf(entry.id))!
    assert.deepEqual([1, 2, 3].map((i) => r.fields[`model_name__${i}`]), ['First model', 'Second model', 'Third model'])
    const page = await contributor.get(`/register/${entry.id}/transparency`)
    assert.match(page.body, /Model specification 3/)
    assert.equal((await save(contributor, entry, { benefit: 'Saved with the removal.', _remove: 'model:2' })).statusCode, 303)
    r = (await recordOf(entry.id))!
    assert.deepEqual([1, 2].map((i) => r.fields[`model_name__${i}`]), ['First model', 'Third model'])
    assert.equal(r.fields.model_name__3, undefined)
    assert.equal(r.fields.benefit, 'Saved with the removal.')
    // A made-up item number (a crafted form) writes nothing: items are added with the button.
    await save(contributor, entry, { model_name__9: 'Smuggled', model_name__2: 'Third model, renamed' })
    r = (await recordOf(entry.id))!
    assert.equal(r.fields.model_name__9, undefined)
    assert.equal(r.fields.model_name__2, 'Third model, renamed')
  })
})

describe('withholding a field, and Welsh text', () => {
  test('a withheld field needs a reason, is published as withheld with it, and its text never reaches the public', async () => {
    const entry = await makeEntry(t, team, { name: 'Withheld thresholds', stage: 'live', record: 'complete' })
    const redactions = `/register/${entry.id}/transparency/redactions`
    const form = await contributor.get(redactions)
    const version = fieldValue(form.body, 'version')!
    const noReason = await contributor.post(redactions, { version, field: 'system_architecture', reason: '  ' })
    assert.equal(noReason.statusCode, 400)
    assert.match(noReason.body, /href="#reason"/)
    const notAField = await contributor.post(redactions, { version, field: 'title', reason: 'No.' })
    assert.equal(notAField.statusCode, 400)
    assert.match(notAField.body, /href="#field"/)
    assert.equal((await contributor.post(redactions, { version, field: 'system_architecture', reason: 'Publishing it would help people get round the checks.' })).statusCode, 303)
    await save(contributor, entry, { system_architecture: 'Internal detail nobody outside should read.' })
    await approveRecord(t, team.assessor.user, entry)
    assert.equal((await admin.post(`/register/${entry.id}/transparency/publish`)).statusCode, 303)
    const [v1] = await publications(entry)
    assert.equal(v1!.fields.system_architecture, 'Redacted: Publishing it would help people get round the checks.')
    assert.deepEqual(Object.keys(v1!.redactions), ['system_architecture'])
    const all = JSON.stringify(await t.db.query('select fields, search::text from public_records where fields ->> \'title\' = $1', ['Withheld thresholds']))
    assert.doesNotMatch(all, /Internal detail|nobody outside/)
  })

  test('Welsh text is saved field by field, needs approving again, and is published with the version', async () => {
    const entry = await makeEntry(t, team, { name: 'Welsh record', stage: 'live', record: 'complete' })
    await approveRecord(t, team.assessor.user, entry)
    const page = await contributor.get(`/register/${entry.id}/transparency/welsh`)
    assert.equal(page.statusCode, 200)
    assert.match(page.body, /name="cy_description"/)
    assert.doesNotMatch(page.body, /name="cy_phase"|name="cy_website_url"/, 'options and addresses have no Welsh')
    const res = await contributor.post(`/register/${entry.id}/transparency/welsh`, {
      version: fieldValue(page.body, 'version')!, cy_title: 'Cofnod Cymraeg', cy_description: 'Disgrifiad yn Gymraeg.', cy_phase: 'Ignored',
    })
    assert.equal(res.statusCode, 303)
    const r = (await recordOf(entry.id))!
    assert.deepEqual(r.fieldsCy, { title: 'Cofnod Cymraeg', description: 'Disgrifiad yn Gymraeg.' })
    assert.equal(r.approval?.current, false, 'new text needs a new approval')
    await approveRecord(t, team.assessor.user, entry)
    assert.equal((await admin.post(`/register/${entry.id}/transparency/publish`)).statusCode, 303)
    const [v1] = await publications(entry)
    assert.deepEqual(v1!.fields_cy, { title: 'Cofnod Cymraeg', description: 'Disgrifiad yn Gymraeg.' })
  })
})

describe('a record can move to another version of the standard', () => {
  test('its text stays; what is asked follows the version; an unknown version is refused', async () => {
    const entry = await makeEntry(t, team, { name: 'Version move', stage: 'approved', record: 'draft' })
    await save(contributor, entry, { benefit: 'Kept across versions.' })
    const page = await contributor.get(`/register/${entry.id}/transparency`)
    const version = fieldValue(page.body, 'version')!
    const bad = await contributor.post(`/register/${entry.id}/transparency/standard`, { version, standardVersion: '9.9' })
    assert.equal(bad.statusCode, 400)
    assert.match(bad.body, /href="#field-standardVersion"|href="#standardVersion"/)
    assert.equal((await contributor.post(`/register/${entry.id}/transparency/standard`, { version, standardVersion: '3.0' })).statusCode, 303)
    const r = (await recordOf(entry.id))!
    assert.equal(r.standardVersion, '3.0')
    assert.equal(r.fields.benefit, 'Kept across versions.')
    assert.ok(r.completeness.missing.some((m) => m.key === 'scope'), 'v3.0 asks for Scope')
    assert.ok(!r.completeness.missing.some((m) => m.key.startsWith('operational_')), 'v3.0 has no operational data section')
    await completeRecord(t, team.contributor.user, entry)
    assert.equal((await recordOf(entry.id))!.completeness.complete, true)
  })
})

describe('a published version cannot be changed through any route', () => {
  test('edits, approvals, Welsh, withholding and publishing again only ever add a version', async () => {
    const entry = await makeEntry(t, team, { name: 'Immutable record', stage: 'live', record: 'published' })
    const [v1] = await publications(entry)
    const r = (await recordOf(entry.id))!
    const version = String(r.version)
    await contributor.post(`/register/${entry.id}/transparency/edit`, { version, benefit: 'Rewritten.' })
    await contributor.post(`/register/${entry.id}/transparency/welsh`, { version: String(r.version + 1), cy_title: 'Newydd' })
    await contributor.post(`/register/${entry.id}/transparency/redactions`, { version: String(r.version + 2), field: 'benefit', reason: 'Withheld now.' })
    await approveRecord(t, team.assessor.user, entry)
    await admin.post(`/register/${entry.id}/transparency/publish`)
    const after = await publications(entry)
    assert.deepEqual(after.map((p) => p.version_no), [1, 2])
    assert.deepEqual(after[0], v1, 'version 1 is exactly as it was')
    const slug = r.slug
    const anon = new Client(t.app)
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) {
      for (const url of [`/public/records/${team.org.slug}/${slug}`, `/public/records/${team.org.slug}/${slug}?version=1`, `/api/public/v1/records/${team.org.slug}/${slug}`]) {
        const res = await anon.app.inject({ method, url, headers: { 'content-type': 'application/json' }, payload: '{"fields":{}}' })
        assert.ok([403, 404, 405, 415].includes(res.statusCode), `${method} ${url} → ${res.statusCode}`)
      }
    }
    for (const method of ['PUT', 'PATCH', 'DELETE'] as const) {
      const res = await admin.api(method, `/register/${entry.id}/transparency`, { fields: {} })
      assert.ok([403, 404, 405, 415].includes(res.statusCode), `${method} → ${res.statusCode}`)
    }
    assert.deepEqual((await publications(entry))[0], v1)
    await assert.rejects(t.db.query('update transparency_publications set redactions = \'{}\'::jsonb'), /cannot be changed/)
  })
})
