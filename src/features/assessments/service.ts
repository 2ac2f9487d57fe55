import { recordAudit } from '../../platform/audit.ts'
import { can } from '../../platform/auth/permissions.ts'
import type { CurrentUser } from '../../platform/auth/store.ts'
import type { Db, Queryable } from '../../platform/db/db.ts'
import { notFound } from '../../platform/http/errors.ts'
import { createPanels } from '../../platform/http/panels.ts'
import { t } from '../../platform/i18n/i18n.ts'
import { RISK_TIERS, type RegisterEntry, type RiskTier } from '../register/model.ts'
import type { RegisterService } from '../register/service.ts'
import type { QuestionSetCatalogue } from './catalogue.ts'
import {
  type Answers, answerText, type AnswerValue, appliesBecause, type AppliesReason, atrsFieldsFromAnswers, evaluate, inconsistencies, isAnswered,
  missingRequired, type Outcome, parseAnswers, sameOutcome, setApplies,
} from './engine.ts'
import {
  type ActionEdit, actionErrorKey, type ActionPatch, actionPatchInput, actionsAskedFor, type ActionsUpdateResult, needsOwner, type RequiredAction,
  type AssessmentStatus, AssessmentRefused, AWAITING_SIGN_OFF, type Conclusion, COUNTED, mustResubmit, type OutcomeChange,
  SCREENING, StaleAssessmentError, type StoredAssessment,
} from './model.ts'
import { allQuestions, type Question, type QuestionSet } from './questionSet/schema.ts'
import * as repo from './repository.ts'
import { HIDDEN_RISKS_SET, riskRegister, risksToText } from './risks.ts'
import { setRegistryOf } from './packs/registry.ts'

export {
  type AssessmentStatus, AssessmentRefused, COUNTED, SCREENING, StaleAssessmentError, type StoredAssessment,
} from './model.ts'

/**
 * What the entry keeps on file for an answer someone cleared where the register offers one: a
 * blank, which no rule counts as an answer and which stops the register's value standing in for it.
 */
export const CLEARED = ''

/** Where an answer came from when the register entry's own fields gave it (no set has this id). */
const REGISTER_SOURCE = 'register'

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

/**
 * Every answer the entry has, wherever it was given: the stored answers, and the register entry's
 * own fields for the facts nobody has answered yet.
 */
export function mergedAnswers(entry: RegisterEntry, stored: Answers): Answers {
  const merged: Answers = { ...stored }
  for (const [id, value] of Object.entries(answersFromRegister(entry))) {
    if (value !== undefined && merged[id] === undefined) merged[id] = value
  }
  return merged
}

/**
 * The input for a set, with each of its questions the input leaves out (no key at all: a field
 * sent blank is a cleared answer) taken from the answers the entry already has.
 */
export function withKnownAnswers(set: QuestionSet, raw: Record<string, unknown>, known: Answers): Record<string, unknown> {
  const given: Record<string, unknown> = Object.create(null) as Record<string, unknown>
  Object.assign(given, raw)
  for (const q of allQuestions(set)) {
    if (!Object.hasOwn(raw, q.id) && known[q.id] !== undefined) given[q.id] = known[q.id]
  }
  return given
}

/** Where an answer a set's need rests on was given: on the register entry, or in a set. */
export type AnswerWhere = { kind: 'register' } | { kind: 'set'; setId: string; title: string } | { kind: 'unknown' }

/** A set of the entry's, whether it is needed and because of which answers (for the set list). */
export interface SetNeed {
  set: QuestionSet
  assessment: StoredAssessment | null
  applies: boolean
  /** The answers that make it needed, each with where it was given (empty: needed for every entry, or not needed). */
  because: (AppliesReason & { where: AnswerWhere })[]
}

export type SaveResult =
  | { ok: true; outcome: Outcome; status: AssessmentStatus }
  /** `errors`: field → message (already in the reader's words, naming the question). */
  | { ok: false; errors: Record<string, string>; answers: Answers }

