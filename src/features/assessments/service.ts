import { recordAudit } from '../../platform/audit.ts'
import type { CurrentUser } from '../../platform/auth/store.ts'
import type { Db, Queryable } from '../../platform/db/db.ts'
import type { RegisterEntry } from '../register/model.ts'
import type { RegisterService } from '../register/service.ts'
import type { QuestionSetCatalogue } from './catalogue.ts'
import { type Answers, type AnswerValue, evaluate, missingRequired, type Outcome, parseAnswers } from './engine.ts'
import { allQuestions, type QuestionSet } from './questionSet.ts'

export const SCREENING = 'screening'

export interface StoredAssessment {
  id: string
  setId: string
  setVersion: number
  status: string
  answers: Answers
  outcome: Outcome | null
  updatedAt: Date
}

/** Facts the register already holds, offered as answers until someone answers for themselves. */
function answersFromRegister(entry: RegisterEntry): Answers {
  return {
    personal_data: entry.personalData,
    special_category: entry.personalData ? entry.specialCategoryData : undefined,
    decision_role: entry.decisionRole,
  }
}

export type SaveResult =
  | { ok: true; outcome: Outcome }
  | { ok: false; errors: Record<string, string>; answers: Answers }

export function createAssessmentService(db: Db, sets: QuestionSetCatalogue, register: RegisterService) {
  async function storedAnswers(q: Queryable, organisationId: string, entryId: string): Promise<Answers> {
    const rows = await q.query<{ question_id: string; value: AnswerValue }>(
      'select question_id, value from entry_answers where organisation_id = $1 and entry_id = $2',
      [organisationId, entryId],
    )
    return Object.fromEntries(rows.map((r) => [r.question_id, r.value]))
  }

  async function assessmentFor(q: Queryable, organisationId: string, entryId: string, setId: string) {
    const rows = await q.query<{
      id: string; set_id: string; set_version: number; status: string; answers: Answers; outcome: Outcome | null; updated_at: Date
    }>(
      `select id, set_id, set_version, status, answers, outcome, updated_at from assessments
       where organisation_id = $1 and entry_id = $2 and set_id = $3`,
      [organisationId, entryId, setId],
    )
    const r = rows[0]
    return r
      ? { id: r.id, setId: r.set_id, setVersion: r.set_version, status: r.status, answers: r.answers, outcome: r.outcome, updatedAt: r.updated_at }
      : null
  }

  return {
    /** The screening set people answer now. */
    screeningSet: (): QuestionSet => sets.latest(SCREENING),

    /** The stored screening of an entry, with the set version it used (null if never screened). */
    async screeningFor(user: CurrentUser, entryId: string): Promise<(StoredAssessment & { set: QuestionSet | undefined }) | null> {
      const a = await assessmentFor(db, user.organisationId, entryId, SCREENING)
      return a ? { ...a, set: sets.get(a.setId, a.setVersion) } : null
    },

    /** Answers to show in the form: stored answers first, then what the register already knows. */
    async prefill(user: CurrentUser, entry: RegisterEntry): Promise<Answers> {
      const set = sets.latest(SCREENING)
      const stored = await storedAnswers(db, user.organisationId, entry.id)
      const fromRegister = answersFromRegister(entry)
      const ids = new Set(allQuestions(set).map((q) => q.id))
      const answers: Answers = {}
      for (const id of ids) answers[id] = stored[id] ?? fromRegister[id]
      return answers
    },

    /**
     * Checks and saves a complete screening: answers are stored once per entry (for every set
     * that asks the same question), the outcome is kept with the set version that produced
     * it, and the entry takes the derived risk tier. All in one transaction.
     */
    async saveScreening(user: CurrentUser, entryId: string, raw: Record<string, unknown>): Promise<SaveResult> {
      const set = sets.latest(SCREENING)
      const { answers, errors } = parseAnswers(set, raw)
      for (const id of missingRequired(set, answers)) errors[id] ??= 'assessments.errors.required'
      if (Object.keys(errors).length) return { ok: false, errors, answers }
      const outcome = evaluate(set, answers)
      await db.transaction(async (tx) => {
        const entry = await register.getForUpdate(tx, user, entryId)
        for (const q of allQuestions(set)) {
          const value = answers[q.id]
          if (value === undefined) {
            await tx.query('delete from entry_answers where entry_id = $1 and question_id = $2', [entry.id, q.id])
          } else {
            await tx.query(
              `insert into entry_answers (entry_id, organisation_id, question_id, value, answered_by)
               values ($1, $2, $3, $4, $5)
               on conflict (entry_id, question_id)
               do update set value = excluded.value, answered_by = excluded.answered_by, answered_at = now()`,
              [entry.id, user.organisationId, q.id, JSON.stringify(value), user.id],
            )
          }
        }
        await tx.query(
          `insert into assessments (organisation_id, entry_id, set_id, set_version, status, answers, outcome, created_by)
           values ($1, $2, $3, $4, 'submitted', $5, $6, $7)
           on conflict (entry_id, set_id) do update set set_version = excluded.set_version, status = 'submitted',
             answers = excluded.answers, outcome = excluded.outcome, updated_at = now(), version = assessments.version + 1`,
          [user.organisationId, entry.id, set.id, set.version, JSON.stringify(answers), JSON.stringify(outcome), user.id],
        )
        await recordAudit(tx, {
          organisationId: user.organisationId, actorId: user.id, entityType: 'register_entry', entityId: entry.id,
          action: 'screened',
          changes: { screening: { from: null, to: `${set.id} v${set.version}: ${outcome.tier}; ${outcome.flags.map((f) => f.id).join(', ') || '-'}` } },
        })
        await register.applyChange(tx, user, entry, { riskTier: outcome.tier }, 'risk_tier_derived')
      })
      return { ok: true, outcome }
    },
  }
}
export type AssessmentService = ReturnType<typeof createAssessmentService>
