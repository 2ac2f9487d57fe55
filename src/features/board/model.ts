import { z } from 'zod'
import { isoDate as isoDateOf, todayIso } from '../../platform/validation.ts'
import type { Stage } from '../register/model.ts'
import { type QuorumRule, type Seat, SEATS, TEMPLATE_QUORUM } from './quorum.ts'

const isoDate = isoDateOf('board.errors.reviewDate')

/** What the board may decide on an entry awaiting a decision. The board owns its outcomes; the register only holds stages. */
export const DECISION_OUTCOMES = ['approve', 'approve_with_conditions', 'defer', 'reject', 'escalate', 'note'] as const
/** What the board may decide when it reviews an approved use. */
export const REVIEW_OUTCOMES = ['continue', 'change', 'retire'] as const
export const ALL_OUTCOMES = [...DECISION_OUTCOMES, ...REVIEW_OUTCOMES] as const
export type DecisionOutcome = (typeof ALL_OUTCOMES)[number]

/** Outcomes that approve the use (with or without conditions), at first or on review. */
export const APPROVING: readonly DecisionOutcome[] = ['approve', 'approve_with_conditions', 'continue', 'change']
/** Outcomes that set conditions. */
export const WITH_CONDITIONS: readonly DecisionOutcome[] = ['approve_with_conditions', 'change']

/** Where a decision can escalate to. */
export const ESCALATIONS = ['cabinet', 'committee', 'cmt'] as const

/**
 * Where a board decision leaves the entry. Deferring, escalating and noting keep it waiting for a
 * decision; a review's "continue" or "change" keeps it where it is (approved, pilot or live).
 */
export function stageAfterDecision(outcome: DecisionOutcome, current: Stage): Stage {
  switch (outcome) {
    case 'approve':
    case 'approve_with_conditions':
      return 'approved'
    case 'reject':
      return 'rejected'
    case 'defer':
    case 'escalate':
    case 'note':
      return 'awaiting_decision'
    case 'continue':
    case 'change':
      return current
    case 'retire':
      return 'retired'
  }
}

const conditionDue = isoDateOf('board.errors.conditionDue').refine((s) => s >= todayIso(), 'board.errors.conditionDuePast')

/** One condition of an approval: what must be done, by whom, by when. */
export const conditionInput = z.object({
  text: z.string({ error: 'board.errors.conditionText' }).trim().min(1, 'board.errors.conditionText').max(1000, 'register.errors.tooLong'),
  ownerId: z.string({ error: 'board.errors.conditionOwner' }).uuid('board.errors.conditionOwner'),
  dueDate: conditionDue,
})
export type ConditionInput = z.output<typeof conditionInput>

const optionalText = (max: number) =>
  z.string().trim().max(max, 'register.errors.tooLong').nullish().transform((s) => (s ? s : null))

/** Where a decision is taken: at a meeting of the board, or by its chair between meetings. */
export const sittingInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('meeting'), meetingId: z.string().uuid('board.errors.sitting') }),
  z.object({ kind: z.literal('chair'), boardId: z.string().uuid('board.errors.sitting') }),
], { error: 'board.errors.sitting' })
export type Sitting = z.output<typeof sittingInput>

