import { z } from 'zod'
import { isoDate as isoDateOf } from '../../platform/validation.ts'
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
    reviewDate: isoDate.nullish().transform((s) => s ?? null),
    conditions: z.array(z.string().trim().min(1).max(1000, 'register.errors.tooLong')).max(50).default([]),
  })
  // Cross-field rules run even when another field is wrong, so the form shows every problem at once.
  .refine((d) => d.outcome !== 'approve_with_conditions' || (Array.isArray(d.conditions) && d.conditions.length > 0), {
    path: ['conditions'], message: 'board.errors.conditions', when: () => true,
  })
  .refine((d) => !(d.outcome === 'approve' || d.outcome === 'approve_with_conditions') || Boolean(d.reviewDate), {
    path: ['reviewDate'], message: 'board.errors.reviewDateRequired', when: () => true,
  })
export type DecisionInput = z.output<typeof decisionInput>

export interface Decision {
  id: string
  outcome: (typeof DECISION_OUTCOMES)[number]
  rationale: string
  reviewDate: string | null
  decidedBy: string
  decidedAt: Date
  conditions: { id: string; text: string; status: 'open' | 'met' | 'waived'; closedAt: Date | null }[]
}
