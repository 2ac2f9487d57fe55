import { z } from 'zod'
import type { Queryable } from '../../platform/db/db.ts'
import { col, many, maybeOne, one, run } from '../../platform/db/rows.ts'
import {
  AGENDA_KINDS, type AgendaItem, type AgendaKind, ALL_OUTCOMES, type Board, type BoardInput, type BoardMember, CADENCES,
  CONDITION_STATUSES, type Decision, DECISION_OUTCOMES, type DecisionOutcome, ESCALATIONS, type Meeting, type MemberPresent,
  rulesFromGroups, type Stake, STAKES,
} from './model.ts'
import { quorumRule, SEATS, type Seat } from './quorum.ts'
import { type Stage, STAGES } from '../register/model.ts'

/** The board's SQL: boards, members, meetings, agendas, decisions, conditions, reviews. Every query is scoped by organisation. */

const stakes = z.array(z.enum(STAKES))

const conditionJson = z.object({
  id: col.uuid,
  decision_id: col.uuid,
  text: col.text,
  status: z.enum(CONDITION_STATUSES),
  owner_id: col.uuid.nullable(),
  owner_name: col.text.nullable(),
  due_date: col.date.nullable(),
  evidence: col.text.nullable(),
  evidence_url: col.text.nullable(),
  evidence_at: z.string().nullable(),
  // Inside json_agg a timestamp arrives as text.
  closed_at: z.string().nullable(),
  separation_relaxed: col.bool,
  closer_stakes: stakes,
  action_id: col.uuid.nullable(),
  waiver_reason: col.text.nullable(),
})

const decisionRow = z.object({
  id: col.uuid,
  entry_id: col.uuid,
  entry_name: col.text.nullable(),
  outcome: z.enum(ALL_OUTCOMES),
  rationale: col.text,
  review_date: col.date.nullable(),
  decided_by: col.text,
  decided_at: col.timestamp,
  separation_relaxed: col.bool,
  decider_stakes: stakes,
  board_id: col.uuid.nullable(),
  board_name: col.text.nullable(),
  meeting_id: col.uuid.nullable(),
  meets_at: col.timestamp.nullable(),
  chair_action: col.bool,
  members_present: z.array(z.object({ name: z.string(), seat: z.string() })),
  minutes_ref: col.text.nullable(),
  needed: col.text.nullable(),
  escalated_to: z.enum(ESCALATIONS).nullable(),
  escalation_ref: col.text.nullable(),
  decided_anyway: col.text.nullable(),
  review: col.bool,
  supersedes: col.uuid.nullable(),
  superseded_by: col.uuid.nullable(),
  conditions: z.array(conditionJson),
}).transform((r): Decision => ({
  id: r.id, entryId: r.entry_id, entryName: r.entry_name, outcome: r.outcome, rationale: r.rationale, reviewDate: r.review_date, decidedBy: r.decided_by,
  decidedAt: r.decided_at, separationRelaxed: r.separation_relaxed, deciderStakes: r.decider_stakes,
  boardId: r.board_id, boardName: r.board_name, meetingId: r.meeting_id, meetingAt: r.meets_at, chairAction: r.chair_action,
  membersPresent: r.members_present, minutesRef: r.minutes_ref, needed: r.needed, escalatedTo: r.escalated_to,
  escalationRef: r.escalation_ref, decidedAnyway: r.decided_anyway, review: r.review, supersedes: r.supersedes,
  supersededBy: r.superseded_by,
  conditions: r.conditions.map((c) => ({
    id: c.id, decisionId: c.decision_id, text: c.text, status: c.status, ownerId: c.owner_id, ownerName: c.owner_name,
    dueDate: c.due_date, evidence: c.evidence, evidenceUrl: c.evidence_url, evidenceAt: c.evidence_at ? new Date(c.evidence_at) : null,
    closedAt: c.closed_at ? new Date(c.closed_at) : null,
    separationRelaxed: c.separation_relaxed, closerStakes: c.closer_stakes, actionId: c.action_id, waiverReason: c.waiver_reason,
  })),
}))