/** A board decision as recorded by a member of the board (web form and API alike). */
export const decisionInput = z
  .object({
    sitting: sittingInput,
    outcome: z.enum(ALL_OUTCOMES, { error: 'board.errors.outcome' }),
    rationale: z.string({ error: 'board.errors.rationale' }).trim().min(1, 'board.errors.rationale').max(10000, 'register.errors.tooLong'),
    // A review date is when the board looks again, so it must be after today: a past one would
    // become the entry's next review date and the review would never be due.
    reviewDate: isoDate.refine((s) => s > todayIso(), 'board.errors.reviewDatePast').nullish().transform((s) => s ?? null),
    conditions: z.array(conditionInput).max(50).default([]),
    /** Defer: what the board needs before it decides. */
    needed: optionalText(10000),
    escalatedTo: z.enum(ESCALATIONS, { error: 'board.errors.escalatedTo' }).nullish().transform((s) => s ?? null),
    escalationRef: optionalText(200),
    minutesRef: optionalText(200),
    /** Decide although an assessment the entry needs is unfinished: the reason (null: do not). */
    decidedAnyway: optionalText(10000),
    /** Open MUST actions (their ids) the board accepts leaving open: each becomes a condition waived with `acceptanceReason`. */
    acceptedActions: z.array(z.string({ error: 'board.errors.acceptedActions' }), { error: 'board.errors.acceptedActions' })
      .max(100, 'board.errors.acceptedActions').default([]),
    acceptanceReason: z.string({ error: 'board.errors.acceptanceReason' }).trim().max(10000, 'register.errors.tooLong').nullish()
      .transform((s) => (s ? s : null)),
  })
  // Cross-field rules run even when another field is wrong, so the form shows every problem at once.
  .refine((d) => !WITH_CONDITIONS.includes(d.outcome) || (Array.isArray(d.conditions) && d.conditions.length > 0), {
    path: ['conditions'], message: 'board.errors.conditions', when: () => true,
  })
  .refine((d) => WITH_CONDITIONS.includes(d.outcome) || !Array.isArray(d.conditions) || d.conditions.length === 0, {
    path: ['conditions'], message: 'board.errors.conditionsNotHere', when: () => true,
  })
  .refine((d) => !APPROVING.includes(d.outcome) || Boolean(d.reviewDate), {
    path: ['reviewDate'], message: 'board.errors.reviewDateRequired', when: () => true,
  })
  .refine((d) => d.outcome !== 'defer' || Boolean(d.needed), { path: ['needed'], message: 'board.errors.needed', when: () => true })
  .refine((d) => d.outcome !== 'escalate' || Boolean(d.escalatedTo), { path: ['escalatedTo'], message: 'board.errors.escalatedTo', when: () => true })
  .refine((d) => d.outcome !== 'escalate' || Boolean(d.escalationRef), { path: ['escalationRef'], message: 'board.errors.escalationRef', when: () => true })
  // Accepting open actions is part of an approval, and always says why.
  .refine((d) => !Array.isArray(d.acceptedActions) || !d.acceptedActions.length || APPROVING.includes(d.outcome), {
    path: ['acceptedActions'], message: 'board.errors.acceptOnlyApproving', when: () => true,
  })
  .refine((d) => !Array.isArray(d.acceptedActions) || !d.acceptedActions.length || Boolean(d.acceptanceReason), {
    path: ['acceptanceReason'], message: 'board.errors.acceptanceReason', when: () => true,
  })
type ParsedDecision = z.output<typeof decisionInput>
/** A decision to record; the optional parts default to none. */
export type DecisionInput = Pick<ParsedDecision, 'sitting' | 'outcome' | 'rationale' | 'reviewDate'>
  & Partial<Omit<ParsedDecision, 'sitting' | 'outcome' | 'rationale' | 'reviewDate'>>

// ---- Separation of duties -------------------------------------------------------------------

/** A person's own stake in an entry: they proposed it (created it), or submitted its screening. */
export const STAKES = ['proposed', 'screened'] as const
export type Stake = (typeof STAKES)[number]

/** What the board is doing: recording the decision, or marking a condition of it met or waived. */
export type BoardAct = 'decide' | 'close'

export type SeparationVerdict =
  | { allowed: true; relaxed: boolean; stakes: Stake[] }
  | { allowed: false; stakes: Stake[]; reason: string }

/** 'proposed', 'screened' or 'both': the suffix of the messages that name a person's stakes. */
export function stakesKey(stakes: readonly Stake[]): 'proposed' | 'screened' | 'both' {
  return stakes.length > 1 ? 'both' : stakes[0] === 'screened' ? 'screened' : 'proposed'
}

/**
 * Whether a person with these stakes in an entry may do this board act. With separation of
 * duties on (the default) nobody decides on their own work; an organisation that relaxed it lets
 * them, and the act is marked as relaxed so the decision log and the audit trail show it.
 */
