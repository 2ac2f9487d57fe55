import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  assertShows, Client, createTestApp, escapeHtml, fieldValue, parseCsv, type TestApp,
} from '../../../test/support/app.ts'
import { approveRecord, completeRecord, makeEntry, makeTeam, signInAs, type Team } from '../../../test/support/factories.ts'
import type { RegisterEntry } from '../register/model.ts'
import { CSV_COLUMNS, GROUPS } from './atrs.ts'
import { CURRENT_STANDARD } from './standard.ts'

let t: TestApp
let team: Team
let contributor: Client
let admin: Client
before(async () => {
  t = await createTestApp({ demo: false })
  team = await makeTeam(t)
  ;[contributor, admin] = await Promise.all([signInAs(t, team.contributor), signInAs(t, team.admin)])
})
after(() => t.close())

const anon = () => new Client(t.app)
const recordOf = (id: string) => t.services.transparency.recordFor(team.viewer.user, id)
const publicPath = (entry: RegisterEntry, slug: string) => `/public/records/${team.org.slug}/${slug}`
const today = () => new Date().toISOString().slice(0, 10)

/** Fields a council writes that no draft can know. */
const written = {
  one_sentence_description: 'Drafts case chronologies for social workers to check.',
  benefit: 'Frees social worker time for families.',
  previous_process: 'Chronologies were typed by hand.',
  risks_and_mitigations: 'Errors caught by social worker review.',
}

// First in the file, so that nothing else this file publishes is on the public register yet:
// the downloads must hold exactly these records, once each, with exactly their content.
describe('public downloads', () => {
  let other: Team
  const expected: { id: string; version: string; title: string; organisation: string; benefit: string }[] = []
  const tricky = 'Saves time, "roughly" two hours\nper case; =SUM(A1) is text.'
  before(async () => {
    other = await makeTeam(t)
    const a = await makeEntry(t, team, { name: 'Meeting notes assistant', stage: 'live', record: 'published', recordFields: { benefit: tricky } })
    const b = await makeEntry(t, team, { name: 'Document translation', stage: 'pilot', record: 'published', recordFields: { benefit: 'Letters in more languages.' } })
    const c = await makeEntry(t, other, { name: 'Traffic signal timing', stage: 'live', record: 'published', recordFields: { benefit: 'Shorter queues.' } })
    await makeEntry(t, team, { name: 'Unpublished draft', stage: 'approved', record: 'complete' })
    // A second version of the first record: the downloads carry the latest version only.
    const r = (await recordOf(a.id))!
    await t.services.transparency.update(team.contributor.user, a.id, r.version, { previous_process: 'Notes were typed up by hand.' })
    await approveRecord(t, team.assessor.user, a)
    await t.services.transparency.publish(team.admin.user, a.id)
    for (const [entry, org, version, benefit] of [[a, team.org, '2', tricky], [b, team.org, '1', 'Letters in more languages.'], [c, other.org, '1', 'Shorter queues.']] as const) {
      const rec = (await t.services.transparency.recordFor(org === team.org ? team.viewer.user : other.viewer.user, entry.id))!
      expected.push({ id: `${org.slug}/${rec.slug}`, version, title: entry.name, organisation: org.name, benefit })
    }
    expected.sort((x, y) => x.id.localeCompare(y.id))
  })

  test('JSON lists the latest version of every published record, once each, with ATRS keys', async () => {
    const res = await anon().get('/public/records.json')
    assert.equal(res.statusCode, 200)
    const records = res.json<Record<string, string | number>[]>()
    const got = records.map((r) => ({ id: r.id, version: String(r.version), title: r.title, organisation: r.organisation_name, benefit: r.benefit }))
    assert.deepEqual(got.sort((x, y) => String(x.id).localeCompare(String(y.id))), expected)
    const grouped = new Set([...GROUPS.values()].flat())
    for (const r of records) {
      assert.equal(r.standard_version, CURRENT_STANDARD)
      assert.equal(r.date_updated, today())
      assert.deepEqual(Object.keys(r), [...CSV_COLUMNS.filter((c) => !grouped.has(c)), ...GROUPS.keys()],
        'metadata, then every ATRS key in order, then each repeated specification as a list')
    }
  })

  test('CSV has the ATRS header and exactly one row per published record, cells intact', async () => {
    const res = await anon().get('/public/records.csv')
    assert.equal(res.statusCode, 200)
    assert.match(String(res.headers['content-type']), /^text\/csv/)
    assert.ok(res.body.endsWith('\r\n'), 'every line ends CRLF')
    const [header, ...rows] = parseCsv(res.body)
    assert.deepEqual(header, [...CSV_COLUMNS])
    assert.equal(rows.length, expected.length, `one row per record:\n${res.body}`)
    const col = (name: string) => CSV_COLUMNS.indexOf(name)
    const got = rows.map((r) => {
      assert.equal(r.length, CSV_COLUMNS.length, 'every row has every column')
      return { id: r[col('id')]!, version: r[col('version')]!, title: r[col('title')]!, organisation: r[col('organisation_name')]!, benefit: r[col('benefit')]! }
    })
    assert.deepEqual(got.sort((x, y) => x.id.localeCompare(y.id)), expected)
    for (const r of rows) {
      assert.equal(r[col('standard_version')], CURRENT_STANDARD)
      assert.equal(r[col('date_updated')], today())
    }
  })

  test('the public pages need no login and show no internal navigation', async () => {
    const res = await anon().get('/public')
    assert.equal(res.statusCode, 200)
    assert.doesNotMatch(res.body, /href="\/people"|href="\/register"/)
    assert.match(res.body, /Public register of AI and algorithmic tools/)
    for (const e of expected) assert.ok(res.body.includes(escapeHtml(e.title)), `lists ${e.title}`)
    assert.doesNotMatch(res.body, /Unpublished draft/)
  })
})