/**
 * The lifecycle's "approved" (the latest decision approves), "open conditions" and "actions the
 * board accepted leaving open" (by the latest decision, if it approves) facts.
 */
export async function lifecycleFacts(
  q: Queryable, organisationId: string, entryId: string, approving: readonly DecisionOutcome[],
): Promise<{ approved: boolean; openConditions: number; acceptedOpenActions: string[] }> {
  const row = await one(q, z.object({ approved: col.bool, open_conditions: col.int, accepted: z.array(col.uuid) }),
    `with latest as (
       select d.id, d.outcome = any($3::text[]) as approving from decisions d
       where d.entry_id = $2 and d.organisation_id = $1 and d.outcome not in ('note')
         and not exists (select 1 from decisions s where s.supersedes = d.id)
       order by d.decided_at desc, d.id desc limit 1)
     select
       coalesce((select approving from latest), false) as approved,
       (select count(*)::int from decision_conditions c
         where c.entry_id = $2 and c.organisation_id = $1 and c.status in ('open', 'submitted')) as open_conditions,
       coalesce((select array_agg(c.action_id order by c.action_id) from decision_conditions c join latest l on l.id = c.decision_id
         where l.approving and c.organisation_id = $1 and c.action_id is not null and c.status = 'waived'), '{}'::uuid[]) as accepted`,
    [organisationId, entryId, approving])
  return { approved: row.approved, openConditions: row.open_conditions, acceptedOpenActions: row.accepted }
}

const DECISION_SELECT = `select d.id, d.entry_id, d.entry_name, d.outcome, d.rationale, d.review_date, u.name as decided_by, d.decided_at,
       d.separation_relaxed, d.decider_stakes, d.board_id, b.name as board_name, d.meeting_id, m.meets_at, d.chair_action,
       d.members_present, d.minutes_ref, d.needed, d.escalated_to, d.escalation_ref, d.decided_anyway, d.review, d.supersedes,
       (select s.id from decisions s where s.supersedes = d.id) as superseded_by,
       coalesce((select json_agg(json_build_object('id', c.id, 'decision_id', c.decision_id, 'text', c.text, 'status', c.status,
                   'owner_id', c.owner_id, 'owner_name', ou.name, 'due_date', c.due_date, 'evidence', c.evidence,
                   'evidence_url', c.evidence_url, 'evidence_at', c.evidence_at, 'closed_at', c.closed_at,
                   'separation_relaxed', c.separation_relaxed, 'closer_stakes', c.closer_stakes, 'action_id', c.action_id,
                   'waiver_reason', c.waiver_reason) order by c.due_date nulls last, c.text)
         from decision_conditions c left join users ou on ou.id = c.owner_id where c.decision_id = d.id), '[]'::json) as conditions
     from decisions d join users u on u.id = d.decided_by
       left join boards b on b.id = d.board_id and b.organisation_id = d.organisation_id
       left join board_meetings m on m.id = d.meeting_id and m.organisation_id = d.organisation_id`

/** An entry's decisions, newest first, each with its conditions. */
export const listDecisions = (q: Queryable, organisationId: string, entryId: string): Promise<Decision[]> =>
  many(q, decisionRow, `${DECISION_SELECT}
     where d.organisation_id = $1 and d.entry_id = $2
     order by d.decided_at desc, d.id desc`,
    [organisationId, entryId])

export const findDecision = (q: Queryable, organisationId: string, id: string): Promise<Decision | null> =>
  maybeOne(q, decisionRow, `${DECISION_SELECT} where d.organisation_id = $1 and d.id = $2`, [organisationId, id])

/** Chair's actions of a board not yet put on any meeting's agenda for noting. */
export const chairActionsToNote = (q: Queryable, organisationId: string, boardId: string): Promise<Decision[]> =>
  many(q, decisionRow, `${DECISION_SELECT}
     where d.organisation_id = $1 and d.board_id = $2 and d.chair_action
       and not exists (select 1 from agenda_items a where a.decision_id = d.id and a.kind = 'noting')
     order by d.decided_at, d.id`, [organisationId, boardId])

