import { z } from 'zod'
import type { Queryable } from '../../platform/db/db.ts'
import { col, many, one, run } from '../../platform/db/rows.ts'
import type { DimensionScore, MaturityAssessment } from './model.ts'

/** All of the maturity feature's SQL: maturity_assessments and maturity_scores. */

export async function insertAssessment(tx: Queryable, a: { organisationId: string; modelVersion: number; userId: string; scores: readonly DimensionScore[] }) {
  const made = await one(tx, z.object({ id: col.uuid, submitted_at: col.timestamp }),
    `insert into maturity_assessments (organisation_id, model_version, submitted_by) values ($1, $2, $3) returning id, submitted_at`,
    [a.organisationId, a.modelVersion, a.userId])
  await run(tx, `insert into maturity_scores (assessment_id, organisation_id, dimension, score, evidence)
    select $1, $2, d, s, e from unnest($3::text[], $4::int[], $5::text[]) as u(d, s, e)`,
  [made.id, a.organisationId, a.scores.map((s) => s.dimension), a.scores.map((s) => s.score), a.scores.map((s) => s.evidence)])
  return { id: made.id, submittedAt: made.submitted_at }
}

const assessmentRow = z.object({
  id: col.uuid, model_version: col.int, submitted_at: col.timestamp, submitted_by: col.text.nullable(),
  scores: z.array(z.object({ dimension: col.text, score: col.int, evidence: col.text })),
}).transform((r): MaturityAssessment => ({
  id: r.id, modelVersion: r.model_version, submittedAt: r.submitted_at, submittedBy: r.submitted_by, scores: r.scores,
}))

/** The organisation's assessments, oldest first, each with its scores and who submitted it. */
export const assessmentsOf = (q: Queryable, organisationId: string) =>
  many(q, assessmentRow, `select a.id, a.model_version, a.submitted_at, u.name as submitted_by,
      (select coalesce(json_agg(json_build_object('dimension', s.dimension, 'score', s.score, 'evidence', s.evidence)), '[]')
         from maturity_scores s where s.assessment_id = a.id) as scores
    from maturity_assessments a left join users u on u.id = a.submitted_by
    where a.organisation_id = $1 order by a.submitted_at, a.id`, [organisationId])

/**
 * For each dimension, how many of these organisations' latest assessments put it at each level:
 * one statement, grouped in SQL (the sector benchmark).
 */
export const latestDistribution = (q: Queryable, organisationIds: readonly string[]) =>
  many(q, z.object({ dimension: col.text, score: col.int, n: col.int }),
    `with latest as (
       select distinct on (organisation_id) id from maturity_assessments
       where organisation_id = any($1::uuid[]) order by organisation_id, submitted_at desc, id desc)
     select s.dimension, s.score, count(*)::int as n from maturity_scores s join latest l on l.id = s.assessment_id
     group by s.dimension, s.score`, [organisationIds])
