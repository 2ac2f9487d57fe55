// Staff and acknowledgement through HTTP: staff land on /home, read the staff policies in force
// (never drafts, never the register), acknowledge in two steps (tick, confirm), and are asked again
// only when a major version is published; admins see coverage by service area and download it;
// `reminders` queues one e-mail per person per major version. Each denial is checked too.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { listOutbox } from '../../platform/mail/index.ts'
import { Client, createTestApp, parseCsv, shown, type TestApp } from '../../../test/support/app.ts'
import { daysFromToday, makeEntry, makeOrganisation, makePerson, makeTeam, type Person, signInAs, type Team } from '../../../test/support/factories.ts'

let t: TestApp
let team: Team
let other: Team
let staff: Person[]
let aupId: string, dosId: string, charterId: string, draftOnlyId: string, otherAupId: string

const location = (res: { headers: Record<string, unknown> }) => (typeof res.headers.location === 'string' ? res.headers.location : '')
const versionIdOn = (html: string) => /name="versionId" value="([0-9a-f-]{36})"/.exec(html)?.[1] ?? ''

/** Adopts a template, has it approved by someone else and publishes it: the policy id. */
async function inForce(tm: Team, template: string): Promise<string> {
  const p = await t.services.policies.adopt(tm.admin.user, template)
  await t.services.policies.submit(tm.admin.user, p.id)
  await t.services.policies.approve(tm.board.user, p.id, 'major')
  await t.services.policies.publish(tm.admin.user, p.id, { effectiveDate: daysFromToday(0), reviewDate: daysFromToday(365) })
  return p.id
}

/** A new version of a policy in force, approved as `kind` and published. */
async function republish(tm: Team, id: string, kind: 'major' | 'minor'): Promise<void> {
  await t.services.policies.revise(tm.admin.user, id)
  await t.services.policies.saveDraft(tm.admin.user, id, { title: 'Acceptable use of generative AI', body: `# Changed ${kind} ${Date.now()}\n\nNew text.` })
  await t.services.policies.submit(tm.admin.user, id)
  await t.services.policies.approve(tm.board.user, id, kind)
  await t.services.policies.publish(tm.admin.user, id, { effectiveDate: daysFromToday(0), reviewDate: daysFromToday(365) })
}

async function staffIn(tm: Team, area: string | null, spec: { name?: string } = {}): Promise<Person> {
  const p = await makePerson(t, tm.org, ['staff'], spec)
  await t.services.people.setServiceArea(tm.org.id, p.id, area)
  return p
}

/** Signs in and opens /home, so the client holds the session's CSRF token. */
async function signedIn(p: Person): Promise<Client> {
  const c = await signInAs(t, p)
  await c.get('/home')
  return c
}

/** Ticks and confirms: the two steps. Returns the confirmation's response. */
async function acknowledge(c: Client, policyId: string): Promise<{ statusCode: number; headers: Record<string, unknown>; body: string }> {
  const page = await c.get(`/policies-in-force/${policyId}`)
  const versionId = versionIdOn(page.body)
  const confirm = await c.post(`/policies-in-force/${policyId}/acknowledge`, { versionId, read: 'yes' })
  assert.equal(confirm.statusCode, 200, confirm.body.slice(0, 300))
  return c.post(`/policies-in-force/${policyId}/acknowledge/confirm`, { versionId, read: 'yes' })
}

const ackRows = (userId: string, policyId: string) =>
  t.db.query<{ version_major: number; version_minor: number }>('select version_major, version_minor from policy_acknowledgements where user_id = $1 and policy_id = $2', [userId, policyId])

before(async () => {
  t = await createTestApp({ demo: false })
  team = await makeTeam(t)
  other = await makeTeam(t, await makeOrganisation(t))
  aupId = await inForce(team, 'acceptable_use')
  dosId = await inForce(team, 'dos_and_donts')
  charterId = await inForce(team, 'governance_charter')
  draftOnlyId = (await t.services.policies.adopt(team.admin.user, 'acceptable_use')).id
  otherAupId = await inForce(other, 'acceptable_use')
  staff = []
  for (const area of ['Housing', 'Housing', 'Planning', null]) staff.push(await staffIn(team, area))
})
after(async () => t.close())