export interface NewDecision {
  organisationId: string
  entryId: string
  outcome: DecisionOutcome
  rationale: string
  reviewDate: string | null
  decidedBy: string
  separationRelaxed: boolean
  deciderStakes: Stake[]
  boardId: string
  meetingId: string | null
  chairAction: boolean
  membersPresent: MemberPresent[]
  minutesRef: string | null
  needed: string | null
  escalatedTo: string | null
  escalationRef: string | null
  decidedAnyway: string | null
  review: boolean
  supersedes: string | null
  entryName: string
  riskTier: string | null
  serviceArea: string
}

export async function insertDecision(q: Queryable, d: NewDecision): Promise<string> {
  const row = await one(q, z.object({ id: col.uuid }),
    `insert into decisions (organisation_id, entry_id, outcome, rationale, review_date, decided_by, separation_relaxed, decider_stakes,
       board_id, meeting_id, chair_action, members_present, minutes_ref, needed, escalated_to, escalation_ref, decided_anyway, review,
       supersedes, entry_name, risk_tier, service_area)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22) returning id`,
    [d.organisationId, d.entryId, d.outcome, d.rationale, d.reviewDate, d.decidedBy, d.separationRelaxed, d.deciderStakes,
      d.boardId, d.meetingId, d.chairAction, JSON.stringify(d.membersPresent), d.minutesRef, d.needed, d.escalatedTo, d.escalationRef,
      d.decidedAnyway, d.review, d.supersedes, d.entryName, d.riskTier, d.serviceArea])
  return row.id
}

export const insertCondition = (q: Queryable, c: {
  organisationId: string; decisionId: string; entryId: string; text: string; ownerId: string; dueDate: string
}) =>
  run(q, 'insert into decision_conditions (organisation_id, decision_id, entry_id, text, owner_id, due_date) values ($1, $2, $3, $4, $5, $6)',
    [c.organisationId, c.decisionId, c.entryId, c.text, c.ownerId, c.dueDate])

/** Copies a superseded decision's conditions that are still open onto the decision that corrects it (closing them on the old one). */
export async function carryOpenConditions(q: Queryable, organisationId: string, fromDecision: string, toDecision: string): Promise<number> {
  return run(q,
    `update decision_conditions set decision_id = $3
     where organisation_id = $1 and decision_id = $2 and status in ('open', 'submitted') returning id`,
    [organisationId, fromDecision, toDecision])
}

/** Closes the open conditions of a decision a correction replaced without conditions (waived, saying so). */
export const waiveOpenConditions = (q: Queryable, organisationId: string, decisionId: string, by: string, reason: string) =>
  run(q,
    `update decision_conditions set status = 'waived', closed_by = $3, closed_at = now(), waiver_reason = $4
     where organisation_id = $1 and decision_id = $2 and status in ('open', 'submitted') returning id`,
    [organisationId, decisionId, by, reason])

/** The board's next meeting from a time on whose minutes are not approved, or null. */
export const nextMeeting = (q: Queryable, organisationId: string, boardId: string, from: Date): Promise<Meeting | null> =>
  maybeOne(q, meetingRow, `${MEETING_SELECT} where m.organisation_id = $1 and m.board_id = $2 and m.meets_at >= $3
    and m.minutes_approved_at is null order by m.meets_at limit 1`, [organisationId, boardId, from])

/** The condition and the decision it belongs to (board, entry), or null. */
export const findCondition = (q: Queryable, organisationId: string, entryId: string, id: string) =>
  maybeOne(q, z.object({ id: col.uuid, text: col.text, status: z.enum(CONDITION_STATUSES), owner_id: col.uuid.nullable(), board_id: col.uuid.nullable() }),
    `select c.id, c.text, c.status, c.owner_id, d.board_id from decision_conditions c join decisions d on d.id = c.decision_id
     where c.organisation_id = $1 and c.entry_id = $2 and c.id = $3`, [organisationId, entryId, id])

