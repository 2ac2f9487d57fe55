// The board's pages (issue 10, items 1 and 2): setting up a board from the template, members,
// scheduling meetings, attendance and the quorum's reasons, the agenda, minutes (rendered safely)
// and approving the previous meeting's minutes; who may do what; bad input as field errors.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type Client, createTestApp, fieldValue, shown, type TestApp } from '../../../test/support/app.ts'
import { dateFields, daysFromToday, makePerson, makeTeam, type Person, signInAs, type Team } from '../../../test/support/factories.ts'
import { quorumInWords, shortfallInWords } from './quorumWords.ts'
import { TEMPLATE_BOARD } from './model.ts'

describe('quorumInWords and shortfallInWords', () => {
  it('says the rule in words', () => {
    assert.equal(quorumInWords({ minPresent: 3, mustInclude: [['chair', 'deputy_chair'], ['dpo', 'siro']] }),
      'At least 3 voting members present, including the chair or the deputy chair and the DPO or the SIRO.', 'the template rule')
    assert.equal(quorumInWords({ minPresent: 1, mustInclude: [] }), 'At least 1 voting member present.', 'one member, no groups')
    assert.equal(quorumInWords({ minPresent: 4, mustInclude: [['chair'], ['legal'], ['finance']] }),
      'At least 4 voting members present, including the chair, the monitoring officer or legal adviser and the section 151 officer or finance.', 'three groups')
  })
  it('says each shortfall in words', () => {
    assert.equal(shortfallInWords({ kind: 'tooFew', present: 2, needed: 3 }), 'Too few voting members: 2 present, 3 needed.', 'too few')
    assert.equal(shortfallInWords({ kind: 'missing', anyOf: ['dpo', 'siro'] }), 'Neither the DPO nor the SIRO is present.', 'two seats')
    assert.equal(shortfallInWords({ kind: 'missing', anyOf: ['chair'] }), 'The chair is not present.', 'one seat')
    assert.equal(shortfallInWords({ kind: 'missing', anyOf: ['chair', 'deputy_chair', 'secretary'] }),
      'None of the chair or the deputy chair or the secretary is present.', 'three seats')
  })
})

const boardForm = (over: Record<string, string | string[]> = {}): Record<string, string | string[]> => ({
  name: 'Pages AI board', purpose: TEMPLATE_BOARD.purpose, cadence: 'monthly', reportingLine: TEMPLATE_BOARD.reportingLine,
  decisionTypes: [...TEMPLATE_BOARD.decisionTypes], quorumMin: '3', quorumGroups: ['chairOrDeputy', 'dpoOrSiro'], fastTrack: 'no', ...over,
})

const errorLinks = (html: string) => [...html.matchAll(/<a href="(#[^"]+)"/g)].map((m) => m[1]!)

