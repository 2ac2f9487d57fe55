import { recordAudit } from '../../platform/audit.ts'
import type { CurrentUser } from '../../platform/auth/store.ts'
import type { Db, Queryable } from '../../platform/db/db.ts'
import { notFound } from '../../platform/http/errors.ts'
import { createPanels } from '../../platform/http/panels.ts'
import { RISK_TIERS, type RegisterEntry, type RiskTier } from '../register/model.ts'
import type { RegisterService } from '../register/service.ts'
import type { QuestionSetCatalogue } from './catalogue.ts'
import {
  type Answers, type AnswerValue, atrsFieldsFromAnswers, evaluate, isAsked, missingRequired, type Outcome, parseAnswers,
  setApplies,
} from './engine.ts'
import { allQuestions, type QuestionSet } from './questionSet.ts'
import { riskRegister, risksToText } from './risks.ts'

export const SCREENING = 'screening'

export type AssessmentStatus = 'draft' | 'submitted' | 'signed_off' | 'returned' | 'needs_review'

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

/** Statuses whose outcome counts towards the entry's risk tier and the lifecycle. */
export const COUNTED: readonly AssessmentStatus[] = ['submitted', 'signed_off', 'needs_review']

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
  | { ok: false; errors: Record<string, string>; answers: Answers }

/** Called inside the saving transaction when an entry's answers or risks change (the ATRS draft listens). */
export type AnswersChangedHook = (tx: Queryable, user: CurrentUser, entryId: string) => Promise<void>

const COLUMNS = `a.id, a.set_id, a.set_version, a.status, a.answers, a.outcome, a.updated_at, a.submitted_by,
  su.name as submitted_by_name, a.submitted_at, so.name as signed_off_by_name, a.signed_off_at, a.comment, a.version`

interface Row {
  id: string; set_id: string; set_version: number; status: AssessmentStatus; answers: Answers; outcome: Outcome | null
  updated_at: Date; submitted_by: string | null; submitted_by_name: string | null; submitted_at: Date | null
  signed_off_by_name: string | null; signed_off_at: Date | null; comment: string | null; version: number
}

const toStored = (r: Row): StoredAssessment => ({
  id: r.id, setId: r.set_id, setVersion: r.set_version, status: r.status, answers: r.answers, outcome: r.outcome,
  updatedAt: r.updated_at, submittedBy: r.submitted_by, submittedByName: r.submitted_by_name, submittedAt: r.submitted_at,
  signedOffByName: r.signed_off_by_name, signedOffAt: r.signed_off_at, comment: r.comment, version: r.version,
})