/** The owner says an open condition is met: their evidence, for the board to accept. */
export const submitEvidence = (q: Queryable, c: { organisationId: string; entryId: string; conditionId: string; userId: string; evidence: string; url: string | null }) =>
  run(q,
    `update decision_conditions set status = 'submitted', evidence = $4, evidence_url = $5, evidence_by = $6, evidence_at = now()
     where organisation_id = $1 and entry_id = $2 and id = $3 and status in ('open', 'submitted') returning id`,
    [c.organisationId, c.entryId, c.conditionId, c.evidence, c.url, c.userId])

/** Open or submitted conditions, each with its entry, due on or before a day (overdue when before today). */
export const conditionsDue = (q: Queryable, organisationId: string, until: string, opts: { ownerId?: string } = {}) =>
  many(q, z.object({
    id: col.uuid, entry_id: col.uuid, entry_name: col.text.nullable(), text: col.text, status: z.enum(CONDITION_STATUSES),
    owner_id: col.uuid.nullable(), owner_name: col.text.nullable(), due_date: col.date.nullable(), board_id: col.uuid.nullable(),
  }),
    `select c.id, c.entry_id, d.entry_name, c.text, c.status, c.owner_id, u.name as owner_name, c.due_date, d.board_id
     from decision_conditions c join decisions d on d.id = c.decision_id left join users u on u.id = c.owner_id
     where c.organisation_id = $1 and c.status in ('open', 'submitted') and c.due_date <= $2
       and ($3::uuid is null or c.owner_id = $3)
     order by c.due_date, c.text`, [organisationId, until, opts.ownerId ?? null])

/** Conditions a person owns that are still open or submitted (any due date). */
export const conditionsOwned = (q: Queryable, organisationId: string, ownerId: string) =>
  many(q, z.object({ id: col.uuid, entry_id: col.uuid, entry_name: col.text.nullable(), text: col.text, status: z.enum(CONDITION_STATUSES), due_date: col.date.nullable() }),
    `select c.id, c.entry_id, d.entry_name, c.text, c.status, c.due_date
     from decision_conditions c join decisions d on d.id = c.decision_id
     where c.organisation_id = $1 and c.owner_id = $2 and c.status in ('open', 'submitted')
     order by c.due_date nulls last, c.text`, [organisationId, ownerId])

/** An open action the board accepts leaving open: a condition of the decision, waived at once with the reason. */
export const insertAcceptedAction = (q: Queryable, c: {
  organisationId: string; decisionId: string; entryId: string; text: string; actionId: string; reason: string
  closedBy: string; separationRelaxed: boolean; closerStakes: Stake[]
}) =>
  run(q,
    `insert into decision_conditions (organisation_id, decision_id, entry_id, text, status, closed_by, closed_at, separation_relaxed,
       closer_stakes, action_id, waiver_reason)
     values ($1, $2, $3, $4, 'waived', $5, now(), $6, $7, $8, $9)`,
    [c.organisationId, c.decisionId, c.entryId, c.text, c.closedBy, c.separationRelaxed, c.closerStakes, c.actionId, c.reason])

export interface ConditionClosing {
  organisationId: string
  entryId: string
  conditionId: string
  status: 'met' | 'waived'
  closedBy: string
  separationRelaxed: boolean
  closerStakes: Stake[]
}

/** Closes an open (or submitted) condition; its text, or null when there is no such condition still open. */
export async function closeCondition(q: Queryable, c: ConditionClosing): Promise<string | null> {
  const row = await maybeOne(q, z.object({ text: col.text }),
    `update decision_conditions set status = $4, closed_by = $5, closed_at = now(), separation_relaxed = $6, closer_stakes = $7
     where organisation_id = $1 and entry_id = $2 and id = $3 and status in ('open', 'submitted') returning text`,
    [c.organisationId, c.entryId, c.conditionId, c.status, c.closedBy, c.separationRelaxed, c.closerStakes])
  return row?.text ?? null
}

