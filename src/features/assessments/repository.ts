import { z } from 'zod'
import type { Queryable } from '../../platform/db/db.ts'
import { col, many, maybeOne, one, run } from '../../platform/db/rows.ts'
import { RISK_TIERS, type RiskTier } from '../register/model.ts'
import type { Answers, AnswerValue, Outcome } from './engine.ts'
import {
  ACTION_STATUSES, type ActionPatch, ASSESSMENT_STATUSES, type AssessmentStatus, type AssessmentVersion, COUNTED,
  type OutcomeChange, type RequiredAction, SCREENING, type StoredAssessment, type WantedAction,
} from './model.ts'
import { ACTION_LEVELS } from './questionSet/schema.ts'

/**
 * All of the assessments feature's SQL: shared answers (entry_answers), assessments and their
 * versions, required actions (entry_actions) and risks added by hand (entry_risks). Every row is
 * read through a schema; the service holds the rules and the transactions.
 */

// ---------------------------------------------------------------------------------------------
// JSON columns: answers and outcomes, checked as they are read
// ---------------------------------------------------------------------------------------------

const fieldValue = z.union([z.boolean(), z.string(), z.number(), z.array(z.string())])
const answerValue: z.ZodType<AnswerValue> = z.union([fieldValue, z.array(z.record(z.string(), fieldValue))])
const answers: z.ZodType<Answers> = z.record(z.string(), answerValue)

const tier = z.enum(RISK_TIERS)
const conclusion = z.object({ tier, flags: z.array(col.text), status: z.enum(ASSESSMENT_STATUSES) })
const outcomeChange: z.ZodType<OutcomeChange> = z.object({
  at: col.text,
  by: col.text,
  inSet: z.object({ id: col.text, title: col.text }),
  answers: z.array(z.object({ questionId: col.text, text: col.text, from: col.text.nullable(), to: col.text.nullable() })),
  from: conclusion.nullable(),
  to: conclusion,
  outcomeChanged: col.bool,
})
const outcome: z.ZodType<Outcome> = z.object({
  tier,
  flags: z.array(z.object({ id: col.text, label: col.text, reasons: z.array(col.text) })),
  actions: z.array(z.object({ level: z.enum(ACTION_LEVELS), text: col.text, reason: col.text, source: col.text, ruleId: col.text })),
  firedRules: z.array(z.object({ id: col.text, reason: col.text, source: col.text, tier: tier.optional() })),
})

// ---------------------------------------------------------------------------------------------
// Shared answers
// ---------------------------------------------------------------------------------------------

const answerRow = z.object({ question_id: col.text, value: answerValue })

/** Every answer an entry has, by question id (shared by every set that asks the question). */
export async function entryAnswers(q: Queryable, organisationId: string, entryId: string): Promise<Answers> {
  const rows = await many(q, answerRow, 'select question_id, value from entry_answers where organisation_id = $1 and entry_id = $2',
    [organisationId, entryId])
  return Object.fromEntries(rows.map((r) => [r.question_id, r.value]))
}

export const deleteAnswer = (q: Queryable, organisationId: string, entryId: string, questionId: string) =>
  run(q, 'delete from entry_answers where organisation_id = $1 and entry_id = $2 and question_id = $3', [organisationId, entryId, questionId])

/** Stores an answer for the entry, with the set it was given in and who gave it. */
export const upsertAnswer = (q: Queryable, a: {
  organisationId: string; entryId: string; questionId: string; value: AnswerValue; userId: string; setId: string
}) =>
  run(q,
    `insert into entry_answers (entry_id, organisation_id, question_id, value, answered_by, set_id)
     values ($1, $2, $3, $4, $5, $6)
     on conflict (entry_id, question_id)
     do update set value = excluded.value, answered_by = excluded.answered_by, answered_at = now(), set_id = excluded.set_id`,
    [a.entryId, a.organisationId, a.questionId, JSON.stringify(a.value), a.userId, a.setId])

/** Where each of an entry's answers was last given: the set (null before sets were recorded), who, when. */
export interface AnswerSource {
  setId: string | null
  by: string | null
  at: Date
}