describe('staff home and what staff may see', () => {
  it('staff land on /home after signing in; the home page prompts them to acknowledge each staff policy', async () => {
    const login = new Client(t.app)
    await login.get('/login')
    const signedInNow = await login.post('/login', { email: staff[0]!.email, password: staff[0]!.password })
    assert.equal(location(signedInNow), '/home', 'signing in lands staff on /home')
    const viewerLogin = new Client(t.app)
    await viewerLogin.get('/login')
    assert.equal(location(await viewerLogin.post('/login', { email: team.viewer.email, password: team.viewer.password })), '/home', 'everyone lands on Home (issue 12)')
    const c = await signInAs(t, staff[0]!)
    const root = await c.get('/')
    assert.equal(location(root), '/home', 'staff go home')
    const home = await c.get('/home')
    assert.equal(home.statusCode, 200)
    assert.ok(home.body.includes(shown('policies.home.outstanding', { count: 2 })), 'two policies to acknowledge')
    assert.ok(home.body.includes(`/policies-in-force/${aupId}`), 'links the acceptable use policy')
    assert.ok(home.body.includes(`/policies-in-force/${dosId}`), 'links the do’s and don’ts')
    assert.ok(!home.body.includes(`/policies-in-force/${charterId}`), 'the charter is not a staff policy')
    assert.ok(!home.body.includes('href="/register"'), 'no Register link for staff')
    assert.ok(home.body.includes('href="/policies-in-force"'), 'a Policies in force link')
    assert.ok(home.body.includes('href="/account"'), 'an Account link')
  })

  it('someone who may read the register lands on /home too, and has a Home link', async () => {
    const c = await signInAs(t, team.viewer)
    assert.equal(location(await c.get('/')), '/home', 'viewers go home too (issue 12)')
    const page = await c.get('/register')
    assert.ok(page.body.includes('href="/home"'), 'a Home link for every role')
  })

  it('staff read nothing of the register, no draft and no policy page of those who run governance', async () => {
    const c = await signedIn(staff[0]!)
    const entry = await makeEntry(t, team)
    for (const url of ['/register', `/register/${entry.id}`, '/policies', `/policies/${aupId}`, `/policies/${draftOnlyId}/edit`,
      `/policies/${draftOnlyId}`, `/policies/${aupId}/versions/1`, `/policies/${aupId}/coverage`, `/policies/${aupId}/coverage.csv`]) {
      assert.equal((await c.get(url)).statusCode, 403, `${url} is refused`)
    }
    assert.equal((await c.api('GET', '/api/v1/entries')).statusCode, 403, 'the API refuses too')
    assert.equal((await c.get(`/policies-in-force/${draftOnlyId}`)).statusCode, 404, 'a draft is not in force')
    assert.equal((await c.get(`/policies-in-force/${charterId}`)).statusCode, 404, 'the charter is not a staff policy')
    assert.equal((await c.get(`/policies-in-force/${otherAupId}`)).statusCode, 404, 'another council’s policy')
    const page = await c.get(`/policies-in-force/${aupId}`)
    assert.equal(page.statusCode, 200)
    assert.ok(page.body.includes(shown('policies.acknowledge.tick')), 'the tick box is offered')
    const list = await c.get('/policies-in-force')
    assert.equal(list.statusCode, 200)
    assert.ok(list.body.includes(`/policies-in-force/${dosId}`) && !list.body.includes(`/policies-in-force/${charterId}`), 'staff policies only')
  })

  it('signed out, the pages ask for a sign-in', async () => {
    const anon = new Client(t.app)
    const res = await anon.get(`/policies-in-force/${aupId}`)
    assert.equal(res.statusCode, 302, 'redirected to the login')
    assert.match(location(res), /^\/login\?next=/, 'to the login')
  })
})