// ---- Boards and members ----------------------------------------------------------------------

const boardRow = z.object({
  id: col.uuid, organisation_id: col.uuid, name: col.text, purpose: col.text, cadence: z.enum(CADENCES), reporting_line: col.text,
  decision_types: z.array(z.enum(DECISION_OUTCOMES)), quorum: quorumRule, fast_track: col.bool, tor_policy_id: col.uuid.nullable(),
  created_at: col.timestamp,
}).transform((r): Board => ({
  id: r.id, organisationId: r.organisation_id, name: r.name, purpose: r.purpose, cadence: r.cadence, reportingLine: r.reporting_line,
  decisionTypes: r.decision_types, quorum: r.quorum, fastTrack: r.fast_track, torPolicyId: r.tor_policy_id, createdAt: r.created_at,
}))
const BOARD_COLUMNS = 'id, organisation_id, name, purpose, cadence, reporting_line, decision_types, quorum, fast_track, tor_policy_id, created_at'

export const listBoards = (q: Queryable, organisationId: string): Promise<Board[]> =>
  many(q, boardRow, `select ${BOARD_COLUMNS} from boards where organisation_id = $1 order by created_at, name`, [organisationId])

export const findBoard = (q: Queryable, organisationId: string, id: string): Promise<Board | null> =>
  maybeOne(q, boardRow, `select ${BOARD_COLUMNS} from boards where organisation_id = $1 and id = $2`, [organisationId, id])

export const boardNamed = (q: Queryable, organisationId: string, name: string, except: string | null = null) =>
  maybeOne(q, z.object({ id: col.uuid }), 'select id from boards where organisation_id = $1 and lower(name) = lower($2) and ($3::uuid is null or id <> $3)',
    [organisationId, name, except])

export async function insertBoard(q: Queryable, organisationId: string, input: BoardInput, createdBy: string, torPolicyId: string | null): Promise<Board> {
  return one(q, boardRow,
    `insert into boards (organisation_id, name, purpose, cadence, reporting_line, decision_types, quorum, fast_track, tor_policy_id, created_by)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning ${BOARD_COLUMNS}`,
    [organisationId, input.name, input.purpose, input.cadence, input.reportingLine, input.decisionTypes,
      JSON.stringify(rulesFromGroups(input.quorumMin, input.quorumGroups)), input.fastTrack, torPolicyId, createdBy])
}

export const updateBoard = (q: Queryable, organisationId: string, id: string, input: BoardInput) =>
  run(q,
    `update boards set name = $3, purpose = $4, cadence = $5, reporting_line = $6, decision_types = $7, quorum = $8, fast_track = $9
     where organisation_id = $1 and id = $2 returning id`,
    [organisationId, id, input.name, input.purpose, input.cadence, input.reportingLine, input.decisionTypes,
      JSON.stringify(rulesFromGroups(input.quorumMin, input.quorumGroups)), input.fastTrack])

const memberRow = z.object({ user_id: col.uuid, name: col.text, email: col.text, seat: z.enum(SEATS) })
  .transform((r): BoardMember => ({ userId: r.user_id, name: r.name, email: r.email, seat: r.seat }))

/** A board's members, in the order of their seats. */
export const listMembers = (q: Queryable, organisationId: string, boardId: string): Promise<BoardMember[]> =>
  many(q, memberRow,
    `select m.user_id, u.name, u.email, m.seat from board_members m join users u on u.id = m.user_id
     where m.organisation_id = $1 and m.board_id = $2
     order by array_position($3::text[], m.seat), u.name`, [organisationId, boardId, [...SEATS]])

/** The seat a person holds on a board, or null. */
export const seatOf = async (q: Queryable, organisationId: string, boardId: string, userId: string): Promise<Seat | null> =>
  (await maybeOne(q, z.object({ seat: z.enum(SEATS) }), 'select seat from board_members where organisation_id = $1 and board_id = $2 and user_id = $3',
    [organisationId, boardId, userId]))?.seat ?? null

