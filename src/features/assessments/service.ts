import { recordAudit } from '../../platform/audit.ts'
import type { CurrentUser } from '../../platform/auth/store.ts'
import type { Db, Queryable } from '../../platform/db/db.ts'
import { notFound } from '../../platform/http/errors.ts'
import { createPanels } from '../../platform/http/panels.ts'
import { t } from '../../platform/i18n/i18n.ts'
import { RISK_TIERS, type RegisterEntry, type RiskTier } from '../register/model.ts'
import type { RegisterService } from '../register/service.ts'
import type { QuestionSetCatalogue } from './catalogue.ts'
import {
  type Answers, atrsFieldsFromAnswers, evaluate, isAsked, missingRequired, type Outcome, parseAnswers, setApplies,
} from './engine.ts'
import {
  type ActionPatch, type AssessmentStatus, AssessmentRefused, AWAITING_SIGN_OFF, COUNTED, SCREENING, StaleAssessmentError,
  type StoredAssessment,
} from './model.ts'
import { allQuestions, type QuestionSet } from './questionSet/schema.ts'
import * as repo from './repository.ts'
import { riskRegister, risksToText } from './risks.ts'

export {
  type AssessmentStatus, AssessmentRefused, COUNTED, SCREENING, StaleAssessmentError, type StoredAssessment,
} from './model.ts'

/** Facts the register already holds, offered as answers until someone answers for themselves. */
function answersFromRegister(entry: RegisterEntry): Answers {
  return {
    personal_data: entry.personalData,
    special_category: entry.personalData ? entry.specialCategoryData : undefined,
    decision_role: entry.decisionRole,
    purpose: entry.purpose,
    human_oversight: entry.humanOversight,
    supplier_involved: entry.supplier !== null,
    supplier_name: entry.supplier ?? undefined,
  }
}

export type SaveResult =
  | { ok: true; outcome: Outcome; status: AssessmentStatus }
  /** `errors`: field → message (already in the reader's words, naming the question). */
  | { ok: false; errors: Record<string, string>; answers: Answers }

/** Called inside the saving transaction when an entry's answers or risks change (the ATRS draft listens). */
export type AnswersChangedHook = (tx: Queryable, user: CurrentUser, entryId: string) => Promise<void>

/**
 * Checks answers to a set before anything is stored: each answer of the right kind, and, when
 * submitting, every asked required question answered. Each message names the question.
 */
export function checkAnswers(set: QuestionSet, raw: Record<string, unknown>, intent: 'save' | 'submit') {
  const { answers, errors } = parseAnswers(set, raw)
  if (intent === 'submit') {
    const byId = new Map(allQuestions(set).map((q) => [q.id, q]))
    for (const id of missingRequired(set, answers)) errors[id] ??= t('assessments.errors.required', { question: byId.get(id)?.text ?? id })
  }
  return { answers, errors }
}

/** The highest tier among the counted assessments, or null when none counts (the entry is unscreened again). */
export function derivedTier(assessments: readonly { tier: RiskTier | null; status: AssessmentStatus }[]): RiskTier | null {
  let tier: RiskTier | null = null
  for (const a of assessments) {
    if (!a.tier || !COUNTED.includes(a.status)) continue
    if (tier === null || RISK_TIERS.indexOf(a.tier) > RISK_TIERS.indexOf(tier)) tier = a.tier
  }
  return tier
}

/** Which of the changed answers another set's sign-off relied on (all of them if its version is unknown). */
export function answersUsedBy(set: QuestionSet | undefined, changed: readonly string[]): string[] {
  if (!set) return [...changed]
  const ids = new Set(allQuestions(set).map((q) => q.id))
  return changed.filter((id) => ids.has(id))
}

