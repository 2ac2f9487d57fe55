import { type Changes, recordAudit } from '../../platform/audit.ts'
import { can } from '../../platform/auth/permissions.ts'
import type { CurrentUser } from '../../platform/auth/store.ts'
import type { Db, Queryable } from '../../platform/db/db.ts'
import { forbidden, notFound } from '../../platform/http/errors.ts'
import { t, type Vars } from '../../platform/i18n/i18n.ts'
import { isUuid, todayIso } from '../../platform/validation.ts'
import type { AssessmentService } from '../assessments/service.ts'
import type { OrganisationService } from '../organisations/service.ts'
import type { PeopleService } from '../people/service.ts'
import type { PolicyService } from '../policies/service.ts'
import type { RegisterEntry, Stage } from '../register/model.ts'
import type { RegisterService } from '../register/service.ts'
import {
  type AgendaItem, APPROVING, type Board, type BoardAct, type BoardInput, type BoardMember, type Decision, type DecisionInput,
  DECISION_OUTCOMES, type Meeting, type MeetingInput, meetingTime, REVIEW_OUTCOMES, separation, type SeparationVerdict, type Stake,
  stageAfterDecision, WITH_CONDITIONS,
} from './model.ts'
import { evaluateQuorum, fastTrack, MANAGING, type QuorumVerdict, type Seat } from './quorum.ts'
import { createDecisionLog } from './log.ts'
import { createBoardReminders } from './reminders.ts'
import * as repo from './repository.ts'

/** The board may not do this now; `reason` is a message key, `field` the form field it is about. */
export class DecisionRefused extends Error {
  constructor(readonly reason: string, readonly field: string = 'outcome', readonly vars?: Vars) {
    super(reason)
  }
}

/** Separation of duties: this person has a stake in the entry; `reason` is a message key (a whole sentence). */
export class SeparationRefused extends Error {
  constructor(readonly reason: string, readonly stakes: Stake[]) {
    super(reason)
  }
}

/** The audit trail's mark on an act done under relaxed separation of duties (nothing otherwise). */
function relaxedMark(v: SeparationVerdict): Changes {
  return v.allowed && v.relaxed
    ? { separationRelaxed: { from: false, to: true }, ownStakes: { from: null, to: v.stakes } }
    : {}
}

/** Stages from which an approved use can be reviewed. */
const REVIEWABLE: readonly Stage[] = ['approved', 'pilot', 'live']

/** An assessment the entry needs that is not ready for a decision: not submitted, returned or needing review. */
export interface UnfinishedAssessment { setId: string; title: string; status: string }

/** A meeting with its board, agenda, members and whether those present make it quorate. */
export interface MeetingDetail {
  board: Board
  meeting: Meeting
  agenda: AgendaItem[]
  members: BoardMember[]
  quorum: QuorumVerdict
  previous: Meeting | null
  /** The person's seat on the meeting's board (null: not a member). */
  seat: Seat | null
  mayManage: boolean
}

