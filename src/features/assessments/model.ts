import { z } from 'zod'
import type { Answers, Outcome } from './engine.ts'
import type { RiskTier } from '../register/model.ts'
import { isRealDate, type QuestionSet } from './questionSet/schema.ts'

/** The set every entry is screened with; its outcome is the lifecycle's "screened" fact. */
export const SCREENING = 'screening'

export const ASSESSMENT_STATUSES = ['draft', 'submitted', 'signed_off', 'returned', 'needs_review'] as const
export type AssessmentStatus = (typeof ASSESSMENT_STATUSES)[number]

/** Statuses whose outcome counts towards the entry's risk tier and the lifecycle. */
export const COUNTED: readonly AssessmentStatus[] = ['submitted', 'signed_off', 'needs_review']

/** Statuses an assessor can sign off or return. */
export const AWAITING_SIGN_OFF: readonly AssessmentStatus[] = ['submitted', 'needs_review']

export interface StoredAssessment {
  id: string
  setId: string
  setVersion: number
  status: AssessmentStatus
  answers: Answers
  outcome: Outcome | null
  updatedAt: Date
  submittedBy: string | null
  submittedByName: string | null
  submittedAt: Date | null
  signedOffByName: string | null
  signedOffAt: Date | null
  comment: string | null
  version: number
  /**
   * What moved since it was last saved or signed off: each re-evaluation after a shared answer
   * changed elsewhere, oldest first (empty once someone saves or signs it off again).
   */
  changes: OutcomeChange[]
}

/** A conclusion as a change shows it: the tier, the flags raised (their labels) and the status. */
export interface Conclusion {
  tier: RiskTier
  flags: string[]
  status: AssessmentStatus
}

/** One answer that moved, in the reader's words (null: not answered). */
export interface MovedAnswer {
  questionId: string
  text: string
  from: string | null
  to: string | null
}

/**
 * A re-evaluation: a save of another set (`inSet`) moved answers this assessment used, by whom and
 * when, and the conclusion before and after. `outcomeChanged` is false when only the answers moved.
 */
export interface OutcomeChange {
  at: string
  by: string
  inSet: { id: string; title: string }
  answers: MovedAnswer[]
  from: Conclusion | null
  to: Conclusion
  outcomeChanged: boolean
}

/** Whether the conclusion changed since the assessment was submitted, so its author must look again before sign-off. */
export const mustResubmit = (a: { status: AssessmentStatus; changes: readonly OutcomeChange[] }): boolean =>
  a.status === 'needs_review' && a.changes.some((c) => c.outcomeChanged)

/** One line of an assessment's version history. */
export interface AssessmentVersion {
  version: number
  setVersion: number
  status: string
  action: string
  comment: string | null
  actor: string | null
  at: Date
  outcome: Outcome | null
  /** For a re-evaluation: what moved and what it changed. */
  change: OutcomeChange | null
}

export const ACTION_STATUSES = ['open', 'done', 'not_applicable'] as const
export type ActionStatus = (typeof ACTION_STATUSES)[number]

/** One rule, in one set, that asks for an action (an action several frameworks ask for has several). */
export interface ActionSource {
  setId: string
  ruleId: string
  reason: string
  source: string
}

/**
 * A required action of an entry: one per action key (a shared action id from shared.yaml, or
 * `<set>.<rule>.<n>` for an action only one rule asks for), with every rule that asks for it now,
 * and who does it by when. It stays current while any source still fires.
 */
export interface RequiredAction {
  id: string
  key: string
  level: 'MUST' | 'SHOULD' | 'COULD'
  text: string
  sources: ActionSource[]
  status: ActionStatus
  owner: string | null
  dueDate: string | null
  /** Whether one of its source sets needs an owner named before it is marked done. */
  ownerRequired: boolean
}

export interface ActionPatch {
  status: ActionStatus
  owner: string | null
  dueDate: string | null
}

