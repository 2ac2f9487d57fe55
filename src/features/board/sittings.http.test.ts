// Where a decision is taken (issue 10): a quorate meeting of a board the recorder sits on, or the
// chair's action on a low-risk entry; corrections supersede and recorded decisions never change;
// reviews re-open assessments and end in a review decision.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { type Client, createTestApp, type TestApp } from '../../../test/support/app.ts'
import { dateFields, daysFromToday, makeEntry, makePerson, makeTeam, reload, signInAs, type Team } from '../../../test/support/factories.ts'
import { todayIso } from '../../platform/validation.ts'
import { TEMPLATE_BOARD } from './model.ts'
import { quorateMeeting } from './testkit.ts'

let t: TestApp
let team: Team
let other: Team
let chair: Client
let meetingId: string
let boardId: string
const anyway = { decidedAnyway: 'Only the screening is done in this test.' }
const approval = (sitting: string) => ({ sitting, outcome: 'approve', rationale: 'Clear benefit, human review in place.', ...dateFields('reviewDate', daysFromToday(200)), ...anyway })

before(async () => {
  t = await createTestApp({ demo: false })
  ;[team, other] = await Promise.all([makeTeam(t), makeTeam(t)])
  chair = await signInAs(t, team.board)
  ;({ meetingId, boardId } = await quorateMeeting(t.services, { admin: team.admin.user, chair: team.board.user, dpo: team.admin.user, member: team.assessor.user }))
})
after(() => t.close())

