import { z } from 'zod'
import type { Queryable } from './db/db.ts'
import { col, many, run } from './db/rows.ts'

const auditRow = z.object({
  id: col.int, actor_name: col.text.nullable(), action: col.text, changes: z.record(z.string(), z.unknown()), at: col.timestamp,
})

export interface FieldChange {
  from: unknown
  to: unknown
}
export type Changes = Record<string, FieldChange>

export interface AuditInput {
  organisationId: string | null
  actorId: string | null
  entityType: string
  entityId: string | null
  action: string
  changes?: Changes | Record<string, unknown>
}

/** Writes one audit event; call it inside the transaction that makes the change. */
export async function recordAudit(tx: Queryable, e: AuditInput): Promise<void> {
  await run(tx,
    `insert into audit_events (organisation_id, actor_id, entity_type, entity_id, action, changes)
     values ($1, $2, $3, $4, $5, $6)`,
    [e.organisationId, e.actorId, e.entityType, e.entityId, e.action, JSON.stringify(e.changes ?? {})],
  )
}

/** Writes many audit events in one statement (bulk actions such as a staff import); inside the transaction. */
export async function recordAudits(tx: Queryable, events: readonly AuditInput[]): Promise<void> {
  if (!events.length) return
  await run(tx,
    `insert into audit_events (organisation_id, actor_id, entity_type, entity_id, action, changes)
     select o, a, t, e, x, c::jsonb from unnest($1::uuid[], $2::uuid[], $3::text[], $4::uuid[], $5::text[], $6::text[]) as u(o, a, t, e, x, c)`,
    [events.map((e) => e.organisationId), events.map((e) => e.actorId), events.map((e) => e.entityType), events.map((e) => e.entityId),
      events.map((e) => e.action), events.map((e) => JSON.stringify(e.changes ?? {}))],
  )
}

/** The fields whose values differ between two versions of a record. */
export function diff<T extends object>(before: T, after: Partial<T>, fields: readonly (keyof T)[]): Changes {
  const changes: Changes = {}
  for (const f of fields) {
    if (!(f in after)) continue
    const from = before[f] ?? null
    const to = after[f] ?? null
    if (JSON.stringify(from) !== JSON.stringify(to)) changes[String(f)] = { from, to }
  }
  return changes
}

export interface AuditEvent {
  id: number
  actorName: string | null
  action: string
  changes: Record<string, unknown>
  at: Date
}

export async function auditTrail(q: Queryable, organisationId: string, entityType: string, entityId: string): Promise<AuditEvent[]> {
  const rows = await many(q, auditRow,
    `select a.id, u.name as actor_name, a.action, a.changes, a.at
     from audit_events a left join users u on u.id = a.actor_id
     where a.organisation_id = $1 and a.entity_type = $2 and a.entity_id = $3
     order by a.id desc`,
    [organisationId, entityType, entityId],
  )
  return rows.map((r) => ({ id: r.id, actorName: r.actor_name, action: r.action, changes: r.changes, at: r.at }))
}

/** Per organisation: audit events in the last `days` days and the time of the latest (usage figures; no content). */
export async function activityByOrganisation(q: Queryable, days: number): Promise<Map<string, { events: number; lastAt: Date | null }>> {
  const rows = await many(q, z.object({ organisation_id: col.uuid, events: col.int, last_at: col.timestamp.nullable() }),
    `select organisation_id, count(*) filter (where at > now() - make_interval(days => $1))::int as events, max(at) as last_at
     from audit_events where organisation_id is not null group by organisation_id`, [days])
  return new Map(rows.map((r) => [r.organisation_id, { events: r.events, lastAt: r.last_at }]))
}