export async function answerSources(q: Queryable, organisationId: string, entryId: string): Promise<Record<string, AnswerSource>> {
  const rows = await many(q, z.object({ question_id: col.text, set_id: col.text.nullable(), by: col.text.nullable(), at: col.timestamp }),
    `select a.question_id, a.set_id, u.name as by, a.answered_at as at from entry_answers a left join users u on u.id = a.answered_by
     where a.organisation_id = $1 and a.entry_id = $2`,
    [organisationId, entryId])
  return Object.fromEntries(rows.map((r) => [r.question_id, { setId: r.set_id, by: r.by, at: r.at }]))
}

// ---------------------------------------------------------------------------------------------
// Assessments and their versions
// ---------------------------------------------------------------------------------------------

const COLUMNS = `a.id, a.set_id, a.set_version, a.status, a.answers, a.outcome, a.updated_at, a.submitted_by,
  su.name as submitted_by_name, a.submitted_at, so.name as signed_off_by_name, a.signed_off_at, a.comment, a.version, a.changes`

const assessmentRow = z.object({
  id: col.uuid, set_id: col.text, set_version: col.int, status: z.enum(ASSESSMENT_STATUSES), answers, outcome: outcome.nullable(),
  updated_at: col.timestamp, submitted_by: col.uuid.nullable(), submitted_by_name: col.text.nullable(), submitted_at: col.timestamp.nullable(),
  signed_off_by_name: col.text.nullable(), signed_off_at: col.timestamp.nullable(), comment: col.text.nullable(), version: col.int,
  changes: z.array(outcomeChange),
}).transform((r): StoredAssessment => ({
  id: r.id, setId: r.set_id, setVersion: r.set_version, status: r.status, answers: r.answers, outcome: r.outcome,
  updatedAt: r.updated_at, submittedBy: r.submitted_by, submittedByName: r.submitted_by_name, submittedAt: r.submitted_at,
  signedOffByName: r.signed_off_by_name, signedOffAt: r.signed_off_at, comment: r.comment, version: r.version,
  changes: r.changes,
}))

/** An entry's assessments in set order; one set's only with `setId`; locked with `forUpdate`. */
export function assessmentsOf(
  q: Queryable, organisationId: string, entryId: string, options: { setId?: string; forUpdate?: boolean } = {},
): Promise<StoredAssessment[]> {
  const { setId, forUpdate = false } = options
  return many(q, assessmentRow,
    `select ${COLUMNS} from assessments a
     left join users su on su.id = a.submitted_by left join users so on so.id = a.signed_off_by
     where a.organisation_id = $1 and a.entry_id = $2 ${setId !== undefined ? 'and a.set_id = $3' : ''}
     order by a.set_id ${forUpdate ? 'for update of a' : ''}`,
    setId !== undefined ? [organisationId, entryId, setId] : [organisationId, entryId])
}

/** Whether the entry has a screening with an outcome that still counts (the lifecycle's "screened"). */
export async function isScreened(q: Queryable, organisationId: string, entryId: string): Promise<boolean> {
  const row = await one(q, z.object({ screened: col.bool }),
    `select exists (select 1 from assessments a where a.entry_id = $2 and a.organisation_id = $1
       and a.set_id = $3 and a.outcome is not null and a.status = any($4::text[])) as screened`,
    [organisationId, entryId, SCREENING, COUNTED])
  return row.screened
}

/** The tier and status of each of an entry's assessments (for the entry's derived tier). */
export const tiersOf = (q: Queryable, organisationId: string, entryId: string): Promise<{ tier: RiskTier | null; status: AssessmentStatus }[]> =>
  many(q, z.object({ tier: tier.nullable(), status: z.enum(ASSESSMENT_STATUSES) }),
    "select outcome->>'tier' as tier, status from assessments where organisation_id = $1 and entry_id = $2",
    [organisationId, entryId])

/**
 * Stores a set's answers and outcome as the entry's assessment of that set: a new one, or the
 * next version of the one there is (a save clears any sign-off). Returns its id.
 */
