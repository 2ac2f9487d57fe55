// "Report a problem with this record": the public form (field errors keep what was typed), the
// report saved with an e-mail queued to the owning organisation in the same transaction, the
// reporter's address never public, a limit per address, and the list the organisation's admins
// work through (nobody else's, nobody without the permission).
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Client, createTestApp, csrfFrom, fieldValue, type TestApp } from '../../../test/support/app.ts'
import { makeEntry, makeOrganisation, makeTeam, signInAs, type Team } from '../../../test/support/factories.ts'
import { REPORTS_PER_DAY } from './reports.ts'

let t: TestApp
let team: Team
let other: Team
let base: string
let otherBase: string

/** A visitor who opened the report form (and so holds its CSRF token), as a browser would. */
async function visitor(url = `${base}/report`) {
  const c = new Client(t.app)
  const form = await c.get(url)
  assert.equal(form.statusCode, 200, 'the form')
  return c
}

const outbox = (orgId: string) =>
  t.db.query<{ to_address: string; subject: string; body_text: string }>(
    "select * from mail_outbox where organisation_id = $1 and kind = 'transparency.problem_report' order by created_at", [orgId])

const reports = () => t.db.query<{ id: string; reporter_email: string; body: string }>('select * from transparency_problem_reports order by created_at')

before(async () => {
  t = await createTestApp({ demo: false })
  team = await makeTeam(t, await makeOrganisation(t, { slug: 'reportshire', name: 'Reportshire Council', contactEmail: 'transparency@reportshire.example' }))
  other = await makeTeam(t, await makeOrganisation(t, { slug: 'elsewhere', name: 'Elsewhere Council' }))
  const entry = await makeEntry(t, team, { stage: 'live', name: 'Pothole reporter', record: 'published' })
  base = `/public/records/reportshire/${(await t.services.transparency.recordFor(team.contributor.user, entry.id))!.slug}`
  const theirs = await makeEntry(t, other, { stage: 'live', name: 'Their tool', record: 'published' })
  otherBase = `/public/records/elsewhere/${(await t.services.transparency.recordFor(other.contributor.user, theirs.id))!.slug}`
})

after(async () => {
  await t?.close()
})

describe('the report form', () => {
  it('refuses a missing text and a bad address with GOV.UK errors, keeping what was typed, and saves nothing', async () => {
    const c = await visitor()
    const res = await c.post(`${base}/report`, { body: '', email: 'not an email', name: 'Ann "quoted" <b>' })
    assert.equal(res.statusCode, 400)
    assert.ok(res.body.includes('govuk-error-summary'), 'the error summary')
    assert.ok(res.body.includes('href="#body"') && res.body.includes('Enter what is wrong with this record'), 'the text is required')
    assert.ok(res.body.includes('href="#email"') && res.body.includes('Enter an email address in the correct format'), 'the address must be valid')
    assert.equal(fieldValue(res.body, 'email'), 'not an email', 'the address typed is kept')
    assert.equal(fieldValue(res.body, 'name'), 'Ann "quoted" <b>', 'the name typed is kept (escaped)')
    assert.ok(!res.body.includes('<b>'), 'nothing typed becomes markup')
    assert.equal((await reports()).length, 0, 'nothing saved')
  })

  it('refuses a text over 5,000 characters, a list where one value is expected, and JSON', async () => {
    const c = await visitor()
    const long = await c.post(`${base}/report`, { body: 'x'.repeat(5001), email: 'a@b.example' })
    assert.equal(long.statusCode, 400)
    assert.ok(long.body.includes('5,000 characters or fewer'), 'too long')
    const twice = await c.post(`${base}/report`, { body: ['one', 'two'], email: 'a@b.example' })
    assert.equal(twice.statusCode, 400, 'a repeated field is refused, not a 500')
    const json = await t.app.inject({ method: 'POST', url: `${base}/report`, headers: { 'content-type': 'application/json', cookie: c.cookieHeader() }, payload: '{"body":"x"}' })
    assert.equal(json.statusCode, 415, 'JSON where a form is expected')
    assert.equal((await reports()).length, 0, 'nothing saved')
  })

  it('refuses a post without the form’s CSRF token', async () => {
    const res = await t.app.inject({
      method: 'POST', url: `${base}/report`, headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'body=Wrong&email=a%40b.example',
    })
    assert.equal(res.statusCode, 403)
    assert.equal((await reports()).length, 0, 'nothing saved')
  })

  it('answers 404 for an unknown record or version', async () => {
    for (const url of ['/public/records/reportshire/nothing/report', `${base}/report?version=7`, `${base}/report?version=x`]) {
      assert.equal((await t.app.inject({ url })).statusCode, 404, url)
    }
  })
})