export function createAssessmentService(db: Db, sets: QuestionSetCatalogue, register: RegisterService) {
  const hooks: { answersChanged: AnswersChangedHook[] } = { answersChanged: [] }

  // The lifecycle's "screened" fact: a screening with an outcome that still counts.
  register.extensions.provideFacts(async (q, organisationId, entryId) => {
    const [row] = await q.query<{ screened: boolean }>(
      `select exists (select 1 from assessments a where a.entry_id = $2 and a.organisation_id = $1
         and a.set_id = $3 and a.outcome is not null and a.status = any($4::text[])) as screened`,
      [organisationId, entryId, SCREENING, COUNTED],
    )
    return { screened: row!.screened }
  })

  async function storedAnswers(q: Queryable, organisationId: string, entryId: string): Promise<Answers> {
    const rows = await q.query<{ question_id: string; value: AnswerValue }>(
      'select question_id, value from entry_answers where organisation_id = $1 and entry_id = $2',
      [organisationId, entryId],
    )
    return Object.fromEntries(rows.map((r) => [r.question_id, r.value]))
  }

  async function assessmentsOf(q: Queryable, organisationId: string, entryId: string, setId?: string, forUpdate = false) {
    const rows = await q.query<Row>(
      `select ${COLUMNS} from assessments a
       left join users su on su.id = a.submitted_by left join users so on so.id = a.signed_off_by
       where a.organisation_id = $1 and a.entry_id = $2 ${setId ? 'and a.set_id = $3' : ''}
       order by a.set_id ${forUpdate ? 'for update of a' : ''}`,
      setId ? [organisationId, entryId, setId] : [organisationId, entryId],
    )
    return rows.map(toStored)
  }

  async function writeVersion(tx: Queryable, user: CurrentUser, assessmentId: string, action: string, comment: string | null = null) {
    await tx.query(
      `insert into assessment_versions (organisation_id, assessment_id, version, set_version, status, action, answers, outcome, comment, actor_id)
       select organisation_id, id, version, set_version, status, $3, answers, outcome, $4, $5 from assessments
       where id = $1 and organisation_id = $2`,
      [assessmentId, user.organisationId, action, comment, user.id],
    )
  }

  /** The entry takes the highest tier any counted assessment derived. */
  async function refreshTier(tx: Queryable, user: CurrentUser, entry: RegisterEntry) {
    const rows = await tx.query<{ outcome: Outcome | null; status: AssessmentStatus }>(
      'select outcome, status from assessments where organisation_id = $1 and entry_id = $2',
      [user.organisationId, entry.id],
    )
    let tier: RiskTier | null = null
    for (const r of rows) {
      if (!r.outcome || !COUNTED.includes(r.status)) continue
      if (tier === null || RISK_TIERS.indexOf(r.outcome.tier) > RISK_TIERS.indexOf(tier)) tier = r.outcome.tier
    }
    // No counted assessment left (all drafts or returned): the entry is unscreened again.
    await register.applyChange(tx, user, entry, { riskTier: tier }, 'risk_tier_derived')
  }

  /** Keeps entry_actions in step with what the set's rules now require, keeping owners and dates. */
  async function syncActions(tx: Queryable, user: CurrentUser, entryId: string, setId: string, outcome: Outcome) {
    await tx.query('update entry_actions set current = false where entry_id = $1 and set_id = $2', [entryId, setId])
    for (const a of outcome.actions) {
      await tx.query(
        `insert into entry_actions (organisation_id, entry_id, set_id, rule_id, level, text, reason, source, updated_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         on conflict (entry_id, set_id, rule_id, text) do update set current = true, level = excluded.level,
           reason = excluded.reason, source = excluded.source`,
        [user.organisationId, entryId, setId, a.ruleId, a.level, a.text, a.reason, a.source, user.id],
      )
    }
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
      const answers = await storedAnswers(q, user.organisationId, entryId)
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
    async notifyChanged(tx: Queryable, user: CurrentUser, entryId: string): Promise<void> {
      for (const hook of hooks.answersChanged) await hook(tx, user, entryId)
    },

    /** The stored screening of an entry, with the set version it used (null if never screened). */
    async screeningFor(user: CurrentUser, entryId: string): Promise<(StoredAssessment & { set: QuestionSet | undefined }) | null> {
      const [a] = await assessmentsOf(db, user.organisationId, entryId, SCREENING)
      return a && a.outcome && COUNTED.includes(a.status) ? { ...a, set: sets.get(a.setId, a.setVersion) } : null
    },

    async assessmentFor(user: CurrentUser, entryId: string, setId: string): Promise<StoredAssessment | null> {
      return (await assessmentsOf(db, user.organisationId, entryId, setId))[0] ?? null
    },

    /** Every answer the entry has, shared across sets. */
    answersFor: (user: CurrentUser, entryId: string) => storedAnswers(db, user.organisationId, entryId),

    /** Answers to show in a set's form: stored answers first, then what the register already knows. */
    async prefill(user: CurrentUser, entry: RegisterEntry, setId = SCREENING): Promise<Answers> {
      const set = service.setNamed(setId)
      const stored = await storedAnswers(db, user.organisationId, entry.id)
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
      const { answers, errors } = parseAnswers(set, raw)
      if (intent === 'submit') for (const id of missingRequired(set, answers)) errors[id] ??= 'assessments.errors.required'
      if (Object.keys(errors).length) return { ok: false, errors, answers }
      const outcome = evaluate(set, answers)
      const status: AssessmentStatus = intent === 'submit' ? 'submitted' : 'draft'

      await db.transaction(async (tx) => {
        const entry = await register.getForUpdate(tx, user, entryId)
        if (expectedVersion !== undefined) {
          const [current] = await assessmentsOf(tx, user.organisationId, entry.id, set.id, true)
          if ((current?.version ?? 0) !== expectedVersion) throw new StaleAssessmentError(current?.version ?? 0)
        }
        const before = await storedAnswers(tx, user.organisationId, entry.id)
        const changed: string[] = []
        for (const q of allQuestions(set)) {
          const value = answers[q.id]
          const asked = isAsked(set, q.id, answers)
          if (value === undefined && !asked && before[q.id] !== undefined) {
            changed.push(q.id)
            await tx.query('delete from entry_answers where entry_id = $1 and question_id = $2', [entry.id, q.id])
          } else if (value !== undefined && JSON.stringify(value) !== JSON.stringify(before[q.id])) {
            changed.push(q.id)
            await tx.query(
              `insert into entry_answers (entry_id, organisation_id, question_id, value, answered_by)
               values ($1, $2, $3, $4, $5)
               on conflict (entry_id, question_id)
               do update set value = excluded.value, answered_by = excluded.answered_by, answered_at = now()`,
              [entry.id, user.organisationId, q.id, JSON.stringify(value), user.id],
            )
          }
        }
        const [row] = await tx.query<{ id: string }>(
          `insert into assessments (organisation_id, entry_id, set_id, set_version, status, answers, outcome, created_by,
             submitted_by, submitted_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
           on conflict (entry_id, set_id) do update set set_version = excluded.set_version, status = excluded.status,
             answers = excluded.answers, outcome = excluded.outcome, updated_at = now(), version = assessments.version + 1,
             submitted_by = coalesce(excluded.submitted_by, assessments.submitted_by),
             submitted_at = coalesce(excluded.submitted_at, assessments.submitted_at),
             signed_off_by = null, signed_off_at = null
           returning id`,
          [user.organisationId, entry.id, set.id, set.version, status, JSON.stringify(answers), JSON.stringify(outcome), user.id,
            status === 'submitted' ? user.id : null, status === 'submitted' ? new Date() : null],
        )
        await writeVersion(tx, user, row!.id, intent === 'submit' ? 'submitted' : 'saved')

        // Other sets that were signed off on answers that have now changed need a fresh look.
        if (changed.length) {
          const others = (await assessmentsOf(tx, user.organisationId, entry.id, undefined, true))
            .filter((a) => a.setId !== set.id && a.status === 'signed_off')
          for (const other of others) {
            const otherSet = sets.get(other.setId, other.setVersion)
            const used = otherSet ? changed.filter((id) => allQuestions(otherSet).some((q) => q.id === id)) : changed
            if (!used.length) continue
            await tx.query(
              "update assessments set status = 'needs_review', version = version + 1, updated_at = now() where id = $1",
              [other.id],
            )
            await writeVersion(tx, user, other.id, 'marked_for_review', used.join(', '))
            await recordAudit(tx, {
              organisationId: user.organisationId, actorId: user.id, entityType: 'register_entry', entityId: entry.id,
              action: 'assessment_needs_review', changes: { assessment: { from: `${other.setId}: signed off`, to: `needs review (${used.join(', ')})` } },
            })
          }
        }
        await syncActions(tx, user, entry.id, set.id, outcome)
        await recordAudit(tx, {
          organisationId: user.organisationId, actorId: user.id, entityType: 'register_entry', entityId: entry.id,
          action: intent === 'submit' ? 'assessment_submitted' : 'assessment_saved',
          changes: { assessment: { from: null, to: `${set.id} v${set.version}: ${outcome.tier}; ${outcome.flags.map((f) => f.id).join(', ') || '-'}` } },
        })
        const current = await register.getForUpdate(tx, user, entry.id)
        await refreshTier(tx, user, current)
        await service.notifyChanged(tx, user, entry.id)
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
        await register.getForUpdate(tx, user, entryId)
        const [a] = await assessmentsOf(tx, user.organisationId, entryId, setId, true)
        if (!a) throw notFound()
        if (a.status !== 'submitted' && a.status !== 'needs_review') throw new AssessmentRefused('assessments.errors.notSubmitted')
        if (a.submittedBy === user.id) throw new AssessmentRefused('assessments.errors.ownSignOff')
        await tx.query(
          `update assessments set status = 'signed_off', signed_off_by = $2, signed_off_at = now(), comment = null,
             version = version + 1, updated_at = now() where id = $1`,
          [a.id, user.id],
        )
        await writeVersion(tx, user, a.id, 'signed_off')
        await recordAudit(tx, {
          organisationId: user.organisationId, actorId: user.id, entityType: 'register_entry', entityId: entryId,
          action: 'assessment_signed_off', changes: { assessment: { from: a.status, to: `${setId}: signed off` } },
        })
      })
    },

    /** An assessor sends a submitted assessment back to its author with comments. */
    async returnToAuthor(user: CurrentUser, entryId: string, setId: string, comment: string): Promise<void> {
      await db.transaction(async (tx) => {
        await register.getForUpdate(tx, user, entryId)
        const [a] = await assessmentsOf(tx, user.organisationId, entryId, setId, true)
        if (!a) throw notFound()
        if (a.status !== 'submitted' && a.status !== 'needs_review') throw new AssessmentRefused('assessments.errors.notSubmitted')
        await tx.query(
          "update assessments set status = 'returned', comment = $2, version = version + 1, updated_at = now() where id = $1",
          [a.id, comment],
        )
        await writeVersion(tx, user, a.id, 'returned', comment)
        await refreshTier(tx, user, await register.getForUpdate(tx, user, entryId))
        await recordAudit(tx, {
          organisationId: user.organisationId, actorId: user.id, entityType: 'register_entry', entityId: entryId,
          action: 'assessment_returned', changes: { assessment: { from: a.status, to: `${setId}: returned` } },
        })
      })
    },

    async history(user: CurrentUser, entryId: string, setId: string) {
      return db.query<{ version: number; set_version: number; status: string; action: string; comment: string | null; actor: string | null; at: Date; outcome: Outcome | null }>(
        `select v.version, v.set_version, v.status, v.action, v.comment, u.name as actor, v.at, v.outcome
         from assessment_versions v join assessments a on a.id = v.assessment_id
         left join users u on u.id = v.actor_id
         where a.organisation_id = $1 and a.entry_id = $2 and a.set_id = $3 order by v.id desc`,
        [user.organisationId, entryId, setId],
      )
    },

    /** Every assessment of an entry, for the results page. */
    all: (user: CurrentUser, entryId: string) => assessmentsOf(db, user.organisationId, entryId),

    async actionsFor(user: CurrentUser, entryId: string) {
      return db.query<{ id: string; set_id: string; level: 'MUST' | 'SHOULD' | 'COULD'; text: string; reason: string; source: string; status: string; owner: string | null; due_date: string | null }>(
        `select id, set_id, level, text, reason, source, status, owner, due_date from entry_actions
         where organisation_id = $1 and entry_id = $2 and current
         order by case level when 'MUST' then 0 when 'SHOULD' then 1 else 2 end, set_id, text`,
        [user.organisationId, entryId],
      )
    },

    async updateAction(user: CurrentUser, entryId: string, actionId: string, patch: { status: string; owner: string | null; dueDate: string | null }) {
      await db.transaction(async (tx) => {
        const rows = await tx.query<{ text: string }>(
          `update entry_actions set status = $4, owner = $5, due_date = $6, updated_by = $7, updated_at = now()
           where organisation_id = $1 and entry_id = $2 and id = $3 returning text`,
          [user.organisationId, entryId, actionId, patch.status, patch.owner, patch.dueDate, user.id],
        )
        if (!rows[0]) throw notFound()
        await recordAudit(tx, {
          organisationId: user.organisationId, actorId: user.id, entityType: 'register_entry', entityId: entryId,
          action: 'action_updated', changes: { action: { from: rows[0].text, to: `${patch.status}; ${patch.owner ?? '-'}; ${patch.dueDate ?? '-'}` } },
        })
      })
    },
  }
  return service
}
export type AssessmentService = ReturnType<typeof createAssessmentService>
