import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { assertShows, Client, createTestApp, type TestApp } from '../../../test/support/app.ts'
import {
  entryForm, makeEntry, makeOrganisation, makePerson, makeTeam, type Person, reload, SCREENINGS, signInAs, type Team,
} from '../../../test/support/factories.ts'
import { t as msg } from '../../platform/i18n/i18n.ts'
import type { Stage } from './model.ts'

let t: TestApp
let team: Team
let outsider: Person
let contributor: Client
let viewer: Client
let otherAdmin: Client
before(async () => {
  t = await createTestApp({ demo: false })
  team = await makeTeam(t)
  outsider = await makePerson(t, await makeOrganisation(t), ['admin', 'contributor', 'board_member'])
  ;[contributor, viewer, otherAdmin] = await Promise.all([signInAs(t, team.contributor), signInAs(t, team.viewer), signInAs(t, outsider)])
})
after(() => t.close())

const valid = entryForm({
  name: 'Housing repairs triage', purpose: 'Sorts repair requests by urgency.', serviceArea: 'Housing', owner: 'Head of Repairs',
  personalData: true, decisionRole: 'assists', peopleAffected: 'Tenants reporting repairs',
  humanOversight: 'Repairs officers check each urgent flag.', nextReviewDate: '2027-09-01',
})

const stageOf = async (id: string) => (await reload(t, team, id)).stage

describe('register list', () => {
  before(async () => {
    await makeEntry(t, team, { name: 'Meeting notes assistant', serviceArea: 'Corporate services', stage: 'live' })
    await makeEntry(t, team, {
      name: 'Rent arrears prioritisation model', serviceArea: 'Housing', stage: 'awaiting_decision', screening: 'high',
      purpose: 'Scores the rent accounts of council tenants for the likelihood of falling into serious arrears.',
    })
    await makeEntry(t, team, { name: 'Website chatbot', serviceArea: 'Customer services', stage: 'under_assessment' })
    await makeEntry(t, team, { name: 'Adaptive traffic signal control', stage: 'proposed', by: { proposer: outsider } })
  })

  test('shows only the signed-in organisation’s entries', async () => {
    const res = await contributor.get('/register')
    assert.equal(res.statusCode, 200)
    assert.match(res.body, /Rent arrears prioritisation model/)
    assert.match(res.body, /Website chatbot/)
    assert.doesNotMatch(res.body, /Adaptive traffic signal control/)
    assert.match((await otherAdmin.get('/register')).body, /Adaptive traffic signal control/)
  })

  test('filters by stage, service area and risk tier', async () => {
    const live = await contributor.get('/register?stage=live')
    assert.match(live.body, /Meeting notes assistant/)
    assert.doesNotMatch(live.body, /Rent arrears|Website chatbot/)
    const housing = await contributor.get('/register?serviceArea=Housing')
    assert.match(housing.body, /Rent arrears/)
    assert.doesNotMatch(housing.body, /Website chatbot|Meeting notes/)
    const unscreened = await contributor.get('/register?tier=unscreened')
    assert.match(unscreened.body, /Website chatbot/)
    assert.doesNotMatch(unscreened.body, /Rent arrears|Meeting notes/)
    const high = await contributor.get('/register?tier=high')
    assert.match(high.body, /Rent arrears/)
    assert.doesNotMatch(high.body, /Website chatbot|Meeting notes/)
  })

  test('full-text search matches words in any form', async () => {
    const res = await contributor.get('/register?q=tenant%20arrear')
    assert.match(res.body, /Rent arrears prioritisation model/)
    assertShows(res.body, 'register.list.count', { count: 1 })
    assert.doesNotMatch(res.body, /Website chatbot/)
    const none = await contributor.get('/register?q=zebra')
    assertShows(none.body, 'register.list.none')
  })

  test('a nonsense filter is refused with a message, not a server error and not ignored', async () => {
    const res = await contributor.get('/register?stage=nonsense')
    assert.equal(res.statusCode, 400)
    assertShows(res.body, 'register.errors.stageFilter')
    assert.doesNotMatch(res.body, /Website chatbot|Rent arrears/, 'no entries are listed as if unfiltered')
  })

  test('signed-out visitors are sent to sign in', async () => {
    const res = await new Client(t.app).get('/register')
    assert.equal(res.statusCode, 302)
    assert.equal(res.headers.location, '/login?next=%2Fregister')
  })
})

