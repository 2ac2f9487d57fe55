import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { assertShows, type Client, createTestApp, type TestApp } from '../../../test/support/app.ts'
import {
  dateFields, daysFromToday, makeEntry, makeOrganisation, makePerson, makeTeam, reload, SCREENINGS, signInAs, type Team,
} from '../../../test/support/factories.ts'
import { quorateMeeting } from './testkit.ts'

let t: TestApp
let team: Team
let board: Client
let contributor: Client
/** Where the board decides: the quorate meeting of the council's test board, the board member in the chair. */
let sitting: { sitting: string }
/** The factory's entries have a screening only, so the other assessments they need are unfinished: the board says why it decides anyway. */
const anyway = { decidedAnyway: 'The screening shows a low risk; the other assessments follow before go-live.' }
before(async () => {
  t = await createTestApp({ demo: false })
  team = await makeTeam(t)
  ;[board, contributor] = await Promise.all([signInAs(t, team.board), signInAs(t, team.contributor)])
  const { meetingId } = await quorateMeeting(t.services, { admin: team.admin.user, chair: team.board.user, dpo: team.admin.user, member: team.assessor.user })
  sitting = { sitting: `meeting:${meetingId}` }
})
after(() => t.close())

const reviewDate = daysFromToday(180)
const approveFields = { outcome: 'approve', rationale: 'Benefits outweigh the risks with human review.', ...dateFields('reviewDate', reviewDate), ...anyway }
/** The approval form, at the meeting (a function: the meeting is made in `before`). */
const approve = () => ({ ...sitting, ...approveFields })
/** Condition row `n` of the decision form: what, its owner (the contributor) and its due date. */
const conditionRow = (n: number, text: string, due = daysFromToday(60)) =>
  ({ [`condition-${n}-text`]: text, [`condition-${n}-owner`]: team.contributor.id, ...dateFields(`condition-${n}-due`, due) })
const decisionsOf = (id: string) => t.services.board.decisionsFor(team.board.user, id)

