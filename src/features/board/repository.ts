import { z } from 'zod'
import type { Queryable } from '../../platform/db/db.ts'
import { col, many, maybeOne, one, run } from '../../platform/db/rows.ts'
import { type Decision, DECISION_OUTCOMES, type DecisionOutcome, type Stake, STAKES } from './model.ts'

/** All of the board's SQL (decisions and their conditions). Every query is scoped by organisation. */

const stakes = z.array(z.enum(STAKES))

const conditionJson = z.object({
  id: col.uuid,
  text: col.text,
  status: z.enum(['open', 'met', 'waived']),
  // Inside json_agg a timestamp arrives as text.
  closed_at: z.string().nullable(),
  separation_relaxed: col.bool,
  closer_stakes: stakes,
  action_id: col.uuid.nullable(),
  waiver_reason: col.text.nullable(),
})

const decisionRow = z.object({
  id: col.uuid,
  outcome: z.enum(DECISION_OUTCOMES),
  rationale: col.text,
  review_date: col.date.nullable(),
  decided_by: col.text,
  decided_at: col.timestamp,
  separation_relaxed: col.bool,
  decider_stakes: stakes,
  conditions: z.array(conditionJson),
}).transform((r): Decision => ({
  id: r.id, outcome: r.outcome, rationale: r.rationale, reviewDate: r.review_date, decidedBy: r.decided_by,
  decidedAt: r.decided_at, separationRelaxed: r.separation_relaxed, deciderStakes: r.decider_stakes,
  conditions: r.conditions.map((c) => ({
    id: c.id, text: c.text, status: c.status, closedAt: c.closed_at ? new Date(c.closed_at) : null,
    separationRelaxed: c.separation_relaxed, closerStakes: c.closer_stakes, actionId: c.action_id, waiverReason: c.waiver_reason,
  })),
}))

/**
 * The lifecycle's "approved" (the latest decision approves), "open conditions" and "actions the
 * board accepted leaving open" (by the latest decision, if it approves) facts.
 */
export async function lifecycleFacts(
  q: Queryable, organisationId: string, entryId: string, approving: readonly DecisionOutcome[],
): Promise<{ approved: boolean; openConditions: number; acceptedOpenActions: string[] }> {
  const row = await one(q, z.object({ approved: col.bool, open_conditions: col.int, accepted: z.array(col.uuid) }),
    `with latest as (
       select d.id, d.outcome = any($3::text[]) as approving from decisions d
       where d.entry_id = $2 and d.organisation_id = $1
       order by d.decided_at desc, d.id desc limit 1)
     select
       coalesce((select approving from latest), false) as approved,
       (select count(*)::int from decision_conditions c
         where c.entry_id = $2 and c.organisation_id = $1 and c.status = 'open') as open_conditions,
       coalesce((select array_agg(c.action_id order by c.action_id) from decision_conditions c join latest l on l.id = c.decision_id
         where l.approving and c.organisation_id = $1 and c.action_id is not null and c.status = 'waived'), '{}'::uuid[]) as accepted`,
    [organisationId, entryId, approving])
  return { approved: row.approved, openConditions: row.open_conditions, acceptedOpenActions: row.accepted }
}

/** An entry's decisions, newest first, each with its conditions. */
export const listDecisions = (q: Queryable, organisationId: string, entryId: string): Promise<Decision[]> =>
  many(q, decisionRow,
    `select d.id, d.outcome, d.rationale, d.review_date, u.name as decided_by, d.decided_at, d.separation_relaxed, d.decider_stakes,
       coalesce((select json_agg(json_build_object('id', c.id, 'text', c.text, 'status', c.status, 'closed_at', c.closed_at,
                   'separation_relaxed', c.separation_relaxed, 'closer_stakes', c.closer_stakes, 'action_id', c.action_id,
                   'waiver_reason', c.waiver_reason) order by c.text)
         from decision_conditions c where c.decision_id = d.id), '[]'::json) as conditions
     from decisions d join users u on u.id = d.decided_by
     where d.organisation_id = $1 and d.entry_id = $2
     order by d.decided_at desc, d.id desc`,
    [organisationId, entryId])

export interface NewDecision {
  organisationId: string
  entryId: string
  outcome: DecisionOutcome
  rationale: string
  reviewDate: string | null
  decidedBy: string
  separationRelaxed: boolean
  deciderStakes: Stake[]
}

export async function insertDecision(q: Queryable, d: NewDecision): Promise<string> {
  const row = await one(q, z.object({ id: col.uuid }),
    `insert into decisions (organisation_id, entry_id, outcome, rationale, review_date, decided_by, separation_relaxed, decider_stakes)
     values ($1, $2, $3, $4, $5, $6, $7, $8) returning id`,
    [d.organisationId, d.entryId, d.outcome, d.rationale, d.reviewDate, d.decidedBy, d.separationRelaxed, d.deciderStakes])
  return row.id
}

export const insertCondition = (q: Queryable, organisationId: string, decisionId: string, entryId: string, text: string) =>
  run(q, 'insert into decision_conditions (organisation_id, decision_id, entry_id, text) values ($1, $2, $3, $4)',
    [organisationId, decisionId, entryId, text])

/** An open action the board accepts leaving open: a condition of the decision, waived at once with the reason. */
export const insertAcceptedAction = (q: Queryable, c: {
  organisationId: string; decisionId: string; entryId: string; text: string; actionId: string; reason: string
  closedBy: string; separationRelaxed: boolean; closerStakes: Stake[]
}) =>
  run(q,
    `insert into decision_conditions (organisation_id, decision_id, entry_id, text, status, closed_by, closed_at, separation_relaxed,
       closer_stakes, action_id, waiver_reason)
     values ($1, $2, $3, $4, 'waived', $5, now(), $6, $7, $8, $9)`,
    [c.organisationId, c.decisionId, c.entryId, c.text, c.closedBy, c.separationRelaxed, c.closerStakes, c.actionId, c.reason])

export interface ConditionClosing {
  organisationId: string
  entryId: string
  conditionId: string
  status: 'met' | 'waived'
  closedBy: string
  separationRelaxed: boolean
  closerStakes: Stake[]
}

/** Closes an open condition; its text, or null when there is no such open condition. */
export async function closeCondition(q: Queryable, c: ConditionClosing): Promise<string | null> {
  const row = await maybeOne(q, z.object({ text: col.text }),
    `update decision_conditions set status = $4, closed_by = $5, closed_at = now(), separation_relaxed = $6, closer_stakes = $7
     where organisation_id = $1 and entry_id = $2 and id = $3 and status = 'open' returning text`,
    [c.organisationId, c.entryId, c.conditionId, c.status, c.closedBy, c.separationRelaxed, c.closerStakes])
  return row?.text ?? null
}