describe('where a decision is taken', () => {
  test('a meeting that is not quorate cannot decide, and the form says so', async () => {
    const entry = await makeEntry(t, team, { stage: 'awaiting_decision' })
    const thin = await t.services.board.schedule(team.admin.user, boardId, { date: todayIso(), time: '00:00', location: '', happened: false })
    await t.services.board.setAttendance(team.admin.user, thin, [team.board.id, team.assessor.id])
    const res = await chair.post(`/register/${entry.id}/decision`, approval(`meeting:${thin}`))
    assert.equal(res.statusCode, 409, 'no quorum is refused')
    assert.match(res.body, /href="#sitting">The meeting of Test AI board is not quorate/, 'the error names the quorum, on the sitting')
    assert.match(res.body, /Clear benefit, human review in place\./, 'what was typed is kept')
    assert.equal((await reload(t, team, entry.id)).stage, 'awaiting_decision')
    // The same meeting once the DPO is recorded present: now it can.
    await t.services.board.setAttendance(team.admin.user, thin, [team.board.id, team.assessor.id, team.admin.id])
    const ok = await chair.post(`/register/${entry.id}/decision`, approval(`meeting:${thin}`))
    assert.equal(ok.statusCode, 303, 'quorate: recorded')
    const [d] = await t.services.board.decisionsFor(team.board.user, entry.id)
    assert.equal(d!.meetingId, thin)
    assert.deepEqual(d!.membersPresent.map((m) => m.seat).sort(), ['chair', 'dpo', 'member'], 'the members present are recorded with their seats')
    const agenda = await t.services.board.meeting(team.admin.user, thin)
    assert.ok(agenda.agenda.some((a) => a.entryId === entry.id && a.kind === 'decision'), 'the decided entry is on that meeting\'s agenda')
  })

  test('someone who does not sit on the board cannot record its decision (403)', async () => {
    const entry = await makeEntry(t, team, { stage: 'awaiting_decision' })
    const outsider = await makePerson(t, team.org, ['board_member'])
    const res = await (await signInAs(t, outsider)).post(`/register/${entry.id}/decision`, approval(`meeting:${meetingId}`))
    assert.equal(res.statusCode, 403, 'a board member of the council who is not on this board')
    assert.match(res.body, /You do not sit on Test AI board/)
    assert.equal((await reload(t, team, entry.id)).stage, 'awaiting_decision')
  })

  test('another council\'s meeting or board is not found', async () => {
    const entry = await makeEntry(t, team, { stage: 'awaiting_decision' })
    const theirs = await quorateMeeting(t.services, { admin: other.admin.user, chair: other.board.user, dpo: other.admin.user, member: other.assessor.user })
    assert.equal((await chair.post(`/register/${entry.id}/decision`, approval(`meeting:${theirs.meetingId}`))).statusCode, 404, 'their meeting')
    assert.equal((await chair.post(`/register/${entry.id}/decision`, approval(`chair:${theirs.boardId}`))).statusCode, 404, 'their board')
    assert.equal((await chair.get(`/board/meetings/${theirs.meetingId}/pack`)).statusCode, 404, 'their board pack')
    assert.equal((await chair.get(`/board/meetings/${theirs.meetingId}/pack.pdf`)).statusCode, 404, 'their board pack as PDF')
    const otherEntry = await makeEntry(t, other, { stage: 'awaiting_decision' })
    assert.equal((await chair.post(`/register/${otherEntry.id}/decision`, approval(`meeting:${meetingId}`))).statusCode, 404, 'their entry')
  })

  test('an entry not awaiting a decision is refused with the reason', async () => {
    const entry = await makeEntry(t, team, { stage: 'under_assessment' })
    const res = await chair.post(`/register/${entry.id}/decision`, approval(`meeting:${meetingId}`))
    assert.equal(res.statusCode, 409)
    assert.match(res.body, /not awaiting a decision|awaiting/i)
    assert.deepEqual(await t.services.board.decisionsFor(team.board.user, entry.id), [])
  })

  test('the chair approves a low-risk entry between meetings; it goes on the next agenda for noting', async () => {
    const low = await makeEntry(t, team, { stage: 'awaiting_decision', screening: 'low' })
    assert.ok((await chair.get(`/register/${low.id}/decision`)).body.includes(`value="chair:${boardId}"`), 'the form offers the chair\'s action')
    const res = await chair.post(`/register/${low.id}/decision`, approval(`chair:${boardId}`))
    assert.equal(res.statusCode, 303, 'chair\'s action on a low-risk entry')
    const [d] = await t.services.board.decisionsFor(team.board.user, low.id)
    assert.equal(d!.chairAction, true)
    assert.equal(d!.meetingId, null)
    const next = await t.services.board.schedule(team.admin.user, boardId, { date: daysFromToday(20), time: '10:00', location: 'Room 2', happened: false })
    const agenda = (await t.services.board.meeting(team.admin.user, next)).agenda
    assert.ok(agenda.some((a) => a.kind === 'noting' && a.decisionId === d!.id), 'listed for noting at the next meeting')
    // Noted once: the meeting after that does not list it again.
    const later = await t.services.board.schedule(team.admin.user, boardId, { date: daysFromToday(50), time: '10:00', location: 'Room 2', happened: false })
    assert.ok(!(await t.services.board.meeting(team.admin.user, later)).agenda.some((a) => a.decisionId === d!.id))
  })

  test('chair\'s action is refused for an entry that is not low risk, for a non-chair, and for anything but approval', async () => {
    const high = await makeEntry(t, team, { stage: 'awaiting_decision', screening: 'high' })
    assert.ok(!(await chair.get(`/register/${high.id}/decision`)).body.includes(`value="chair:${boardId}"`), 'the form does not offer it for a high-risk entry')
    const notLow = await chair.post(`/register/${high.id}/decision`, approval(`chair:${boardId}`))
    assert.equal(notLow.statusCode, 409)
    assert.match(notLow.body, /A chair&#39;s action is only for a low-risk use/)
    const low = await makeEntry(t, team, { stage: 'awaiting_decision', screening: 'low' })
    const member = await signInAs(t, team.assessor)
    // The assessor sits on the board as a member but is no board member by role: refused before the board rules.
    assert.equal((await member.post(`/register/${low.id}/decision`, approval(`chair:${boardId}`))).statusCode, 403)
    const deputy = await makePerson(t, team.org, ['board_member'])
    await t.services.board.addMember(team.admin.user, boardId, deputy.id, 'deputy_chair')
    const notChair = await (await signInAs(t, deputy)).post(`/register/${low.id}/decision`, approval(`chair:${boardId}`))
    assert.equal(notChair.statusCode, 409)
    assert.match(notChair.body, /Only the chair of Test AI board can take a chair&#39;s action/)
    const reject = await chair.post(`/register/${low.id}/decision`, { ...approval(`chair:${boardId}`), outcome: 'reject' })
    assert.equal(reject.statusCode, 409)
    assert.match(reject.body, /A chair&#39;s action can only approve a use/)
    assert.equal((await reload(t, team, low.id)).stage, 'awaiting_decision')
  })

  test('a board whose terms do not allow fast track refuses chair\'s action', async () => {
    const panel = await t.services.board.create(team.admin.user, { ...TEMPLATE_BOARD, name: 'No fast track panel', fastTrack: false })
    await t.services.board.addMember(team.admin.user, panel.id, team.board.id, 'chair')
    const low = await makeEntry(t, team, { stage: 'awaiting_decision', screening: 'low' })
    const res = await chair.post(`/register/${low.id}/decision`, approval(`chair:${panel.id}`))
    assert.equal(res.statusCode, 409)
    assert.match(res.body, /No fast track panel does not allow the chair to decide between meetings/)
  })
})

describe('corrections and the record', () => {
  test('a correction supersedes the decision; both stay; the entry follows the correction', async () => {
    const entry = await makeEntry(t, team, { stage: 'awaiting_decision' })
    assert.equal((await chair.post(`/register/${entry.id}/decision`, approval(`meeting:${meetingId}`))).statusCode, 303)
    const [first] = await t.services.board.decisionsFor(team.board.user, entry.id)
    const form = await chair.get(`/board/decisions/${first!.id}/correct`)
    assert.equal(form.statusCode, 200)
    const res = await chair.post(`/board/decisions/${first!.id}/correct`, {
      sitting: `meeting:${meetingId}`, outcome: 'reject', rationale: 'Recorded in error: the board rejected it.', ...anyway,
    })
    assert.equal(res.statusCode, 303)
    const [correction, original] = await t.services.board.decisionsFor(team.board.user, entry.id)
    assert.equal(correction!.supersedes, first!.id)
    assert.equal(original!.id, first!.id)
    assert.equal(original!.supersededBy, correction!.id, 'the original is marked superseded, and kept')
    assert.equal(original!.outcome, 'approve', 'the original is unchanged')
    assert.equal((await reload(t, team, entry.id)).stage, 'rejected')
    const page = await chair.get(`/register/${entry.id}`)
    assert.match(page.body, /Superseded/)
    assert.match(page.body, /Correction/)
    // Only the latest decision can be corrected.
    const again = await chair.post(`/board/decisions/${first!.id}/correct`, { sitting: `meeting:${meetingId}`, outcome: 'approve', rationale: 'x', ...dateFields('reviewDate', daysFromToday(100)), ...anyway })
    assert.equal(again.statusCode, 409)
  })

  test('correcting the approval of a live use keeps it live; correcting it to a rejection takes it out of use', async () => {
    const entry = await makeEntry(t, team, { stage: 'live' })
    const [first] = await t.services.board.decisionsFor(team.board.user, entry.id)
    const fix = await chair.post(`/board/decisions/${first!.id}/correct`, {
      ...approval(`meeting:${meetingId}`), rationale: 'The review date was recorded wrongly.',
    })
    assert.equal(fix.statusCode, 303)
    assert.equal((await reload(t, team, entry.id)).stage, 'live', 'still live')
    const [second] = await t.services.board.decisionsFor(team.board.user, entry.id)
    await chair.post(`/board/decisions/${second!.id}/correct`, { sitting: `meeting:${meetingId}`, outcome: 'reject', rationale: 'The board rejected it.', ...anyway })
    assert.equal((await reload(t, team, entry.id)).stage, 'rejected')
  })

  test('the database refuses to change or delete a recorded decision', async () => {
    const entry = await makeEntry(t, team, { stage: 'approved' })
    const [d] = await t.services.board.decisionsFor(team.board.user, entry.id)
    await assert.rejects(t.db.query("update decisions set rationale = 'changed' where id = $1", [d!.id]), /cannot be changed/)
    await assert.rejects(t.db.query('delete from decisions where id = $1', [d!.id]), /cannot be changed/)
    // Not through a cascade either: an entry with decisions cannot be deleted (it is retired instead).
    await assert.rejects(t.db.query('delete from register_entries where id = $1', [entry.id]), /cannot be changed/)
  })
})

describe('reviews', () => {
  test('a review re-opens the assessments and asks the board to continue, change or retire', async () => {
    const entry = await makeEntry(t, team, { stage: 'live' })
    const res = await chair.post(`/register/${entry.id}/review`, {})
    assert.equal(res.statusCode, 303)
    const screening = await t.services.assessments.screeningFor(team.board.user, entry.id)
    assert.equal(screening!.status, 'needs_review', 'the screening needs a fresh look')
    assert.equal((await chair.post(`/register/${entry.id}/review`, {})).statusCode, 409, 'one review at a time')
    // An initial outcome is not a review decision.
    const wrong = await chair.post(`/register/${entry.id}/decision`, approval(`meeting:${meetingId}`))
    assert.equal(wrong.statusCode, 409)
    // Continue, having said why before the screening is looked at again.
    const ok = await chair.post(`/register/${entry.id}/decision`, { ...approval(`meeting:${meetingId}`), outcome: 'continue' })
    assert.equal(ok.statusCode, 303)
    const [d] = await t.services.board.decisionsFor(team.board.user, entry.id)
    assert.equal(d!.outcome, 'continue')
    assert.equal(d!.review, true)
    assert.equal(await t.services.board.openReview(team.board.user, entry.id), null, 'the review is closed by the decision')
    const after = await reload(t, team, entry.id)
    assert.equal(after.stage, 'live', 'continue keeps it live')
    assert.equal(after.nextReviewDate, daysFromToday(200))
  })

  test('retire on review retires the entry; a contributor cannot start a review', async () => {
    const entry = await makeEntry(t, team, { stage: 'approved' })
    assert.equal((await (await signInAs(t, team.contributor)).post(`/register/${entry.id}/review`, {})).statusCode, 403)
    await chair.post(`/register/${entry.id}/review`, {})
    const res = await chair.post(`/register/${entry.id}/decision`, { sitting: `meeting:${meetingId}`, outcome: 'retire', rationale: 'No longer needed.', ...anyway })
    assert.equal(res.statusCode, 303)
    assert.equal((await reload(t, team, entry.id)).stage, 'retired')
  })
})