describe('acknowledging', () => {
  it('an unticked box is a field error and records nothing', async () => {
    const c = await signedIn(staff[1]!)
    const page = await c.get(`/policies-in-force/${aupId}`)
    const res = await c.post(`/policies-in-force/${aupId}/acknowledge`, { versionId: versionIdOn(page.body) })
    assert.equal(res.statusCode, 400)
    assert.ok(res.body.includes(shown('policies.errors.acknowledgeTick')), 'the field’s message')
    assert.ok(res.body.includes('href="#read"'), 'the error summary links the box')
    const skip = await c.post(`/policies-in-force/${aupId}/acknowledge/confirm`, { versionId: versionIdOn(page.body), read: 'no' })
    assert.equal(skip.statusCode, 400, 'the confirmation needs the tick too')
    for (const read of ['', 'x'.repeat(10_000), 'YES']) {
      assert.equal((await c.post(`/policies-in-force/${aupId}/acknowledge`, { versionId: versionIdOn(page.body), read })).statusCode, 400, `read=${read.slice(0, 10)}`)
    }
    assert.equal((await ackRows(staff[1]!.id, aupId)).length, 0, 'nothing recorded')
  })

  it('tick, then confirm: recorded with the version and the time, audited; the home page says so', async () => {
    const c = await signedIn(staff[0]!)
    const res = await acknowledge(c, aupId)
    assert.equal(res.statusCode, 303, res.body.slice(0, 300))
    assert.equal(location(res), `/policies-in-force/${aupId}?done=acknowledged`)
    const page = await c.get(location(res))
    assert.ok(page.body.includes(shown('policies.acknowledge.done')), 'thanked')
    assert.ok(page.body.includes('id="acknowledged"'), 'the page says it is acknowledged')
    const rows = await ackRows(staff[0]!.id, aupId)
    assert.deepEqual(rows.map((r) => `${r.version_major}.${r.version_minor}`), ['1.0'], 'version 1.0 recorded')
    const audit = await t.db.query<{ n: number }>(
      "select count(*)::int as n from audit_events where action = 'policy_acknowledged' and actor_id = $1 and entity_id = $2", [staff[0]!.id, aupId])
    assert.equal(audit[0]!.n, 1, 'audited once')
    const home = await c.get('/home')
    assert.ok(home.body.includes(shown('policies.home.outstanding', { count: 1 })), 'one policy left')
  })

  it('acknowledging again changes nothing', async () => {
    const c = await signedIn(staff[0]!)
    const page = await c.get(`/policies-in-force/${aupId}`)
    assert.ok(!page.body.includes('name="versionId"'), 'no form once acknowledged')
    const [v] = await t.db.query<{ id: string }>("select id from policy_versions where policy_id = $1 and status = 'in_force'", [aupId])
    const again = await c.post(`/policies-in-force/${aupId}/acknowledge/confirm`, { versionId: v!.id, read: 'yes' })
    assert.equal(again.statusCode, 303, 'accepted')
    assert.equal((await ackRows(staff[0]!.id, aupId)).length, 1, 'still one acknowledgement')
    const audit = await t.db.query<{ n: number }>("select count(*)::int as n from audit_events where action = 'policy_acknowledged' and actor_id = $1", [staff[0]!.id])
    assert.equal(audit[0]!.n, 1, 'still one audit event')
  })

  it('a made-up or missing version id shows the version in force; another council’s policy is a 404', async () => {
    const c = await signedIn(staff[2]!)
    const made = await c.post(`/policies-in-force/${aupId}/acknowledge/confirm`, { versionId: '00000000-0000-4000-8000-000000000000', read: 'yes' })
    assert.equal(made.statusCode, 409)
    assert.ok(made.body.includes('id="superseded"'), 'says the version is not the one in force')
    const missing = await c.post(`/policies-in-force/${aupId}/acknowledge`, { read: 'yes' })
    assert.equal(missing.statusCode, 409)
    const theirs = await c.post(`/policies-in-force/${otherAupId}/acknowledge/confirm`, { versionId: '00000000-0000-4000-8000-000000000000', read: 'yes' })
    assert.equal(theirs.statusCode, 404)
    const [charter] = await t.db.query<{ id: string }>("select id from policy_versions where policy_id = $1 and status = 'in_force'", [charterId])
    const notStaff = await c.post(`/policies-in-force/${charterId}/acknowledge/confirm`, { versionId: charter!.id, read: 'yes' })
    assert.equal(notStaff.statusCode, 404, 'the charter is not acknowledged by staff')
    assert.equal((await ackRows(staff[2]!.id, charterId)).length, 0, 'nothing recorded for the charter')
    assert.equal((await ackRows(staff[2]!.id, aupId)).length, 0, 'nothing recorded')
  })
})

