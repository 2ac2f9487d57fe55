// What is due, for those who must act (issue 10): a condition's owner sees it on their home page and
// sends evidence (staff included); a submitted condition still blocks live; the board's page lists
// reviews coming due, and the proposer sees theirs.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestApp, type TestApp } from '../../../test/support/app.ts'
import { daysFromToday, makeEntry, makePerson, makeTeam, reload, signInAs, type Team } from '../../../test/support/factories.ts'
import { quorateMeeting } from './testkit.ts'

let t: TestApp
let team: Team
before(async () => {
  t = await createTestApp({ demo: false })
  team = await makeTeam(t)
})
after(() => t.close())

describe('what is due', () => {
  test('a staff member who owns a condition sees it at home, sends evidence, and the entry still waits for the board', async () => {
    const staff = await makePerson(t, team.org, ['staff'])
    const entry = await makeEntry(t, team, { stage: 'awaiting_decision' })
    const { meetingId } = await quorateMeeting(t.services, { admin: team.admin.user, chair: team.board.user, dpo: team.admin.user, member: team.assessor.user })
    await t.services.board.record(team.board.user, entry.id, {
      sitting: { kind: 'meeting', meetingId }, outcome: 'approve_with_conditions', rationale: 'With a staff briefing first.',
      reviewDate: daysFromToday(300), conditions: [{ text: 'Brief the team on checking outputs', ownerId: staff.id, dueDate: daysFromToday(7) }],
      decidedAnyway: 'Only the screening is done in this test.',
    })
    const [decision] = await t.services.board.decisionsFor(team.board.user, entry.id)
    const condition = decision!.conditions[0]!
    const c = await signInAs(t, staff)
    const home = await c.get('/home')
    assert.equal(home.statusCode, 200)
    assert.ok(home.body.includes(`/register/${entry.id}/conditions/${condition.id}/evidence`), 'the home page links to the evidence form')
    assert.ok(home.body.includes('Brief the team on checking outputs'))
    const form = await c.get(`/register/${entry.id}/conditions/${condition.id}/evidence`)
    assert.equal(form.statusCode, 200, 'the owner opens the evidence form without register access')
    const empty = await c.post(`/register/${entry.id}/conditions/${condition.id}/evidence`, { evidence: '', url: 'javascript:alert(1)' })
    assert.equal(empty.statusCode, 400)
    assert.match(empty.body, /href="#evidence">Enter what was done/)
    assert.match(empty.body, /href="#url">Enter the link as a web address/, 'a javascript: link is refused')
    const sent = await c.post(`/register/${entry.id}/conditions/${condition.id}/evidence`, { evidence: 'Briefed 12 officers on 1 December.', url: 'https://intranet.example/briefing' })
    assert.equal(sent.statusCode, 303)
    assert.equal(sent.headers.location, '/home?done=evidence', 'back to their home page')
    const [after] = await t.services.board.decisionsFor(team.board.user, entry.id)
    assert.equal(after!.conditions[0]!.status, 'submitted')
    assert.equal(after!.conditions[0]!.evidenceUrl, 'https://intranet.example/briefing')
    // Evidence sent is not the board accepting it: still no live.
    await t.services.assessments.updateActions(team.contributor.user, entry.id,
      (await t.services.assessments.openMustActions(team.contributor.user, entry.id)).map((a) => ({ id: a.id, status: 'done', owner: 'Lead', dueDate: null })))
    await assert.rejects(t.services.register.transition(team.contributor.user, entry.id, 'live'), /openConditions/)
    // Someone else cannot send evidence for it.
    const viewer = await signInAs(t, team.viewer)
    assert.equal((await viewer.post(`/register/${entry.id}/conditions/${condition.id}/evidence`, { evidence: 'Not mine.', url: '' })).statusCode, 403)
    assert.equal((await viewer.get(`/register/${entry.id}/conditions/${condition.id}/evidence`)).statusCode, 403)
    // The board accepts it; then it can go live.
    await t.services.board.closeCondition(team.board.user, entry.id, condition.id, 'met')
    assert.equal((await t.services.register.transition(team.contributor.user, entry.id, 'live')).stage, 'live')
  })

  test('the board page lists reviews coming due; the proposer sees theirs at home', async () => {
    const soon = await makeEntry(t, team, { stage: 'live', name: 'Chatbot for council tax questions', reviewDate: daysFromToday(10) })
    const later = await makeEntry(t, team, { stage: 'live', name: 'Translation of letters', reviewDate: daysFromToday(200) })
    const boardPage = await (await signInAs(t, team.board)).get('/board')
    assert.equal(boardPage.statusCode, 200)
    assert.ok(boardPage.body.includes(`/register/${soon.id}#decisions`), 'due in 10 days: listed')
    assert.ok(!boardPage.body.includes(`/register/${later.id}#decisions`), 'due in 200 days: not listed')
    const home = await (await signInAs(t, team.contributor)).get('/home')
    // (Both are on the proposer's home among the uses they proposed; only one is among the reviews coming due.)
    assert.match(home.body, /Chatbot for council tax questions<\/a>, due/, 'the proposer sees the review coming due')
    assert.doesNotMatch(home.body, /Translation of letters<\/a>, due/)
    assert.equal((await reload(t, team, soon.id)).nextReviewDate, daysFromToday(10))
  })
})
