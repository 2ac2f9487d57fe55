// The governance board (issue 10) looked at as an attacker and as a careful council user would.
//
// Three parts:
// - "defences that hold": the board's defences (another council's ids, roles and seats, CSRF,
//   escaping, bad input, the go-live gate, the CSV guard, the reminders' dedupe).
// - "problems the review found": each failed when the review found it and passes since the fix;
//   they stay as regression tests.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import { type Client, createTestApp, parseCsv, shown, type TestApp } from '../../../test/support/app.ts'
import { dateFields, daysFromToday, makeEntry, makePerson, makeTeam, reload, signInAs, type Team } from '../../../test/support/factories.ts'
import { todayIso } from '../../platform/validation.ts'
import { type DecisionInput, TEMPLATE_BOARD } from './model.ts'
import { quorateMeeting, type Sitting } from './testkit.ts'

let t: TestApp
let team: Team
let other: Team
let admin: Client
let chair: Client
let contributor: Client
let viewer: Client
/** The council's test board (team.board in the chair) and its quorate meeting held today. */
let ours: Sitting
/** The other council's test board and meeting. */
let theirs: Sitting

const anyway = { decidedAnyway: 'Only the screening is done in this test.' }
const approval = (sitting: string) => ({
  sitting, outcome: 'approve', rationale: 'Clear benefit, human review in place.', ...dateFields('reviewDate', daysFromToday(200)), ...anyway,
})
/** The board form with the template's answers, changed by `over`. */
const boardForm = (over: Record<string, string | string[]> = {}) => ({
  name: `Board ${randomUUID().slice(0, 8)}`, purpose: TEMPLATE_BOARD.purpose, cadence: 'monthly', reportingLine: TEMPLATE_BOARD.reportingLine,
  decisionTypes: [...TEMPLATE_BOARD.decisionTypes], quorumMin: '3', quorumGroups: ['chairOrDeputy', 'dpoOrSiro'], fastTrack: 'no', ...over,
})

/** A board of the council with team.board in the chair, the admin as DPO and the assessor a member, and a quorate meeting today. */
async function boardWithMeeting(name: string, opts: { fastTrack?: boolean; chairId?: string } = {}): Promise<Sitting> {
  const s = t.services
  const b = await s.board.create(team.admin.user, { ...TEMPLATE_BOARD, name, fastTrack: opts.fastTrack ?? false })
  const chairId = opts.chairId ?? team.board.id
  await s.board.addMember(team.admin.user, b.id, chairId, 'chair')
  await s.board.addMember(team.admin.user, b.id, team.admin.id, 'dpo')
  await s.board.addMember(team.admin.user, b.id, team.assessor.id, 'member')
  const meetingId = await s.board.schedule(team.admin.user, b.id, { date: todayIso(), time: '00:00', location: 'Room 9', happened: false })
  await s.board.setAttendance(team.admin.user, meetingId, [chairId, team.admin.id, team.assessor.id])
  return { boardId: b.id, meetingId }
}

const latestDecision = async (entryId: string) => (await t.services.board.decisionsFor(team.board.user, entryId))[0]!

before(async () => {
  t = await createTestApp({ demo: false })
  ;[team, other] = await Promise.all([makeTeam(t), makeTeam(t)])
  ;[admin, chair, contributor, viewer] = await Promise.all([
    signInAs(t, team.admin), signInAs(t, team.board), signInAs(t, team.contributor), signInAs(t, team.viewer),
  ])
  ours = await quorateMeeting(t.services, { admin: team.admin.user, chair: team.board.user, dpo: team.admin.user, member: team.assessor.user })
  theirs = await quorateMeeting(t.services, { admin: other.admin.user, chair: other.board.user, dpo: other.admin.user, member: other.assessor.user })
})
after(() => t.close())