describe('minor and major versions', () => {
  it('a minor version keeps acknowledgements; a superseded version is refused, showing the current one; a major asks again', async () => {
    const before = await signedIn(staff[3]!)
    const oldPage = await before.get(`/policies-in-force/${aupId}`)
    const oldVersion = versionIdOn(oldPage.body)

    await republish(team, aupId, 'minor')
    const acknowledgedBefore = await signedIn(staff[0]!)
    const home = await acknowledgedBefore.get('/home')
    assert.ok(home.body.includes(shown('policies.home.acknowledgedOn', { version: '1.0', date: '' }).split(' on ')[0]!), 'still acknowledged after 1.1')
    assert.ok(home.body.includes(shown('policies.home.outstanding', { count: 1 })), 'only the do’s and don’ts left')

    const stale = await before.post(`/policies-in-force/${aupId}/acknowledge/confirm`, { versionId: oldVersion, read: 'yes' })
    assert.equal(stale.statusCode, 409, 'the superseded version is refused')
    assert.ok(stale.body.includes(shown('policies.acknowledge.superseded', { version: '1.1' })), 'names the version in force')
    assert.ok(stale.body.includes('name="versionId"'), 'and offers it to acknowledge')
    assert.equal((await ackRows(staff[3]!.id, aupId)).length, 0, 'nothing recorded for 1.0')
    const staleTick = await before.post(`/policies-in-force/${aupId}/acknowledge`, { versionId: oldVersion, read: 'yes' })
    assert.equal(staleTick.statusCode, 409, 'refused at the tick too')

    await republish(team, aupId, 'major')
    const after = await acknowledgedBefore.get('/home')
    assert.ok(after.body.includes(shown('policies.home.outstanding', { count: 2 })), 'asked again after 2.0')
    assert.equal((await acknowledge(acknowledgedBefore, aupId)).statusCode, 303)
    assert.deepEqual((await ackRows(staff[0]!.id, aupId)).map((r) => `${r.version_major}.${r.version_minor}`).sort(), ['1.0', '2.0'], 'both kept')
  })
})

describe('coverage', () => {
  let lonely: Person
  before(async () => {
    lonely = await staffIn(team, 'Waste', { name: '=HYPERLINK("http://evil.example","x")' })
    // staff[0] acknowledged 2.0 above; staff[1] acknowledges it now (Housing: 2 of 2 people).
    assert.equal((await acknowledge(await signedIn(staff[1]!), aupId)).statusCode, 303)
  })

  it('admins and readers see overall and per-area figures and who has not acknowledged', async () => {
    const admin = await signInAs(t, team.admin)
    const res = await admin.get(`/policies/${aupId}/coverage`)
    assert.equal(res.statusCode, 200, res.body.slice(0, 300))
    // Everyone counts: 5 team members (viewer … admin), 4 staff, the lonely one = 10 people; 2 acknowledged 2.0.
    assert.ok(res.body.includes(shown('policies.coverage.overall', { percent: 20, acknowledged: 2, count: 10 })), 'overall figure')
    assert.match(res.body, /Housing<\/a><\/th>\s*<td[^>]*>100%<\/td>\s*<td[^>]*>2<\/td>\s*<td[^>]*>2<\/td>/, 'Housing: 2 of 2')
    assert.match(res.body, /Planning<\/a><\/th>\s*<td[^>]*>0%<\/td>\s*<td[^>]*>0<\/td>\s*<td[^>]*>1<\/td>/, 'Planning: 0 of 1')
    assert.ok(res.body.includes(shown('policies.coverage.outstanding', { count: 8 })), '8 outstanding')
    assert.ok(res.body.includes(lonely.email) && !res.body.includes(staff[0]!.email), 'lists who is missing, not who acknowledged')
    // Names and e-mail addresses: the board and admins see them, a viewer who may read policies does not.
    const viewer = await signInAs(t, team.viewer)
    assert.equal((await viewer.get(`/policies/${aupId}/coverage`)).statusCode, 403, 'a viewer is refused the coverage page')
    assert.equal((await viewer.get(`/policies/${aupId}/coverage.csv`)).statusCode, 403, 'and its CSV')
    assert.ok(!(await viewer.get(`/policies/${aupId}`)).body.includes('/coverage"'), 'a viewer\'s policy page does not link it')
    const boardMember = await signInAs(t, team.board)
    assert.equal((await boardMember.get(`/policies/${aupId}/coverage`)).statusCode, 200, 'the board sees it')
    const policyPage = await admin.get(`/policies/${aupId}`)
    assert.ok(policyPage.body.includes(`href="/policies/${aupId}/coverage"`), `the policy page links the coverage (HTTP ${policyPage.statusCode})`)
    assert.ok(!(await admin.get(`/policies/${charterId}`)).body.includes('/coverage"'), 'not on the charter')
    const filtered = await admin.get(`/policies/${aupId}/coverage?area=Waste`)
    assert.ok(filtered.body.includes(shown('policies.coverage.outstandingIn', { count: 1, area: 'Waste' })), 'filtered by area')
    const none = await admin.get(`/policies/${aupId}/coverage?area=`)
    assert.ok(none.body.includes(shown('policies.coverage.outstandingIn', { count: 6, area: shown('policies.coverage.noArea') })), 'no service area')
  })

  it('refuses another council’s policy, a policy staff do not acknowledge, and bad filters', async () => {
    const admin = await signInAs(t, team.admin)
    assert.equal((await admin.get(`/policies/${otherAupId}/coverage`)).statusCode, 404, 'another council')
    assert.equal((await admin.get(`/policies/${charterId}/coverage`)).statusCode, 404, 'not a staff policy')
    assert.equal((await admin.get(`/policies/${draftOnlyId}/coverage`)).statusCode, 404, 'nothing in force')
    assert.equal((await admin.get(`/policies/${aupId}/coverage?page=0`)).statusCode, 400, 'page 0')
    assert.equal((await admin.get(`/policies/${aupId}/coverage?area=${'x'.repeat(300)}`)).statusCode, 400, 'a long area')
    assert.equal((await admin.get(`/policies/${aupId}/coverage?page=99999`)).statusCode, 200, 'a page past the end shows the last')
    assert.equal((await admin.get(`/policies/${aupId}/coverage?area=a&area=b`)).statusCode, 400, 'two areas')
  })

  it('the CSV lists everyone with their status; spreadsheet formulas are defused', async () => {
    const admin = await signInAs(t, team.admin)
    const res = await admin.get(`/policies/${aupId}/coverage.csv`)
    assert.equal(res.statusCode, 200)
    assert.match(String(res.headers['content-type']), /^text\/csv/)
    const rows = parseCsv(res.body)
    assert.deepEqual(rows[0], ['name', 'email', 'service_area', 'acknowledged', 'acknowledged_at'], 'header')
    assert.equal(rows.length, 11, 'a header and ten people')
    const mine = rows.find((r) => r[1] === staff[0]!.email)
    assert.equal(mine?.[3], 'yes', 'acknowledged')
    assert.equal(mine?.[2], 'Housing', 'service area')
    const evil = rows.find((r) => r[1] === lonely.email)
    assert.equal(evil?.[0], '\'=HYPERLINK("http://evil.example","x")', 'the formula is defused')
    assert.equal(evil?.[3], 'no', 'not acknowledged')
  })

  it('someone deactivated drops out of the figures', async () => {
    const leaver = await staffIn(team, 'Waste')
    const admin = await signInAs(t, team.admin)
    const before = await admin.get(`/policies/${aupId}/coverage`)
    assert.ok(before.body.includes(shown('policies.coverage.overall', { percent: 18, acknowledged: 2, count: 11 })), 'eleven with the leaver')
    await t.services.people.deactivate(team.admin.user, leaver.id)
    const after = await admin.get(`/policies/${aupId}/coverage`)
    assert.ok(after.body.includes(shown('policies.coverage.overall', { percent: 20, acknowledged: 2, count: 10 })), 'ten without')
  })
})

