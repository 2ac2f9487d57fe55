import { z } from 'zod'
import type { RiskTier } from '../register/model.ts'

/**
 * The board's rules as data and pure functions: the seats members sit in, the quorum rule and
 * whether the people present meet it, and when the chair may decide alone (fast track).
 */

/** Seats on a board, in the order the terms of reference list them. */
export const SEATS = [
  'chair', 'deputy_chair', 'siro', 'dpo', 'legal', 'finance', 'digital', 'cyber', 'equalities', 'procurement', 'hr',
  'service_director', 'member', 'independent_adviser', 'councillor_observer', 'secretary',
] as const
export type Seat = (typeof SEATS)[number]

/** Seats that attend without counting towards the quorum: advisers, observers and the secretary. */
export const NON_VOTING: readonly Seat[] = ['independent_adviser', 'councillor_observer', 'secretary']
export const votes = (seat: Seat): boolean => !NON_VOTING.includes(seat)

/** Seats that run the board's business (schedule, agenda, attendance, minutes) besides admins. */
export const MANAGING: readonly Seat[] = ['chair', 'deputy_chair', 'secretary']

/**
 * "At least `minPresent` voting members, including at least one of each group in `mustInclude`":
 * { minPresent: 3, mustInclude: [['chair', 'deputy_chair'], ['dpo', 'siro']] } is "at least 3
 * members including the chair or deputy and the DPO or SIRO".
 */
export const quorumRule = z.object({
  minPresent: z.number().int().min(1).max(50),
  mustInclude: z.array(z.array(z.enum(SEATS)).min(1).max(SEATS.length)).max(10),
})
export type QuorumRule = z.infer<typeof quorumRule>

export interface Present { seat: Seat }

export type QuorumShortfall =
  | { kind: 'tooFew'; present: number; needed: number }
  | { kind: 'missing'; anyOf: Seat[] }

export interface QuorumVerdict {
  quorate: boolean
  /** Voting members present. */
  voting: number
  /** Why not, each a separate reason (empty when quorate). */
  shortfalls: QuorumShortfall[]
}

/** Whether the members present make the meeting quorate under the rule, and what is missing if not. */
export function evaluateQuorum(rule: QuorumRule, present: readonly Present[]): QuorumVerdict {
  const voting = present.filter((p) => votes(p.seat))
  const seats = new Set(voting.map((p) => p.seat))
  const shortfalls: QuorumShortfall[] = []
  if (voting.length < rule.minPresent) shortfalls.push({ kind: 'tooFew', present: voting.length, needed: rule.minPresent })
  for (const group of rule.mustInclude) {
    if (!group.some((s) => seats.has(s))) shortfalls.push({ kind: 'missing', anyOf: [...group] })
  }
  return { quorate: shortfalls.length === 0, voting: voting.length, shortfalls }
}

/** The template's rule: at least 3 voting members, including the chair or deputy, and the DPO or SIRO. */
export const TEMPLATE_QUORUM: QuorumRule = { minPresent: 3, mustInclude: [['chair', 'deputy_chair'], ['dpo', 'siro']] }

// ---- Fast track -------------------------------------------------------------------------------

export type FastTrackVerdict = { allowed: true } | { allowed: false; reason: FastTrackRefusal }
export type FastTrackRefusal = 'notEnabled' | 'notChair' | 'notLowRisk' | 'notApproval'

/**
 * Whether a chair's action may record this decision between meetings: the board allows fast
 * track, the person sits as its chair, the entry's tier is low, and the decision approves it.
 * The first reason that fails is the one given.
 */
export function fastTrack(
  board: { fastTrack: boolean }, seat: Seat | null, tier: RiskTier | null, outcome: string,
): FastTrackVerdict {
  if (!board.fastTrack) return { allowed: false, reason: 'notEnabled' }
  if (seat !== 'chair') return { allowed: false, reason: 'notChair' }
  if (tier !== 'low') return { allowed: false, reason: 'notLowRisk' }
  if (outcome !== 'approve' && outcome !== 'approve_with_conditions') return { allowed: false, reason: 'notApproval' }
  return { allowed: true }
}
