/**
 * Go-live respects the actions (issue 8, item 6): an entry cannot move to pilot or live while a
 * MUST action is open, unless the board's decision accepted leaving it open, as a condition
 * waived with a reason. The refusal names the actions.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { type Client, createTestApp, escapeHtml, type TestApp } from '../../../test/support/app.ts'
import { dateFields, daysFromToday, makeEntry, makeTeam, reload, signInAs, type Team } from '../../../test/support/factories.ts'
import { quorateMeeting } from './testkit.ts'

let t: TestApp
let team: Team
let board: Client
let contributor: Client
/** The quorate meeting of the council's test board (the board member in the chair) where the board decides. */
let meetingId: string
/** The decision form approving, at that meeting. */
let approve: Record<string, string>
before(async () => {
  t = await createTestApp({ demo: false })
  team = await makeTeam(t)
  ;[board, contributor] = await Promise.all([signInAs(t, team.board), signInAs(t, team.contributor)])
  ;({ meetingId } = await quorateMeeting(t.services, { admin: team.admin.user, chair: team.board.user, dpo: team.admin.user, member: team.assessor.user }))
  approve = {
    sitting: `meeting:${meetingId}`, outcome: 'approve', rationale: 'The benefit is clear and staff review every output.',
    ...dateFields('reviewDate', daysFromToday(180)),
    // The high-risk entries here have a screening only; the assessments it calls for are not started.
    decidedAnyway: 'The board accepts the screening\'s MUST actions as the plan; the assessments follow in the pilot.',
  }
})
after(() => t.close())

const REASON = 'The DPIA is booked with the DPO for next month; the pilot uses test data only until then.'

/** An entry awaiting a decision whose high-risk screening left MUST actions open. */
async function awaitingWithOpenMust() {
  const entry = await makeEntry(t, team, { stage: 'awaiting_decision', screening: 'high', personalData: true })
  const open = await t.services.assessments.openMustActions(team.contributor.user, entry.id)
  assert.ok(open.length >= 2, `the high-risk screening leaves MUST actions open (${open.length})`)
  return { entry, open }
}

const moveTo = (id: string, stage: string) => contributor.post(`/register/${id}/stage`, { stage })

/** The move is refused by the open-actions guard, and the entry page names every action given. */
async function refusedNaming(id: string, stage: string, texts: string[]) {
  const res = await moveTo(id, stage)
  assert.equal(res.statusCode, 303, `moving to ${stage} answers a redirect`)
  assert.equal(res.headers.location, `/register/${id}?refused=lifecycle.openMustActions`, `moving to ${stage} is refused for open MUST actions`)
  const page = await contributor.get(String(res.headers.location))
  assert.equal(page.statusCode, 200, 'the entry page shows')
  const said = refusals(page.body)
  assert.ok(said.length > 0, 'the page says why')
  for (const text of texts) assert.ok(said.every((r) => r.includes(escapeHtml(text))), `the refusal names "${text}"`)
  return said
}

/** Every sentence on the page refusing pilot or live for open MUST actions. */
const refusals = (body: string) => body.match(/The entry cannot go into pilot or live while[^<]*/g) ?? []