/** One action's new status, owner and due date, as a bulk update receives it (checked by the service). */
export interface ActionEdit {
  id: string
  status: unknown
  owner: unknown
  dueDate: unknown
}

/** A bulk update either changed every action, or none, with field errors keyed `actions[<id>].<field>`. */
export type ActionsUpdateResult = { ok: true; updated: number } | { ok: false; errors: Record<string, string> }

/** The field an error on one action of a bulk update is reported on. */
export const actionErrorKey = (actionId: string, field: 'status' | 'owner' | 'dueDate') => `actions[${actionId}].${field}`

/** Longest owner name an action keeps. */
export const ACTION_OWNER_MAX = 200

/** Checks one action's status, owner and due date; messages are keys, named by field. */
export const actionPatchInput = z.object({
  status: z.enum(ACTION_STATUSES, { error: 'assessments.errors.actionStatus' }),
  owner: z.string({ error: 'assessments.errors.ownerText' }).trim().max(ACTION_OWNER_MAX, 'assessments.errors.ownerTooLong').nullish()
    .transform((v) => (v ? v : null)),
  dueDate: z.string({ error: 'assessments.errors.dueDate' }).refine(isRealDate, 'assessments.errors.dueDate').nullish()
    .transform((v) => v ?? null),
})

/** An action one set's outcome asks for now, with the rules of that set that ask for it. */
export interface WantedAction {
  key: string
  level: RequiredAction['level']
  text: string
  sources: ActionSource[]
}

/** The key of an action: its shared id, or `<set>.<rule>.<n>` (n counts from 1) for one rule's own. */
export const actionKey = (setId: string, ruleId: string, index: number, id: string | undefined): string =>
  id ?? `${setId}.${ruleId}.${index + 1}`

/**
 * The key of each action of a set's rules, by rule and place. An action without an id that an
 * earlier rule of the set also asks for, in the same words, shares that rule's key: one action.
 */
function setActionKeys(set: QuestionSet): Map<string, string> {
  const keys = new Map<string, string>()
  const firstByWords = new Map<string, string>()
  for (const rule of set.rules) {
    rule.actions.forEach((action, i) => {
      let key = actionKey(set.id, rule.id, i, action.id)
      if (action.id === undefined) {
        const words = `${action.level} ${action.text}`
        key = firstByWords.get(words) ?? key
        firstByWords.set(words, key)
      }
      keys.set(`${rule.id}\u0000${i}`, key)
    })
  }
  return keys
}

/**
 * The actions a set's outcome asks for, one per key, each with every fired rule of the set that
 * asks for it (the engine lists an action once; the entry's action lists all its sources).
 */
export function actionsAskedFor(set: QuestionSet, outcome: Outcome): WantedAction[] {
  const fired = new Map(outcome.firedRules.map((r) => [r.id, r]))
  const keys = setActionKeys(set)
  const byKey = new Map<string, WantedAction>()
  for (const rule of set.rules) {
    const firing = fired.get(rule.id)
    if (!firing) continue
    rule.actions.forEach((action, i) => {
      const key = keys.get(`${rule.id}\u0000${i}`) ?? actionKey(set.id, rule.id, i, action.id)
      let wanted = byKey.get(key)
      if (!wanted) byKey.set(key, (wanted = { key, level: action.level, text: action.text, sources: [] }))
      wanted.sources.push({ setId: set.id, ruleId: rule.id, reason: firing.reason, source: firing.source })
    })
  }
  return [...byKey.values()]
}

/** Whether a patch leaves the action done without an owner although one is required (a field error on owner). */
export const needsOwner = (patch: ActionPatch, ownerRequired: boolean): boolean =>
  ownerRequired && patch.status === 'done' && !patch.owner

/** The assessment cannot move that way; `reason` is a message key. */
export class AssessmentRefused extends Error {
  constructor(readonly reason: string) {
    super(reason)
  }
}

/** Someone saved the assessment after this person began; `version` is the one stored now. */
export class StaleAssessmentError extends Error {
  constructor(readonly version: number) {
    super('stale assessment')
  }
}