describe('reminders', () => {
  it('queues one reminder per person still missing a policy in force N days, and never twice', async () => {
    const ack = t.services.policies.acknowledgements
    const early = await ack.queueReminders({ days: 1 })
    assert.equal(early.queued, 0, 'nothing is a day old yet')
    const first = await ack.queueReminders({ days: 1, now: new Date(Date.now() + 2 * 24 * 3600 * 1000), baseUrl: 'https://hub.example/' })
    const again = await ack.queueReminders({ days: 1, now: new Date(Date.now() + 2 * 24 * 3600 * 1000) })
    assert.ok(first.queued > 0, 'reminders queued')
    assert.equal(again.queued, 0, 'none queued twice')
    assert.equal(again.alreadyQueued, first.queued + first.alreadyQueued, 'the second run finds them all queued')
    const mail = await t.db.transaction(async (tx) => listOutbox(tx, team.org.id, { limit: 1000 }))
    const reminders = mail.filter((m) => m.kind === 'reminder.acknowledgement')
    const aup = reminders.filter((m) => m.subject === shown('policies.reminder.subject', { title: 'Acceptable use of generative AI' }))
    // 10 active people, 2 acknowledged 2.0: 8 reminders for the acceptable use policy.
    assert.equal(aup.length, 8, 'one per person missing the acceptable use policy')
    assert.ok(!aup.some((m) => m.to === staff[0]!.email), 'not to someone who acknowledged')
    assert.ok(reminders.some((m) => m.to === staff[0]!.email), 'but to them for the do’s and don’ts')
    const [text] = await t.db.query<{ body_text: string }>('select body_text from mail_outbox where kind = $1 and to_address = $2 limit 1', ['reminder.acknowledgement', staff[3]!.email])
    assert.ok(text?.body_text.includes(`https://hub.example/policies-in-force/`), 'the text links the policy')
    const otherMail = await t.db.transaction(async (tx) => listOutbox(tx, other.org.id, { limit: 1000 }))
    assert.equal(otherMail.filter((m) => m.kind === 'reminder.acknowledgement').length, 5, 'the other council’s five people')
  })
})