describe('open MUST actions and go-live', () => {
  test('an approved entry with open MUST actions cannot go into pilot or live; the refusal names them', async () => {
    const { entry, open } = await awaitingWithOpenMust()
    assert.equal((await board.post(`/register/${entry.id}/decision`, approve)).statusCode, 303, 'the board approves')
    await refusedNaming(entry.id, 'pilot', open.map((a) => a.text))
    await refusedNaming(entry.id, 'live', open.map((a) => a.text))
    assert.equal((await reload(t, team, entry.id)).stage, 'approved', 'the entry stays approved')
  })

  test('once its MUST actions are done (or not applicable) the entry may go into pilot', async () => {
    const { entry, open } = await awaitingWithOpenMust()
    await t.services.board.record(team.board.user, entry.id, {
      sitting: { kind: 'meeting', meetingId }, outcome: 'approve', rationale: 'Fine.', reviewDate: daysFromToday(90), conditions: [],
      // Only the screening is done (see `approve`).
      decidedAnyway: approve.decidedAnyway,
    })
    const [first, ...rest] = open
    const done = await t.services.assessments.updateActions(team.contributor.user, entry.id, [
      { id: first!.id, status: 'done', owner: 'Data Protection Officer', dueDate: null },
      ...rest.slice(1).map((a) => ({ id: a.id, status: 'not_applicable', owner: null, dueDate: null })),
    ])
    assert.ok(done.ok, `the actions are updated: ${JSON.stringify(done)}`)
    // One is still open: it alone is named.
    const said = await refusedNaming(entry.id, 'pilot', [rest[0]!.text])
    assert.ok(said.every((r) => !r.includes(escapeHtml(first!.text))), 'the action that is done is not named')
    assert.ok(said.every((r) => r.includes('this MUST action is open')), 'one action: the singular message')
    assert.ok((await t.services.assessments.updateActions(team.contributor.user, entry.id, [
      { id: rest[0]!.id, status: 'done', owner: 'Head of service', dueDate: '2027-01-31' },
    ])).ok, 'the last one is done')
    const res = await moveTo(entry.id, 'pilot')
    assert.equal(res.headers.location, `/register/${entry.id}?done=stage`, 'the move is allowed')
    assert.equal((await reload(t, team, entry.id)).stage, 'pilot', 'the entry is in pilot')
  })

  test('the board may accept leaving MUST actions open, with a reason: the entry may then go live, and the waiver shows on the decision', async () => {
    const { entry, open } = await awaitingWithOpenMust()
    const form = await board.get(`/register/${entry.id}/decision`)
    assert.equal(form.statusCode, 200, 'the decision form shows')
    for (const a of open) assert.ok(form.body.includes(`value="${a.id}"`), `the form offers to accept "${a.text}"`)
    const res = await board.post(`/register/${entry.id}/decision`, { ...approve, acceptedActions: open.map((a) => a.id), acceptanceReason: REASON })
    assert.equal(res.statusCode, 303, `the decision is recorded (${res.statusCode})`)
    const [decision] = await t.services.board.decisionsFor(team.board.user, entry.id)
    const accepted = decision!.conditions.filter((c) => c.actionId)
    assert.deepEqual(accepted.map((c) => c.actionId).sort(), open.map((a) => a.id).sort(), 'one condition per accepted action')
    assert.ok(accepted.every((c) => c.status === 'waived' && c.waiverReason === REASON), 'each is waived, with the reason')
    const page = await contributor.get(`/register/${entry.id}`)
    assert.ok(page.body.includes(escapeHtml(`Accepted leaving open: ${open[0]!.text}`)), 'the decision shows the accepted action')
    assert.ok(page.body.includes(escapeHtml(REASON)), 'and the reason')
    assert.equal((await moveTo(entry.id, 'pilot')).headers.location, `/register/${entry.id}?done=stage`, 'pilot is allowed')
    assert.equal((await moveTo(entry.id, 'live')).headers.location, `/register/${entry.id}?done=stage`, 'live is allowed: nothing is left open')
  })

  test('accepting some of them leaves the others in the way', async () => {
    const { entry, open } = await awaitingWithOpenMust()
    const [one, ...others] = open
    assert.equal((await board.post(`/register/${entry.id}/decision`, { ...approve, acceptedActions: one!.id, acceptanceReason: REASON })).statusCode, 303,
      'the decision accepting one action is recorded')
    await refusedNaming(entry.id, 'pilot', others.map((a) => a.text))
  })

  test('accepting needs a reason and an approval, and only open MUST actions of the entry; nothing is recorded otherwise', async () => {
    const { entry, open } = await awaitingWithOpenMust()
    const ids = open.map((a) => a.id)
    const noReason = await board.post(`/register/${entry.id}/decision`, { ...approve, acceptedActions: ids })
    assert.equal(noReason.statusCode, 400, 'no reason: refused')
    assert.match(noReason.body, /href="#acceptanceReason">Enter why the board accepts leaving the ticked actions open/, 'the summary names the reason field')
    assert.ok(ids.every((id) => noReason.body.includes(`value="${id}" checked`)), 'the ticked actions stay ticked')
    const deferred = await board.post(`/register/${entry.id}/decision`, { ...approve, outcome: 'defer', acceptedActions: ids, acceptanceReason: REASON })
    assert.equal(deferred.statusCode, 400, 'a deferral cannot accept actions')
    assert.match(deferred.body, /Only an approval can accept leaving MUST actions open/, 'says why')
    const other = await board.post(`/register/${entry.id}/decision`, {
      ...approve, acceptedActions: '00000000-0000-4000-8000-000000000000', acceptanceReason: REASON,
    })
    assert.equal(other.statusCode, 409, 'an action that is not one of the entry\'s open MUST actions: refused')
    assert.match(other.body, /One of the ticked actions is no longer open/, 'says why')
    const junk = await board.post(`/register/${entry.id}/decision`, { ...approve, acceptedActions: 'x'.repeat(5000), acceptanceReason: '\u0000'.repeat(3) })
    assert.ok(junk.statusCode === 400 || junk.statusCode === 409, `junk is refused, not a server error (${junk.statusCode})`)
    assert.deepEqual(await t.services.board.decisionsFor(team.board.user, entry.id), [], 'nothing was recorded')
    assert.equal((await reload(t, team, entry.id)).stage, 'awaiting_decision', 'the entry still awaits a decision')
  })
})