describe('board decisions', () => {
  test('only board members may decide', async () => {
    const entry = await makeEntry(t, team, { stage: 'awaiting_decision' })
    assert.equal((await contributor.get(`/register/${entry.id}/decision`)).statusCode, 403)
    assert.equal((await contributor.post(`/register/${entry.id}/decision`, approve())).statusCode, 403, 'a contributor may not')
    const admin = await signInAs(t, team.admin)
    // The admin sits on the test board (as its DPO) but has no board role: still no.
    assert.equal((await admin.post(`/register/${entry.id}/decision`, approve())).statusCode, 403, 'an admin may not')
    assert.equal((await reload(t, team, entry.id)).stage, 'awaiting_decision')
    assert.deepEqual(await decisionsOf(entry.id), [])
  })

  test('a decision needs an outcome, a rationale, a review date for approval, and conditions when conditional', async () => {
    const entry = await makeEntry(t, team, { stage: 'awaiting_decision' })
    const res = await board.post(`/register/${entry.id}/decision`, { outcome: 'approve_with_conditions', rationale: '' })
    assert.equal(res.statusCode, 400)
    assert.match(res.body, /href="#sitting">Choose where the decision is taken/, 'the sitting is required')
    assert.match(res.body, /href="#rationale">Enter the rationale/)
    assert.match(res.body, /Enter at least one condition/)
    assert.match(res.body, /href="#reviewDate-day">Enter a review date for an approval/)
    const none = await board.post(`/register/${entry.id}/decision`, { ...sitting, rationale: 'No outcome chosen.' })
    assert.equal(none.statusCode, 400)
    assert.match(none.body, /href="#outcome">Select the decision/)
    assert.doesNotMatch(none.body, /href="#sitting"/, 'the sitting given is not an error')
    // A condition row without an owner is an error on that row's owner box; one due in the past on its date.
    const rows = await board.post(`/register/${entry.id}/decision`, {
      ...approve(), outcome: 'approve_with_conditions',
      'condition-0-text': 'Complete the DPIA', ...dateFields('condition-0-due', daysFromToday(30)),
      ...conditionRow(1, 'Run a bias test', '2020-01-01'),
    })
    assert.equal(rows.statusCode, 400, 'condition rows are checked')
    assert.match(rows.body, /href="#condition-0-owner">Choose the person who owns this condition/, 'no owner: named on the row')
    assert.match(rows.body, /href="#condition-1-due-day">The condition&#39;s due date must be today or later/, 'a past due date: named on the row')
    // Conditions belong to a conditional approval only.
    const unconditional = await board.post(`/register/${entry.id}/decision`, { ...approve(), ...conditionRow(0, 'Complete the DPIA') })
    assert.equal(unconditional.statusCode, 400, 'conditions on a plain approval are refused')
    assert.match(unconditional.body, /href="#conditions">Only an approval with conditions/, 'and the page says so')
    assert.equal((await reload(t, team, entry.id)).stage, 'awaiting_decision')
    assert.deepEqual(await decisionsOf(entry.id), [])
  })

  test('approve with conditions: the entry is approved, conditions open, and live is blocked until they are met', async () => {
    const entry = await makeEntry(t, team, { stage: 'awaiting_decision' })
    const due = daysFromToday(60)
    const res = await board.post(`/register/${entry.id}/decision`, {
      ...approve(), outcome: 'approve_with_conditions',
      // Row 1 left blank is ignored.
      ...conditionRow(0, 'Complete the DPIA', due), ...conditionRow(2, 'Run a bias test on tenant groups', due),
    })
    assert.equal(res.statusCode, 303, `the decision is recorded (${res.statusCode})`)
    const approved = await reload(t, team, entry.id)
    assert.deepEqual([approved.stage, approved.nextReviewDate], ['approved', reviewDate])
    const [decision] = await decisionsOf(entry.id)
    assert.equal(decision!.outcome, 'approve_with_conditions')
    assert.deepEqual(decision!.conditions.map((c) => [c.text, c.status, c.ownerId, c.dueDate]),
      [['Complete the DPIA', 'open', team.contributor.id, due], ['Run a bias test on tenant groups', 'open', team.contributor.id, due]],
      'the conditions are open, each with its owner and due date')
    assert.equal(decision!.decidedAnyway, anyway.decidedAnyway, 'the decision keeps why the board decided anyway')
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
    const res = await board.post(`/register/${entry.id}/decision`, approve())
    assert.equal(res.statusCode, 409)
    assertShows(res.body, 'board.errors.notAwaiting')
    assert.deepEqual(await decisionsOf(entry.id), [])
    assert.equal((await reload(t, team, entry.id)).stage, 'under_assessment')
    const approved = await makeEntry(t, team, { stage: 'approved' })
    const again = await board.post(`/register/${approved.id}/decision`, { ...sitting, ...anyway, outcome: 'reject', rationale: 'Changed our minds.' })
    assert.equal(again.statusCode, 409)
    assert.equal((await decisionsOf(approved.id)).length, 1)
    assert.equal((await reload(t, team, approved.id)).stage, 'approved')
  })

  test('defer keeps it waiting; reject moves it to rejected', async () => {
    const entry = await makeEntry(t, team, { stage: 'awaiting_decision' })
    await board.get(`/register/${entry.id}/decision`)
    // A deferral needs no finished assessments, but says what the board needs.
    const vague = await board.post(`/register/${entry.id}/decision`, { ...sitting, outcome: 'defer', rationale: 'Need the DPIA first.' })
    assert.equal(vague.statusCode, 400, 'a deferral without what is needed is refused')
    assert.match(vague.body, /href="#needed">Enter what the board needs before it decides/, 'and names the field')
    assert.equal((await board.post(`/register/${entry.id}/decision`, {
      ...sitting, outcome: 'defer', rationale: 'Need the DPIA first.', needed: 'A DPIA signed off by the DPO.',
    })).statusCode, 303, 'deferred')
    assert.equal((await reload(t, team, entry.id)).stage, 'awaiting_decision')
    assert.equal((await decisionsOf(entry.id))[0]!.needed, 'A DPIA signed off by the DPO.', 'the deferral keeps what is needed')
    assert.equal((await board.post(`/register/${entry.id}/decision`, { ...sitting, ...anyway, outcome: 'reject', rationale: 'Too risky.' })).statusCode, 303, 'rejected')
    assert.equal((await reload(t, team, entry.id)).stage, 'rejected')
    assert.deepEqual((await decisionsOf(entry.id)).map((d) => d.outcome), ['reject', 'defer'])
  })

  test('a prohibited use cannot be approved, with or without conditions; it can be rejected', async () => {
    const entry = await makeEntry(t, team, { stage: 'awaiting_decision', screening: { ...SCREENINGS.high, prohibited_practices: ['social_scoring'] } })
    assert.equal((await reload(t, team, entry.id)).riskTier, 'prohibited')
    for (const outcome of ['approve', 'approve_with_conditions']) {
      const res = await board.post(`/register/${entry.id}/decision`, {
        ...approve(), outcome, ...(outcome === 'approve_with_conditions' ? conditionRow(0, 'Stop scoring') : {}),
      })
      assert.equal(res.statusCode, 409, outcome)
      assertShows(res.body, 'board.errors.prohibited')
    }
    assert.deepEqual(await decisionsOf(entry.id), [])
    assert.equal((await reload(t, team, entry.id)).stage, 'awaiting_decision')
    assert.equal((await board.post(`/register/${entry.id}/decision`, { ...sitting, ...anyway, outcome: 'reject', rationale: 'Prohibited.' })).statusCode, 303)
  })

  test('a use whose screening was returned while it waited cannot be approved', async () => {
    const entry = await makeEntry(t, team, { stage: 'awaiting_decision' })
    await t.services.assessments.returnToAuthor(team.assessor.user, entry.id, 'screening', 'Check the data used.')
    assert.equal((await reload(t, team, entry.id)).riskTier, null)
    // Without "decide anyway" the unfinished screening itself stops the decision, named.
    const { decidedAnyway: _, ...notAnyway } = approve()
    const unfinished = await board.post(`/register/${entry.id}/decision`, notAnyway)
    assert.equal(unfinished.statusCode, 409, 'refused: assessments are unfinished')
    assert.match(unfinished.body, /href="#decidedAnyway">[^<]*not finished/, 'the refusal is on the "decide anyway" field')
    // Deciding anyway does not get round a missing risk tier.
    const res = await board.post(`/register/${entry.id}/decision`, approve())
    assert.equal(res.statusCode, 409)
    assertShows(res.body, 'board.errors.unscreened')
    assert.deepEqual(await decisionsOf(entry.id), [])
    assert.equal((await reload(t, team, entry.id)).stage, 'awaiting_decision')
  })

  test('another organisation’s board member gets 404', async () => {
    const entry = await makeEntry(t, team, { stage: 'awaiting_decision' })
    const other = await signInAs(t, await makePerson(t, await makeOrganisation(t), ['board_member']))
    assert.equal((await other.get(`/register/${entry.id}/decision`)).statusCode, 404)
    assert.equal((await other.post(`/register/${entry.id}/decision`, approve())).statusCode, 404)
    const approved = await makeEntry(t, team, { stage: 'approved', conditions: ['Their condition'] })
    const [decision] = await decisionsOf(approved.id)
    assert.equal((await other.post(`/register/${approved.id}/conditions/${decision!.conditions[0]!.id}`, { status: 'met' })).statusCode, 404)
    assert.deepEqual(await decisionsOf(entry.id), [])
    assert.equal((await decisionsOf(approved.id))[0]!.conditions[0]!.status, 'open')
  })
})