describe('defences that hold', () => {
  test('every board POST refuses a missing or wrong CSRF token (403) before anything else', async () => {
    const u = randomUUID()
    const routes: [Client, string][] = [
      [admin, '/board/new'], [admin, `/board/${u}/edit`], [admin, `/board/${u}/members`], [admin, `/board/${u}/members/${u}/remove`],
      [admin, `/board/${u}/meetings/new`], [admin, `/board/meetings/${u}/attendance`], [admin, `/board/meetings/${u}/agenda`],
      [admin, `/board/meetings/${u}/agenda/${u}/move`], [admin, `/board/meetings/${u}/agenda/${u}/remove`],
      [admin, `/board/meetings/${u}/minutes`], [admin, `/board/meetings/${u}/approve-previous-minutes`],
      [chair, `/register/${u}/decision`], [chair, `/board/decisions/${u}/correct`], [chair, `/register/${u}/conditions/${u}/evidence`],
      [chair, `/register/${u}/conditions/${u}`], [chair, `/register/${u}/review`],
    ]
    for (const [client, url] of routes) {
      const wrong = await client.post(url, { _csrf: 'not-the-token' })
      assert.equal(wrong.statusCode, 403, `${url}: a wrong token is refused`)
      assert.ok(wrong.body.includes(shown('error.csrf')), `${url}: refused as CSRF`)
      const none = await client.post(url, { _csrf: '' })
      assert.equal(none.statusCode, 403, `${url}: no token is refused`)
      // With the right token the same request gets past CSRF (to the route's own 404 or 400).
      const right = await client.post(url, {})
      assert.notEqual(right.statusCode, 403, `${url}: the right token passes CSRF (got ${right.statusCode})`)
      assert.ok(right.statusCode < 500, `${url}: no server error (got ${right.statusCode})`)
    }
  })

  test('another council\'s boards, meetings, agenda items, members, conditions, decisions and packs are not found', async () => {
    const s = t.services
    await s.board.addAgendaItem(other.admin.user, theirs.meetingId, { entryId: null, title: 'Their item' })
    const theirItem = (await s.board.meeting(other.admin.user, theirs.meetingId)).agenda.at(-1)!
    const theirEntry = await makeEntry(t, other, { stage: 'approved', conditions: ['Their condition'] })
    const [theirDecision] = await s.board.decisionsFor(other.board.user, theirEntry.id)
    const theirCondition = theirDecision!.conditions[0]!
    const ourEntry = await makeEntry(t, team, { stage: 'approved', conditions: ['Our condition'] })
    const ourAwaiting = await makeEntry(t, team, { stage: 'awaiting_decision' })
    const b = theirs.boardId
    const m = theirs.meetingId
    const gets = [`/board/${b}`, `/board/${b}/edit`, `/board/${b}/meetings/new`, `/board/meetings/${m}`, `/board/meetings/${m}/pack`,
      `/board/meetings/${m}/pack.pdf`, `/board/meetings/${m}/pack.docx`, `/register/${theirEntry.id}/conditions/${theirCondition.id}/evidence`]
    for (const url of gets) assert.equal((await admin.get(url)).statusCode, 404, `GET ${url} as our admin`)
    for (const url of [`/board/decisions/${theirDecision!.id}/correct`, `/board/meetings/${m}/pack`]) {
      assert.equal((await chair.get(url)).statusCode, 404, `GET ${url} as our chair`)
    }
    const posts: [Client, string, Record<string, string | string[]>][] = [
      [admin, `/board/${b}/edit`, boardForm()],
      [admin, `/board/${b}/members`, { userId: team.viewer.id, seat: 'member' }],
      [admin, `/board/${b}/members/${other.board.id}/remove`, {}],
      [admin, `/board/${b}/meetings/new`, { ...dateFields('date', daysFromToday(10)), time: '10:00' }],
      [admin, `/board/meetings/${m}/attendance`, { attendees: [team.admin.id] }],
      [admin, `/board/meetings/${m}/agenda`, { title: 'Sneaked in' }],
      [admin, `/board/meetings/${m}/agenda/${theirItem.id}/move`, { direction: 'up' }],
      [admin, `/board/meetings/${m}/agenda/${theirItem.id}/remove`, {}],
      // Their item through our meeting's address.
      [admin, `/board/meetings/${ours.meetingId}/agenda/${theirItem.id}/remove`, {}],
      [admin, `/board/meetings/${m}/minutes`, { minutes: 'Overwritten' }],
      [admin, `/board/meetings/${m}/approve-previous-minutes`, {}],
      // A member of theirs, removed from our board.
      [admin, `/board/${ours.boardId}/members/${other.board.id}/remove`, {}],
      [chair, `/board/decisions/${theirDecision!.id}/correct`, { sitting: `meeting:${ours.meetingId}`, outcome: 'reject', rationale: 'x', ...anyway }],
      [chair, `/register/${theirEntry.id}/conditions/${theirCondition.id}`, { status: 'met' }],
      // Their condition through our entry's address.
      [chair, `/register/${ourEntry.id}/conditions/${theirCondition.id}`, { status: 'met' }],
      [chair, `/register/${theirEntry.id}/review`, {}],
      [chair, `/register/${theirEntry.id}/decision`, approval(`meeting:${ours.meetingId}`)],
      [chair, `/register/${ourAwaiting.id}/decision`, approval(`meeting:${m}`)],
      [chair, `/register/${ourAwaiting.id}/decision`, approval(`chair:${b}`)],
    ]
    for (const [client, url, form] of posts) assert.equal((await client.post(url, form)).statusCode, 404, `POST ${url}`)
    const theirOwner = await signInAs(t, other.contributor)
    // Their condition's owner cannot reach it through our entry either.
    assert.equal((await theirOwner.get(`/register/${ourEntry.id}/conditions/${theirCondition.id}/evidence`)).statusCode, 404)
    // Nothing of theirs changed.
    const after = await s.board.meeting(other.admin.user, m)
    assert.ok(after.agenda.some((a) => a.id === theirItem.id), 'their agenda item is still there')
    assert.equal(after.meeting.minutes, '', 'their minutes are untouched')
    assert.equal((await s.board.decisionsFor(other.board.user, theirEntry.id))[0]!.conditions[0]!.status, 'open', 'their condition is still open')
    // Their board in our decision log's filter is a field error, not their decisions.
    assert.equal((await viewer.get(`/board/decisions?board=${b}`)).statusCode, 400)
    // Their people cannot be seated on our board, own our conditions or be marked present.
    const seat = await admin.post(`/board/${ours.boardId}/members`, { userId: other.viewer.id, seat: 'member' })
    assert.equal(seat.statusCode, 409, 'a person of another council is not seated')
    assert.equal((await reload(t, team, ourAwaiting.id)).stage, 'awaiting_decision', 'our entry was not decided at their sitting')
    assert.ok(!(await s.board.members(team.admin.user, ours.boardId)).some((x) => x.userId === other.viewer.id))
  })

  test('a path parameter that is not a UUID is a 404, never a 500', async () => {
    const bad = 'not-a-uuid'
    const gets = [`/board/${bad}`, `/board/${bad}/edit`, `/board/meetings/${bad}`, `/board/meetings/${bad}/pack`, `/board/meetings/${bad}/pack.pdf`,
      `/board/decisions/${bad}/correct`, `/register/${bad}/decision`, `/register/${randomUUID()}/conditions/${bad}/evidence`]
    for (const url of gets) assert.equal((await admin.get(url)).statusCode, 404, `GET ${url}`)
    const posts = [`/board/${bad}/members`, `/board/${ours.boardId}/members/${bad}/remove`, `/board/meetings/${ours.meetingId}/agenda/${bad}/move`,
      `/board/meetings/${ours.meetingId}/agenda/${bad}/remove`, `/board/meetings/${bad}/attendance`, `/board/decisions/${bad}/correct`,
      `/register/${bad}/conditions/${randomUUID()}`, `/register/${randomUUID()}/conditions/${bad}/evidence`, `/register/${bad}/review`]
    for (const url of posts) assert.equal((await chair.post(url, { direction: 'up' })).statusCode, 404, `POST ${url}`)
  })

  test('without a managing seat or the admin role nobody runs a board; a chair of one board cannot run another', async () => {
    const elsewhere = await boardWithMeeting('Board run by the admin only', { chairId: (await makePerson(t, team.org, ['board_member'])).id })
    const m = elsewhere.meetingId
    const b = elsewhere.boardId
    // team.board chairs the council's test board, not this one.
    for (const [who, client] of [['contributor', contributor], ['viewer', viewer], ['chair of another board', chair]] as const) {
      assert.equal((await client.get(`/board/${b}/edit`)).statusCode, 403, `${who}: edit form`)
      assert.equal((await client.post(`/board/${b}/edit`, boardForm({ quorumMin: '1' }))).statusCode, 403, `${who}: edit`)
      assert.equal((await client.post(`/board/${b}/members`, { userId: team.contributor.id, seat: 'chair' })).statusCode, 403, `${who}: seat`)
      assert.equal((await client.post(`/board/${b}/members/${team.admin.id}/remove`)).statusCode, 403, `${who}: unseat`)
      assert.equal((await client.post(`/board/${b}/meetings/new`, { ...dateFields('date', daysFromToday(5)), time: '10:00' })).statusCode, 403, `${who}: schedule`)
      assert.equal((await client.post(`/board/meetings/${m}/attendance`, { attendees: [team.admin.id] })).statusCode, 403, `${who}: attendance`)
      assert.equal((await client.post(`/board/meetings/${m}/agenda`, { title: 'x' })).statusCode, 403, `${who}: agenda`)
      assert.equal((await client.post(`/board/meetings/${m}/minutes`, { minutes: 'x' })).statusCode, 403, `${who}: minutes`)
      assert.equal((await client.post(`/board/meetings/${m}/approve-previous-minutes`)).statusCode, 403, `${who}: approve minutes`)
      assert.equal((await client.post('/board/new', boardForm())).statusCode, 403, `${who}: set up a board`)
    }
    const detail = await t.services.board.meeting(team.admin.user, m)
    assert.equal(detail.meeting.attendees.length, 3, 'attendance unchanged')
    assert.equal(detail.meeting.minutes, '', 'minutes unchanged')
  })

  test('only a condition\'s owner sends evidence; only a member of the board that set it closes it', async () => {
    const entry = await makeEntry(t, team, { stage: 'approved', conditions: ['Publish the privacy notice'] })
    const c = (await latestDecision(entry.id)).conditions[0]!
    const url = `/register/${entry.id}/conditions/${c.id}/evidence`
    assert.equal((await viewer.get(url)).statusCode, 403, 'a non-owner cannot open the evidence form')
    assert.equal((await viewer.post(url, { evidence: 'I did it', url: '' })).statusCode, 403, 'a non-owner cannot send evidence')
    assert.equal((await chair.post(url, { evidence: 'I did it', url: '' })).statusCode, 403, 'nor can the chair')
    // A board member who sits only on another board cannot close this board's condition.
    const panel = await boardWithMeeting('Panel for closing', { chairId: (await makePerson(t, team.org, ['board_member'])).id })
    const outsider = await makePerson(t, team.org, ['board_member'])
    await t.services.board.addMember(team.admin.user, panel.boardId, outsider.id, 'member')
    const res = await (await signInAs(t, outsider)).post(`/register/${entry.id}/conditions/${c.id}`, { status: 'waived' })
    assert.equal(res.statusCode, 403, 'a member of another board')
    assert.equal((await latestDecision(entry.id)).conditions[0]!.status, 'open')
  })

  test('a javascript: evidence link is refused; a quote in a link is escaped; a NUL is a 400', async () => {
    const entry = await makeEntry(t, team, { stage: 'approved', conditions: ['Evidence link check'] })
    const c = (await latestDecision(entry.id)).conditions[0]!
    const url = `/register/${entry.id}/conditions/${c.id}/evidence`
    for (const bad of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', '  javascript:alert(1)', 'data:text/html,<script>alert(1)</script>',
      '//evil.example/x', 'https://x" onmouseover="alert(1)', `https://example.org/${'a'.repeat(2000)}`]) {
      const res = await contributor.post(url, { evidence: 'Done', url: bad })
      assert.equal(res.statusCode, 400, `refused: ${bad.slice(0, 40)}`)
    }
    assert.equal((await contributor.post(url, { evidence: 'Done', url: 'https://example.org/\u0000' })).statusCode, 400, 'a NUL in the link')
    assert.equal((await contributor.post(url, { evidence: 'Do\u0000ne', url: '' })).statusCode, 400, 'a NUL in the text')
    assert.equal((await contributor.post(url, { evidence: ['a', 'b'], url: '' })).statusCode, 400, 'a list for the text')
    assert.equal((await contributor.post(url, { evidence: 'x'.repeat(10001), url: '' })).statusCode, 400, '10 kB of text')
    assert.equal((await latestDecision(entry.id)).conditions[0]!.evidenceUrl, null, 'nothing was stored')
    const ok = await contributor.post(url, { evidence: 'Published <b>here</b>', url: 'https://x"onmouseover="alert(1)' })
    assert.equal(ok.statusCode, 303, 'a link without spaces is taken')
    const page = await chair.get(`/register/${entry.id}`)
    assert.doesNotMatch(page.body, /onmouseover="alert/, 'the quote is escaped in the href')
    assert.match(page.body, /href="https:\/\/x&quot;onmouseover=&quot;alert\(1\)"/, 'escaped link')
    assert.doesNotMatch(page.body, /<b>here<\/b>/, 'the evidence text is escaped')
  })

  test('minutes Markdown is rendered safely', async () => {
    const m = (await boardWithMeeting('Minutes board')).meetingId
    const markdown = '# Minutes\n\n<script>alert(1)</script>\n\n[click](javascript:alert(1)) <img src=x onerror=alert(1)>\n\n<a href="data:text/html,x">d</a> **ok**'
    const res = await admin.post(`/board/meetings/${m}/minutes`, { minutes: markdown })
    assert.equal(res.statusCode, 303)
    const page = await admin.get(`/board/meetings/${m}`)
    const rendered = /id="minutes-rendered">([\s\S]*?)<\/div>/.exec(page.body)?.[1] ?? ''
    assert.match(rendered, /<strong>ok<\/strong>/, 'Markdown is rendered')
    for (const bad of [/<script/i, /href="javascript:/i, /onerror/i, /<img/i, /href="data:/i]) assert.doesNotMatch(rendered, bad, `no ${bad}`)
    assert.doesNotMatch(page.body, /<script>alert\(1\)<\/script>/, 'nor anywhere on the page (the textarea escapes it)')
  })

  test('bad input to the decision form is a 4xx naming the problem, never a 500, and records nothing', async () => {
    const entry = await makeEntry(t, team, { stage: 'awaiting_decision' })
    const base = approval(`meeting:${ours.meetingId}`)
    const cases: [string, Record<string, string | string[]>, number | null][] = [
      ['no fields at all', {}, 400],
      ['sitting "meeting:"', { ...base, sitting: 'meeting:' }, 400],
      ['sitting "meeting:garbage"', { ...base, sitting: 'meeting:garbage' }, 400],
      ['sitting "meeting" with no colon', { ...base, sitting: 'meeting' }, 400],
      ['sitting "throne:…"', { ...base, sitting: `throne:${ours.meetingId}` }, 400],
      ['sitting of an unknown meeting', { ...base, sitting: `meeting:${randomUUID()}` }, null],
      ['sitting of an unknown board', { ...base, sitting: `chair:${randomUUID()}` }, null],
      ['two sittings', { ...base, sitting: [`meeting:${ours.meetingId}`, `chair:${ours.boardId}`] }, 400],
      ['two outcomes', { ...base, outcome: ['approve', 'reject'] }, 400],
      ['an unknown outcome', { ...base, outcome: 'crown' }, 400],
      ['a list for the rationale', { ...base, rationale: ['a', 'b'] }, 400],
      ['10 kB of rationale', { ...base, rationale: 'x'.repeat(10001) }, 400],
      ['a NUL in the rationale', { ...base, rationale: 'a\u0000b' }, 400],
      ['a NUL in a field name', { ...base, 'a\u0000': 'x' }, 400],
      ['a review date in the past', { ...base, ...dateFields('reviewDate', daysFromToday(-3)) }, 400],
      ['a review date in year 0', { ...base, 'reviewDate-year': '0' }, 400],
      ['a condition owned by another council\'s person', {
        ...base, outcome: 'approve_with_conditions', 'condition-0-text': 'Do it', 'condition-0-owner': other.contributor.id,
        ...dateFields('condition-0-due', daysFromToday(30)),
      }, 409],
      ['an accepted action that is not one', { ...base, acceptedActions: ['not-an-action'], acceptanceReason: 'Because' }, 409],
      ['too many accepted actions', { ...base, acceptedActions: Array.from({ length: 101 }, () => randomUUID()), acceptanceReason: 'x' }, 400],
      ['a 300-character minutes reference', { ...base, minutesRef: 'x'.repeat(300) }, 400],
      ['an escalation nowhere', { ...base, outcome: 'escalate', escalatedTo: 'the queen', escalationRef: 'x' }, 400],
    ]
    for (const [what, form, status] of cases) {
      const res = await chair.post(`/register/${entry.id}/decision`, form)
      assert.ok(res.statusCode < 500, `${what}: no server error (got ${res.statusCode})`)
      assert.ok(res.statusCode >= 400, `${what}: refused (got ${res.statusCode})`)
      if (status !== null) assert.equal(res.statusCode, status, what)
    }
    // JSON is not a web form: 415 before the handler.
    const json = await chair.api('POST', `/register/${entry.id}/decision`, { sitting: `meeting:${ours.meetingId}`, outcome: 'approve' })
    assert.equal(json.statusCode, 415, 'a JSON body')
    assert.equal((await reload(t, team, entry.id)).stage, 'awaiting_decision')
    assert.deepEqual(await t.services.board.decisionsFor(team.board.user, entry.id), [], 'nothing recorded')
  })

  test('bad input to the board, meeting, agenda, attendance and minutes forms is a 4xx, never a 500', async () => {
    const { boardId: b, meetingId: m } = await boardWithMeeting('Bad input board')
    const otherEntry = await makeEntry(t, other, { stage: 'awaiting_decision' })
    const cases: [string, string, Record<string, string | string[]>, number][] = [
      ['board: no fields', '/board/new', {}, 400],
      ['board: a list for the name', '/board/new', boardForm({ name: ['a', 'b'] }), 400],
      ['board: a name over two lines', '/board/new', boardForm({ name: 'a\nb' }), 400],
      ['board: 5 kB purpose', '/board/new', boardForm({ purpose: 'x'.repeat(5001) }), 400],
      ['board: quorum "abc"', '/board/new', boardForm({ quorumMin: 'abc' }), 400],
      ['board: quorum 0', '/board/new', boardForm({ quorumMin: '0' }), 400],
      ['board: quorum 1e9', '/board/new', boardForm({ quorumMin: '1e9' }), 400],
      ['board: unknown decision type', '/board/new', boardForm({ decisionTypes: ['approve', 'continue'] }), 400],
      ['board: unknown quorum group', '/board/new', boardForm({ quorumGroups: ['everyone'] }), 400],
      ['board: fast track "maybe"', '/board/new', boardForm({ fastTrack: 'maybe' }), 400],
      ['member: no fields', `/board/${b}/members`, {}, 400],
      ['member: unknown seat', `/board/${b}/members`, { userId: team.viewer.id, seat: 'emperor' }, 400],
      ['member: two people', `/board/${b}/members`, { userId: [team.viewer.id, team.contributor.id], seat: 'member' }, 400],
      ['member: unknown person', `/board/${b}/members`, { userId: randomUUID(), seat: 'member' }, 409],
      ['member: second chair', `/board/${b}/members`, { userId: team.viewer.id, seat: 'chair' }, 409],
      ['meeting: no fields', `/board/${b}/meetings/new`, {}, 400],
      ['meeting: 31 February', `/board/${b}/meetings/new`, { 'date-day': '31', 'date-month': '2', 'date-year': '2030', time: '10:00' }, 400],
      ['meeting: 25 o\'clock', `/board/${b}/meetings/new`, { ...dateFields('date', daysFromToday(5)), time: '25:00' }, 400],
      ['meeting: a list for the time', `/board/${b}/meetings/new`, { ...dateFields('date', daysFromToday(5)), time: ['10:00', '11:00'] }, 400],
      ['meeting: the past, not said to have happened', `/board/${b}/meetings/new`, { ...dateFields('date', daysFromToday(-10)), time: '10:00' }, 409],
      ['attendance: not ids', `/board/meetings/${m}/attendance`, { attendees: ['x'] }, 400],
      ['attendance: not a member', `/board/meetings/${m}/attendance`, { attendees: [team.viewer.id] }, 409],
      ['attendance: another council\'s person', `/board/meetings/${m}/attendance`, { attendees: [other.viewer.id] }, 409],
      ['agenda: nothing', `/board/meetings/${m}/agenda`, {}, 400],
      ['agenda: 301 characters', `/board/meetings/${m}/agenda`, { title: 'x'.repeat(301) }, 400],
      ['agenda: an entry id that is not one', `/board/meetings/${m}/agenda`, { entryId: 'x' }, 400],
      ['agenda: another council\'s entry', `/board/meetings/${m}/agenda`, { entryId: otherEntry.id }, 404],
      ['move: sideways', `/board/meetings/${m}/agenda/${randomUUID()}/move`, { direction: 'sideways' }, 400],
      ['minutes: 50 kB', `/board/meetings/${m}/minutes`, { minutes: 'x'.repeat(50001) }, 400],
      ['minutes: a list', `/board/meetings/${m}/minutes`, { minutes: ['a', 'b'] }, 400],
      ['minutes: a NUL', `/board/meetings/${m}/minutes`, { minutes: 'a\u0000' }, 400],
    ]
    for (const [what, url, form, status] of cases) {
      const res = await admin.post(url, form)
      assert.equal(res.statusCode, status, `${what} (got ${res.statusCode})`)
    }
    assert.equal((await admin.api('POST', `/board/meetings/${m}/minutes`, { minutes: 'x' })).statusCode, 415, 'a JSON body')
    const detail = await t.services.board.meeting(team.admin.user, m)
    assert.equal(detail.meeting.minutes, '', 'minutes unchanged')
    assert.equal(detail.meeting.attendees.length, 3, 'attendance unchanged')
    for (const q of ['?from=2026-13-45', '?page=-1', '?page=abc', '?outcome=crown', `?serviceArea=a&serviceArea=b`, `?from=2027-01-02&to=2027-01-01`]) {
      const res = await viewer.get(`/board/decisions${q}`)
      assert.equal(res.statusCode, 400, `the log with ${q}`)
      assert.equal((await viewer.get(`/board/decisions.csv${q}`)).statusCode, 400, `the CSV with ${q}`)
    }
    assert.equal((await viewer.get('/board/decisions/summary?year=abc')).statusCode, 400, 'summary of year abc')
    assert.equal((await viewer.get('/board/decisions/summary?year=1')).statusCode, 400, 'summary of year 1')
  })

  test('an entry with a condition whose evidence is sent but not accepted still cannot go live', async () => {
    const entry = await makeEntry(t, team, { stage: 'approved', conditions: ['Train the staff'] })
    const c = (await latestDecision(entry.id)).conditions[0]!
    const sent = await contributor.post(`/register/${entry.id}/conditions/${c.id}/evidence`, { evidence: 'Training done on 1 December', url: 'https://example.org/training' })
    assert.equal(sent.statusCode, 303)
    assert.equal((await latestDecision(entry.id)).conditions[0]!.status, 'submitted')
    const mover = team.contributor.user
    const open = await t.services.assessments.openMustActions(mover, entry.id)
    await t.services.assessments.updateActions(mover, entry.id, open.map((a) => ({ id: a.id, status: 'done', owner: 'Service manager', dueDate: null })))
    await assert.rejects(t.services.register.transition(mover, entry.id, 'live'), (e: Error & { reason?: string }) => e.reason === 'lifecycle.openConditions',
      'a submitted condition blocks go-live')
    const res = await contributor.post(`/register/${entry.id}/stage`, { stage: 'live' })
    assert.ok(res.statusCode < 500, 'the page refuses without a server error')
    assert.equal((await reload(t, team, entry.id)).stage, 'approved')
  })

  test('the decision log CSV defuses formulas in every cell', async () => {
    const entry = await makeEntry(t, team, { stage: 'awaiting_decision', name: '=HYPERLINK("https://evil.example","Open")' })
    const res = await chair.post(`/register/${entry.id}/decision`, {
      ...approval(`meeting:${ours.meetingId}`), rationale: '+SUM(1,2)', minutesRef: '@cmd|/C calc!A0',
    })
    assert.equal(res.statusCode, 303)
    const csv = await viewer.get('/board/decisions.csv')
    assert.equal(csv.statusCode, 200)
    const rows = parseCsv(csv.body)
    const row = rows.find((r) => r.some((cell) => cell.includes('HYPERLINK')))
    assert.ok(row, 'the entry is in the log')
    for (const cell of rows.slice(1).flat()) assert.doesNotMatch(cell, /^[=+\-@\t\r]/, `no cell starts a formula: ${cell.slice(0, 40)}`)
    assert.ok(row.some((cell) => cell.startsWith('\'=HYPERLINK')), 'the name is defused with an apostrophe')
    assert.ok(row.some((cell) => cell === '\'+SUM(1,2)'), 'the rationale is defused')
  })

  test('reminders: running twice queues nothing new', async () => {
    const entry = await makeEntry(t, team, { stage: 'awaiting_decision' })
    const decision: DecisionInput = {
      sitting: { kind: 'meeting', meetingId: ours.meetingId }, outcome: 'approve_with_conditions', rationale: 'With a condition due soon.',
      reviewDate: daysFromToday(10), conditions: [{ text: 'Due in three days', ownerId: team.contributor.id, dueDate: daysFromToday(3) }], ...anyway,
    }
    await t.services.board.record(team.board.user, entry.id, decision)
    const first = await t.services.board.reminders.queueReminders({ baseUrl: 'https://aigov.example' })
    assert.ok(first.queued >= 2, `the condition and the review are reminded (queued ${first.queued})`)
    const second = await t.services.board.reminders.queueReminders({ baseUrl: 'https://aigov.example' })
    assert.equal(second.queued, 0, 'nothing new the second time')
    assert.equal(second.alreadyQueued, first.queued + first.alreadyQueued, 'everything was already queued')
  })
})

