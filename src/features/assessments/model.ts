import type { Answers, Outcome } from './engine.ts'

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
}

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
}

export const ACTION_STATUSES = ['open', 'done', 'not_applicable'] as const
export type ActionStatus = (typeof ACTION_STATUSES)[number]

/** A required action of an entry, from the rules of one of its sets, with who does it by when. */
export interface RequiredAction {
  id: string
  setId: string
  level: 'MUST' | 'SHOULD' | 'COULD'
  text: string
  reason: string
  source: string
  status: ActionStatus
  owner: string | null
  dueDate: string | null
}

export interface ActionPatch {
  status: ActionStatus
  owner: string | null
  dueDate: string | null
}

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