describe('a report sent', () => {
  it('is saved, e-mails the organisation’s contact and admins, confirms, and never shows the address publicly', async () => {
    const c = await visitor()
    const res = await c.post(`${base}/report`, { body: 'The contact address bounces.\nPlease fix it.', email: 'Resident@Example.org', name: 'Rhian' })
    assert.equal(res.statusCode, 303, 'sent')
    assert.equal(res.headers.location, `${base}/report/sent`)
    const sent = await c.get(String(res.headers.location))
    assert.equal(sent.statusCode, 200)
    assert.ok(sent.body.includes('Your report has gone to Reportshire Council'), 'the confirmation')

    const saved = await reports()
    assert.equal(saved.length, 1)
    assert.equal(saved[0]!.reporter_email, 'Resident@Example.org', 'the address is kept so the organisation can reply')
    const mail = await outbox(team.org.id)
    assert.deepEqual(mail.map((m) => m.to_address).sort(), ['transparency@reportshire.example', team.admin.email].sort(), 'the contact address and the admin')
    assert.ok(mail[0]!.body_text.includes('The contact address bounces.') && mail[0]!.body_text.includes('Resident@Example.org'), 'the report and who sent it')
    assert.equal((await outbox(other.org.id)).length, 0, 'no mail to another council')

    for (const url of [base, `${base}?version=1`, `${base}/changes`, '/public', '/public/reportshire', '/public/feed.atom', '/public/records.json', '/public/records.csv']) {
      const page = await t.app.inject({ url })
      assert.ok(!page.body.toLowerCase().includes('resident@example.org'), `the address is not on ${url}`)
    }
  })

  it(`refuses more than ${REPORTS_PER_DAY} reports from one address in 24 hours (any record, any case), saving nothing`, async () => {
    const before = (await reports()).length
    for (let i = before; i < REPORTS_PER_DAY; i++) {
      const c = await visitor(i % 2 ? `${otherBase}/report` : `${base}/report`)
      const res = await c.post(`${i % 2 ? otherBase : base}/report`, { body: `Problem ${i}`, email: 'resident@example.org' })
      assert.equal(res.statusCode, 303, `report ${i + 1}`)
    }
    const c = await visitor(`${otherBase}/report`)
    const refused = await c.post(`${otherBase}/report`, { body: 'One too many', email: 'RESIDENT@example.org' })
    assert.equal(refused.statusCode, 429)
    assert.ok(refused.body.includes(`You have already sent ${REPORTS_PER_DAY} reports in the last 24 hours`), 'a clear message')
    assert.equal(fieldValue(refused.body, 'body'), 'One too many', 'what was typed is kept')
    assert.equal((await reports()).length, REPORTS_PER_DAY, 'nothing more saved')
    const someoneElse = await (await visitor()).post(`${base}/report`, { body: 'Another person', email: 'neighbour@example.org' })
    assert.equal(someoneElse.statusCode, 303, 'another address is not limited')
  })
})