describe('creating an entry', () => {
  test('a contributor adds an entry; it is audited field by field', async () => {
    const res = await contributor.post('/register', valid)
    assert.equal(res.statusCode, 303)
    const page = await contributor.get(String(res.headers.location))
    assert.equal(page.statusCode, 200)
    assert.match(page.body, /The entry has been added to the register/)
    assert.match(page.body, /Housing repairs triage/)
    assert.match(page.body, /Added to the register/)
    const id = /\/register\/([0-9a-f-]{36})/.exec(String(res.headers.location))![1]!
    const entry = await reload(t, team, id)
    assert.deepEqual(
      { stage: entry.stage, nextReviewDate: entry.nextReviewDate, personalData: entry.personalData, createdBy: entry.createdBy },
      { stage: 'proposed', nextReviewDate: '2027-09-01', personalData: true, createdBy: team.contributor.id },
    )
  })

  test('bad input re-renders with an error summary, field messages and the typed values', async () => {
    const res = await contributor.post('/register', { ...valid, name: '', decisionRole: 'guesses', 'nextReviewDate-day': '31', 'nextReviewDate-month': '2' })
    assert.equal(res.statusCode, 400)
    assert.match(res.body, /There is a problem/)
    assert.match(res.body, /href="#name">Enter the name of the AI use/)
    assert.match(res.body, /href="#decisionRole">Select the role it plays in decisions/)
    assert.match(res.body, /href="#nextReviewDate-day">Next review date must be a real date/)
    assert.match(res.body, /Sorts repair requests by urgency\./)
    assert.match(res.body, /<title>Error: /)
  })

  test('a viewer may not add entries', async () => {
    assert.equal((await viewer.get('/register/new')).statusCode, 403)
    assert.equal((await viewer.post('/register', { ...valid, name: 'By a viewer' })).statusCode, 403)
    assert.equal((await contributor.get('/register?q=viewer')).body.includes('By a viewer'), false)
  })

  test('a form without the CSRF token is refused', async () => {
    const res = await contributor.post('/register', { ...valid, name: 'Forged', _csrf: 'forged' })
    assert.equal(res.statusCode, 403)
    assert.match(res.body, /The form could not be sent/)
    const none = await t.app.inject({
      method: 'POST', url: '/register',
      headers: { cookie: `aigov_session=${contributor.cookies.get('aigov_session')}`, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ ...valid, name: 'Forged' }).toString(),
    })
    assert.equal(none.statusCode, 403)
    assert.doesNotMatch((await contributor.get('/register?q=forged')).body, /Forged/)
  })
})

describe('another organisation’s entries', () => {
  test('answer 404 to every page, so their existence does not leak', async () => {
    const entry = await makeEntry(t, team, { stage: 'awaiting_decision' })
    for (const path of ['', '/edit', '/screening', '/transparency', '/decision', '/assessments']) {
      assert.equal((await otherAdmin.get(`/register/${entry.id}${path}`)).statusCode, 404, path)
    }
    assert.equal((await otherAdmin.post(`/register/${entry.id}/edit`, { ...valid, version: String(entry.version) })).statusCode, 404)
    assert.equal((await otherAdmin.post(`/register/${entry.id}/stage`, { stage: 'retired' })).statusCode, 404)
    const after = await reload(t, team, entry.id)
    assert.deepEqual([after.stage, after.name, after.version], ['awaiting_decision', entry.name, entry.version])
  })

  test('a malformed id is a 404 too', async () => {
    assert.equal((await contributor.get('/register/not-a-uuid')).statusCode, 404)
  })
})

