import type { CurrentUser } from '../../platform/auth/store.ts'
import type { Services } from '../../services.ts'
import { TEMPLATE_BOARD } from './model.ts'

/**
 * The demo council's AI board, set up from the terms-of-reference template: members in their
 * seats, and a past meeting (held a month ago) that they attended, at which the demo's decisions
 * are recorded. Returns the meeting, for the decisions.
 */
export async function demoBoard(services: Services, people: Record<string, CurrentUser>): Promise<{ boardId: string; meetingId: string }> {
  const admin = people.admin!
  const board = await services.board.create(admin, { ...TEMPLATE_BOARD, fastTrack: true })
  await services.board.addMember(admin, board.id, people.board_member!.id, 'chair')
  await services.board.addMember(admin, board.id, admin.id, 'dpo')
  await services.board.addMember(admin, board.id, people.assessor!.id, 'cyber')
  await services.board.addMember(admin, board.id, people.viewer!.id, 'councillor_observer')
  const held = new Date(Date.now() - 30 * 86400_000)
  const meetingId = await services.board.schedule(admin, board.id, {
    date: held.toISOString().slice(0, 10), time: '10:00', location: 'Committee room 2 and online', happened: true,
  })
  await services.board.setAttendance(admin, meetingId, [people.board_member!.id, admin.id, people.assessor!.id, people.viewer!.id])
  return { boardId: board.id, meetingId }
}

/**
 * After the demo's decisions: the past meeting's minutes (for the meeting and each item), and
 * the next meeting in a fortnight with the agenda the service proposes (the previous minutes,
 * what awaits a decision, reviews, overdue conditions, chair's actions to note).
 */
export async function finishDemoBoard(services: Services, people: Record<string, CurrentUser>, sitting: { boardId: string; meetingId: string }): Promise<void> {
  const admin = people.admin!
  const past = await services.board.meeting(admin, sitting.meetingId)
  const items: Record<string, { title: string; minutes: string }> = {}
  for (const item of past.agenda) {
    items[item.id] = {
      title: item.title,
      minutes: item.kind === 'decision'
        ? `The board considered **${item.title}** with its screening and risk register. Decision recorded as shown in the decision log.`
        : 'Noted.',
    }
  }
  await services.board.saveMinutes(admin, sitting.meetingId,
    '## Attendance\n\nQuorate: the chair, the data protection officer and the cyber security lead were present; '
    + 'the councillor observer attended.\n\n## Actions\n\n- The AI lead to circulate the updated register before the next meeting.',
    items)
  const next = new Date(Date.now() + 14 * 86400_000)
  await services.board.schedule(admin, sitting.boardId, { date: next.toISOString().slice(0, 10), time: '10:00', location: 'Committee room 2 and online', happened: false })
}