/** The boards a person sits on, with their seat. */
export const seatsOf = (q: Queryable, organisationId: string, userId: string) =>
  many(q, z.object({ board_id: col.uuid, seat: z.enum(SEATS) }),
    'select board_id, seat from board_members where organisation_id = $1 and user_id = $2', [organisationId, userId])

export const upsertMember = (q: Queryable, organisationId: string, boardId: string, userId: string, seat: Seat) =>
  run(q,
    `insert into board_members (board_id, organisation_id, user_id, seat) values ($1, $2, $3, $4)
     on conflict (board_id, user_id) do update set seat = excluded.seat returning user_id`,
    [boardId, organisationId, userId, seat])

export const seatHolder = (q: Queryable, organisationId: string, boardId: string, seat: Seat) =>
  maybeOne(q, z.object({ user_id: col.uuid }), 'select user_id from board_members where organisation_id = $1 and board_id = $2 and seat = $3',
    [organisationId, boardId, seat])

export const deleteMember = (q: Queryable, organisationId: string, boardId: string, userId: string) =>
  run(q, 'delete from board_members where organisation_id = $1 and board_id = $2 and user_id = $3 returning user_id', [organisationId, boardId, userId])

// ---- Meetings, attendance, agenda ------------------------------------------------------------

const meetingRow = z.object({
  id: col.uuid, board_id: col.uuid, meets_at: col.timestamp, location: col.text, retrospective: col.bool, minutes: col.text,
  minutes_approved_at: col.timestamp.nullable(), minutes_approved_in: col.uuid.nullable(), attendees: z.array(col.uuid),
}).transform((r): Meeting => ({
  id: r.id, boardId: r.board_id, meetsAt: r.meets_at, location: r.location, retrospective: r.retrospective, minutes: r.minutes,
  minutesApprovedAt: r.minutes_approved_at, minutesApprovedIn: r.minutes_approved_in, attendees: r.attendees,
}))
const MEETING_SELECT = `select m.id, m.board_id, m.meets_at, m.location, m.retrospective, m.minutes, m.minutes_approved_at,
    m.minutes_approved_in,
    coalesce((select array_agg(a.user_id order by a.user_id) from meeting_attendance a where a.meeting_id = m.id), '{}'::uuid[]) as attendees
  from board_meetings m`

export const insertMeeting = (q: Queryable, m: { organisationId: string; boardId: string; meetsAt: Date; location: string; retrospective: boolean; createdBy: string }) =>
  one(q, z.object({ id: col.uuid }),
    `insert into board_meetings (organisation_id, board_id, meets_at, location, retrospective, created_by)
     values ($1, $2, $3, $4, $5, $6) returning id`,
    [m.organisationId, m.boardId, m.meetsAt, m.location, m.retrospective, m.createdBy])

export const findMeeting = (q: Queryable, organisationId: string, id: string, forUpdate = false): Promise<Meeting | null> =>
  maybeOne(q, meetingRow, `${MEETING_SELECT} where m.organisation_id = $1 and m.id = $2${forUpdate ? ' for update of m' : ''}`, [organisationId, id])

export const listMeetings = (q: Queryable, organisationId: string, boardId: string): Promise<Meeting[]> =>
  many(q, meetingRow, `${MEETING_SELECT} where m.organisation_id = $1 and m.board_id = $2 order by m.meets_at desc`, [organisationId, boardId])

/** The meeting of the same board just before this one (whose minutes this one approves). */
export const previousMeeting = (q: Queryable, organisationId: string, boardId: string, before: Date, except: string): Promise<Meeting | null> =>
  maybeOne(q, meetingRow, `${MEETING_SELECT} where m.organisation_id = $1 and m.board_id = $2 and m.meets_at < $3 and m.id <> $4
    order by m.meets_at desc limit 1`, [organisationId, boardId, before, except])