describe('editing', () => {
  test('a change is saved and shows in the history as from → to', async () => {
    const entry = await makeEntry(t, team, { name: 'Website assistant', purpose: 'Answers residents’ questions from published pages.' })
    const form = await contributor.get(`/register/${entry.id}/edit`)
    const version = /name="version" value="(\d+)"/.exec(form.body)![1]!
    const res = await contributor.post(`/register/${entry.id}/edit`, { ...valid, name: 'Website assistant', version })
    assert.equal(res.statusCode, 303)
    assert.equal((await reload(t, team, entry.id)).purpose, 'Sorts repair requests by urgency.')
    const page = await contributor.get(`/register/${entry.id}`)
    assert.match(page.body, /What it is for: Answers residents’ questions from published pages\. → Sorts repair requests by urgency\./)
  })

  test('an edit based on a stale version is refused with the current values, never overwriting', async () => {
    const entry = await makeEntry(t, team, { name: 'Committee report drafting' })
    const form = await contributor.get(`/register/${entry.id}/edit`)
    const version = /name="version" value="(\d+)"/.exec(form.body)![1]!
    const assessor = await signInAs(t, team.assessor)
    await assessor.get(`/register/${entry.id}/edit`)
    const first = await assessor.post(`/register/${entry.id}/edit`, { ...valid, name: 'Committee report drafting', purpose: 'First save wins.', version })
    assert.equal(first.statusCode, 303)
    const second = await contributor.post(`/register/${entry.id}/edit`, { ...valid, name: 'Committee report drafting', purpose: 'Second save.', version })
    assert.equal(second.statusCode, 409)
    assertShows(second.body, 'register.errors.stale')
    assert.match(second.body, /First save wins\./)
    assert.match(second.body, /Second save\./)
    assert.equal((await reload(t, team, entry.id)).purpose, 'First save wins.')
  })
})

/**
 * Every lifecycle guard, through the stage form: the move is refused with that guard's own
 * reason (so a different guard answering instead fails the test), the page says why, and the
 * stage is unchanged. The JSON API offers no way to set a stage: a PATCH naming one leaves it.
 */