describe('the admins’ list of reports', () => {
  it('shows the organisation’s reports, newest first, with the reporter’s address, and marks one dealt with', async () => {
    const admin = await signInAs(t, team.admin)
    const home = await admin.get('/home')
    assert.ok(home.body.includes('3 reports are waiting to be dealt with.') && home.body.includes('href="/transparency/reports"'), 'the admin’s home page says how many wait')
    const page = await admin.get('/transparency/reports')
    assert.equal(page.statusCode, 200)
    assert.ok(page.body.includes('mailto:Resident@Example.org'), 'the address, to reply')
    assert.ok(page.body.includes('The contact address bounces.'), 'the text')
    assert.ok(!page.body.includes('One too many'), 'the refused report is not there')
    assert.ok(!page.body.includes('Problem 1'), 'a report about another council’s record is not listed')
    assert.ok(page.body.indexOf('Another person') < page.body.indexOf('The contact address bounces.'), 'newest first')

    const [first] = await t.db.query<{ id: string }>("select id from transparency_problem_reports where body like 'The contact%'")
    const done = await admin.post(`/transparency/reports/${first!.id}/dealt-with`)
    assert.equal(done.statusCode, 303)
    const after = await admin.get('/transparency/reports?done=dealt')
    assert.ok(after.body.includes('The report has been marked as dealt with.'), 'the flash')
    assert.match(after.body, /Dealt with by [^<]+ on/, 'who dealt with it')
  })

  it('is refused to people without the permission, and another council’s report is a 404', async () => {
    const contributor = await signInAs(t, team.contributor)
    assert.equal((await contributor.get('/transparency/reports')).statusCode, 403, 'a contributor')
    assert.ok(!(await contributor.get('/home')).body.includes('/transparency/reports'), 'nor is it on their home page')
    const [theirs] = await t.db.query<{ id: string }>('select pr.id from transparency_problem_reports pr join organisations o on o.id = pr.organisation_id where o.slug = $1', ['elsewhere'])
    assert.ok(theirs, 'a report about the other council’s record')
    const otherAdmin = await signInAs(t, other.admin)
    const list = await otherAdmin.get('/transparency/reports')
    assert.ok(!list.body.includes('The contact address bounces.'), 'not another council’s reports')
    const [ours] = await t.db.query<{ id: string }>("select id from transparency_problem_reports where body = 'Another person'")
    assert.equal((await otherAdmin.post(`/transparency/reports/${ours!.id}/dealt-with`)).statusCode, 404, 'another council’s report')
    const [still] = await t.db.query<{ dealt_with_at: Date | null }>('select dealt_with_at from transparency_problem_reports where id = $1', [ours!.id])
    assert.equal(still!.dealt_with_at, null, 'unchanged')
    assert.equal((await contributor.post(`/transparency/reports/${ours!.id}/dealt-with`)).statusCode, 403, 'a contributor cannot mark one')
    const anonymous = await t.app.inject({ url: '/transparency/reports' })
    assert.equal(anonymous.statusCode, 302, 'signed out: to the login')
    assert.ok(csrfFrom(list.body), 'the page has a CSRF token for its forms')
  })
})

describe('reports sent at the same moment', () => {
  it(`cannot slip past the limit together: of ${REPORTS_PER_DAY * 2} at once from one address, ${REPORTS_PER_DAY} are saved`, async () => {
    const visitors = await Promise.all(Array.from({ length: REPORTS_PER_DAY * 2 }, () => visitor()))
    const before = (await reports()).length
    const answers = await Promise.all(visitors.map((c, i) => c.post(`${base}/report`, { body: `At once ${i}`, email: 'together@example.org' })))
    assert.deepEqual(answers.map((r) => r.statusCode).sort(), [...Array<number>(REPORTS_PER_DAY).fill(303), ...Array<number>(REPORTS_PER_DAY).fill(429)])
    assert.equal((await reports()).length - before, REPORTS_PER_DAY, 'only as many as the limit')
  })
})