/** Meetings of these boards that have begun by `until` (where a decision can be recorded), newest first. */
export const meetingsBegun = (q: Queryable, organisationId: string, boardIds: string[], until: Date): Promise<Meeting[]> =>
  many(q, meetingRow, `${MEETING_SELECT} where m.organisation_id = $1 and m.board_id = any($2::uuid[]) and m.meets_at <= $3
    order by m.meets_at desc limit 20`, [organisationId, boardIds, until])

/** Every meeting of the organisation from a time on (upcoming), soonest first. */
export const upcomingMeetings = (q: Queryable, organisationId: string, from: Date) =>
  many(q, meetingRow, `${MEETING_SELECT} where m.organisation_id = $1 and m.meets_at >= $2 order by m.meets_at limit 20`, [organisationId, from])

export async function setAttendance(q: Queryable, organisationId: string, meetingId: string, userIds: readonly string[]): Promise<void> {
  await run(q, 'delete from meeting_attendance where organisation_id = $1 and meeting_id = $2 returning user_id', [organisationId, meetingId])
  if (userIds.length) {
    await run(q,
      `insert into meeting_attendance (meeting_id, organisation_id, user_id) select $2, $1, u from unnest($3::uuid[]) u returning user_id`,
      [organisationId, meetingId, [...new Set(userIds)]])
  }
}

export const setMeetingMinutes = (q: Queryable, organisationId: string, meetingId: string, minutes: string) =>
  run(q, 'update board_meetings set minutes = $3 where organisation_id = $1 and id = $2 returning id', [organisationId, meetingId, minutes])

export const approveMinutes = (q: Queryable, organisationId: string, meetingId: string, approvedIn: string, by: string) =>
  run(q,
    `update board_meetings set minutes_approved_at = now(), minutes_approved_in = $3, minutes_approved_by = $4
     where organisation_id = $1 and id = $2 and minutes_approved_at is null returning id`,
    [organisationId, meetingId, approvedIn, by])

const agendaRow = z.object({
  id: col.uuid, position: col.int, kind: z.enum(AGENDA_KINDS), entry_id: col.uuid.nullable(), condition_id: col.uuid.nullable(),
  decision_id: col.uuid.nullable(), title: col.text, minutes: col.text,
}).transform((r): AgendaItem => ({
  id: r.id, position: r.position, kind: r.kind, entryId: r.entry_id, conditionId: r.condition_id, decisionId: r.decision_id,
  title: r.title, minutes: r.minutes,
}))

export const listAgenda = (q: Queryable, organisationId: string, meetingId: string): Promise<AgendaItem[]> =>
  many(q, agendaRow, `select id, position, kind, entry_id, condition_id, decision_id, title, minutes from agenda_items
    where organisation_id = $1 and meeting_id = $2 order by position`, [organisationId, meetingId])

export interface NewAgendaItem { kind: AgendaKind; entryId?: string | null; conditionId?: string | null; decisionId?: string | null; title: string }

/** Adds an item at the end of a meeting's agenda. */
export const appendAgendaItem = (q: Queryable, organisationId: string, meetingId: string, item: NewAgendaItem) =>
  one(q, z.object({ id: col.uuid }),
    `insert into agenda_items (organisation_id, meeting_id, position, kind, entry_id, condition_id, decision_id, title)
     values ($1, $2, coalesce((select max(position) from agenda_items where meeting_id = $2), 0) + 1, $3, $4, $5, $6, $7) returning id`,
    [organisationId, meetingId, item.kind, item.entryId ?? null, item.conditionId ?? null, item.decisionId ?? null, item.title])

/** Swaps an item with its neighbour above or below; false when there is none. */
export async function moveAgendaItem(q: Queryable, organisationId: string, meetingId: string, itemId: string, direction: 'up' | 'down'): Promise<boolean> {
  const items = await listAgenda(q, organisationId, meetingId)
  const i = items.findIndex((x) => x.id === itemId)
  const j = direction === 'up' ? i - 1 : i + 1
  if (i < 0 || j < 0 || j >= items.length) return false
  const a = items[i]!, b = items[j]!
  await run(q, `update agenda_items set position = case id when $3 then $5::int when $4 then $6::int end
    where organisation_id = $1 and meeting_id = $2 and id in ($3, $4) returning id`, [organisationId, meetingId, a.id, b.id, b.position, a.position])
  return true
}