export function createAssessmentService(db: Db, sets: QuestionSetCatalogue, register: RegisterService) {
  const hooks: { answersChanged: AnswersChangedHook[] } = { answersChanged: [] }

  // The lifecycle's "screened" fact: a screening with an outcome that still counts.
  register.extensions.provideFacts(async (q, organisationId, entryId) => ({ screened: await repo.isScreened(q, organisationId, entryId) }))

  const audit = (tx: Queryable, user: CurrentUser, entryId: string, action: string, from: string | null, to: string | null) =>
    recordAudit(tx, {
      organisationId: user.organisationId, actorId: user.id, entityType: 'register_entry', entityId: entryId,
      action, changes: { assessment: { from, to } },
    })

  const writeVersion = (tx: Queryable, user: CurrentUser, assessmentId: string, action: string, comment: string | null = null) =>
    repo.insertVersion(tx, { organisationId: user.organisationId, assessmentId, action, comment, actorId: user.id })

  // --- The steps of a save, in the order save() runs them, each inside the one transaction. ---

  /** Locks the entry, and refuses a save based on an assessment version that is no longer the stored one. */
  async function lockEntryAndCheckVersion(tx: Queryable, user: CurrentUser, entryId: string, set: QuestionSet, expectedVersion?: number) {
    const entry = await register.getForUpdate(tx, user, entryId)
    if (expectedVersion !== undefined) {
      const [current] = await repo.assessmentsOf(tx, user.organisationId, entry.id, { setId: set.id, forUpdate: true })
      if ((current?.version ?? 0) !== expectedVersion) throw new StaleAssessmentError(current?.version ?? 0)
    }
    return entry
  }

  /**
   * Stores the set's answers once per entry: a changed answer is written, an answer to a question
   * no longer asked is removed. Returns the ids of the questions whose answer changed.
   */
  async function storeChangedAnswers(tx: Queryable, user: CurrentUser, entryId: string, set: QuestionSet, answers: Answers): Promise<string[]> {
    const before = await repo.entryAnswers(tx, user.organisationId, entryId)
    const changed: string[] = []
    for (const q of allQuestions(set)) {
      const value = answers[q.id]
      if (value === undefined && before[q.id] !== undefined && !isAsked(set, q.id, answers)) {
        changed.push(q.id)
        await repo.deleteAnswer(tx, user.organisationId, entryId, q.id)
      } else if (value !== undefined && JSON.stringify(value) !== JSON.stringify(before[q.id])) {
        changed.push(q.id)
        await repo.upsertAnswer(tx, { organisationId: user.organisationId, entryId, questionId: q.id, value, userId: user.id })
      }
    }
    return changed
  }

  /** Stores the assessment (the answers, the outcome, the set version that produced it) and keeps the version. */
  async function storeAssessment(tx: Queryable, user: CurrentUser, entryId: string, set: QuestionSet,
    saved: { status: AssessmentStatus; answers: Answers; outcome: Outcome }) {
    const id = await repo.upsertAssessment(tx, {
      organisationId: user.organisationId, entryId, setId: set.id, setVersion: set.version, ...saved, userId: user.id,
    })
    await writeVersion(tx, user, id, saved.status === 'submitted' ? 'submitted' : 'saved')
  }

  /** Other sets that were signed off on answers that have now changed need a fresh look. */
  async function markOthersForReview(tx: Queryable, user: CurrentUser, entryId: string, set: QuestionSet, changed: string[]) {
    if (!changed.length) return
    const others = (await repo.assessmentsOf(tx, user.organisationId, entryId, { forUpdate: true }))
      .filter((a) => a.setId !== set.id && a.status === 'signed_off')
    for (const other of others) {
      const used = answersUsedBy(sets.get(other.setId, other.setVersion), changed)
      if (!used.length) continue
      await repo.markNeedsReview(tx, user.organisationId, other.id)
      await writeVersion(tx, user, other.id, 'marked_for_review', used.join(', '))
      await audit(tx, user, entryId, 'assessment_needs_review', `${other.setId}: signed off`, `needs review (${used.join(', ')})`)
    }
  }

  /** Keeps the entry's required actions in step with what the set's rules now require, keeping owners and dates. */
  async function syncRequiredActions(tx: Queryable, user: CurrentUser, entryId: string, setId: string, outcome: Outcome) {
    await repo.retireActions(tx, user.organisationId, entryId, setId)
    for (const action of outcome.actions) {
      await repo.upsertAction(tx, { organisationId: user.organisationId, entryId, setId, userId: user.id, action })
    }
  }

  const auditSave = (tx: Queryable, user: CurrentUser, entryId: string, set: QuestionSet, outcome: Outcome, status: AssessmentStatus) =>
    audit(tx, user, entryId, status === 'submitted' ? 'assessment_submitted' : 'assessment_saved', null,
      `${set.id} v${set.version}: ${outcome.tier}; ${outcome.flags.map((f) => f.id).join(', ') || '-'}`)

  /** The entry takes the highest tier any counted assessment derived (none: unscreened again). */
  async function refreshTier(tx: Queryable, user: CurrentUser, entryId: string) {
    const entry = await register.getForUpdate(tx, user, entryId)
    const tier = derivedTier(await repo.tiersOf(tx, user.organisationId, entryId))
    await register.applyChange(tx, user, entry, { riskTier: tier }, 'risk_tier_derived')
  }

  /** Tells listeners (the ATRS draft) that an entry's answers or risks changed, inside `tx`. */
  async function notifyListeners(tx: Queryable, user: CurrentUser, entryId: string): Promise<void> {
    for (const hook of hooks.answersChanged) await hook(tx, user, entryId)
  }

  /** A submitted (or needs-review) assessment of the set, locked, for an assessor to act on. */
  async function awaitingSignOff(tx: Queryable, user: CurrentUser, entryId: string, setId: string): Promise<StoredAssessment> {
    await register.getForUpdate(tx, user, entryId)
    const [a] = await repo.assessmentsOf(tx, user.organisationId, entryId, { setId, forUpdate: true })
    if (!a) throw notFound()
    if (!AWAITING_SIGN_OFF.includes(a.status)) throw new AssessmentRefused('assessments.errors.notSubmitted')
    return a
  }

  const service = {
    hooks,
    /** Parts of an entry's results page that other features contribute. */
    resultsPanels: createPanels<RegisterEntry>(),
    /** The screening set people answer now. */
    screeningSet: (): QuestionSet => sets.latest(SCREENING),
    setNamed(setId: string): QuestionSet {
      try {
        return sets.latest(setId)
      } catch {
        throw notFound()
      }
    },
    allSets: (): QuestionSet[] => sets.all(),
    /** Whether the entry's answers so far say this set is needed. */
    applies: (set: QuestionSet, answers: Answers): boolean => setApplies(set, answers),

    /**
     * ATRS field text an entry's assessments give: each linked question's answer (first set in
     * order wins), and "risks and mitigations" from the whole risk register.
     */
    async atrsSuggestions(q: Queryable, user: CurrentUser, entryId: string): Promise<Record<string, string>> {
      const answers = await repo.entryAnswers(q, user.organisationId, entryId)
      const fields: Record<string, string> = {}
      for (const set of sets.all()) {
        for (const [key, text] of Object.entries(atrsFieldsFromAnswers(set, answers))) {
          if (text && !fields[key]) fields[key] = text
        }
      }
      const risks = await riskRegister(q, user.organisationId, entryId, answers)
      if (risks.length) fields.risks_and_mitigations = risksToText(risks)
      return fields
    },

    /** Tells listeners (the ATRS draft) that an entry's answers or risks changed, inside `tx`. */
    notifyChanged: notifyListeners,

    /**
     * The stored screening of an entry, with the set version it used (null if never screened, or
     * if it no longer counts). Pass `q` inside a transaction.
     */
    async screeningFor(user: CurrentUser, entryId: string, q: Queryable = db): Promise<(StoredAssessment & { set: QuestionSet | undefined }) | null> {
      const [a] = await repo.assessmentsOf(q, user.organisationId, entryId, { setId: SCREENING })
      return a && a.outcome && COUNTED.includes(a.status) ? { ...a, set: sets.get(a.setId, a.setVersion) } : null
    },

    async assessmentFor(user: CurrentUser, entryId: string, setId: string): Promise<StoredAssessment | null> {
      return (await repo.assessmentsOf(db, user.organisationId, entryId, { setId }))[0] ?? null
    },

    /** Every answer the entry has, shared across sets. */
    answersFor: (user: CurrentUser, entryId: string) => repo.entryAnswers(db, user.organisationId, entryId),

    /** Answers to show in a set's form: stored answers first, then what the register already knows. */
    async prefill(user: CurrentUser, entry: RegisterEntry, setId = SCREENING): Promise<Answers> {
      const set = service.setNamed(setId)
      const stored = await repo.entryAnswers(db, user.organisationId, entry.id)
      const fromRegister = answersFromRegister(entry)
      const answers: Answers = {}
      for (const q of allQuestions(set)) answers[q.id] = stored[q.id] ?? fromRegister[q.id]
      return answers
    },

    /**
     * Saves answers to one set of an entry, as a draft or submitted. Answers are stored once per
     * entry (shared by every set that asks the same question); a change to an answer that a
     * signed-off assessment used marks that assessment for review. The outcome is kept with the
     * set version that produced it; the entry takes the highest derived tier. One transaction.
     */
    async save(
      user: CurrentUser, entryId: string, setId: string, raw: Record<string, unknown>, intent: 'save' | 'submit',
      /** The assessment version the person started from (0 = none yet); a stale one is refused. */
      expectedVersion?: number,
    ): Promise<SaveResult> {
      const set = service.setNamed(setId)
      const { answers, errors } = checkAnswers(set, raw, intent)
      if (Object.keys(errors).length) return { ok: false, errors, answers }
      const outcome = evaluate(set, answers)
      const status: AssessmentStatus = intent === 'submit' ? 'submitted' : 'draft'

      await db.transaction(async (tx) => {
        const entry = await lockEntryAndCheckVersion(tx, user, entryId, set, expectedVersion)
        const changed = await storeChangedAnswers(tx, user, entry.id, set, answers)
        await storeAssessment(tx, user, entry.id, set, { status, answers, outcome })
        await markOthersForReview(tx, user, entry.id, set, changed)
        await syncRequiredActions(tx, user, entry.id, set.id, outcome)
        await auditSave(tx, user, entry.id, set, outcome, status)
        await refreshTier(tx, user, entry.id)
        await notifyListeners(tx, user, entry.id)
      })
      return { ok: true, outcome, status }
    },

    /** Submits a complete screening in one step (the short form on every entry). */
    saveScreening(user: CurrentUser, entryId: string, raw: Record<string, unknown>): Promise<SaveResult> {
      return service.save(user, entryId, SCREENING, raw, 'submit')
    },

    /** An assessor who did not submit it signs a submitted assessment off. */
    async signOff(user: CurrentUser, entryId: string, setId: string): Promise<void> {
      await db.transaction(async (tx) => {
        const a = await awaitingSignOff(tx, user, entryId, setId)
        if (a.submittedBy === user.id) throw new AssessmentRefused('assessments.errors.ownSignOff')
        await repo.markSignedOff(tx, user.organisationId, a.id, user.id)
        await writeVersion(tx, user, a.id, 'signed_off')
        await audit(tx, user, entryId, 'assessment_signed_off', a.status, `${setId}: signed off`)
      })
    },

    /** An assessor sends a submitted assessment back to its author with comments. */
    async returnToAuthor(user: CurrentUser, entryId: string, setId: string, comment: string): Promise<void> {
      await db.transaction(async (tx) => {
        const a = await awaitingSignOff(tx, user, entryId, setId)
        await repo.markReturned(tx, user.organisationId, a.id, comment)
        await writeVersion(tx, user, a.id, 'returned', comment)
        await refreshTier(tx, user, entryId)
        await audit(tx, user, entryId, 'assessment_returned', a.status, `${setId}: returned`)
      })
    },

    history: (user: CurrentUser, entryId: string, setId: string) => repo.versionsOf(db, user.organisationId, entryId, setId),

    /** Every assessment of an entry, for the results page. */
    all: (user: CurrentUser, entryId: string) => repo.assessmentsOf(db, user.organisationId, entryId),

    actionsFor: (user: CurrentUser, entryId: string) => repo.currentActions(db, user.organisationId, entryId),

    async updateAction(user: CurrentUser, entryId: string, actionId: string, patch: ActionPatch) {
      await db.transaction(async (tx) => {
        const text = await repo.updateAction(tx, user.organisationId, entryId, actionId, patch, user.id)
        if (text === null) throw notFound()
        await recordAudit(tx, {
          organisationId: user.organisationId, actorId: user.id, entityType: 'register_entry', entityId: entryId,
          action: 'action_updated', changes: { action: { from: text, to: `${patch.status}; ${patch.owner ?? '-'}; ${patch.dueDate ?? '-'}` } },
        })
      })
    },
  }
  return service
}
export type AssessmentService = ReturnType<typeof createAssessmentService>