export async function upsertAssessment(q: Queryable, a: {
  organisationId: string; entryId: string; setId: string; setVersion: number; status: AssessmentStatus
  answers: Answers; outcome: Outcome; userId: string
}): Promise<string> {
  const submitted = a.status === 'submitted'
  const row = await one(q, z.object({ id: col.uuid }),
    `insert into assessments (organisation_id, entry_id, set_id, set_version, status, answers, outcome, created_by,
       submitted_by, submitted_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     on conflict (entry_id, set_id) do update set set_version = excluded.set_version, status = excluded.status,
       answers = excluded.answers, outcome = excluded.outcome, updated_at = now(), version = assessments.version + 1,
       submitted_by = coalesce(excluded.submitted_by, assessments.submitted_by),
       submitted_at = coalesce(excluded.submitted_at, assessments.submitted_at),
       signed_off_by = null, signed_off_at = null, changes = '[]'::jsonb
     returning id`,
    [a.organisationId, a.entryId, a.setId, a.setVersion, a.status, JSON.stringify(a.answers), JSON.stringify(a.outcome), a.userId,
      submitted ? a.userId : null, submitted ? new Date() : null])
  return row.id
}

/** Keeps the assessment's current state as a version, with the action that led to it (and, for a re-evaluation, what changed). */
export const insertVersion = (q: Queryable, v: {
  organisationId: string; assessmentId: string; action: string; comment: string | null; actorId: string; change?: OutcomeChange | undefined
}) =>
  run(q,
    `insert into assessment_versions (organisation_id, assessment_id, version, set_version, status, action, answers, outcome, comment, actor_id, change)
     select organisation_id, id, version, set_version, status, $3, answers, outcome, $4, $5, $6 from assessments
     where id = $1 and organisation_id = $2`,
    [v.assessmentId, v.organisationId, v.action, v.comment, v.actorId, v.change ? JSON.stringify(v.change) : null])

/**
 * Stores a re-evaluation: the assessment's answers brought up to date with the entry's, the fresh
 * outcome, its status (needs review, or unchanged) and what changed, kept until the next save or sign-off.
 */
export const storeReEvaluation = (q: Queryable, organisationId: string, assessmentId: string,
  r: { answers: Answers; outcome: Outcome; status: AssessmentStatus; change: OutcomeChange }) =>
  run(q,
    `update assessments set answers = $3, outcome = $4, status = $5, changes = changes || jsonb_build_array($6::jsonb),
       version = version + 1, updated_at = now()
     where id = $1 and organisation_id = $2`,
    [assessmentId, organisationId, JSON.stringify(r.answers), JSON.stringify(r.outcome), r.status, JSON.stringify(r.change)])

export const markNeedsReview = (q: Queryable, organisationId: string, assessmentId: string) =>
  run(q, "update assessments set status = 'needs_review', version = version + 1, updated_at = now() where id = $1 and organisation_id = $2",
    [assessmentId, organisationId])

export const markSignedOff = (q: Queryable, organisationId: string, assessmentId: string, userId: string) =>
  run(q,
    `update assessments set status = 'signed_off', signed_off_by = $3, signed_off_at = now(), comment = null, changes = '[]'::jsonb,
       version = version + 1, updated_at = now() where id = $1 and organisation_id = $2`,
    [assessmentId, organisationId, userId])

export const markReturned = (q: Queryable, organisationId: string, assessmentId: string, comment: string) =>
  run(q,
    "update assessments set status = 'returned', comment = $3, version = version + 1, updated_at = now() where id = $1 and organisation_id = $2",
    [assessmentId, organisationId, comment])

const versionRow = z.object({
  version: col.int, set_version: col.int, status: col.text, action: col.text, comment: col.text.nullable(), actor: col.text.nullable(),
  at: col.timestamp, outcome: outcome.nullable(), change: outcomeChange.nullable(),
}).transform((r): AssessmentVersion => ({
  version: r.version, setVersion: r.set_version, status: r.status, action: r.action, comment: r.comment, actor: r.actor, at: r.at,
  outcome: r.outcome, change: r.change,
}))

/** Every version of an entry's assessment of a set, newest first. */
export const versionsOf = (q: Queryable, organisationId: string, entryId: string, setId: string) =>
  many(q, versionRow,
    `select v.version, v.set_version, v.status, v.action, v.comment, u.name as actor, v.at, v.outcome, v.change
     from assessment_versions v join assessments a on a.id = v.assessment_id
     left join users u on u.id = v.actor_id
     where a.organisation_id = $1 and a.entry_id = $2 and a.set_id = $3 order by v.id desc`,
    [organisationId, entryId, setId])

// ---------------------------------------------------------------------------------------------
// Required actions
// ---------------------------------------------------------------------------------------------

/** An action as stored: what the service turns into a RequiredAction (adding whether it needs an owner). */
export type StoredAction = Omit<RequiredAction, 'ownerRequired'>