describe('problems the review found, first round', () => {
  test('fixed: the chair of another board\'s fast-track panel overturns a quorate meeting\'s rejection alone, by "correcting" it as chair\'s action', async () => {
    const entry = await makeEntry(t, team, { stage: 'rejected' }) // rejected at the test board's quorate meeting
    const rejection = await latestDecision(entry.id)
    const panelChair = await makePerson(t, team.org, ['board_member'])
    const panel = await t.services.board.create(team.admin.user, { ...TEMPLATE_BOARD, name: 'Fast-track panel', fastTrack: true })
    await t.services.board.addMember(team.admin.user, panel.id, panelChair.id, 'chair')
    const res = await (await signInAs(t, panelChair)).post(`/board/decisions/${rejection.id}/correct`, approval(`chair:${panel.id}`))
    assert.equal(res.statusCode, 409, `a chair's action on another board cannot supersede a meeting's decision (got ${res.statusCode})`)
    assert.equal((await reload(t, team, entry.id)).stage, 'rejected', 'the entry stays rejected')
  })

  test('fixed: a member of one board corrects another board\'s decision at their own board\'s meeting', async () => {
    const entry = await makeEntry(t, team, { stage: 'rejected' })
    const rejection = await latestDecision(entry.id)
    const secondChair = await makePerson(t, team.org, ['board_member'])
    const second = await boardWithMeeting('Second board', { chairId: secondChair.id })
    const res = await (await signInAs(t, secondChair)).post(`/board/decisions/${rejection.id}/correct`, approval(`meeting:${second.meetingId}`))
    assert.equal(res.statusCode, 409, `a correction is taken by the board that took the decision (got ${res.statusCode})`)
    assert.equal((await reload(t, team, entry.id)).stage, 'rejected', 'the entry stays rejected')
  })

  test('fixed: changing a board\'s quorum and fast track leaves no trace in the audit trail', async () => {
    const b = await t.services.board.create(team.admin.user, { ...TEMPLATE_BOARD, name: 'Audited board' })
    const res = await admin.post(`/board/${b.id}/edit`, boardForm({ name: 'Audited board', quorumMin: '1', quorumGroups: [], fastTrack: 'yes' }))
    assert.equal(res.statusCode, 303)
    const rows = await t.db.query<{ changes: Record<string, unknown> }>(
      "select changes from audit_events where entity_type = 'board' and entity_id = $1 and action = 'board_updated'", [b.id])
    assert.equal(rows.length, 1)
    const keys = Object.keys(rows[0]!.changes)
    assert.ok(keys.some((k) => /quorum/i.test(k)), `the quorum change is audited (keys: ${keys.join(', ')})`)
    assert.ok(keys.some((k) => /fast/i.test(k)), `the fast-track change is audited (keys: ${keys.join(', ')})`)
  })

  test('fixed: a contributor seated as secretary rewrites the terms of reference and unseats the chair', async () => {
    const b = await t.services.board.create(team.admin.user, { ...TEMPLATE_BOARD, name: 'Secretariat board' })
    await t.services.board.addMember(team.admin.user, b.id, team.board.id, 'chair')
    await t.services.board.addMember(team.admin.user, b.id, team.contributor.id, 'secretary')
    const edit = await contributor.post(`/board/${b.id}/edit`, boardForm({ name: 'Secretariat board', quorumMin: '1', quorumGroups: [], fastTrack: 'yes' }))
    assert.equal(edit.statusCode, 403, `a non-voting secretary cannot change the quorum or turn on fast track (got ${edit.statusCode})`)
    const unseat = await contributor.post(`/board/${b.id}/members/${team.board.id}/remove`)
    assert.equal(unseat.statusCode, 403, `a secretary cannot unseat the chair (got ${unseat.statusCode})`)
  })

  test('fixed: a condition\'s owner who sits on the board accepts their own evidence', async () => {
    const entry = await makeEntry(t, team, { stage: 'awaiting_decision' })
    await t.services.board.record(team.board.user, entry.id, {
      sitting: { kind: 'meeting', meetingId: ours.meetingId }, outcome: 'approve_with_conditions', rationale: 'The chair owns the condition.',
      reviewDate: daysFromToday(200), conditions: [{ text: 'Chair to check the contract', ownerId: team.board.id, dueDate: daysFromToday(30) }], ...anyway,
    })
    const c = (await latestDecision(entry.id)).conditions[0]!
    assert.equal((await chair.post(`/register/${entry.id}/conditions/${c.id}/evidence`, { evidence: 'I checked it', url: '' })).statusCode, 303)
    const res = await chair.post(`/register/${entry.id}/conditions/${c.id}`, { status: 'met' })
    assert.equal(res.statusCode, 409, `someone else on the board accepts the owner's evidence (got ${res.statusCode})`)
    assert.equal((await latestDecision(entry.id)).conditions[0]!.status, 'submitted', 'still submitted')
  })

  test('fixed: a decision is added to a meeting whose minutes were approved (and to its closed agenda)', async () => {
    const s = t.services
    const b = await s.board.create(team.admin.user, { ...TEMPLATE_BOARD, name: 'Closed meetings board' })
    for (const [id, seat] of [[team.board.id, 'chair'], [team.admin.id, 'dpo'], [team.assessor.id, 'member']] as const) await s.board.addMember(team.admin.user, b.id, id, seat)
    const held = await s.board.schedule(team.admin.user, b.id, { date: daysFromToday(-7), time: '10:00', location: '', happened: true })
    const now = await s.board.schedule(team.admin.user, b.id, { date: todayIso(), time: '00:00', location: '', happened: false })
    for (const m of [held, now]) await s.board.setAttendance(team.admin.user, m, [team.board.id, team.admin.id, team.assessor.id])
    await s.board.saveMinutes(team.admin.user, held, 'The meeting of a week ago.', {})
    await s.board.approvePreviousMinutes(team.admin.user, now)
    assert.ok((await s.board.meeting(team.admin.user, held)).meeting.minutesApprovedAt, 'the minutes of a week ago are approved')
    const entry = await makeEntry(t, team, { stage: 'awaiting_decision' })
    const res = await chair.post(`/register/${entry.id}/decision`, approval(`meeting:${held}`))
    assert.equal(res.statusCode, 409, `a meeting whose minutes are approved takes no new decisions (got ${res.statusCode})`)
  })

  test('fixed: a meeting whose day has not come takes no decision (ADR 0010 as amended: "the meeting\'s day must have come")', async () => {
    const s = t.services
    const b = await s.board.create(team.admin.user, { ...TEMPLATE_BOARD, name: 'Early board' })
    for (const [id, seat] of [[team.board.id, 'chair'], [team.admin.id, 'dpo'], [team.assessor.id, 'member']] as const) await s.board.addMember(team.admin.user, b.id, id, seat)
    const m = await s.board.schedule(team.admin.user, b.id, { date: daysFromToday(2), time: '10:00', location: '', happened: false })
    await s.board.setAttendance(team.admin.user, m, [team.board.id, team.admin.id, team.assessor.id])
    const entry = await makeEntry(t, team, { stage: 'awaiting_decision' })
    const res = await chair.post(`/register/${entry.id}/decision`, approval(`meeting:${m}`))
    assert.equal(res.statusCode, 409, `a meeting the day after tomorrow has not come (got ${res.statusCode})`)
    assert.equal((await reload(t, team, entry.id)).stage, 'awaiting_decision', 'still awaiting')
  })

  test('fixed: moving an agenda item that does not exist says "agenda updated" instead of 404', async () => {
    const m = (await boardWithMeeting('Agenda board')).meetingId
    const res = await admin.post(`/board/meetings/${m}/agenda/${randomUUID()}/move`, { direction: 'up' })
    assert.equal(res.statusCode, 404, `no such item (got ${res.statusCode} ${res.headers.location ?? ''})`)
  })

  test('fixed: deleting a register entry deletes its decisions through the immutability trigger (cascade runs at trigger depth 1)', async () => {
    const entry = await makeEntry(t, team, { stage: 'rejected' })
    const before = await t.db.query<{ n: number }>('select count(*)::int as n from decisions where entry_id = $1', [entry.id])
    assert.equal(before[0]!.n, 1)
    let error: unknown = null
    try {
      await t.db.query('delete from register_entries where id = $1', [entry.id])
    } catch (e) {
      error = e
    }
    const afterRows = await t.db.query<{ n: number }>('select count(*)::int as n from decisions where entry_id = $1', [entry.id])
    assert.equal(afterRows[0]!.n, 1, `the decision is still on the record (delete ${error instanceof Error ? `failed: ${error.message}` : "succeeded"})`)
    assert.match(error instanceof Error ? error.message : "", /cannot be changed/, 'refused by the immutability trigger')
  })
})

