import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { as, Client, createTestApp, entryId, signIn, type TestApp } from '../../../test/support/app.ts'

let t: TestApp
let contributor: Client
let viewer: Client
let riverside: Client
before(async () => {
  t = await createTestApp()
  contributor = await signIn(t.app, as.northmoor('contributor'))
  viewer = await signIn(t.app, as.northmoor('viewer'))
  riverside = await signIn(t.app, as.riverside('admin'))
})
after(() => t.close())

const valid = {
  name: 'Housing repairs triage',
  purpose: 'Sorts repair requests by urgency.',
  serviceArea: 'Housing',
  owner: 'Head of Repairs',
  supplier: '',
  technique: 'Text classification',
  personalData: 'yes',
  specialCategoryData: 'no',
  decisionRole: 'assists',
  peopleAffected: 'Tenants reporting repairs',
  humanOversight: 'Repairs officers check each urgent flag.',
  'nextReviewDate-day': '1',
  'nextReviewDate-month': '9',
  'nextReviewDate-year': '2027',
  stage: 'proposed',
}

describe('register list', () => {
  test('shows only the signed-in council’s entries', async () => {
    const res = await contributor.get('/register')
    assert.equal(res.statusCode, 200)
    assert.match(res.body, /Rent arrears prioritisation model/)
    assert.doesNotMatch(res.body, /Adaptive traffic signal control/)
  })

  test('filters by stage, service area and risk tier', async () => {
    const live = await contributor.get('/register?stage=live')
    assert.match(live.body, /Meeting notes and actions assistant/)
    assert.doesNotMatch(live.body, /Rent arrears/)
    const housing = await contributor.get('/register?serviceArea=Housing')
    assert.match(housing.body, /Rent arrears/)
    assert.doesNotMatch(housing.body, /Website chatbot/)
    const unscreened = await contributor.get('/register?tier=unscreened')
    assert.match(unscreened.body, /Website chatbot/)
    assert.doesNotMatch(unscreened.body, /Rent arrears/)
  })

  test('full-text search matches words in any form', async () => {
    const res = await contributor.get('/register?q=tenants%20arrears')
    assert.match(res.body, /Rent arrears prioritisation model/)
    assert.match(res.body, /1 entries/)
    const none = await contributor.get('/register?q=zebra')
    assert.match(none.body, /No entries match/)
  })

  test('a nonsense filter is reported, not a server error', async () => {
    const res = await contributor.get('/register?stage=nonsense')
    assert.equal(res.statusCode, 200)
    assert.match(res.body, /Select a stage from the list/)
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
    const [row] = await t.db.query<{ stage: string; next_review_date: string; personal_data: boolean }>(
      "select stage, next_review_date, personal_data from register_entries where name = 'Housing repairs triage'",
    )
    assert.deepEqual(row, { stage: 'proposed', next_review_date: '2027-09-01', personal_data: true })
  })

  test('bad input re-renders with an error summary, field messages and the typed values', async () => {
    const res = await contributor.post('/register', { ...valid, name: '', decisionRole: 'guesses', 'nextReviewDate-day': '31', 'nextReviewDate-month': '2' })
    assert.equal(res.statusCode, 400)
    assert.match(res.body, /There is a problem/)
    assert.match(res.body, /href="#name">Enter the name of the AI use/)
    assert.match(res.body, /href="#decisionRole">Select the role it plays in decisions/)
    assert.match(res.body, /href="#nextReviewDate-day">Next review date must be a real date/)
    assert.match(res.body, /value="Sorts repair requests by urgency\.|Sorts repair requests by urgency\.<\/textarea>/)
    assert.match(res.body, /<title>Error: /)
  })

  test('a viewer may not add entries', async () => {
    assert.equal((await viewer.get('/register/new')).statusCode, 403)
    assert.equal((await viewer.post('/register', valid)).statusCode, 403)
  })

  test('a form without the CSRF token is refused', async () => {
    const res = await contributor.post('/register', { ...valid, _csrf: 'forged' })
    assert.equal(res.statusCode, 403)
    assert.match(res.body, /The form could not be sent/)
    const none = await t.app.inject({
      method: 'POST', url: '/register',
      headers: { cookie: `aigov_session=${contributor.cookies.get('aigov_session')}`, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(valid).toString(),
    })
    assert.equal(none.statusCode, 403)
  })
})

describe('another council’s entries', () => {
  test('answer 404 to every page, so their existence does not leak', async () => {
    const id = await entryId(t.db, 'Rent arrears prioritisation model')
    for (const path of ['', '/edit', '/screening', '/transparency']) {
      assert.equal((await riverside.get(`/register/${id}${path}`)).statusCode, 404, path)
    }
    const riversideBoard = await signIn(t.app, as.riverside('board-member'))
    assert.equal((await riversideBoard.get(`/register/${id}/decision`)).statusCode, 404)
    assert.equal((await riverside.post(`/register/${id}/edit`, { ...valid, version: '1' })).statusCode, 404)
    assert.equal((await riverside.post(`/register/${id}/stage`, { stage: 'retired' })).statusCode, 404)
    const [row] = await t.db.query<{ stage: string }>('select stage from register_entries where id = $1', [id])
    assert.equal(row!.stage, 'awaiting_decision')
  })

  test('a malformed id is a 404 too', async () => {
    assert.equal((await contributor.get('/register/not-a-uuid')).statusCode, 404)
  })
})

describe('editing', () => {
  test('a change is saved and shows in the history as from → to', async () => {
    const id = await entryId(t.db, 'Website chatbot')
    const form = await contributor.get(`/register/${id}/edit`)
    const version = /name="version" value="(\d+)"/.exec(form.body)![1]!
    const res = await contributor.post(`/register/${id}/edit`, { ...valid, name: 'Website chatbot', version })
    assert.equal(res.statusCode, 303)
    const page = await contributor.get(`/register/${id}`)
    assert.match(page.body, /What it is for: Answers residents&#39;? questions.* → Sorts repair requests by urgency\./s)
  })

  test('an edit based on a stale version is refused with the current values, never overwriting', async () => {
    const id = await entryId(t.db, 'Committee report drafting from templates')
    const form = await contributor.get(`/register/${id}/edit`)
    const version = /name="version" value="(\d+)"/.exec(form.body)![1]!
    const assessor = await signIn(t.app, as.northmoor('assessor'))
    await assessor.get(`/register/${id}/edit`)
    const first = await assessor.post(`/register/${id}/edit`, { ...valid, name: 'Committee report drafting', purpose: 'First save wins.', version })
    assert.equal(first.statusCode, 303)
    const second = await contributor.post(`/register/${id}/edit`, { ...valid, name: 'Committee report drafting', purpose: 'Second save.', version })
    assert.equal(second.statusCode, 409)
    assert.match(second.body, /Someone else changed this entry/)
    assert.match(second.body, /First save wins\./)
    assert.match(second.body, /Second save\./)
    const [row] = await t.db.query<{ purpose: string }>('select purpose from register_entries where id = $1', [id])
    assert.equal(row!.purpose, 'First save wins.')
  })
})

describe('lifecycle', () => {
  test('an entry cannot move to live or pilot without an approval', async () => {
    const id = await entryId(t.db, 'Planning application validation checks')
    const res = await contributor.post(`/register/${id}/stage`, { stage: 'live' })
    assert.equal(res.statusCode, 303)
    const page = await contributor.get(String(res.headers.location))
    assert.match(page.body, /That move is not possible from the current stage/)
    const [row] = await t.db.query<{ stage: string }>('select stage from register_entries where id = $1', [id])
    assert.equal(row!.stage, 'idea')
  })

  test('an approval with open conditions cannot go live', async () => {
    const id = await entryId(t.db, 'Contact centre call wrap-up')
    const res = await contributor.post(`/register/${id}/stage`, { stage: 'live' })
    const page = await contributor.get(String(res.headers.location))
    assert.match(page.body, /conditions must be met or waived first/)
    const [row] = await t.db.query<{ stage: string }>('select stage from register_entries where id = $1', [id])
    assert.equal(row!.stage, 'pilot')
  })

  test('moving to awaiting decision needs a screening', async () => {
    const id = await entryId(t.db, 'Fly-tipping hotspot detection')
    const rc = await signIn(t.app, as.riverside('contributor'))
    const page = await rc.get(`/register/${id}`)
    assert.match(page.body, /Cannot move to Awaiting decision yet:.*complete the screening first/s)
    await rc.post(`/register/${id}/stage`, { stage: 'awaiting_decision' })
    const [row] = await t.db.query<{ stage: string }>('select stage from register_entries where id = $1', [id])
    assert.equal(row!.stage, 'under_assessment')
  })

  test('an allowed move is made and audited; a viewer cannot move stages', async () => {
    const id = await entryId(t.db, 'Planning application validation checks')
    assert.equal((await viewer.post(`/register/${id}/stage`, { stage: 'proposed' })).statusCode, 403)
    const res = await contributor.post(`/register/${id}/stage`, { stage: 'proposed' })
    assert.match(String(res.headers.location), /done=stage/)
    const page = await contributor.get(`/register/${id}`)
    assert.match(page.body, /Stage: idea → proposed/)
  })
})

describe('paging', () => {
  test('a long register is paged, keeping the filters in the page links', async () => {
    const [org] = await t.db.query<{ id: string }>("select id from organisations where slug = 'northmoor'")
    await t.db.query(
      `insert into register_entries (organisation_id, name, purpose, service_area, owner, technique, personal_data,
         decision_role, people_affected, human_oversight, stage)
       select $1, 'Bulk waste tool ' || g, 'Purpose', 'Waste', 'Owner', 'Rules', false, 'informs', 'Residents', 'Review', 'idea'
       from generate_series(1, 120) g`,
      [org!.id],
    )
    const first = await contributor.get('/register?serviceArea=Waste')
    assert.match(first.body, /120 entries/)
    assert.equal((first.body.match(/Bulk waste tool/g) ?? []).length, 50)
    assert.match(first.body, /href="\/register\?serviceArea=Waste&amp;page=3"/)
    const last = await contributor.get('/register?serviceArea=Waste&page=3')
    assert.equal((last.body.match(/Bulk waste tool/g) ?? []).length, 20)
    const api = await contributor.api('GET', '/api/v1/entries?serviceArea=Waste&perPage=100&page=2')
    assert.equal(api.json().entries.length, 20)
    assert.equal(api.json().total, 120)
    const bad = await contributor.api('GET', '/api/v1/entries?perPage=100000')
    assert.equal(bad.statusCode, 400)
    assert.ok(bad.json().fields.perPage)
  })
})