const sourceJson = z.object({ setId: col.text, ruleId: col.text, reason: col.text, source: col.text })
const actionRow = z.object({
  id: col.uuid, action_key: col.text, level: z.enum(ACTION_LEVELS), text: col.text, status: z.enum(ACTION_STATUSES),
  owner: col.text.nullable(), due_date: col.date.nullable(), sources: z.array(sourceJson),
}).transform((r): StoredAction => ({
  id: r.id, key: r.action_key, level: r.level, text: r.text, sources: r.sources, status: r.status, owner: r.owner, dueDate: r.due_date,
}))

const ACTION_COLUMNS = `a.id, a.action_key, a.level, a.text, a.status, a.owner, a.due_date,
  coalesce((select json_agg(json_build_object('setId', s.set_id, 'ruleId', s.rule_id, 'reason', s.reason, 'source', s.source)
    order by s.set_id, s.rule_id) from entry_action_sources s where s.action_id = a.id), '[]'::json) as sources`

/** The entry's current required actions (those a rule still asks for), MUST before SHOULD before COULD; locked with `forUpdate`. */
export const currentActions = (q: Queryable, organisationId: string, entryId: string, options: { forUpdate?: boolean } = {}) =>
  many(q, actionRow,
    `select ${ACTION_COLUMNS} from entry_actions a
     where a.organisation_id = $1 and a.entry_id = $2 and a.current
     order by case a.level when 'MUST' then 0 when 'SHOULD' then 1 else 2 end, a.text, a.id
     ${options.forUpdate ? 'for update of a' : ''}`,
    [organisationId, entryId])

/**
 * Makes the entry's actions say what one set's outcome asks for now: that set's sources are
 * replaced by `wanted`'s (an action is added, or made current again keeping its owner, due date
 * and status), and an action stays current while any source, from any set, still asks for it.
 */
export async function syncActionSources(q: Queryable, a: {
  organisationId: string; entryId: string; setId: string; userId: string; wanted: readonly WantedAction[]
}): Promise<void> {
  await run(q,
    `delete from entry_action_sources s using entry_actions a
     where s.action_id = a.id and a.organisation_id = $1 and a.entry_id = $2 and s.set_id = $3`,
    [a.organisationId, a.entryId, a.setId])
  for (const action of a.wanted) {
    const row = await one(q, z.object({ id: col.uuid }),
      `insert into entry_actions (organisation_id, entry_id, action_key, level, text, updated_by)
       values ($1, $2, $3, $4, $5, $6)
       on conflict (entry_id, action_key) do update set level = excluded.level, text = excluded.text, current = true
       returning id`,
      [a.organisationId, a.entryId, action.key, action.level, action.text, a.userId])
    for (const source of action.sources) {
      await run(q,
        `insert into entry_action_sources (action_id, organisation_id, set_id, rule_id, reason, source)
         values ($1, $2, $3, $4, $5, $6)
         on conflict (action_id, set_id, rule_id) do update set reason = excluded.reason, source = excluded.source`,
        [row.id, a.organisationId, source.setId, source.ruleId, source.reason, source.source])
    }
  }
  await run(q,
    `update entry_actions a set current = exists (select 1 from entry_action_sources s where s.action_id = a.id)
     where a.organisation_id = $1 and a.entry_id = $2`,
    [a.organisationId, a.entryId])
}

/** Sets an action's status, owner and due date; returns its text, or null if the entry has no such action. */
export async function updateAction(
  q: Queryable, organisationId: string, entryId: string, actionId: string, patch: ActionPatch, userId: string,
): Promise<string | null> {
  const row = await maybeOne(q, z.object({ text: col.text }),
    `update entry_actions set status = $4, owner = $5, due_date = $6, updated_by = $7, updated_at = now()
     where organisation_id = $1 and entry_id = $2 and id = $3 returning text`,
    [organisationId, entryId, actionId, patch.status, patch.owner, patch.dueDate, userId])
  return row?.text ?? null
}

// ---------------------------------------------------------------------------------------------
// Risks added by hand
// ---------------------------------------------------------------------------------------------

/** A risk as stored in entry_risks (the bands are worked out by risks.ts). */
export interface StoredRisk {
  id: string
  category: string
  description: string
  likelihood: number
  impact: number
  residualLikelihood: number | null
  residualImpact: number | null
  owner: string | null
  mitigation: string | null
  reviewDate: string | null
}