describe('drafting and publishing an ATRS record', () => {
  test('a record cannot be drafted before the board approves', async () => {
    for (const stage of ['awaiting_decision', 'rejected'] as const) {
      const entry = await makeEntry(t, team, { stage })
      await contributor.get(`/register/${entry.id}`)
      const res = await contributor.post(`/register/${entry.id}/transparency`)
      assert.equal(res.statusCode, 303)
      assert.equal(res.headers.location, `/register/${entry.id}?refused=lifecycle.needsApproval`, stage)
      assert.equal(await recordOf(entry.id), null, `no record drafted when ${stage}`)
    }
  })

  test('drafting fills fields from the register, the organisation and the screening', async () => {
    const entry = await makeEntry(t, team, {
      name: 'Children’s social care case chronology', owner: 'Principal Social Worker', serviceArea: 'Children’s services',
      personalData: true, specialCategoryData: true, stage: 'approved', screening: 'high',
    })
    assert.equal((await contributor.post(`/register/${entry.id}/transparency`)).statusCode, 303)
    const page = await contributor.get(`/register/${entry.id}/transparency`)
    assert.equal(page.statusCode, 200)
    assert.equal(fieldValue(page.body, 'title'), 'Children’s social care case chronology')
    assert.equal(fieldValue(page.body, 'senior_responsible_owner'), 'Principal Social Worker')
    assert.equal(fieldValue(page.body, 'team'), 'Children’s services')
    assert.equal(fieldValue(page.body, 'phase'), 'Pre-deployment', 'the checked radio')
    assert.equal(fieldValue(page.body, 'region'), (await recordOf(entry.id))!.fields.region, 'the selected option')
    // From the screening's outcome (high tier, a DPIA and an EqIA required), not the field's hint.
    const impact = fieldValue(page.body, 'impact_assessment') ?? ''
    assert.match(impact, /^Initial screening placed this use in the high risk tier\./)
    assert.match(impact, /Screening found that a Data Protection Impact Assessment \(DPIA\) is required\./)
    assert.match(impact, /Screening found that an Equality Impact Assessment \(EqIA\) is required\./)
    assert.ok(page.body.includes(escapeHtml(team.org.name)), 'the organisation’s own name is on the record')
    assert.equal(fieldValue(page.body, 'benefit'), '', 'what the register cannot know is left for people to write')
  })

  test('contributors draft; only admins publish, and only a complete record', async () => {
    const entry = await makeEntry(t, team, { stage: 'approved', record: 'draft' })
    await contributor.get(`/register/${entry.id}/transparency`)
    assert.equal((await contributor.post(`/register/${entry.id}/transparency/publish`)).statusCode, 403)
    await admin.get(`/register/${entry.id}/transparency`)
    const refused = await admin.post(`/register/${entry.id}/transparency/publish`)
    assert.equal(refused.statusCode, 409)
    assertShows(refused.body, 'transparency.errors.incomplete')
    assert.match(refused.body, /href="#field-benefit">Enter Benefit/)
    assert.deepEqual((await recordOf(entry.id))!.publications, [])
  })

  test('a complete record publishes as version 1 and appears on the public register', async () => {
    const entry = await makeEntry(t, team, { name: 'Case chronology drafting', stage: 'approved', record: 'draft' })
    const form = await contributor.get(`/register/${entry.id}/transparency`)
    const version = fieldValue(form.body, 'version')!
    const save = await contributor.post(`/register/${entry.id}/transparency/edit`, {
      version, ...written, impact_assessment: 'DPIA and equality impact assessment completed.',
    })
    assert.equal(save.statusCode, 303)
    await completeRecord(t, team.contributor.user, entry)
    assert.equal((await recordOf(entry.id))!.completeness.complete, true)
    // Complete is not enough: a reviewer who did not write it approves it first.
    await admin.get(`/register/${entry.id}/transparency`)
    const early = await admin.post(`/register/${entry.id}/transparency/publish`)
    assert.equal(early.statusCode, 409)
    assertShows(early.body, 'transparency.errors.needsReview')
    const assessor = await signInAs(t, team.assessor)
    const reviewPage = await assessor.get(`/register/${entry.id}/transparency`)
    assert.equal((await assessor.post(`/register/${entry.id}/transparency/approve`, { version: fieldValue(reviewPage.body, 'version')! })).statusCode, 303)
    const pub = await admin.post(`/register/${entry.id}/transparency/publish`)
    assert.equal(pub.statusCode, 303)
    const record = (await recordOf(entry.id))!
    assert.deepEqual(record.publications.map((p) => p.versionNo), [1])

    const list = await anon().get('/public?q=chronology')
    assert.equal(list.statusCode, 200)
    assert.match(list.body, /Case chronology drafting/)
    const shownRecord = await anon().get(publicPath(entry, record.slug))
    assert.equal(shownRecord.statusCode, 200)
    assert.match(shownRecord.body, /Frees social worker time for families\./)
    assert.match(shownRecord.body, /Version 1, published/)
  })

  test('later edits publish a new version; the old version never changes', async () => {
    const entry = await makeEntry(t, team, { name: 'Chronology versions', stage: 'live', record: 'published', recordFields: { benefit: 'Frees social worker time.' } })
    const { slug } = (await recordOf(entry.id))!
    const form = await contributor.get(`/register/${entry.id}/transparency`)
    await contributor.post(`/register/${entry.id}/transparency/edit`, { version: fieldValue(form.body, 'version')!, benefit: 'Saves about two hours per chronology.' })
    // The public still sees version 1 until it is approved again and an admin publishes.
    assert.match((await anon().get(publicPath(entry, slug))).body, /Frees social worker time/)
    await approveRecord(t, team.assessor.user, entry)
    await admin.get(`/register/${entry.id}/transparency`)
    assert.equal((await admin.post(`/register/${entry.id}/transparency/publish`)).statusCode, 303)
    const latest = await anon().get(publicPath(entry, slug))
    assert.match(latest.body, /Saves about two hours per chronology\./)
    assert.doesNotMatch(latest.body, /Frees social worker time/)
    assert.match(latest.body, /All versions/)
    const v1 = await anon().get(`${publicPath(entry, slug)}?version=1`)
    assert.match(v1.body, /Frees social worker time/)
    assert.match(v1.body, /This is an earlier version/)
    await assert.rejects(t.db.query("update transparency_publications set fields = '{}'::jsonb"), /cannot be changed/)
    await assert.rejects(t.db.query('delete from transparency_publications'), /cannot be changed/)
  })

  test('a stale record edit is refused and keeps what was typed', async () => {
    const entry = await makeEntry(t, team, { stage: 'approved', record: 'draft' })
    const form = await contributor.get(`/register/${entry.id}/transparency`)
    const version = fieldValue(form.body, 'version')!
    const assessor = await signInAs(t, team.assessor)
    await assessor.get(`/register/${entry.id}/transparency`)
    assert.equal((await assessor.post(`/register/${entry.id}/transparency/edit`, { version, benefit: 'Saved first.' })).statusCode, 303)
    const res = await contributor.post(`/register/${entry.id}/transparency/edit`, { version, benefit: 'Typed on an old page.' })
    assert.equal(res.statusCode, 409)
    assertShows(res.body, 'transparency.errors.stale')
    assert.equal(fieldValue(res.body, 'benefit'), 'Typed on an old page.')
    assert.equal((await recordOf(entry.id))!.fields.benefit, 'Saved first.')
  })

  test('drafts are never public, and another organisation cannot reach them', async () => {
    const entry = await makeEntry(t, team, { name: 'Never published', stage: 'approved', record: 'complete' })
    const { slug } = (await recordOf(entry.id))!
    const other = await signInAs(t, (await makeTeam(t)).admin)
    assert.equal((await other.get(`/register/${entry.id}/transparency`)).statusCode, 404)
    assert.equal((await other.post(`/register/${entry.id}/transparency/publish`)).statusCode, 404)
    assert.equal((await other.post(`/register/${entry.id}/transparency/edit`, { version: '1', benefit: 'Hijacked' })).statusCode, 404)
    assert.deepEqual((await recordOf(entry.id))!.publications, [])
    assert.notEqual((await recordOf(entry.id))!.fields.benefit, 'Hijacked')
    assert.equal((await anon().get(publicPath(entry, slug))).statusCode, 404)
    assert.equal((await anon().get('/public/records/no-such-org/no-such-record')).statusCode, 404)
    const published = await makeEntry(t, team, { name: 'Published once', stage: 'live', record: 'published' })
    const pslug = (await recordOf(published.id))!.slug
    assert.equal((await anon().get(`${publicPath(published, pslug)}?version=99`)).statusCode, 404)
    assert.equal((await anon().get(`${publicPath(published, pslug)}?version=abc`)).statusCode, 404)
    const list = await anon().get('/public')
    assert.doesNotMatch(list.body, /Never published/)
    assert.match(list.body, /Published once/)
  })

  test('editing the transparency record of an entry without one is a 404', async () => {
    const entry = await makeEntry(t, team, { stage: 'approved' })
    assert.equal((await contributor.post(`/register/${entry.id}/transparency/edit`, { version: '1', benefit: 'x' })).statusCode, 404)
    assert.equal(await recordOf(entry.id), null)
  })
})
