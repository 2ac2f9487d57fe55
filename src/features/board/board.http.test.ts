import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { assertShows, type Client, createTestApp, type TestApp } from '../../../test/support/app.ts'
import {
  dateFields, daysFromToday, makeEntry, makeOrganisation, makePerson, makeTeam, reload, SCREENINGS, signInAs, type Team,
} from '../../../test/support/factories.ts'

let t: TestApp
let team: Team
let board: Client
let contributor: Client
before(async () => {
  t = await createTestApp({ demo: false })
  team = await makeTeam(t)
  ;[board, contributor] = await Promise.all([signInAs(t, team.board), signInAs(t, team.contributor)])
})
after(() => t.close())

const reviewDate = daysFromToday(180)
const approve = { outcome: 'approve', rationale: 'Benefits outweigh the risks with human review.', ...dateFields('reviewDate', reviewDate) }
const decisionsOf = (id: string) => t.services.board.decisionsFor(team.board.user, id)

describe('board decisions', () => {
  test('only board members may decide', async () => {
    const entry = await makeEntry(t, team, { stage: 'awaiting_decision' })
    assert.equal((await contributor.get(`/register/${entry.id}/decision`)).statusCode, 403)
    assert.equal((await contributor.post(`/register/${entry.id}/decision`, approve)).statusCode, 403)
    const admin = await signInAs(t, team.admin)
    assert.equal((await admin.post(`/register/${entry.id}/decision`, approve)).statusCode, 403)
    assert.equal((await reload(t, team, entry.id)).stage, 'awaiting_decision')
    assert.deepEqual(await decisionsOf(entry.id), [])
  })

  test('a decision needs an outcome, a rationale, a review date for approval, and conditions when conditional', async () => {
    const entry = await makeEntry(t, team, { stage: 'awaiting_decision' })
    const res = await board.post(`/register/${entry.id}/decision`, { outcome: 'approve_with_conditions', rationale: '' })
    assert.equal(res.statusCode, 400)
    assert.match(res.body, /href="#rationale">Enter the rationale/)
    assert.match(res.body, /Enter at least one condition/)
    assert.match(res.body, /href="#reviewDate-day">Enter a review date for an approval/)
    const none = await board.post(`/register/${entry.id}/decision`, { rationale: 'No outcome chosen.' })
    assert.equal(none.statusCode, 400)
    assert.match(none.body, /href="#outcome">Select the decision/)
    assert.equal((await reload(t, team, entry.id)).stage, 'awaiting_decision')
    assert.deepEqual(await decisionsOf(entry.id), [])
  })

  test('approve with conditions: the entry is approved, conditions open, and live is blocked until they are met', async () => {
    const entry = await makeEntry(t, team, { stage: 'awaiting_decision' })
    const res = await board.post(`/register/${entry.id}/decision`, {
      ...approve, outcome: 'approve_with_conditions', conditions: 'Complete the DPIA\r\n\r\nRun a bias test on tenant groups',
    })
    assert.equal(res.statusCode, 303)
    const approved = await reload(t, team, entry.id)
    assert.deepEqual([approved.stage, approved.nextReviewDate], ['approved', reviewDate])
    const [decision] = await decisionsOf(entry.id)
    assert.equal(decision!.outcome, 'approve_with_conditions')
    assert.deepEqual(decision!.conditions.map((c) => [c.text, c.status]), [['Complete the DPIA', 'open'], ['Run a bias test on tenant groups', 'open']])
    const [first, second] = decision!.conditions

    await contributor.get(`/register/${entry.id}`)
    const blocked = await contributor.post(`/register/${entry.id}/stage`, { stage: 'live' })
    assert.equal(blocked.headers.location, `/register/${entry.id}?refused=lifecycle.openConditions`)
    assert.equal((await reload(t, team, entry.id)).stage, 'approved')

    // A contributor cannot close conditions; a board member can.
    assert.equal((await contributor.post(`/register/${entry.id}/conditions/${first!.id}`, { status: 'met' })).statusCode, 403)
    assert.equal((await decisionsOf(entry.id))[0]!.conditions[0]!.status, 'open')
    await board.get(`/register/${entry.id}`)
    assert.equal((await board.post(`/register/${entry.id}/conditions/${first!.id}`, { status: 'met' })).statusCode, 303)
    const stillBlocked = await contributor.post(`/register/${entry.id}/stage`, { stage: 'live' })
    assert.equal(stillBlocked.headers.location, `/register/${entry.id}?refused=lifecycle.openConditions`, 'one condition is still open')
    assert.equal((await board.post(`/register/${entry.id}/conditions/${second!.id}`, { status: 'waived' })).statusCode, 303)
    assert.deepEqual((await decisionsOf(entry.id))[0]!.conditions.map((c) => c.status), ['met', 'waived'])
    await contributor.get(`/register/${entry.id}`)
    await contributor.post(`/register/${entry.id}/stage`, { stage: 'live' })
    assert.equal((await reload(t, team, entry.id)).stage, 'live')
    const page = await contributor.get(`/register/${entry.id}`)
    assert.match(page.body, /Board decision recorded/)
    assert.match(page.body, /Condition met/)
    assert.match(page.body, /Condition waived/)
  })

  test('an entry not awaiting a decision cannot be decided', async () => {
    const entry = await makeEntry(t, team, { stage: 'under_assessment', screening: 'low' })
    const res = await board.post(`/register/${entry.id}/decision`, approve)
    assert.equal(res.statusCode, 409)
    assertShows(res.body, 'board.errors.notAwaiting')
    assert.deepEqual(await decisionsOf(entry.id), [])
    assert.equal((await reload(t, team, entry.id)).stage, 'under_assessment')
    const approved = await makeEntry(t, team, { stage: 'approved' })
    const again = await board.post(`/register/${approved.id}/decision`, { outcome: 'reject', rationale: 'Changed our minds.' })
    assert.equal(again.statusCode, 409)
    assert.equal((await decisionsOf(approved.id)).length, 1)
    assert.equal((await reload(t, team, approved.id)).stage, 'approved')
  })

  test('defer keeps it waiting; reject moves it to rejected', async () => {
    const entry = await makeEntry(t, team, { stage: 'awaiting_decision' })
    await board.get(`/register/${entry.id}/decision`)
    assert.equal((await board.post(`/register/${entry.id}/decision`, { outcome: 'defer', rationale: 'Need the DPIA first.' })).statusCode, 303)
    assert.equal((await reload(t, team, entry.id)).stage, 'awaiting_decision')
    assert.equal((await board.post(`/register/${entry.id}/decision`, { outcome: 'reject', rationale: 'Too risky.' })).statusCode, 303)
    assert.equal((await reload(t, team, entry.id)).stage, 'rejected')
    assert.deepEqual((await decisionsOf(entry.id)).map((d) => d.outcome), ['reject', 'defer'])
  })

  test('a prohibited use cannot be approved, with or without conditions; it can be rejected', async () => {
    const entry = await makeEntry(t, team, { stage: 'awaiting_decision', screening: { ...SCREENINGS.high, prohibited_practices: ['social_scoring'] } })
    assert.equal((await reload(t, team, entry.id)).riskTier, 'prohibited')
    for (const outcome of ['approve', 'approve_with_conditions']) {
      const res = await board.post(`/register/${entry.id}/decision`, { ...approve, outcome, conditions: 'Stop scoring' })
      assert.equal(res.statusCode, 409, outcome)
      assertShows(res.body, 'board.errors.prohibited')
    }
    assert.deepEqual(await decisionsOf(entry.id), [])
    assert.equal((await reload(t, team, entry.id)).stage, 'awaiting_decision')
    assert.equal((await board.post(`/register/${entry.id}/decision`, { outcome: 'reject', rationale: 'Prohibited.' })).statusCode, 303)
  })

  test('a use whose screening was returned while it waited cannot be approved', async () => {
    const entry = await makeEntry(t, team, { stage: 'awaiting_decision' })
    await t.services.assessments.returnToAuthor(team.assessor.user, entry.id, 'screening', 'Check the data used.')
    assert.equal((await reload(t, team, entry.id)).riskTier, null)
    const res = await board.post(`/register/${entry.id}/decision`, approve)
    assert.equal(res.statusCode, 409)
    assertShows(res.body, 'board.errors.unscreened')
    assert.deepEqual(await decisionsOf(entry.id), [])
    assert.equal((await reload(t, team, entry.id)).stage, 'awaiting_decision')
  })

  test('another organisation’s board member gets 404', async () => {
    const entry = await makeEntry(t, team, { stage: 'awaiting_decision' })
    const other = await signInAs(t, await makePerson(t, await makeOrganisation(t), ['board_member']))
    assert.equal((await other.get(`/register/${entry.id}/decision`)).statusCode, 404)
    assert.equal((await other.post(`/register/${entry.id}/decision`, approve)).statusCode, 404)
    const approved = await makeEntry(t, team, { stage: 'approved', conditions: ['Their condition'] })
    const [decision] = await decisionsOf(approved.id)
    assert.equal((await other.post(`/register/${approved.id}/conditions/${decision!.conditions[0]!.id}`, { status: 'met' })).statusCode, 404)
    assert.deepEqual(await decisionsOf(entry.id), [])
    assert.equal((await decisionsOf(approved.id))[0]!.conditions[0]!.status, 'open')
  })
})
