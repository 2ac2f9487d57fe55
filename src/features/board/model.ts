import { z } from 'zod'
import { isoDate as isoDateOf, todayIso } from '../../platform/validation.ts'
import type { Stage } from '../register/model.ts'

const isoDate = isoDateOf('board.errors.reviewDate')

/** What the board may decide. The board owns its outcomes; the register only holds stages. */
export const DECISION_OUTCOMES = ['approve', 'approve_with_conditions', 'defer', 'reject'] as const
export type DecisionOutcome = (typeof DECISION_OUTCOMES)[number]

/** Outcomes that approve the use (with or without conditions). */
export const APPROVING: readonly DecisionOutcome[] = ['approve', 'approve_with_conditions']

/** Where a board decision leaves the entry. Deferral keeps it waiting for a later meeting. */
export function stageAfterDecision(outcome: DecisionOutcome): Stage {
  switch (outcome) {
    case 'approve':
    case 'approve_with_conditions':
      return 'approved'
    case 'reject':
      return 'rejected'
    case 'defer':
      return 'awaiting_decision'
  }
}

/** A board decision as recorded by a board member (web form and any future API alike). */
export const decisionInput = z
  .object({
    outcome: z.enum(DECISION_OUTCOMES, { error: 'board.errors.outcome' }),
    rationale: z.string({ error: 'board.errors.rationale' }).trim().min(1, 'board.errors.rationale').max(10000, 'register.errors.tooLong'),
    // A review date is when the board looks again, so it must be after today: a past one would
    // become the entry's next review date and the review would never be due.
    reviewDate: isoDate.refine((s) => s > todayIso(), 'board.errors.reviewDatePast').nullish().transform((s) => s ?? null),
    conditions: z.array(z.string().trim().min(1).max(1000, 'register.errors.tooLong')).max(50).default([]),
    /** Open MUST actions (their ids) the board accepts leaving open: each becomes a condition waived with `acceptanceReason`. */
    acceptedActions: z.array(z.string({ error: 'board.errors.acceptedActions' }), { error: 'board.errors.acceptedActions' })
      .max(100, 'board.errors.acceptedActions').default([]),
    acceptanceReason: z.string({ error: 'board.errors.acceptanceReason' }).trim().max(10000, 'register.errors.tooLong').nullish()
      .transform((s) => (s ? s : null)),
  })
  // Cross-field rules run even when another field is wrong, so the form shows every problem at once.
  .refine((d) => d.outcome !== 'approve_with_conditions' || (Array.isArray(d.conditions) && d.conditions.length > 0), {
    path: ['conditions'], message: 'board.errors.conditions', when: () => true,
  })
  .refine((d) => !(d.outcome === 'approve' || d.outcome === 'approve_with_conditions') || Boolean(d.reviewDate), {
    path: ['reviewDate'], message: 'board.errors.reviewDateRequired', when: () => true,
  })
  // Accepting open actions is part of an approval, and always says why.
  .refine((d) => !Array.isArray(d.acceptedActions) || !d.acceptedActions.length || d.outcome === 'approve' || d.outcome === 'approve_with_conditions', {
    path: ['acceptedActions'], message: 'board.errors.acceptOnlyApproving', when: () => true,
  })
  .refine((d) => !Array.isArray(d.acceptedActions) || !d.acceptedActions.length || Boolean(d.acceptanceReason), {
    path: ['acceptanceReason'], message: 'board.errors.acceptanceReason', when: () => true,
  })
type ParsedDecision = z.output<typeof decisionInput>
/** A decision to record; without `acceptedActions` it accepts no open action. */
export type DecisionInput = Omit<ParsedDecision, 'acceptedActions' | 'acceptanceReason'>
  & Partial<Pick<ParsedDecision, 'acceptedActions' | 'acceptanceReason'>>

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

export interface Condition {
  id: string
  text: string
  status: 'open' | 'met' | 'waived'
  closedAt: Date | null
  /** Closed by someone with a stake in the entry, as the organisation's setting allows. */
  separationRelaxed: boolean
  closerStakes: Stake[]
  /** The required action the board accepted leaving open (such a condition is waived when recorded). */
  actionId: string | null
  /** Why it was waived (always given when the board accepts an open action). */
  waiverReason: string | null
}

export interface Decision {
  id: string
  outcome: (typeof DECISION_OUTCOMES)[number]
  rationale: string
  reviewDate: string | null
  decidedBy: string
  decidedAt: Date
  /** Recorded by someone with a stake in the entry, as the organisation's setting allows. */
  separationRelaxed: boolean
  deciderStakes: Stake[]
  conditions: Condition[]
}