describe('lifecycle guards', () => {
  async function refused(id: string, to: Stage, reason: string) {
    const before = await reload(t, team, id)
    const res = await contributor.post(`/register/${id}/stage`, { stage: to })
    assert.equal(res.statusCode, 303)
    assert.equal(res.headers.location, `/register/${id}?refused=${encodeURIComponent(reason)}`, `moving to ${to} is refused with ${reason}`)
    const page = await contributor.get(String(res.headers.location))
    assertShows(page.body, reason)
    const api = await contributor.api('PATCH', `/api/v1/entries/${id}`, { version: before.version, stage: to })
    assert.ok(api.statusCode < 500, `API answered ${api.statusCode}`)
    const after = await reload(t, team, id)
    assert.equal(after.stage, before.stage, `still ${before.stage}`)
  }

  async function allowed(id: string, to: Stage) {
    const res = await contributor.post(`/register/${id}/stage`, { stage: to })
    assert.equal(res.headers.location, `/register/${id}?done=stage`, `moving to ${to} is allowed`)
    assert.equal(await stageOf(id), to)
  }

  test('awaiting a decision needs a screening', async () => {
    const entry = await makeEntry(t, team, { stage: 'under_assessment' })
    const page = await contributor.get(`/register/${entry.id}`)
    assertShows(page.body, 'register.show.cannotMove', { stage: msg('stage.awaiting_decision') })
    await refused(entry.id, 'awaiting_decision', 'lifecycle.needsScreening')
    await t.services.assessments.saveScreening(team.assessor.user, entry.id, SCREENINGS.low)
    await allowed(entry.id, 'awaiting_decision')
  })

  test('pilot and live need an approving decision, even when the stage says approved', async () => {
    // As an imported or hand-edited row might be: the stage says approved, the board never decided.
    const entry = await makeEntry(t, team, { stage: 'awaiting_decision' })
    await t.db.query("update register_entries set stage = 'approved' where id = $1", [entry.id])
    await refused(entry.id, 'pilot', 'lifecycle.needsApproval')
    await refused(entry.id, 'live', 'lifecycle.needsApproval')
    const approved = await makeEntry(t, team, { stage: 'approved' })
    await allowed(approved.id, 'pilot')
  })

  test('an approval with open conditions may pilot but cannot go live until they are met', async () => {
    const entry = await makeEntry(t, team, { stage: 'approved', conditions: ['Complete the DPIA'] })
    await refused(entry.id, 'live', 'lifecycle.openConditions')
    await allowed(entry.id, 'pilot')
    await refused(entry.id, 'live', 'lifecycle.openConditions')
    const [decision] = await t.services.board.decisionsFor(team.board.user, entry.id)
    await t.services.board.closeCondition(team.board.user, entry.id, decision!.conditions[0]!.id, 'met')
    await allowed(entry.id, 'live')
  })

  test('a move to the stage it is at is refused as such', async () => {
    const entry = await makeEntry(t, team, { stage: 'proposed' })
    await refused(entry.id, 'proposed', 'lifecycle.sameStage')
  })

  test('moves the stage table does not allow are refused: the board alone approves or rejects', async () => {
    const waiting = await makeEntry(t, team, { stage: 'awaiting_decision' })
    await refused(waiting.id, 'approved', 'lifecycle.notAllowed')
    await refused(waiting.id, 'rejected', 'lifecycle.notAllowed')
    assert.deepEqual(await t.services.board.decisionsFor(team.board.user, waiting.id), [])
    const idea = await makeEntry(t, team, { stage: 'idea' })
    await refused(idea.id, 'under_assessment', 'lifecycle.notAllowed')
    const retired = await makeEntry(t, team, { stage: 'retired' })
    await refused(retired.id, 'proposed', 'lifecycle.notAllowed')
  })

  test('a stage that does not exist is refused', async () => {
    const entry = await makeEntry(t, team, { stage: 'proposed' })
    const res = await contributor.post(`/register/${entry.id}/stage`, { stage: 'launched' })
    assert.equal(res.headers.location, `/register/${entry.id}?refused=lifecycle.notAllowed`)
    assert.equal(await stageOf(entry.id), 'proposed')
  })

  test('an allowed move is made and audited; a viewer cannot move stages', async () => {
    const entry = await makeEntry(t, team, { stage: 'idea' })
    assert.equal((await viewer.post(`/register/${entry.id}/stage`, { stage: 'proposed' })).statusCode, 403)
    assert.equal(await stageOf(entry.id), 'idea')
    await allowed(entry.id, 'proposed')
    const page = await contributor.get(`/register/${entry.id}`)
    assert.match(page.body, /Stage: idea → proposed/)
  })
})

describe('paging', () => {
  test('a long register is paged, keeping the filters in the page links', async () => {
    await t.db.query(
      `insert into register_entries (organisation_id, name, purpose, service_area, owner, technique, personal_data,
         decision_role, people_affected, human_oversight, stage)
       select $1, 'Bulk waste tool ' || g, 'Purpose', 'Waste', 'Owner', 'Rules', false, 'informs', 'Residents', 'Review', 'idea'
       from generate_series(1, 120) g`,
      [team.org.id],
    )
    const first = await contributor.get('/register?serviceArea=Waste')
    assertShows(first.body, 'register.list.count', { count: 120 })
    assert.equal((first.body.match(/Bulk waste tool/g) ?? []).length, 50)
    assert.match(first.body, /href="\/register\?serviceArea=Waste&amp;page=3"/)
    const last = await contributor.get('/register?serviceArea=Waste&page=3')
    assert.equal((last.body.match(/Bulk waste tool/g) ?? []).length, 20)
    const api = await contributor.api('GET', '/api/v1/entries?serviceArea=Waste&perPage=100&page=2')
    assert.equal(api.json().entries.length, 20)
    assert.equal(api.json().total, 120)
    const bad = await contributor.api('GET', '/api/v1/entries?perPage=100000')
    assert.equal(bad.statusCode, 400)
    assert.ok(bad.json().fields.perPage, 'perPage is named')
    // Another organisation's register is not paged with these.
    assert.equal((await otherAdmin.api('GET', '/api/v1/entries?serviceArea=Waste')).json().total, 0)
  })
})
