import { z } from 'zod'
import type { Queryable } from '../../platform/db/db.ts'
import { col, many, maybeOne, run } from '../../platform/db/rows.ts'

/** Every organisation taking part in the benchmark. */
export const participantIds = async (q: Queryable): Promise<string[]> =>
  (await many(q, z.object({ organisation_id: col.uuid }), 'select organisation_id from benchmark_participants')).map((r) => r.organisation_id)

export const participation = (q: Queryable, organisationId: string) =>
  maybeOne(q, z.object({ joined_at: col.timestamp }), 'select joined_at from benchmark_participants where organisation_id = $1', [organisationId])

/** Joins (true when the organisation was not already in). */
export const join = async (q: Queryable, organisationId: string, userId: string): Promise<boolean> =>
  (await run(q, `insert into benchmark_participants (organisation_id, joined_by) values ($1, $2)
    on conflict (organisation_id) do nothing returning organisation_id`, [organisationId, userId])) === 1

/** Leaves (true when the organisation was in). */
export const leave = async (q: Queryable, organisationId: string): Promise<boolean> =>
  (await run(q, 'delete from benchmark_participants where organisation_id = $1 returning organisation_id', [organisationId])) === 1

/**
 * The change signal (migration 202612050400): a number that moves on whenever a table any
 * figure reads is written to. Read before computing, so a change during the computation makes the
 * next request compute again.
 */
export const changes = async (q: Queryable): Promise<string> => {
  const r = await maybeOne(q, z.object({ v: col.text }), "select last_value::text || case when is_called then '+' else '' end as v from benchmark_changes")
  return r?.v ?? ''
}