export function separation(stakes: readonly Stake[], separationOfDuties: boolean, act: BoardAct): SeparationVerdict {
  const own = STAKES.filter((s) => stakes.includes(s))
  if (!own.length) return { allowed: true, relaxed: false, stakes: [] }
  if (!separationOfDuties) return { allowed: true, relaxed: true, stakes: own }
  return { allowed: false, stakes: own, reason: `board.separation.${act}.${stakesKey(own)}` }
}

export const CONDITION_STATUSES = ['open', 'submitted', 'met', 'waived'] as const
export type ConditionStatus = (typeof CONDITION_STATUSES)[number]

export interface Condition {
  id: string
  decisionId: string
  text: string
  status: ConditionStatus
  ownerId: string | null
  ownerName: string | null
  dueDate: string | null
  evidence: string | null
  evidenceUrl: string | null
  evidenceAt: Date | null
  closedAt: Date | null
  /** Closed by someone with a stake in the entry, as the organisation's setting allows. */
  separationRelaxed: boolean
  closerStakes: Stake[]
  /** The required action the board accepted leaving open (such a condition is waived when recorded). */
  actionId: string | null
  /** Why it was waived (always given when the board accepts an open action). */
  waiverReason: string | null
}

export interface MemberPresent { name: string; seat: string }

export interface Decision {
  id: string
  entryId: string
  /** The entry's name when it was decided. */
  entryName: string | null
  outcome: DecisionOutcome
  rationale: string
  reviewDate: string | null
  decidedBy: string
  decidedAt: Date
  boardId: string | null
  boardName: string | null
  meetingId: string | null
  meetingAt: Date | null
  chairAction: boolean
  membersPresent: MemberPresent[]
  minutesRef: string | null
  needed: string | null
  escalatedTo: (typeof ESCALATIONS)[number] | null
  escalationRef: string | null
  decidedAnyway: string | null
  review: boolean
  /** The decision this one corrects, and the one that corrected this (both stay on the record). */
  supersedes: string | null
  supersededBy: string | null
  /** Recorded by someone with a stake in the entry, as the organisation's setting allows. */
  separationRelaxed: boolean
  deciderStakes: Stake[]
  conditions: Condition[]
}

// ---- Boards and meetings --------------------------------------------------------------------

export const CADENCES = ['monthly', 'bimonthly', 'quarterly', 'as_needed'] as const
export type Cadence = (typeof CADENCES)[number]

/** The groups a quorum rule can require one of, as the board form offers them. */
export const QUORUM_GROUPS = {
  chairOrDeputy: ['chair', 'deputy_chair'],
  dpoOrSiro: ['dpo', 'siro'],
  legal: ['legal'],
  finance: ['finance'],
  cyber: ['cyber'],
} as const satisfies Record<string, readonly Seat[]>
export type QuorumGroup = keyof typeof QUORUM_GROUPS
export const QUORUM_GROUP_NAMES = Object.keys(QUORUM_GROUPS) as QuorumGroup[]

/** The form's groups as the rule's data (and back, to tick the boxes). */
export const rulesFromGroups = (minPresent: number, groups: readonly QuorumGroup[]): QuorumRule =>
  ({ minPresent, mustInclude: groups.map((g) => [...QUORUM_GROUPS[g]]) })
export const groupsOfRule = (rule: QuorumRule): QuorumGroup[] =>
  QUORUM_GROUP_NAMES.filter((g) => rule.mustInclude.some((set) => set.length === QUORUM_GROUPS[g].length && QUORUM_GROUPS[g].every((s) => set.includes(s))))

const requiredText = (key: string, max: number) =>
  z.string({ error: `board.errors.${key}` }).trim().min(1, `board.errors.${key}`).max(max, 'register.errors.tooLong')
    .refine((s) => !s.includes('\u0000'), 'board.errors.nul')