describe('board pages', () => {
  let t: TestApp
  let team: Team
  let chair: Person, dpo: Person, member: Person
  let admin: Client
  let boardId = ''
  let meetingId = ''
  let pastMeetingId = ''

  before(async () => {
    t = await createTestApp({ demo: false })
    team = await makeTeam(t)
    ;[chair, dpo, member] = await Promise.all([
      makePerson(t, team.org, ['board_member'], { name: 'Carla Chair' }),
      makePerson(t, team.org, ['board_member'], { name: 'Dev DPO' }),
      makePerson(t, team.org, ['board_member'], { name: 'Mo Member' }),
    ])
    admin = await signInAs(t, team.admin)
  })
  after(async () => t?.close())

  it('starts the set-up form from the template and refuses bad input with what was typed kept', async () => {
    const page = await admin.get('/board/new')
    assert.equal(page.statusCode, 200, 'the form opens for an admin')
    assert.equal(fieldValue(page.body, 'name'), TEMPLATE_BOARD.name, 'the name starts from the template')
    assert.equal(fieldValue(page.body, 'quorumMin'), String(TEMPLATE_BOARD.quorumMin), 'the quorum starts from the template')

    const empty = await admin.post('/board/new', boardForm({ name: '   ' }))
    assert.equal(empty.statusCode, 400, 'an empty name is a 400')
    assert.ok(errorLinks(empty.body).includes('#name'), 'the summary links to the name')

    const long = 'x'.repeat(10 * 1024)
    const tooLong = await admin.post('/board/new', boardForm({ purpose: long }))
    assert.equal(tooLong.statusCode, 400, 'a 10 kB purpose is a 400')
    assert.ok(errorLinks(tooLong.body).includes('#purpose'), 'the summary links to the purpose')
    assert.equal(fieldValue(tooLong.body, 'purpose'), long, 'the purpose typed is kept')

    const zero = await admin.post('/board/new', boardForm({ quorumMin: '0', name: 'Kept name' }))
    assert.equal(zero.statusCode, 400, 'a quorum of 0 is a 400')
    assert.ok(errorLinks(zero.body).includes('#quorumMin'), 'the summary links to the quorum')
    assert.equal(fieldValue(zero.body, 'quorumMin'), '0', 'the quorum typed is kept')
    assert.equal(fieldValue(zero.body, 'name'), 'Kept name', 'the other fields are kept too')

    const nul = await admin.post('/board/new', boardForm({ name: 'Bad\u0000name' }))
    assert.equal(nul.statusCode, 400, 'a NUL byte is a 400, not a 500')
    assert.ok(nul.body.includes('name'), 'the refusal names the field')

    const none = await admin.post('/board/new', boardForm({ decisionTypes: [], cadence: 'weekly' }))
    assert.equal(none.statusCode, 400, 'no decision types and an unknown cadence are a 400')
    assert.ok(errorLinks(none.body).includes('#decisionTypes') && errorLinks(none.body).includes('#cadence'), 'both named')
  })

  it('sets up a board, seats members and shows its terms of reference', async () => {
    const res = await admin.post('/board/new', boardForm())
    assert.equal(res.statusCode, 303, 'set up: redirected')
    const m = /^\/board\/([0-9a-f-]{36})\?done=created$/.exec(String(res.headers.location))
    assert.ok(m, `redirected to the board page (${String(res.headers.location)})`)
    boardId = m[1]!

    const taken = await admin.post('/board/new', boardForm())
    assert.equal(taken.statusCode, 409, 'a second board of the same name is refused')
    assert.ok(errorLinks(taken.body).includes('#name'), 'the refusal names the name field')

    for (const [p, seat] of [[chair, 'chair'], [dpo, 'dpo'], [member, 'member']] as const) {
      const added = await admin.post(`/board/${boardId}/members`, { userId: p.id, seat })
      assert.equal(added.statusCode, 303, `${seat} seated`)
    }
    const noSeat = await admin.post(`/board/${boardId}/members`, { userId: team.viewer.id, seat: '' })
    assert.equal(noSeat.statusCode, 400, 'a member with no seat is a 400')
    assert.ok(errorLinks(noSeat.body).includes('#seat'), 'the seat is named')

    const page = await admin.get(`/board/${boardId}`)
    assert.equal(page.statusCode, 200, 'the board page opens')
    for (const name of ['Carla Chair', 'Dev DPO', 'Mo Member']) assert.ok(page.body.includes(name), `${name} is listed`)
    assert.ok(page.body.includes(shown('board.pages.quorum.ruleIncluding', { count: 3, including: 'the chair or the deputy chair and the DPO or the SIRO' })),
      'the quorum rule is in words')
    assert.match(page.body, /href="\/policies\/[0-9a-f-]{36}"/, 'links to the full terms of reference')
    assert.ok(page.body.includes(`/board/${boardId}/meetings/new`), 'a manager can schedule a meeting')

    const edit = await admin.post(`/board/${boardId}/edit`, boardForm({ cadence: 'quarterly' }))
    assert.equal(edit.statusCode, 303, 'the terms are edited')
    assert.ok((await admin.get(`/board/${boardId}`)).body.includes(shown('board.pages.cadence.quarterly')), 'the new cadence shows')

    const removed = await admin.post(`/board/${boardId}/members/${team.board.id}/remove`)
    assert.equal(removed.statusCode, 404, 'removing someone who is not a member is a 404')
  })

  it('schedules meetings, refusing a past date unless it happened', async () => {
    const future = daysFromToday(14)
    const res = await admin.post(`/board/${boardId}/meetings/new`, { ...dateFields('date', future), time: '10:00', location: 'Room 2' })
    assert.equal(res.statusCode, 303, 'scheduled')
    const m = /^\/board\/meetings\/([0-9a-f-]{36})/.exec(String(res.headers.location))
    assert.ok(m, 'redirected to the meeting page')
    meetingId = m[1]!

    const past = daysFromToday(-10)
    const refused = await admin.post(`/board/${boardId}/meetings/new`, { ...dateFields('date', past), time: '14:30', location: 'Old room' })
    assert.equal(refused.statusCode, 409, 'a past meeting that did not happen is refused')
    assert.ok(errorLinks(refused.body).includes('#date-day'), 'the date is named')
    assert.ok(refused.body.includes(shown('board.errors.meetingPast')), 'the page says why')
    assert.equal(fieldValue(refused.body, 'location'), 'Old room', 'what was typed is kept')
    assert.equal(fieldValue(refused.body, 'date-day'), String(Number(past.slice(8))), 'the day typed is kept')

    const blankYear = await admin.post(`/board/${boardId}/meetings/new`, { 'date-day': '3', 'date-month': '4', 'date-year': '', time: '10:00' })
    assert.equal(blankYear.statusCode, 400, 'a blank year is a 400')
    assert.ok(errorLinks(blankYear.body).includes('#date-day'), 'the date is named')
    assert.equal(fieldValue(blankYear.body, 'date-month'), '4', 'the month typed is kept')

    const badTime = await admin.post(`/board/${boardId}/meetings/new`, { ...dateFields('date', future), time: '25:00' })
    assert.equal(badTime.statusCode, 400, 'a time that is not HH:MM is a 400')
    assert.ok(errorLinks(badTime.body).includes('#time'), 'the time is named')

    const happened = await admin.post(`/board/${boardId}/meetings/new`, { ...dateFields('date', past), time: '14:30', location: 'Old room', happened: 'yes' })
    assert.equal(happened.statusCode, 303, 'a past meeting that happened is recorded')
    pastMeetingId = /meetings\/([0-9a-f-]{36})/.exec(String(happened.headers.location))![1]!
    const page = await admin.get(`/board/meetings/${pastMeetingId}`)
    assert.ok(page.body.includes(shown('board.pages.meeting.retrospective')), 'the page says it was recorded after it happened')
  })

  it('says why a meeting is not quorate, and when it is', async () => {
    const two = await admin.post(`/board/meetings/${meetingId}/attendance`, { attendees: [chair.id, member.id] })
    assert.equal(two.statusCode, 303, 'attendance saved')
    const page = await admin.get(`/board/meetings/${meetingId}`)
    assert.ok(page.body.includes(shown('board.pages.meeting.notQuorate')), 'not quorate')
    assert.ok(page.body.includes('Too few voting members: 2 present, 3 needed.'), 'too few, in numbers')
    assert.ok(page.body.includes('Neither the DPO nor the SIRO is present.'), 'the missing seats named')

    const bad = await admin.post(`/board/meetings/${meetingId}/attendance`, { attendees: [team.viewer.id] })
    assert.equal(bad.statusCode, 409, 'someone who is not a member cannot attend')
    assert.ok(errorLinks(bad.body).includes('#attendees'), 'the attendance is named')

    await admin.post(`/board/meetings/${meetingId}/attendance`, { attendees: [chair.id, dpo.id, member.id] })
    const quorate = await admin.get(`/board/meetings/${meetingId}`)
    assert.ok(quorate.body.includes(shown('board.pages.meeting.quorate')) && !quorate.body.includes(shown('board.pages.meeting.notQuorate')), 'quorate')
    assert.ok(!quorate.body.includes('Too few voting members'), 'no shortfall shown')
    assert.match(quorate.body, new RegExp(`value="${dpo.id}" checked`), 'attendees are ticked')
  })

  it('adds, reorders and removes agenda items', async () => {
    const empty = await admin.post(`/board/meetings/${meetingId}/agenda`, { title: '  ', entryId: '' })
    assert.equal(empty.statusCode, 400, 'an item with neither title nor entry is a 400')
    assert.ok(errorLinks(empty.body).includes('#agenda-title'), 'the title is named')
    for (const title of ['First business', 'Second business']) {
      assert.equal((await admin.post(`/board/meetings/${meetingId}/agenda`, { title, entryId: '' })).statusCode, 303, `${title} added`)
    }
    const order = async () => {
      const body = (await admin.get(`/board/meetings/${meetingId}`)).body
      return [body.indexOf('First business'), body.indexOf('Second business')] as const
    }
    let [a, b]: readonly [number, number] = await order()
    assert.ok(a > 0 && b > a, 'added in order')
    const detail = await t.services.board.meeting(team.admin.user, meetingId)
    const second = detail.agenda.find((i) => i.title === 'Second business')!
    assert.equal((await admin.post(`/board/meetings/${meetingId}/agenda/${second.id}/move`, { direction: 'up' })).statusCode, 303, 'moved up')
    ;[a, b] = await order()
    assert.ok(b > 0 && b < a, 'the second item is now first')
    assert.equal((await admin.post(`/board/meetings/${meetingId}/agenda/${second.id}/move`, { direction: 'sideways' })).statusCode, 400, 'a bad direction is a 400')
    assert.equal((await admin.post(`/board/meetings/${meetingId}/agenda/${second.id}/remove`)).statusCode, 303, 'removed')
    ;[a, b] = await order()
    assert.ok(a > 0 && b === -1, 'the removed item is gone')
  })

  it('saves minutes and shows them rendered safely', async () => {
    const detail = await t.services.board.meeting(team.admin.user, pastMeetingId)
    const items = Object.fromEntries(detail.agenda.map((i) => [`item-${i.id}`, 'Item notes']))
    const res = await admin.post(`/board/meetings/${pastMeetingId}/minutes`, { minutes: '# Held\n\n<script>alert(1)</script>\n\nWe **Agreed** it.', ...items })
    assert.equal(res.statusCode, 303, 'minutes saved')
    const page = await admin.get(`/board/meetings/${pastMeetingId}`)
    assert.ok(!page.body.includes('<script>alert(1)</script>'), 'the script is not on the page unescaped')
    assert.ok(page.body.includes('<strong>Agreed</strong>'), 'the Markdown is rendered')

    const long = await admin.post(`/board/meetings/${pastMeetingId}/minutes`, { minutes: 'y'.repeat(50001) })
    assert.equal(long.statusCode, 400, 'too long minutes are a 400')
    assert.equal(fieldValue(long.body, 'minutes')?.length, 50001, 'the minutes typed are kept')
  })

  it('approves the previous meeting\'s minutes at a quorate meeting, and then they are read-only', async () => {
    const page = await admin.get(`/board/meetings/${meetingId}`)
    assert.ok(page.body.includes(shown('board.pages.meeting.approvePrevious')), 'the button is offered')
    const res = await admin.post(`/board/meetings/${meetingId}/approve-previous-minutes`)
    assert.equal(res.statusCode, 303, 'approved')
    const past = await admin.get(`/board/meetings/${pastMeetingId}`)
    assert.equal(fieldValue(past.body, 'minutes'), undefined, 'no minutes form once approved')
    assert.ok(past.body.includes('These minutes were approved on'), 'says when they were approved')
    assert.ok(!(await admin.get(`/board/meetings/${meetingId}`)).body.includes(shown('board.pages.meeting.approvePrevious')), 'the button is gone')
    const again = await admin.post(`/board/meetings/${pastMeetingId}/minutes`, { minutes: 'Changed' })
    assert.equal(again.statusCode, 409, 'approved minutes no longer change')
  })

  it('lists boards, upcoming meetings and links to the pack', async () => {
    const list = await admin.get('/board')
    assert.equal(list.statusCode, 200, 'the boards page opens')
    assert.ok(list.body.includes('Pages AI board') && list.body.includes(`/board/meetings/${meetingId}`), 'the board and its next meeting')
    assert.ok(list.body.includes('href="/board/new"'), 'an admin can set up a board')
    assert.ok(list.body.includes('href="/board"'), 'the navigation has a Board item')
    const meeting = await admin.get(`/board/meetings/${meetingId}`)
    assert.ok(meeting.body.includes(`/board/meetings/${meetingId}/pack`), 'links to the board pack')
  })

  it('refuses those who may not', async () => {
    const viewer = await signInAs(t, team.viewer)
    assert.equal((await viewer.get('/board/new')).statusCode, 403, 'a viewer cannot open the set-up form')
    assert.equal((await viewer.post('/board/new', boardForm({ name: 'Viewer board' }))).statusCode, 403, 'a viewer cannot set up a board')
    const list = await viewer.get('/board')
    assert.equal(list.statusCode, 200, 'a viewer sees the boards')
    assert.ok(!list.body.includes('href="/board/new"'), 'without the set-up button')
    const seen = await viewer.get(`/board/meetings/${meetingId}`)
    assert.equal(seen.statusCode, 200, 'a viewer sees the meeting')
    assert.ok(!seen.body.includes('/attendance"'), 'without the attendance form')

    const contributor = await signInAs(t, team.contributor)
    assert.equal((await contributor.get(`/board/${boardId}/edit`)).statusCode, 403, 'a contributor cannot open the edit form')
    assert.equal((await contributor.post(`/board/${boardId}/edit`, boardForm())).statusCode, 403, 'a contributor cannot edit a board')
    assert.equal((await contributor.post(`/board/meetings/${meetingId}/attendance`, { attendees: [chair.id] })).statusCode, 403, 'nor the attendance')
    assert.equal((await contributor.post(`/board/${boardId}/members`, { userId: team.contributor.id, seat: 'chair' })).statusCode, 403, 'nor seat a member')

    // The chair runs the board's business without being an admin.
    const chairClient = await signInAs(t, chair)
    assert.ok((await chairClient.get(`/board/meetings/${meetingId}`)).body.includes('/attendance"'), 'the chair may record attendance')

    const other = await makeTeam(t)
    const outsider = await signInAs(t, other.admin)
    assert.equal((await outsider.get(`/board/${boardId}`)).statusCode, 404, "another organisation's board is a 404")
    assert.equal((await outsider.get(`/board/meetings/${meetingId}`)).statusCode, 404, "another organisation's meeting is a 404")
    assert.equal((await outsider.post(`/board/meetings/${meetingId}/attendance`, { attendees: [] })).statusCode, 404, 'and cannot change it')
    assert.equal((await outsider.get('/board/not-a-uuid')).statusCode, 404, 'a non-uuid is a 404')
    assert.equal((await outsider.get('/board/meetings/not-a-uuid')).statusCode, 404, 'a non-uuid meeting is a 404')
  })
})