export const deleteAgendaItem = (q: Queryable, organisationId: string, meetingId: string, itemId: string) =>
  run(q, 'delete from agenda_items where organisation_id = $1 and meeting_id = $2 and id = $3 returning id', [organisationId, meetingId, itemId])

export const updateAgendaItem = (q: Queryable, organisationId: string, meetingId: string, itemId: string, patch: { title: string; minutes: string }) =>
  run(q, 'update agenda_items set title = $4, minutes = $5 where organisation_id = $1 and meeting_id = $2 and id = $3 returning id',
    [organisationId, meetingId, itemId, patch.title, patch.minutes])

// ---- Reviews ---------------------------------------------------------------------------------

export const openReview = (q: Queryable, organisationId: string, entryId: string) =>
  maybeOne(q, z.object({ id: col.uuid, started_at: col.timestamp }),
    'select id, started_at from entry_reviews where organisation_id = $1 and entry_id = $2 and decision_id is null', [organisationId, entryId])

export const insertReview = (q: Queryable, organisationId: string, entryId: string, startedBy: string, stage: string) =>
  one(q, z.object({ id: col.uuid }),
    'insert into entry_reviews (organisation_id, entry_id, started_by, stage_at_start) values ($1, $2, $3, $4) returning id',
    [organisationId, entryId, startedBy, stage])

/** The stage an entry was in when the review a decision closed began (null: that decision closed no review). */
export const stageBeforeReview = async (q: Queryable, organisationId: string, decisionId: string): Promise<Stage | null> =>
  (await maybeOne(q, z.object({ stage_at_start: z.enum(STAGES) }),
    'select stage_at_start from entry_reviews where organisation_id = $1 and decision_id = $2', [organisationId, decisionId]))?.stage_at_start ?? null

/** Moves the review a superseded decision closed onto the decision that corrects it. */
export const moveReview = (q: Queryable, organisationId: string, fromDecision: string, toDecision: string) =>
  run(q, 'update entry_reviews set decision_id = $3 where organisation_id = $1 and decision_id = $2 returning id', [organisationId, fromDecision, toDecision])

export const closeReview = (q: Queryable, organisationId: string, entryId: string, decisionId: string) =>
  run(q, 'update entry_reviews set decision_id = $3 where organisation_id = $1 and entry_id = $2 and decision_id is null returning id',
    [organisationId, entryId, decisionId])

/** Entries under review, waiting for the board's decision (for agendas). */
export const openReviews = (q: Queryable, organisationId: string) =>
  many(q, z.object({ entry_id: col.uuid, started_at: col.timestamp }),
    'select entry_id, started_at from entry_reviews where organisation_id = $1 and decision_id is null order by started_at', [organisationId])

/** The dashboard's counts of the organisation's conditions still open: open, with evidence waiting, and overdue. */
export const dashboardConditionCounts = (q: Queryable, organisationId: string, today: string) =>
  one(q, z.object({ open: col.int, submitted: col.int, overdue: col.int }),
    `select (count(*) filter (where status = 'open'))::int as open, (count(*) filter (where status = 'submitted'))::int as submitted,
       (count(*) filter (where due_date < $2::date))::int as overdue
     from decision_conditions where organisation_id = $1 and status in ('open', 'submitted')`, [organisationId, today])

/** Of these organisations, how many have set up at least one board (the sector benchmark: a count only). */
export const countWithBoard = (q: Queryable, organisationIds: readonly string[]) =>
  one(q, z.object({ n: col.int }), 'select count(distinct organisation_id)::int as n from boards where organisation_id = any($1::uuid[])', [organisationIds])
