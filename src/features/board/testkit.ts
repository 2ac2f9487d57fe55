// Test helpers: a board with a quorate meeting held today, so tests can record decisions the way
// the board does. Used only by tests (test/support/factories.ts and the board's own tests).
import type { CurrentUser } from '../../platform/auth/store.ts'
import { todayIso } from '../../platform/validation.ts'
import type { Services } from '../../services.ts'
import { TEMPLATE_BOARD } from './model.ts'

export interface Sitting { boardId: string; meetingId: string }

const made = new Map<string, Promise<Sitting>>()

/**
 * The organisation's test board (made once per organisation): `chair` in the chair, `dpo` as the
 * DPO and `member` as a member, with a meeting held today that all three attended. Anyone in
 * `alsoPresent` is seated as a member and marked present too.
 */
export function quorateMeeting(
  s: Services, people: { admin: CurrentUser; chair: CurrentUser; dpo: CurrentUser; member: CurrentUser }, alsoPresent: CurrentUser[] = [],
): Promise<Sitting> {
  const key = people.admin.organisationId
  let sitting = made.get(key)
  if (!sitting) {
    sitting = (async () => {
      const board = await s.board.create(people.admin, { ...TEMPLATE_BOARD, name: 'Test AI board', fastTrack: true })
      await s.board.addMember(people.admin, board.id, people.chair.id, 'chair')
      await s.board.addMember(people.admin, board.id, people.dpo.id, 'dpo')
      await s.board.addMember(people.admin, board.id, people.member.id, 'member')
      const meetingId = await s.board.schedule(people.admin, board.id, { date: todayIso(), time: '00:00', location: 'Room 1', happened: false })
      await s.board.setAttendance(people.admin, meetingId, [people.chair.id, people.dpo.id, people.member.id])
      return { boardId: board.id, meetingId }
    })()
    made.set(key, sitting)
    // A failed set-up is not kept: the next call tries again and reports its own error.
    sitting.catch(() => made.delete(key))
  }
  return (async () => {
    const got = await sitting
    const extra = alsoPresent.filter((u) => ![people.chair.id, people.dpo.id, people.member.id].includes(u.id))
    if (extra.length) {
      const members = new Set((await s.board.members(people.admin, got.boardId)).map((m) => m.userId))
      for (const u of extra) if (!members.has(u.id)) await s.board.addMember(people.admin, got.boardId, u.id, 'member')
      const detail = await s.board.meeting(people.admin, got.meetingId)
      await s.board.setAttendance(people.admin, got.meetingId, [...new Set([...detail.meeting.attendees, ...extra.map((u) => u.id)])])
    }
    return got
  })()
}