/** A board's terms of reference, as set up from the template and edited later. */
export const boardInput = z.object({
  name: requiredText('name', 200).refine((s) => !/[\r\n]/.test(s), 'board.errors.nameLine'),
  purpose: requiredText('purpose', 5000),
  cadence: z.enum(CADENCES, { error: 'board.errors.cadence' }),
  reportingLine: requiredText('reportingLine', 1000),
  decisionTypes: z.array(z.enum(DECISION_OUTCOMES, { error: 'board.errors.decisionTypes' }), { error: 'board.errors.decisionTypes' })
    .min(1, 'board.errors.decisionTypes'),
  quorumMin: z.coerce.number({ error: 'board.errors.quorumMin' }).int('board.errors.quorumMin').min(1, 'board.errors.quorumMin').max(50, 'board.errors.quorumMin'),
  quorumGroups: z.array(z.enum(QUORUM_GROUP_NAMES as [QuorumGroup, ...QuorumGroup[]], { error: 'board.errors.quorumGroups' }), { error: 'board.errors.quorumGroups' }).default([]),
  fastTrack: z.boolean({ error: 'board.errors.fastTrack' }),
})
export type BoardInput = z.output<typeof boardInput>

/** The template's answers, which the set-up form starts from. */
export const TEMPLATE_BOARD: BoardInput = {
  name: 'AI governance board',
  purpose: 'Oversees how the council uses artificial intelligence: decides on each use brought to it, sets conditions, '
    + 'keeps approved uses under review and makes sure assessments are done and acted on.',
  cadence: 'monthly',
  reportingLine: 'Corporate management team; an annual report to the audit and governance committee.',
  decisionTypes: [...DECISION_OUTCOMES],
  quorumMin: TEMPLATE_QUORUM.minPresent,
  quorumGroups: ['chairOrDeputy', 'dpoOrSiro'],
  fastTrack: false,
}

export const memberInput = z.object({
  userId: z.string({ error: 'board.errors.member' }).uuid('board.errors.member'),
  seat: z.enum(SEATS, { error: 'board.errors.seat' }),
})

export interface Board {
  id: string
  organisationId: string
  name: string
  purpose: string
  cadence: Cadence
  reportingLine: string
  decisionTypes: (typeof DECISION_OUTCOMES)[number][]
  quorum: QuorumRule
  fastTrack: boolean
  torPolicyId: string | null
  createdAt: Date
}

export interface BoardMember { userId: string; name: string; email: string; seat: Seat }

/** A meeting to schedule: a day, a time and a place. One in the past is allowed only to record one that happened. */
export const meetingInput = z.object({
  date: isoDateOf('board.errors.meetingDate'),
  time: z.string({ error: 'board.errors.meetingTime' }).trim().regex(/^([01]?[0-9]|2[0-3]):[0-5][0-9]$/, 'board.errors.meetingTime'),
  location: z.string().trim().max(500, 'register.errors.tooLong').refine((s) => !s.includes('\u0000'), 'board.errors.nul').default(''),
  /** The person says the meeting already happened (needed for a past date). */
  happened: z.boolean().default(false),
})
export type MeetingInput = z.output<typeof meetingInput>

/** When a meeting meets, from its day and time (local clock; the service runs in the UK). */
export function meetingTime(input: Pick<MeetingInput, 'date' | 'time'>): Date {
  const [h, m] = input.time.split(':').map(Number) as [number, number]
  return new Date(`${input.date}T${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:00`)
}

export const AGENDA_KINDS = ['decision', 'review', 'condition', 'noting', 'minutes', 'other'] as const
export type AgendaKind = (typeof AGENDA_KINDS)[number]

export interface AgendaItem {
  id: string
  position: number
  kind: AgendaKind
  entryId: string | null
  conditionId: string | null
  decisionId: string | null
  title: string
  minutes: string
}

export interface Meeting {
  id: string
  boardId: string
  meetsAt: Date
  location: string
  retrospective: boolean
  minutes: string
  minutesApprovedAt: Date | null
  minutesApprovedIn: string | null
  attendees: string[]
}