const riskRow = z.object({
  id: col.uuid, category: col.text, description: col.text, likelihood: col.int, impact: col.int,
  residual_likelihood: col.int.nullable(), residual_impact: col.int.nullable(), owner: col.text.nullable(),
  mitigation: col.text.nullable(), review_date: col.date.nullable(),
}).transform((r): StoredRisk => ({
  id: r.id, category: r.category, description: r.description, likelihood: r.likelihood, impact: r.impact,
  residualLikelihood: r.residual_likelihood, residualImpact: r.residual_impact, owner: r.owner, mitigation: r.mitigation,
  reviewDate: r.review_date,
}))

/** The risks added by hand to an entry, oldest first. */
export const manualRisks = (q: Queryable, organisationId: string, entryId: string) =>
  many(q, riskRow,
    `select id, category, description, likelihood, impact, residual_likelihood, residual_impact, owner, mitigation, review_date
     from entry_risks where organisation_id = $1 and entry_id = $2 order by created_at`,
    [organisationId, entryId])

export const insertRisk = (q: Queryable, organisationId: string, entryId: string, r: Omit<StoredRisk, 'id'>, userId: string) =>
  run(q,
    `insert into entry_risks (organisation_id, entry_id, category, description, likelihood, impact, residual_likelihood,
       residual_impact, owner, mitigation, review_date, created_by)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [organisationId, entryId, r.category, r.description, r.likelihood, r.impact, r.residualLikelihood, r.residualImpact,
      r.owner, r.mitigation, r.reviewDate, userId])

/** Deletes a risk added by hand; returns its description, or null if the entry has no such risk. */
export async function deleteRisk(q: Queryable, organisationId: string, entryId: string, riskId: string): Promise<string | null> {
  const row = await maybeOne(q, z.object({ description: col.text }),
    'delete from entry_risks where organisation_id = $1 and entry_id = $2 and id = $3 returning description',
    [organisationId, entryId, riskId])
  return row?.description ?? null
}

/** Submitted assessments someone other than `userId` submitted: what an assessor may sign off. Oldest first, with the total. */
export const awaitingSignOff = (q: Queryable, organisationId: string, userId: string, limit: number) =>
  many(q, z.object({ id: col.uuid, entry_id: col.uuid, set_id: col.text, submitted_at: col.timestamp.nullable(), total: col.int }),
    `select id, entry_id, set_id, submitted_at, (count(*) over ())::int as total from assessments
     where organisation_id = $1 and status = 'submitted' and submitted_by is distinct from $2
     order by submitted_at nulls first, id limit $3`, [organisationId, userId, limit])

/** Open, current required actions whose owner is written as one of `owners` (lower-cased), the earliest due first, with the total. */
export const actionsOwnedBy = (q: Queryable, organisationId: string, owners: readonly string[], limit: number) =>
  many(q, z.object({ id: col.uuid, entry_id: col.uuid, level: z.enum(ACTION_LEVELS), text: col.text, due_date: col.date.nullable(), total: col.int }),
    `select id, entry_id, level, text, due_date, (count(*) over ())::int as total from entry_actions
     where organisation_id = $1 and current and status = 'open' and lower(btrim(owner)) = any($2::text[])
     order by due_date nulls last, level, text limit $3`, [organisationId, owners, limit])

/** The dashboard's counts: assessments awaiting sign-off or review or returned, and open current actions by level (overdue apart). */
export const dashboardCounts = (q: Queryable, organisationId: string, today: string) =>
  one(q, z.object({
    submitted: col.int, needs_review: col.int, returned: col.int,
    actions: z.array(z.object({ level: z.enum(ACTION_LEVELS), n: col.int, overdue: col.int })),
  }),
    `select s.submitted, s.needs_review, s.returned,
       (select coalesce(json_agg(a), '[]') from (
          select level, count(*)::int as n, (count(*) filter (where due_date < $2::date))::int as overdue
          from entry_actions where organisation_id = $1 and current and status = 'open' group by level) a) as actions
     from (select (count(*) filter (where status = 'submitted'))::int as submitted,
             (count(*) filter (where status = 'needs_review'))::int as needs_review,
             (count(*) filter (where status = 'returned'))::int as returned
           from assessments where organisation_id = $1 and status in ('submitted', 'needs_review', 'returned')) s`,
    [organisationId, today])