describe('problems the review found, second round', () => {
  test('fixed: a chair\'s action taken after the next meeting was scheduled is not on that meeting\'s agenda for noting', async () => {
    const s = t.services
    const b = await s.board.create(team.admin.user, { ...TEMPLATE_BOARD, name: 'Noting board', fastTrack: true })
    await s.board.addMember(team.admin.user, b.id, team.board.id, 'chair')
    const next = await s.board.schedule(team.admin.user, b.id, { date: daysFromToday(10), time: '10:00', location: '', happened: false })
    const low = await makeEntry(t, team, { stage: 'awaiting_decision', screening: 'low' })
    assert.equal((await chair.post(`/register/${low.id}/decision`, approval(`chair:${b.id}`))).statusCode, 303, 'chair\'s action taken')
    const d = await latestDecision(low.id)
    const agenda = (await s.board.meeting(team.admin.user, next)).agenda
    assert.ok(agenda.some((a) => a.kind === 'noting' && a.decisionId === d.id), 'the next meeting lists the chair\'s action for noting')
  })

  test('fixed: a meeting whose minutes are approved still has its attendance and agenda rewritten', async () => {
    const s = t.services
    const b = await s.board.create(team.admin.user, { ...TEMPLATE_BOARD, name: 'Rewritten record board' })
    for (const [id, seat] of [[team.board.id, 'chair'], [team.admin.id, 'dpo'], [team.assessor.id, 'member']] as const) await s.board.addMember(team.admin.user, b.id, id, seat)
    const held = await s.board.schedule(team.admin.user, b.id, { date: daysFromToday(-7), time: '10:00', location: '', happened: true })
    await s.board.setAttendance(team.admin.user, held, [team.board.id, team.admin.id, team.assessor.id])
    const entry = await makeEntry(t, team, { stage: 'awaiting_decision' })
    assert.equal((await chair.post(`/register/${entry.id}/decision`, approval(`meeting:${held}`))).statusCode, 303, 'decided at the meeting')
    const now = await s.board.schedule(team.admin.user, b.id, { date: todayIso(), time: '00:00', location: '', happened: false })
    await s.board.setAttendance(team.admin.user, now, [team.board.id, team.admin.id, team.assessor.id])
    await s.board.approvePreviousMinutes(team.admin.user, now)
    // The record of who was there, after the minutes were approved: the decision's quorum disappears from the meeting page.
    const res = await admin.post(`/board/meetings/${held}/attendance`, { attendees: [team.board.id] })
    assert.equal(res.statusCode, 409, `approved minutes close the attendance (got ${res.statusCode})`)
    const item = (await s.board.meeting(team.admin.user, held)).agenda.find((a) => a.entryId === entry.id)!
    const removed = await admin.post(`/board/meetings/${held}/agenda/${item.id}/remove`)
    assert.equal(removed.statusCode, 409, `approved minutes close the agenda (got ${removed.statusCode})`)
  })

  test('fixed: correcting a review\'s "retire" to "continue" leaves the entry retired', async () => {
    const entry = await makeEntry(t, team, { stage: 'live' })
    assert.equal((await chair.post(`/register/${entry.id}/review`, {})).statusCode, 303)
    const retire = await chair.post(`/register/${entry.id}/decision`, { sitting: `meeting:${ours.meetingId}`, outcome: 'retire', rationale: 'No longer needed.', ...anyway })
    assert.equal(retire.statusCode, 303)
    assert.equal((await reload(t, team, entry.id)).stage, 'retired')
    const d = await latestDecision(entry.id)
    const res = await chair.post(`/board/decisions/${d.id}/correct`, { ...approval(`meeting:${ours.meetingId}`), outcome: 'continue', rationale: 'Recorded in error: the board kept it.' })
    assert.equal(res.statusCode, 303, 'the correction is recorded')
    assert.equal((await latestDecision(entry.id)).outcome, 'continue')
    assert.notEqual((await reload(t, team, entry.id)).stage, 'retired', 'the entry follows the correction (back in use), or the correction is refused')
  })
})