export function createBoardService(
  db: Db, register: RegisterService, assessments: AssessmentService, organisations: OrganisationService,
  people: PeopleService, policies: PolicyService,
) {
  // The lifecycle's "approved" and "open conditions" facts come from the board's own tables.
  register.extensions.provideFacts((q, organisationId, entryId) => repo.lifecycleFacts(q, organisationId, entryId, APPROVING))

  /** The person's own stakes in the entry: they proposed it, and/or they submitted its screening. */
  async function stakesIn(q: Queryable, user: CurrentUser, entry: RegisterEntry): Promise<Stake[]> {
    const stakes: Stake[] = []
    if (entry.createdBy === user.id) stakes.push('proposed')
    const screening = await assessments.screeningFor(user, entry.id, q)
    if (screening?.submittedBy === user.id) stakes.push('screened')
    return stakes
  }

  /** Whether this person may do this board act on the entry, under the organisation's setting. */
  async function verdict(q: Queryable, user: CurrentUser, entry: RegisterEntry, act: BoardAct): Promise<SeparationVerdict> {
    const org = await organisations.get(user.organisationId, q)
    return separation(await stakesIn(q, user, entry), org.separationOfDuties, act)
  }

  async function mustBeAllowed(tx: Queryable, user: CurrentUser, entry: RegisterEntry, act: BoardAct) {
    const v = await verdict(tx, user, entry, act)
    if (!v.allowed) throw new SeparationRefused(v.reason, v.stakes)
    return v
  }

  async function boardOf(q: Queryable, user: CurrentUser, id: string): Promise<Board> {
    if (!isUuid(id)) throw notFound()
    const board = await repo.findBoard(q, user.organisationId, id)
    if (!board) throw notFound()
    return board
  }

  async function meetingOf(q: Queryable, user: CurrentUser, id: string, forUpdate = false): Promise<Meeting> {
    if (!isUuid(id)) throw notFound()
    const meeting = await repo.findMeeting(q, user.organisationId, id, forUpdate)
    if (!meeting) throw notFound()
    return meeting
  }

  /** Admins, and the board's chair, deputy and secretary, run its business. */
  async function mayManage(q: Queryable, user: CurrentUser, boardId: string): Promise<boolean> {
    if (can(user.roles, 'board:manage')) return true
    const seat = await repo.seatOf(q, user.organisationId, boardId, user.id)
    return seat !== null && MANAGING.includes(seat)
  }

  async function mustManage(q: Queryable, user: CurrentUser, boardId: string) {
    if (!(await mayManage(q, user, boardId))) throw forbidden()
  }

  const audit = (tx: Queryable, user: CurrentUser, entityType: string, entityId: string, action: string, changes: Changes) =>
    recordAudit(tx, { organisationId: user.organisationId, actorId: user.id, entityType, entityId, action, changes })

  /** The assessments the entry needs that are not submitted or signed off (the decision page names them). */
  async function unfinishedAssessments(user: CurrentUser, entry: RegisterEntry): Promise<UnfinishedAssessment[]> {
    return (await assessments.needs(user, entry))
      .filter((n) => n.applies && !(n.assessment && (n.assessment.status === 'submitted' || n.assessment.status === 'signed_off')))
      .map((n) => ({ setId: n.set.id, title: n.set.title, status: n.assessment?.status ?? 'not_started' }))
  }

  /** Where a person may record a decision: meetings of their boards that have begun, and boards where they may act as chair. */
  async function sittingsFor(user: CurrentUser) {
    const seats = await repo.seatsOf(db, user.organisationId, user.id)
    const boards = await repo.listBoards(db, user.organisationId)
    const mine = boards.filter((b) => seats.some((s) => s.board_id === b.id))
    const endOfToday = new Date(`${todayIso()}T23:59:59.999`)
    const meetings = mine.length
      ? (await repo.meetingsBegun(db, user.organisationId, mine.map((b) => b.id), endOfToday)).filter((m) => !m.minutesApprovedAt)
      : []
    return {
      meetings: meetings.map((m) => ({ meeting: m, board: mine.find((b) => b.id === m.boardId)! })),
      chairBoards: mine.filter((b) => b.fastTrack && seats.some((s) => s.board_id === b.id && s.seat === 'chair')),
    }
  }

  /** Where the entry ends up, and the review it closes; the whole decision in the caller's transaction. */
  async function recordIn(tx: Queryable, user: CurrentUser, entry: RegisterEntry, input: DecisionInput, supersedes: Decision | null): Promise<string> {
    const outcome = input.outcome
    const isReview = (REVIEW_OUTCOMES as readonly string[]).includes(outcome)
    const review = await repo.openReview(tx, user.organisationId, entry.id)
    if (!supersedes) {
      if (isReview) {
        if (!review || !REVIEWABLE.includes(entry.stage)) throw new DecisionRefused('board.errors.notUnderReview')
      } else if (entry.stage !== 'awaiting_decision') {
        throw new DecisionRefused('board.errors.notAwaiting')
      }
    }
    const approving = APPROVING.includes(outcome)
    if (approving && entry.riskTier === 'prohibited') throw new DecisionRefused('board.errors.prohibited')
    if (approving && !entry.riskTier) throw new DecisionRefused('board.errors.unscreened')

    // Where: a quorate meeting of a board the person sits on, or the chair's action on a low-risk entry.
    let board: Board
    let meetingId: string | null = null
    let present: { name: string; seat: string }[]
    const chairAction = input.sitting.kind === 'chair'
    if (input.sitting.kind === 'meeting') {
      // Locked: decisions recorded at the same meeting at once take their agenda places in turn.
      const meeting = await meetingOf(tx, user, input.sitting.meetingId, true)
      board = await boardOf(tx, user, meeting.boardId)
      const seat = await repo.seatOf(tx, user.organisationId, board.id, user.id)
      if (!seat) throw new DecisionRefused('board.errors.notMember', 'sitting', { board: board.name })
      if (todayIso(meeting.meetsAt) > todayIso()) throw new DecisionRefused('board.errors.meetingNotYet', 'sitting')
      // Minutes approved close the meeting's record: nothing more is decided there.
      if (meeting.minutesApprovedAt) throw new DecisionRefused('board.errors.meetingClosed', 'sitting')
      const members = await repo.listMembers(tx, user.organisationId, board.id)
      const attending = members.filter((m) => meeting.attendees.includes(m.userId))
      const quorum = evaluateQuorum(board.quorum, attending)
      if (!quorum.quorate) throw new DecisionRefused('board.errors.notQuorate', 'sitting', { board: board.name })
      meetingId = meeting.id
      present = attending.map((m) => ({ name: m.name, seat: m.seat }))
    } else {
      board = await boardOf(tx, user, input.sitting.boardId)
      const seat = await repo.seatOf(tx, user.organisationId, board.id, user.id)
      if (!seat) throw new DecisionRefused('board.errors.notMember', 'sitting', { board: board.name })
      const ft = fastTrack(board, seat, entry.riskTier, outcome)
      if (!ft.allowed) throw new DecisionRefused(`board.errors.fastTrack.${ft.reason}`, 'sitting', { board: board.name })
      present = [{ name: user.name, seat }]
    }
    if (!isReview && !(board.decisionTypes as readonly string[]).includes(outcome)) {
      throw new DecisionRefused('board.errors.outcomeNotInTerms', 'outcome', { board: board.name })
    }

    const allowed = await mustBeAllowed(tx, user, entry, 'decide')
    const decisionId = await repo.insertDecision(tx, {
      organisationId: user.organisationId, entryId: entry.id, outcome, rationale: input.rationale,
      reviewDate: input.reviewDate, decidedBy: user.id, separationRelaxed: allowed.relaxed, deciderStakes: allowed.stakes,
      boardId: board.id, meetingId, chairAction, membersPresent: present, minutesRef: input.minutesRef ?? null,
      needed: outcome === 'defer' ? input.needed ?? null : null,
      escalatedTo: outcome === 'escalate' ? input.escalatedTo ?? null : null,
      escalationRef: outcome === 'escalate' ? input.escalationRef ?? null : null,
      decidedAnyway: input.decidedAnyway ?? null, review: isReview || (supersedes?.review ?? false), supersedes: supersedes?.id ?? null,
      entryName: entry.name, riskTier: entry.riskTier, serviceArea: entry.serviceArea,
    })
    const conditions = WITH_CONDITIONS.includes(outcome) ? input.conditions ?? [] : []
    if (conditions.length) {
      const directory = new Set((await people.directory(tx, user.organisationId)).map((p) => p.id))
      for (const [i, c] of conditions.entries()) {
        if (!directory.has(c.ownerId)) throw new DecisionRefused('board.errors.conditionOwner', `conditions.${i}.ownerId`)
        await repo.insertCondition(tx, { organisationId: user.organisationId, decisionId, entryId: entry.id, text: c.text, ownerId: c.ownerId, dueDate: c.dueDate })
      }
    }
    // A correction that approves carries the old decision's open conditions; one that does not closes them.
    if (supersedes && APPROVING.includes(outcome)) await repo.carryOpenConditions(tx, user.organisationId, supersedes.id, decisionId)
    else if (supersedes) {
      await repo.waiveOpenConditions(tx, user.organisationId, supersedes.id, user.id, t('board.condition.supersededReason', { outcome: t(`outcome.${outcome}`) }))
    }
    const accepted = await acceptOpenActions(tx, user, entry.id, decisionId, input, allowed)
    // A review decision closes the review; correcting one carries the review over to the correction.
    let stageBefore: Stage | null = null
    if (supersedes?.review) {
      stageBefore = await repo.stageBeforeReview(tx, user.organisationId, supersedes.id)
      await repo.moveReview(tx, user.organisationId, supersedes.id, decisionId)
    } else if (isReview) {
      await repo.closeReview(tx, user.organisationId, entry.id, decisionId)
    }
    // A chair's action goes on the board's next meeting for noting, if one is already scheduled
    // (a meeting scheduled later picks it up when its agenda is proposed).
    if (chairAction) {
      const next = await repo.nextMeeting(tx, user.organisationId, board.id, new Date())
      if (next) {
        await repo.appendAgendaItem(tx, user.organisationId, next.id, {
          kind: 'noting', entryId: entry.id, decisionId, title: t('board.agenda.chairAction', { name: entry.name }).slice(0, 300),
        })
      }
    }
    // On the meeting's agenda, so the minutes and the pack show it.
    if (meetingId) {
      const agenda = await repo.listAgenda(tx, user.organisationId, meetingId)
      if (!agenda.some((a) => a.entryId === entry.id && (a.kind === 'decision' || a.kind === 'review'))) {
        await repo.appendAgendaItem(tx, user.organisationId, meetingId, { kind: isReview ? 'review' : 'decision', entryId: entry.id, title: entry.name })
      }
    }
    await audit(tx, user, 'register_entry', entry.id, supersedes ? 'decision_corrected' : 'decided', {
      decision: { from: supersedes?.outcome ?? null, to: outcome },
      where: { from: null, to: chairAction ? `${board.name}: chair's action` : `${board.name}: meeting` },
      ...(conditions.length ? { conditions: { from: null, to: conditions.map((c) => c.text).join('; ') } } : {}),
      ...(accepted.length ? { acceptedOpenActions: { from: null, to: `${accepted.join('; ')} (${input.acceptanceReason ?? ''})` } } : {}),
      ...(input.decidedAnyway ? { decidedAnyway: { from: null, to: input.decidedAnyway } } : {}),
      ...relaxedMark(allowed),
    })
    // Correcting "retire" to "continue" puts the entry back where the review found it.
    // A correction that still approves leaves a use already in pilot or live where it is.
    const inUse = supersedes && APPROVING.includes(outcome) && (entry.stage === 'pilot' || entry.stage === 'live')
    const stage = inUse ? entry.stage : stageAfterDecision(outcome, stageBefore ?? entry.stage)
    await register.applyChange(tx, user, entry, {
      stage,
      ...(input.reviewDate ? { nextReviewDate: input.reviewDate } : {}),
    }, 'decision_applied')
    return decisionId
  }

  /**
   * The open MUST actions an approval accepts leaving open: each must be one of the entry's open
   * MUST actions now, and becomes a condition of the decision, waived with the board's reason.
   * Returns their words (for the audit trail).
   */
  async function acceptOpenActions(
    tx: Queryable, user: CurrentUser, entryId: string, decisionId: string, input: DecisionInput, allowed: SeparationVerdict,
  ): Promise<string[]> {
    const ids = input.acceptedActions ?? []
    if (!ids.length) return []
    if (!APPROVING.includes(input.outcome)) throw new DecisionRefused('board.errors.acceptOnlyApproving', 'acceptedActions')
    if (!input.acceptanceReason) throw new DecisionRefused('board.errors.acceptanceReason', 'acceptedActions')
    const open = new Map((await assessments.openMustActions(user, entryId, tx)).map((a) => [a.id, a]))
    const texts: string[] = []
    for (const id of new Set(ids)) {
      const action = open.get(id)
      if (!action) throw new DecisionRefused('board.errors.actionNotOpen', 'acceptedActions')
      await repo.insertAcceptedAction(tx, {
        organisationId: user.organisationId, decisionId, entryId, text: action.text, actionId: action.id,
        reason: input.acceptanceReason, closedBy: user.id,
        separationRelaxed: allowed.allowed && allowed.relaxed, closerStakes: allowed.stakes,
      })
      texts.push(action.text)
    }
    return texts
  }

  /** Unfinished assessments block a decision unless the board says it decides anyway, and why. */
  async function mustBeReady(user: CurrentUser, entry: RegisterEntry, input: DecisionInput) {
    if (input.decidedAnyway) return
    // Noting, advising, deferring and escalating need no finished assessments.
    if (!APPROVING.includes(input.outcome) && input.outcome !== 'reject' && input.outcome !== 'retire') return
    const unfinished = await unfinishedAssessments(user, entry)
    if (unfinished.length) {
      throw new DecisionRefused('board.errors.unfinished', 'decidedAnyway', { sets: unfinished.map((u) => u.title).join(', '), count: unfinished.length })
    }
  }

  const service = {
    /** E-mail reminders for conditions and reviews coming due (`aigov reminders`). */
    reminders: createBoardReminders(db, register, { organisations, people }),
    /** Every decision of the organisation: filters, CSV, the annual summary. */
    log: createDecisionLog(db),

    // ---- Boards ----------------------------------------------------------------------------
    list: (user: CurrentUser): Promise<Board[]> => repo.listBoards(db, user.organisationId),
    get: (user: CurrentUser, id: string): Promise<Board> => boardOf(db, user, id),
    members: (user: CurrentUser, boardId: string): Promise<BoardMember[]> => repo.listMembers(db, user.organisationId, boardId),
    seatOf: (user: CurrentUser, boardId: string): Promise<Seat | null> => repo.seatOf(db, user.organisationId, boardId, user.id),
    mayManage: (user: CurrentUser, boardId: string): Promise<boolean> => mayManage(db, user, boardId),
    /** The organisation's active people, who can sit on a board or own a condition. */
    people: (user: CurrentUser) => people.directory(db, user.organisationId),

    /**
     * Sets up a board from the terms-of-reference template: the board with its structured terms,
     * and the full terms as a draft policy (kind terms of reference) to edit, approve and publish
     * like any policy. One transaction.
     */
    async create(user: CurrentUser, input: BoardInput): Promise<Board> {
      if (!can(user.roles, 'board:manage')) throw forbidden()
      return db.transaction(async (tx) => {
        if (await repo.boardNamed(tx, user.organisationId, input.name)) throw new DecisionRefused('board.errors.nameTaken', 'name')
        const tor = await policies.adopt(user, 'board_terms_of_reference', tx)
        const board = await repo.insertBoard(tx, user.organisationId, input, user.id, tor.id)
        await audit(tx, user, 'board', board.id, 'board_created', { name: { from: null, to: input.name }, termsOfReference: { from: null, to: tor.id } })
        return board
      })
    },

    async update(user: CurrentUser, id: string, input: BoardInput): Promise<void> {
      // The terms and the seats are the council's to set (admins); the chair and secretary run the meetings.
      if (!can(user.roles, 'board:manage')) throw forbidden()
      await db.transaction(async (tx) => {
        const board = await boardOf(tx, user, id)
        if (await repo.boardNamed(tx, user.organisationId, input.name, board.id)) throw new DecisionRefused('board.errors.nameTaken', 'name')
        await repo.updateBoard(tx, user.organisationId, board.id, input)
        const after = (await repo.findBoard(tx, user.organisationId, board.id))!
        const changes: Changes = {}
        for (const k of ['name', 'purpose', 'cadence', 'reportingLine', 'decisionTypes', 'quorum', 'fastTrack'] as const) {
          const [from, to] = [JSON.stringify(board[k]), JSON.stringify(after[k])]
          if (from !== to) changes[k] = { from: board[k], to: after[k] }
        }
        if (Object.keys(changes).length) await audit(tx, user, 'board', board.id, 'board_updated', changes)
      })
    },

    /** Puts a person of the organisation in a seat (or moves them to another). One chair and one deputy per board. */
    async addMember(user: CurrentUser, boardId: string, userId: string, seat: Seat): Promise<void> {
      if (!can(user.roles, 'board:manage')) throw forbidden()
      await db.transaction(async (tx) => {
        const board = await boardOf(tx, user, boardId)
        const person = (await people.directory(tx, user.organisationId)).find((p) => p.id === userId)
        if (!person) throw new DecisionRefused('board.errors.member', 'userId')
        if (seat === 'chair' || seat === 'deputy_chair') {
          const holder = await repo.seatHolder(tx, user.organisationId, board.id, seat)
          if (holder && holder.user_id !== userId) throw new DecisionRefused(`board.errors.seatTaken.${seat}`, 'seat')
        }
        await repo.upsertMember(tx, user.organisationId, board.id, userId, seat)
        await audit(tx, user, 'board', board.id, 'member_seated', { member: { from: null, to: `${person.name} (${seat})` } })
      })
    },

    async removeMember(user: CurrentUser, boardId: string, userId: string): Promise<void> {
      if (!isUuid(userId)) throw notFound()
      if (!can(user.roles, 'board:manage')) throw forbidden()
      await db.transaction(async (tx) => {
        const board = await boardOf(tx, user, boardId)
        if (!(await repo.deleteMember(tx, user.organisationId, board.id, userId))) throw notFound()
        await audit(tx, user, 'board', board.id, 'member_removed', { member: { from: userId, to: null } })
      })
    },

    // ---- Meetings ---------------------------------------------------------------------------
    meetings: (user: CurrentUser, boardId: string): Promise<Meeting[]> => repo.listMeetings(db, user.organisationId, boardId),
    upcoming: (user: CurrentUser): Promise<Meeting[]> => repo.upcomingMeetings(db, user.organisationId, new Date(Date.now() - 12 * 3600_000)),

    /**
     * Schedules a meeting and proposes its agenda: the previous meeting's minutes, entries
     * awaiting a decision, reviews under way, conditions overdue and chair's actions to note.
     * A past date is allowed only to record a meeting that happened (`happened`).
     */
    async schedule(user: CurrentUser, boardId: string, input: MeetingInput): Promise<string> {
      const meetsAt = meetingTime(input)
      if (input.date < todayIso() && !input.happened) throw new DecisionRefused('board.errors.meetingPast', 'date')
      // What awaits the board, read from the register before the transaction (the register reads on its own connection).
      const awaiting = (await register.list(user, { stage: 'awaiting_decision', q: undefined, serviceArea: undefined, page: 1, perPage: 100 })).entries
      const reviewing = await Promise.all((await repo.openReviews(db, user.organisationId)).map((r) => register.get(user, r.entry_id)))
      return db.transaction(async (tx) => {
        const board = await boardOf(tx, user, boardId)
        await mustManage(tx, user, board.id)
        const { id } = await repo.insertMeeting(tx, {
          organisationId: user.organisationId, boardId: board.id, meetsAt, location: input.location, retrospective: input.date < todayIso(), createdBy: user.id,
        })
        for (const item of await proposedAgenda(tx, user, board, id, meetsAt, awaiting, reviewing)) await repo.appendAgendaItem(tx, user.organisationId, id, item)
        await audit(tx, user, 'board_meeting', id, 'meeting_scheduled', { meetsAt: { from: null, to: meetsAt.toISOString() }, board: { from: null, to: board.name } })
        return id
      })
    },

    async meeting(user: CurrentUser, id: string): Promise<MeetingDetail> {
      const meeting = await meetingOf(db, user, id)
      const board = await boardOf(db, user, meeting.boardId)
      const [agenda, members, previous, seat, manage] = await Promise.all([
        repo.listAgenda(db, user.organisationId, meeting.id),
        repo.listMembers(db, user.organisationId, board.id),
        repo.previousMeeting(db, user.organisationId, board.id, meeting.meetsAt, meeting.id),
        repo.seatOf(db, user.organisationId, board.id, user.id),
        mayManage(db, user, board.id),
      ])
      const quorum = evaluateQuorum(board.quorum, members.filter((m) => meeting.attendees.includes(m.userId)))
      return { board, meeting, agenda, members, quorum, previous, seat, mayManage: manage }
    },

    /** Records who attended: members of the board only. */
    async setAttendance(user: CurrentUser, meetingId: string, userIds: string[]): Promise<void> {
      await db.transaction(async (tx) => {
        const meeting = await meetingOf(tx, user, meetingId, true)
        await mustManage(tx, user, meeting.boardId)
        if (meeting.minutesApprovedAt) throw new DecisionRefused('board.errors.minutesApproved', 'minutes')
        const members = new Set((await repo.listMembers(tx, user.organisationId, meeting.boardId)).map((m) => m.userId))
        if (userIds.some((u) => !members.has(u))) throw new DecisionRefused('board.errors.attendance', 'attendees')
        await repo.setAttendance(tx, user.organisationId, meeting.id, userIds)
        await audit(tx, user, 'board_meeting', meeting.id, 'attendance_recorded', { attendees: { from: meeting.attendees.length, to: userIds.length } })
      })
    },

    async addAgendaItem(user: CurrentUser, meetingId: string, item: { entryId: string | null; title: string | null }): Promise<void> {
      const entry = item.entryId ? await register.get(user, item.entryId) : null
      await db.transaction(async (tx) => {
        const meeting = await meetingOf(tx, user, meetingId, true)
        await mustManage(tx, user, meeting.boardId)
        if (meeting.minutesApprovedAt) throw new DecisionRefused('board.errors.minutesApproved', 'minutes')
        if (entry) {
          await repo.appendAgendaItem(tx, user.organisationId, meeting.id, {
            kind: entry.stage === 'awaiting_decision' ? 'decision' : 'other', entryId: entry.id, title: item.title ?? entry.name,
          })
        } else {
          await repo.appendAgendaItem(tx, user.organisationId, meeting.id, { kind: 'other', title: item.title ?? '' })
        }
      })
    },

    async moveAgendaItem(user: CurrentUser, meetingId: string, itemId: string, direction: 'up' | 'down'): Promise<void> {
      if (!isUuid(itemId)) throw notFound()
      await db.transaction(async (tx) => {
        const meeting = await meetingOf(tx, user, meetingId, true)
        await mustManage(tx, user, meeting.boardId)
        if (meeting.minutesApprovedAt) throw new DecisionRefused('board.errors.minutesApproved', 'minutes')
        if (!(await repo.listAgenda(tx, user.organisationId, meeting.id)).some((a) => a.id === itemId)) throw notFound()
        await repo.moveAgendaItem(tx, user.organisationId, meeting.id, itemId, direction)
      })
    },

    async removeAgendaItem(user: CurrentUser, meetingId: string, itemId: string): Promise<void> {
      if (!isUuid(itemId)) throw notFound()
      await db.transaction(async (tx) => {
        const meeting = await meetingOf(tx, user, meetingId, true)
        await mustManage(tx, user, meeting.boardId)
        if (meeting.minutesApprovedAt) throw new DecisionRefused('board.errors.minutesApproved', 'minutes')
        if (!(await repo.deleteAgendaItem(tx, user.organisationId, meeting.id, itemId))) throw notFound()
      })
    },

    /** Saves the meeting's minutes and each item's (Markdown). Approved minutes no longer change. */
    async saveMinutes(user: CurrentUser, meetingId: string, minutes: string, items: Record<string, { title: string; minutes: string }>): Promise<void> {
      await db.transaction(async (tx) => {
        const meeting = await meetingOf(tx, user, meetingId, true)
        await mustManage(tx, user, meeting.boardId)
        if (meeting.minutesApprovedAt) throw new DecisionRefused('board.errors.minutesApproved', 'minutes')
        const agenda = await repo.listAgenda(tx, user.organisationId, meeting.id)
        await repo.setMeetingMinutes(tx, user.organisationId, meeting.id, minutes)
        for (const item of agenda) {
          const patch = items[item.id]
          if (patch) await repo.updateAgendaItem(tx, user.organisationId, meeting.id, item.id, patch)
        }
        await audit(tx, user, 'board_meeting', meeting.id, 'minutes_saved', { minutes: { from: meeting.minutes.length, to: minutes.length } })
      })
    },

    /** At a quorate meeting, the board approves the previous meeting's minutes. */
    async approvePreviousMinutes(user: CurrentUser, meetingId: string): Promise<void> {
      await db.transaction(async (tx) => {
        const meeting = await meetingOf(tx, user, meetingId, true)
        await mustManage(tx, user, meeting.boardId)
        const board = await boardOf(tx, user, meeting.boardId)
        const previous = await repo.previousMeeting(tx, user.organisationId, board.id, meeting.meetsAt, meeting.id)
        if (!previous) throw new DecisionRefused('board.errors.noPreviousMeeting', 'minutes')
        const members = await repo.listMembers(tx, user.organisationId, board.id)
        if (!evaluateQuorum(board.quorum, members.filter((m) => meeting.attendees.includes(m.userId))).quorate) {
          throw new DecisionRefused('board.errors.notQuorate', 'minutes', { board: board.name })
        }
        if (!(await repo.approveMinutes(tx, user.organisationId, previous.id, meeting.id, user.id))) throw new DecisionRefused('board.errors.minutesApproved', 'minutes')
        await audit(tx, user, 'board_meeting', previous.id, 'minutes_approved', { approvedAt: { from: null, to: meeting.id } })
      })
    },

    // ---- Decisions --------------------------------------------------------------------------
    /** The entry's open MUST actions, which an approval may accept leaving open (for the decision form). */
    openMustActions: (user: CurrentUser, entryId: string) => assessments.openMustActions(user, entryId),
    unfinishedAssessments,
    sittingsFor,

    async decisionsFor(user: CurrentUser, entryId: string): Promise<Decision[]> {
      return repo.listDecisions(db, user.organisationId, entryId)
    },

    async decision(user: CurrentUser, id: string): Promise<Decision> {
      if (!isUuid(id)) throw notFound()
      const d = await repo.findDecision(db, user.organisationId, id)
      if (!d) throw notFound()
      return d
    },

    /** For pages: whether this person may decide on the entry and close its conditions (and why not). */
    async separationFor(user: CurrentUser, entry: RegisterEntry): Promise<Record<BoardAct, SeparationVerdict>> {
      const org = await organisations.get(user.organisationId, db)
      const stakes = await stakesIn(db, user, entry)
      return { decide: separation(stakes, org.separationOfDuties, 'decide'), close: separation(stakes, org.separationOfDuties, 'close') }
    },

    /**
     * Records a decision on an entry awaiting one (or under review), at a quorate meeting of a
     * board the person sits on or as the chair's action on a low-risk entry; moves the entry to
     * where the decision leaves it and sets its next review date; all in one transaction.
     */
    async record(user: CurrentUser, entryId: string, input: DecisionInput): Promise<string> {
      const entry = await register.get(user, entryId)
      await mustBeReady(user, entry, input)
      return db.transaction(async (tx) => recordIn(tx, user, await register.getForUpdate(tx, user, entryId), input, null))
    },

    /**
     * Corrects a recorded decision: a new decision that supersedes it (the old one stays on the
     * record, marked superseded). Only the entry's latest decision can be corrected.
     */
    async correct(user: CurrentUser, decisionId: string, input: DecisionInput): Promise<string> {
      const old = await service.decision(user, decisionId)
      const entry = await register.get(user, old.entryId)
      await mustBeReady(user, entry, input)
      return db.transaction(async (tx) => {
        const locked = await register.getForUpdate(tx, user, old.entryId)
        const [latest] = await repo.listDecisions(tx, user.organisationId, locked.id)
        if (!latest || latest.id !== old.id) throw new DecisionRefused('board.errors.notLatest')
        if ((REVIEW_OUTCOMES as readonly string[]).includes(input.outcome) !== old.review) throw new DecisionRefused('board.errors.correctionKind')
        // The body that decided corrects its decision: the same board, and a chair's action only corrects a chair's action.
        if (old.boardId) {
          const board = input.sitting.kind === 'chair' ? input.sitting.boardId
            : (await meetingOf(tx, user, input.sitting.meetingId)).boardId
          if (board !== old.boardId) throw new DecisionRefused('board.errors.correctionOtherBoard', 'sitting', { board: old.boardName ?? '' })
          if (input.sitting.kind === 'chair' && !old.chairAction) throw new DecisionRefused('board.errors.correctionByChair', 'sitting')
        }
        return recordIn(tx, user, locked, input, old)
      })
    },

    // ---- Conditions -------------------------------------------------------------------------
    /** The condition's owner says it is met, with evidence (text and an optional link), for the board to accept. */
    async submitEvidence(user: CurrentUser, entryId: string, conditionId: string, evidence: { text: string; url: string | null }): Promise<void> {
      if (!isUuid(conditionId)) throw notFound()
      await db.transaction(async (tx) => {
        const entry = await register.getForUpdate(tx, user, entryId)
        const c = await repo.findCondition(tx, user.organisationId, entry.id, conditionId)
        if (!c) throw notFound()
        if (c.owner_id !== user.id) throw forbidden()
        if (c.status !== 'open' && c.status !== 'submitted') throw new DecisionRefused('board.errors.conditionClosed', 'evidence')
        await repo.submitEvidence(tx, { organisationId: user.organisationId, entryId: entry.id, conditionId: c.id, userId: user.id, evidence: evidence.text, url: evidence.url })
        await audit(tx, user, 'register_entry', entry.id, 'condition_evidence', { condition: { from: c.text, to: 'submitted' }, evidence: { from: null, to: evidence.text } })
      })
    },

    /**
     * The board (a member of the board that set it, with the board role) accepts a condition as
     * met or waives it; separation of duties applies.
     */
    async closeCondition(user: CurrentUser, entryId: string, conditionId: string, status: 'met' | 'waived'): Promise<void> {
      if (!isUuid(conditionId)) throw notFound()
      if (!can(user.roles, 'decision:record')) throw forbidden()
      await db.transaction(async (tx) => {
        const entry = await register.getForUpdate(tx, user, entryId)
        const c = await repo.findCondition(tx, user.organisationId, entry.id, conditionId)
        if (!c) throw notFound()
        if (c.board_id && !(await repo.seatOf(tx, user.organisationId, c.board_id, user.id))) throw forbidden()
        // Whoever did the work does not accept it: another member closes a condition its owner met.
        if (c.owner_id === user.id) throw new DecisionRefused('board.errors.ownCondition', 'status')
        const allowed = await mustBeAllowed(tx, user, entry, 'close')
        const text = await repo.closeCondition(tx, {
          organisationId: user.organisationId, entryId: entry.id, conditionId, status, closedBy: user.id,
          separationRelaxed: allowed.relaxed, closerStakes: allowed.stakes,
        })
        if (text === null) throw new DecisionRefused('board.errors.conditionClosed', 'status')
        await audit(tx, user, 'register_entry', entry.id, `condition_${status}`, { condition: { from: text, to: status }, ...relaxedMark(allowed) })
      })
    },

    /**
     * What awaits the boards this person sits on (or, for a board member with no seat yet, any
     * board): entries awaiting a decision, reviews under way, and the next meeting of their boards.
     * Null for someone who neither sits on a board nor may record decisions.
     */
    async awaitingMyBoard(user: CurrentUser) {
      const seats = await repo.seatsOf(db, user.organisationId, user.id)
      if (!seats.length && !can(user.roles, 'decision:record')) return null
      const [awaiting, reviews, upcoming] = await Promise.all([
        register.list(user, { stage: 'awaiting_decision', q: undefined, serviceArea: undefined, page: 1, perPage: 20 }),
        repo.openReviews(db, user.organisationId),
        repo.upcomingMeetings(db, user.organisationId, new Date(Date.now() - 12 * 3600_000)),
      ])
      const names = await register.namesOf(user.organisationId, reviews.map((r) => r.entry_id))
      const mine = new Set(seats.map((s) => s.board_id))
      return {
        awaiting: awaiting.entries.map((e) => ({ id: e.id, name: e.name, riskTier: e.riskTier })),
        awaitingTotal: awaiting.total,
        reviews: reviews.filter((r) => names.has(r.entry_id)).map((r) => ({ id: r.entry_id, name: names.get(r.entry_id)!, startedAt: r.started_at })),
        nextMeeting: upcoming.find((m) => mine.has(m.boardId)) ?? null,
      }
    },
    /** The organisation dashboard's counts of conditions still open (open, evidence waiting, overdue). */
    dashboardConditionCounts: (user: CurrentUser, today: string, q: Queryable = db) => repo.dashboardConditionCounts(q, user.organisationId, today),
    /** Of these organisations, how many have set up a governance board (the sector benchmark: a count only). */
    countWithBoard: async (organisationIds: readonly string[], q: Queryable = db): Promise<number> => (await repo.countWithBoard(q, organisationIds)).n,
    /** Conditions a person owns that are still open (for their home page). */
    conditionsOwned: (user: CurrentUser) => repo.conditionsOwned(db, user.organisationId, user.id),
    /** Open conditions due by a day (overdue when before today), for the board's page. */
    conditionsDue: (user: CurrentUser, until: string) => repo.conditionsDue(db, user.organisationId, until),

    // ---- Reviews ----------------------------------------------------------------------------
    openReview: (user: CurrentUser, entryId: string) => repo.openReview(db, user.organisationId, entryId),
    /** Approved uses of the organisation whose review date is on or before `until` (overdue when before today). */
    reviewsDue: (user: CurrentUser, until: string) => register.reviewsDueFor(user.organisationId, until),

    /**
     * Starts the review of an approved use: re-opens the assessments it needs (marked "needs
     * review") and puts it before the board for a decision to continue, change or retire.
     */
    async startReview(user: CurrentUser, entryId: string): Promise<string[]> {
      if (!can(user.roles, 'decision:record') && !can(user.roles, 'board:manage')) throw forbidden()
      return db.transaction(async (tx) => {
        const entry = await register.getForUpdate(tx, user, entryId)
        if (!REVIEWABLE.includes(entry.stage)) throw new DecisionRefused('board.errors.notReviewable')
        if (await repo.openReview(tx, user.organisationId, entry.id)) throw new DecisionRefused('board.errors.reviewOpen')
        await repo.insertReview(tx, user.organisationId, entry.id, user.id, entry.stage)
        const reopened = await assessments.reopenForReview(tx, user, entry)
        await audit(tx, user, 'register_entry', entry.id, 'review_started', { review: { from: null, to: reopened.join(', ') || '-' } })
        return reopened
      })
    },
  }

  /** What a new meeting's agenda starts with. */
  async function proposedAgenda(
    tx: Queryable, user: CurrentUser, board: Board, meetingId: string, meetsAt: Date, awaiting: RegisterEntry[], reviewing: RegisterEntry[],
  ): Promise<repo.NewAgendaItem[]> {
    const items: repo.NewAgendaItem[] = []
    const previous = await repo.previousMeeting(tx, user.organisationId, board.id, meetsAt, meetingId)
    if (previous && !previous.minutesApprovedAt) items.push({ kind: 'minutes', title: t('board.agenda.minutes') })
    for (const e of awaiting) items.push({ kind: 'decision', entryId: e.id, title: e.name })
    for (const e of reviewing) items.push({ kind: 'review', entryId: e.id, title: e.name })
    const day = meetsAt.toISOString().slice(0, 10)
    for (const c of await repo.conditionsDue(tx, user.organisationId, day)) {
      if (c.due_date && c.due_date < day) items.push({ kind: 'condition', entryId: c.entry_id, conditionId: c.id, title: `${c.entry_name ?? ''}: ${c.text}`.slice(0, 300) })
    }
    for (const d of await repo.chairActionsToNote(tx, user.organisationId, board.id)) {
      items.push({ kind: 'noting', entryId: d.entryId, decisionId: d.id, title: t('board.agenda.chairAction', { name: d.entryName ?? '' }).slice(0, 300) })
    }
    return items
  }

  return service
}
export type BoardService = ReturnType<typeof createBoardService>
// Outcomes a new decision may have (re-exported for routes).
export { DECISION_OUTCOMES, REVIEW_OUTCOMES }