/** Called inside the saving transaction when an entry's answers or risks change (the ATRS draft listens). */
export type AnswersChangedHook = (tx: Queryable, user: CurrentUser, entryId: string) => Promise<void>

/**
 * Links a question page shows under a question (the guidance it draws on): another feature adds a
 * provider to `questionGuidance`; for a set it gives, per question id, a summary line and the links.
 */
export interface QuestionGuidance {
  summary: string
  links: { text: string; href: string; meta?: string }[]
}
export type QuestionGuidanceProvider = (set: QuestionSet) => ReadonlyMap<string, QuestionGuidance>

/**
 * Checks answers to a set before anything is stored: each answer of the right kind, and, when
 * submitting, every asked required question answered. Each message names the question.
 */
export function checkAnswers(set: QuestionSet, raw: Record<string, unknown>, intent: 'save' | 'submit') {
  const { answers, errors } = parseAnswers(set, raw)
  // Answers that contradict each other under the set's consistency checks, on each question involved.
  for (const [id, message] of Object.entries(inconsistencies(set, answers))) errors[id] ??= message
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

export function createAssessmentService(db: Db, catalogue: QuestionSetCatalogue, register: RegisterService) {
  // Built-in sets plus uploaded framework packs (packs/registry.ts). Without a person, only the
  // built-in sets; `setsFor(user)` is what the person's organisation sees.
  const sets = setRegistryOf(catalogue)
  const setsFor = (user: Pick<CurrentUser, 'organisationId'>) => sets.forOrganisation(user.organisationId)
  const hooks: { answersChanged: AnswersChangedHook[] } = { answersChanged: [] }

  // The lifecycle's "screened" fact: a screening with an outcome that still counts.
  register.extensions.provideFacts(async (q, organisationId, entryId) => ({ screened: await repo.isScreened(q, organisationId, entryId) }))
  // The lifecycle's "open MUST actions" fact: what stands between the entry and pilot or live.
  register.extensions.provideFacts(async (q, organisationId, entryId) => ({
    openMustActions: (await repo.currentActions(q, organisationId, entryId))
      .filter((a) => a.level === 'MUST' && a.status === 'open').map((a) => ({ id: a.id, text: a.text })),
  }))

  const audit = (tx: Queryable, user: CurrentUser, entryId: string, action: string, from: string | null, to: string | null) =>
    recordAudit(tx, {
      organisationId: user.organisationId, actorId: user.id, entityType: 'register_entry', entityId: entryId,
      action, changes: { assessment: { from, to } },
    })

  const writeVersion = (tx: Queryable, user: CurrentUser, assessmentId: string, action: string, comment: string | null = null,
    change?: OutcomeChange) =>
    repo.insertVersion(tx, { organisationId: user.organisationId, assessmentId, action, comment, actorId: user.id, change })

  /** Every question any set asks, by id (for the words of a shared question a set's appliesWhen names but does not ask). */
  const anyQuestion = new Map<string, Question>()
  for (const set of sets.all()) for (const q of allQuestions(set)) if (!anyQuestion.has(q.id)) anyQuestion.set(q.id, q)
  const shownAnswer = (question: Question | undefined, value: AnswerValue | undefined): string | null =>
    !isAnswered(value) ? null : question ? answerText(question, value as AnswerValue) : JSON.stringify(value)

  /**
   * An edit to the register entry's own fields (personal data, supplier, purpose…) is the newest
   * statement of those facts: each answer it gives that changed replaces the entry's stored answer,
   * and every assessment that uses it is evaluated again, in the register's transaction.
   */
  register.extensions.onEntryUpdated(async (tx, user, before, after) => {
    const was = answersFromRegister(before)
    const now = answersFromRegister(after)
    const stored = await repo.entryAnswers(tx, user.organisationId, after.id)
    const changed: string[] = []
    for (const id of new Set([...Object.keys(was), ...Object.keys(now)])) {
      if (JSON.stringify(was[id]) === JSON.stringify(now[id])) continue
      const value = now[id]
      if (value === undefined) {
        if (stored[id] === undefined) continue
        await repo.deleteAnswer(tx, user.organisationId, after.id, id)
      } else {
        if (JSON.stringify(stored[id]) === JSON.stringify(value)) continue
        await repo.upsertAnswer(tx, { organisationId: user.organisationId, entryId: after.id, questionId: id, value, userId: user.id, setId: REGISTER_SOURCE })
      }
      changed.push(id)
    }
    if (!changed.length) return
    await reEvaluateOthers(tx, user, after.id, { id: REGISTER_SOURCE, title: t('assessments.change.registerEntry') }, changed)
    await refreshTier(tx, user, after.id)
    await notifyListeners(tx, user, after.id)
  })

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
   * Stores the set's answers once per entry: a changed answer is written, an answer cleared or to a
   * question no longer asked is removed. Returns the ids of the questions whose answer changed.
   */
  async function storeChangedAnswers(tx: Queryable, user: CurrentUser, entry: RegisterEntry, set: QuestionSet, answers: Answers): Promise<string[]> {
    const entryId = entry.id
    const before = await repo.entryAnswers(tx, user.organisationId, entryId)
    const offered = answersFromRegister(entry)
    const changed: string[] = []
    for (const q of allQuestions(set)) {
      const value = answers[q.id]
      if (value === undefined && offered[q.id] !== undefined) {
        // Cleared where the register offers an answer: kept on file as blank, so the register's
        // value does not come back in its place (what the person sees is what they saved).
        if (before[q.id] === CLEARED) continue
        changed.push(q.id)
        await repo.upsertAnswer(tx, { organisationId: user.organisationId, entryId, questionId: q.id, value: CLEARED, userId: user.id, setId: set.id })
      } else if (value === undefined && before[q.id] !== undefined) {
        // Left blank on purpose, or no longer asked: the entry no longer has that answer.
        changed.push(q.id)
        await repo.deleteAnswer(tx, user.organisationId, entryId, q.id)
      } else if (value !== undefined && JSON.stringify(value) !== JSON.stringify(before[q.id])) {
        changed.push(q.id)
        await repo.upsertAnswer(tx, { organisationId: user.organisationId, entryId, questionId: q.id, value, userId: user.id, setId: set.id })
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

  /**
   * Every other assessment of the entry that uses an answer that changed is evaluated again, now:
   * its answers brought up to date with the entry's, its outcome worked out afresh and its actions
   * kept in step. A submitted or signed-off one whose conclusion changed (or a signed-off one
   * whose answers moved) needs review, with what changed recorded; a draft's outcome is refreshed.
   */
  async function reEvaluateOthers(tx: Queryable, user: CurrentUser, entryId: string, set: Pick<QuestionSet, 'id' | 'title'>, changed: string[]) {
    if (!changed.length) return
    const now = await repo.entryAnswers(tx, user.organisationId, entryId)
    const others = (await repo.assessmentsOf(tx, user.organisationId, entryId, { forUpdate: true })).filter((a) => a.setId !== set.id)
    for (const other of others) {
      const otherSet = sets.get(other.setId, other.setVersion)
      const used = answersUsedBy(otherSet, changed)
      if (!used.length) continue
      if (!otherSet) {
        // A set version no longer on file cannot be evaluated again: a sign-off that used the answers needs a fresh look.
        if (other.status !== 'signed_off') continue
        await repo.markNeedsReview(tx, user.organisationId, other.id)
        await writeVersion(tx, user, other.id, 'marked_for_review', used.join(', '))
        await audit(tx, user, entryId, 'assessment_needs_review', `${other.setId}: signed off`, `needs review (${used.join(', ')})`)
        continue
      }
      const answers: Answers = { ...other.answers }
      for (const id of used) {
        if (now[id] === undefined || now[id] === CLEARED) delete answers[id]
        else answers[id] = now[id]
      }
      const moved = used.filter((id) => JSON.stringify(other.answers[id]) !== JSON.stringify(answers[id]))
      if (!moved.length) continue
      const outcome = evaluate(otherSet, answers)
      const outcomeChanged = other.outcome === null || !sameOutcome(other.outcome, outcome)
      const counted = COUNTED.includes(other.status)
      const status: AssessmentStatus = counted && (outcomeChanged || other.status === 'signed_off') ? 'needs_review' : other.status
      const byId = new Map(allQuestions(otherSet).map((q) => [q.id, q]))
      const conclusion = (o: Outcome, st: AssessmentStatus): Conclusion => ({ tier: o.tier, flags: o.flags.map((f) => f.label), status: st })
      const change: OutcomeChange = {
        at: new Date().toISOString(),
        by: user.name,
        inSet: { id: set.id, title: set.title },
        answers: moved.map((id) => ({
          questionId: id, text: byId.get(id)?.text ?? id,
          from: shownAnswer(byId.get(id), other.answers[id]), to: shownAnswer(byId.get(id), answers[id]),
        })),
        from: other.outcome ? conclusion(other.outcome, other.status) : null,
        to: conclusion(outcome, status),
        outcomeChanged,
      }
      await repo.storeReEvaluation(tx, user.organisationId, other.id, { answers, outcome, status, change })
      const marked = status === 'needs_review' && other.status !== 'needs_review'
      await writeVersion(tx, user, other.id, marked ? 'marked_for_review' : 're_evaluated', moved.join(', '), change)
      if (outcomeChanged) await syncRequiredActions(tx, user, entryId, otherSet, outcome)
      const summary = (o: Outcome | null) => (o ? `${o.tier}; ${o.flags.map((f) => f.id).join(', ') || '-'}` : '-')
      await audit(tx, user, entryId, marked ? 'assessment_needs_review' : 'assessment_re_evaluated',
        `${other.setId}: ${other.status}, ${summary(other.outcome)}`, `${other.setId}: ${status}, ${summary(outcome)} (${moved.join(', ')})`)
    }
  }

  /**
   * Keeps the entry's required actions in step with what the set's rules now require: the set's
   * sources are replaced, an action stays current while any source (from any set) asks for it,
   * and owners, due dates and statuses are kept.
   */
  async function syncRequiredActions(tx: Queryable, user: CurrentUser, entryId: string, set: QuestionSet, outcome: Outcome) {
    await repo.syncActionSources(tx, {
      organisationId: user.organisationId, entryId, setId: set.id, userId: user.id, wanted: actionsAskedFor(set, outcome),
    })
  }

  /** Whether any set an action comes from wants an owner named before it is done. */
  const withOwnerRule = (user: CurrentUser) => (action: repo.StoredAction): RequiredAction => ({
    ...action,
    ownerRequired: action.sources.some((s) => {
      try {
        return setsFor(user).latest(s.setId).actionsNeedOwner === true
      } catch {
        return false
      }
    }),
  })

  /**
   * Checks and applies many action edits in one transaction: every edit is checked (status, owner
   * no longer than allowed, a real due date, an owner when a source set needs one before done);
   * with any error nothing is changed and the errors, keyed `actions[<id>].<field>`, are returned.
   * An id that is not a current action of the entry is a 404.
   */
  async function applyActionEdits(user: CurrentUser, entryId: string, edits: readonly ActionEdit[]): Promise<ActionsUpdateResult> {
    return db.transaction(async (tx) => {
      await register.getForUpdate(tx, user, entryId)
      const current = new Map((await repo.currentActions(tx, user.organisationId, entryId, { forUpdate: true })).map((a) => [a.id, withOwnerRule(user)(a)]))
      const errors: Record<string, string> = {}
      const patches: { action: RequiredAction; patch: ActionPatch }[] = []
      for (const edit of edits) {
        const action = typeof edit.id === 'string' ? current.get(edit.id) : undefined
        if (!action) throw notFound()
        const parsed = actionPatchInput.safeParse({ status: edit.status, owner: edit.owner, dueDate: edit.dueDate })
        if (!parsed.success) {
          for (const issue of parsed.error.issues) {
            const field = issue.path[0]
            if (field === 'status' || field === 'owner' || field === 'dueDate') errors[actionErrorKey(action.id, field)] ??= t(issue.message)
          }
          continue
        }
        if (needsOwner(parsed.data, action.ownerRequired)) {
          errors[actionErrorKey(action.id, 'owner')] = t('assessments.errors.ownerRequired', { text: action.text })
          continue
        }
        patches.push({ action, patch: parsed.data })
      }
      if (Object.keys(errors).length) return { ok: false, errors }
      let updated = 0
      for (const { action, patch } of patches) {
        if (action.status === patch.status && action.owner === patch.owner && action.dueDate === patch.dueDate) continue
        await repo.updateAction(tx, user.organisationId, entryId, action.id, patch, user.id)
        await recordAudit(tx, {
          organisationId: user.organisationId, actorId: user.id, entityType: 'register_entry', entityId: entryId,
          action: 'action_updated',
          changes: { action: { from: `${action.text} (${action.status}; ${action.owner ?? '-'}; ${action.dueDate ?? '-'})`, to: `${patch.status}; ${patch.owner ?? '-'}; ${patch.dueDate ?? '-'}` } },
        })
        updated += 1
      }
      return { ok: true, updated }
    })
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
    /** Providers of the guidance each question links (see QuestionGuidance). */
    questionGuidance: [] as QuestionGuidanceProvider[],
    /** Parts of an entry's results page that other features contribute. */
    resultsPanels: createPanels<RegisterEntry>(),
    /** The screening set people answer now. */
    screeningSet: (): QuestionSet => sets.latest(SCREENING),
    /** The newest version of a set the person's organisation sees (without a person: built-in sets only), or 404. */
    setNamed(setId: string, user?: Pick<CurrentUser, 'organisationId'>): QuestionSet {
      try {
        return (user ? setsFor(user) : sets).latest(setId)
      } catch {
        throw notFound()
      }
    },
    /** The sets the person's organisation sees (without a person: built-in sets only). */
    allSets: (user?: Pick<CurrentUser, 'organisationId'>): QuestionSet[] => (user ? setsFor(user) : sets).all(),
    /** Built-in sets and uploaded packs (the packs feature refreshes it). */
    questionSets: sets,
    /** Whether the entry's answers so far say this set is needed (pass mergedAnswers: the register's facts count). */
    applies: (set: QuestionSet, answers: Answers): boolean => setApplies(set, answers),

    /** Every answer the entry has, wherever given, with the register entry's own fields for what nobody answered. */
    async allAnswersFor(user: CurrentUser, entry: RegisterEntry, q: Queryable = db): Promise<Answers> {
      return mergedAnswers(entry, await repo.entryAnswers(q, user.organisationId, entry.id))
    },

    /**
     * Each set, in order, with the entry's assessment of it, whether it is needed on every answer
     * the entry has (the register's own fields included), and the answers that make it needed,
     * each with where it was given.
     */
    async needOf(user: CurrentUser, entry: RegisterEntry, setId: string): Promise<SetNeed> {
      const need = (await service.needs(user, entry)).find((n) => n.set.id === setId)
      if (!need) throw notFound()
      return need
    },

    async needs(user: CurrentUser, entry: RegisterEntry): Promise<SetNeed[]> {
      const [stored, sources, assessments] = await Promise.all([
        repo.entryAnswers(db, user.organisationId, entry.id),
        repo.answerSources(db, user.organisationId, entry.id),
        repo.assessmentsOf(db, user.organisationId, entry.id),
      ])
      const answers = mergedAnswers(entry, stored)
      const bySet = new Map(assessments.map((a) => [a.setId, a]))
      const where = (id: string): AnswerWhere => {
        if (stored[id] === undefined) return { kind: 'register' }
        const setId = sources[id]?.setId
        if (setId === REGISTER_SOURCE) return { kind: 'register' }
        if (!setId) return { kind: 'unknown' }
        const title = setsFor(user).all().find((s) => s.id === setId)?.title ?? setId
        return { kind: 'set', setId, title }
      }
      return setsFor(user).all().map((set) => {
        const applies = setApplies(set, answers)
        return {
          set, assessment: bySet.get(set.id) ?? null, applies,
          because: applies ? appliesBecause(set, answers, (id) => anyQuestion.get(id)).map((r) => ({ ...r, where: where(r.questionId) })) : [],
        }
      })
    },

    /**
     * ATRS field text an entry's assessments give: each linked question's answer, from every set
     * that asks it (sets in order; the same text from a shared question asked in several sets
     * once), joined with a blank line; "risks and mitigations" starts with the whole risk register.
     */
    async atrsSuggestions(q: Queryable, user: CurrentUser, entryId: string): Promise<Record<string, string>> {
      const answers = await repo.entryAnswers(q, user.organisationId, entryId)
      const parts = new Map<string, string[]>()
      const add = (key: string, text: string) => {
        const list = parts.get(key) ?? []
        if (text && !list.includes(text)) list.push(text)
        parts.set(key, list)
      }
      const risks = await riskRegister(q, user.organisationId, entryId, answers)
      if (risks.length) add('risks_and_mitigations', risksToText(risks))
      for (const set of setsFor(user).all()) {
        for (const [key, text] of Object.entries(atrsFieldsFromAnswers(set, answers))) {
          // The workshop's risks are in the register already (with their ratings), so not twice.
          if (key === 'risks_and_mitigations' && risks.length && set.id === HIDDEN_RISKS_SET) continue
          add(key, text)
        }
      }
      return Object.fromEntries([...parts].filter(([, list]) => list.length).map(([key, list]) => [key, list.join('\n\n')]))
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

    /**
     * A periodic review of an approved use (the board's): every submitted or signed-off assessment
     * the entry still needs is marked "needs review", inside the caller's transaction, so it is
     * looked at again and submitted afresh. Returns the titles of the sets it re-opened.
     */
    async reopenForReview(tx: Queryable, user: CurrentUser, entry: RegisterEntry): Promise<string[]> {
      const answers = mergedAnswers(entry, await repo.entryAnswers(tx, user.organisationId, entry.id))
      const reopened: string[] = []
      for (const a of await repo.assessmentsOf(tx, user.organisationId, entry.id, { forUpdate: true })) {
        const set = setsFor(user).all().find((x) => x.id === a.setId)
        if (!set || !setApplies(set, answers) || (a.status !== 'submitted' && a.status !== 'signed_off')) continue
        await repo.markNeedsReview(tx, user.organisationId, a.id)
        await writeVersion(tx, user, a.id, 'marked_for_review', t('assessments.review.periodic'))
        await audit(tx, user, entry.id, 'assessment_needs_review', `${a.setId}: ${a.status}`, `${a.setId}: needs review (periodic review)`)
        reopened.push(set.title)
      }
      return reopened
    },

    async assessmentFor(user: CurrentUser, entryId: string, setId: string): Promise<StoredAssessment | null> {
      return (await repo.assessmentsOf(db, user.organisationId, entryId, { setId }))[0] ?? null
    },

    /** Every answer the entry has, shared across sets. */
    answersFor: (user: CurrentUser, entryId: string) => repo.entryAnswers(db, user.organisationId, entryId),

    /** Answers to show in a set's form: stored answers first, then what the register already knows. */
    async prefill(user: CurrentUser, entry: RegisterEntry, setId = SCREENING): Promise<Answers> {
      const set = service.setNamed(setId, user)
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
      const set = service.setNamed(setId, user)
      const status: AssessmentStatus = intent === 'submit' ? 'submitted' : 'draft'

      return db.transaction(async (tx): Promise<SaveResult> => {
        // A question the input leaves out keeps the answer the entry has (given in any set), as the
        // form shows it: the set's answers are the entry's answers.
        // The register entry's own fields count too, as the form and the set's need show them.
        const locked = await register.getForUpdate(tx, user, entryId)
        const known = mergedAnswers(locked, await repo.entryAnswers(tx, user.organisationId, entryId))
        const { answers, errors } = checkAnswers(set, withKnownAnswers(set, raw, known), intent)
        if (Object.keys(errors).length) return { ok: false, errors, answers }
        const outcome = evaluate(set, answers)
        const entry = await lockEntryAndCheckVersion(tx, user, entryId, set, expectedVersion)
        const changed = await storeChangedAnswers(tx, user, entry, set, answers)
        await storeAssessment(tx, user, entry.id, set, { status, answers, outcome })
        await reEvaluateOthers(tx, user, entry.id, set, changed)
        await syncRequiredActions(tx, user, entry.id, set, outcome)
        await auditSave(tx, user, entry.id, set, outcome, status)
        await refreshTier(tx, user, entry.id)
        await notifyListeners(tx, user, entry.id)
        return { ok: true, outcome, status }
      })
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
        // A conclusion that changed after submission is checked by its author before anyone signs it off.
        if (mustResubmit(a)) throw new AssessmentRefused('assessments.errors.resubmitFirst')
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

    /** Submitted assessments this person did not submit, oldest first (an assessor's home page); empty for anyone who may not sign off. */
    async signOffQueue(user: CurrentUser, limit = 20) {
      if (!can(user.roles, 'assessment:signoff')) return { items: [], total: 0 }
      const rows = await repo.awaitingSignOff(db, user.organisationId, user.id, limit)
      const names = await register.namesOf(user.organisationId, rows.map((r) => r.entry_id))
      const items = rows.filter((r) => names.has(r.entry_id)).map((r) => {
        let title = r.set_id
        try { title = setsFor(user).latest(r.set_id).title } catch { /* a set no longer offered keeps its id */ }
        return { entryId: r.entry_id, entryName: names.get(r.entry_id)!, setId: r.set_id, setTitle: title, submittedAt: r.submitted_at }
      })
      return { items, total: rows[0]?.total ?? 0 }
    },

    /** Open required actions whose owner is written as this person's name or e-mail address, the earliest due first. */
    async actionsOwned(user: CurrentUser, limit = 20) {
      const owners = [...new Set([user.name, user.email].map((s) => s.trim().toLowerCase()).filter(Boolean))]
      const rows = await repo.actionsOwnedBy(db, user.organisationId, owners, limit)
      const names = await register.namesOf(user.organisationId, rows.map((r) => r.entry_id))
      const items = rows.filter((r) => names.has(r.entry_id)).map((r) => ({
        id: r.id, entryId: r.entry_id, entryName: names.get(r.entry_id)!, level: r.level, text: r.text, dueDate: r.due_date,
      }))
      return { items, total: rows[0]?.total ?? 0 }
    },

    /** The organisation dashboard's counts: assessments awaiting sign-off or review, open actions by level. */
    dashboardCounts: (user: CurrentUser, today: string, q: Queryable = db) => repo.dashboardCounts(q, user.organisationId, today),

    /** Every assessment of an entry, for the results page. */
    all: (user: CurrentUser, entryId: string) => repo.assessmentsOf(db, user.organisationId, entryId),

    /** The entry's current required actions, one per action key, each with every rule that asks for it. */
    async actionsFor(user: CurrentUser, entryId: string, q: Queryable = db): Promise<RequiredAction[]> {
      return (await repo.currentActions(q, user.organisationId, entryId)).map(withOwnerRule(user))
    },

    /** The entry's current MUST actions still open (what stands between it and pilot or live). Pass `q` inside a transaction. */
    async openMustActions(user: CurrentUser, entryId: string, q: Queryable = db): Promise<RequiredAction[]> {
      return (await service.actionsFor(user, entryId, q)).filter((a) => a.level === 'MUST' && a.status === 'open')
    },

    /**
     * One action's new status, owner and due date (the single-action form). Same checks as
     * updateActions; returns its result.
     */
    updateAction(user: CurrentUser, entryId: string, actionId: string, patch: ActionPatch): Promise<ActionsUpdateResult> {
      return applyActionEdits(user, entryId, [{ id: actionId, ...patch }])
    },

    /** Many actions' status, owner and due date in one transaction: all changed, or none with field errors. */
    updateActions: applyActionEdits,
  }
  return service
}
export type AssessmentService = ReturnType<typeof createAssessmentService>
