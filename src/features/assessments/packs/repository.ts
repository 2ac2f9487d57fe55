/** Framework packs: all the SQL (question_set_packs, its organisations, the generation counter). */
import { z } from 'zod'
import type { Queryable } from '../../../platform/db/db.ts'
import { col, many, maybeOne, one, run } from '../../../platform/db/rows.ts'
import { PACK_STATUSES, type PackAudience, type PackRow } from './model.ts'

const packRow = z.object({
  id: col.uuid, set_id: col.text, set_version: col.int, title: col.text, file_name: col.text, yaml: col.text,
  status: z.enum(PACK_STATUSES), audience: z.enum(['all', 'selected']),
  uploaded_by_name: col.text.nullable(), uploaded_at: col.timestamp,
  live_by_name: col.text.nullable(), live_at: col.timestamp.nullable(),
  withdrawn_by_name: col.text.nullable(), withdrawn_at: col.timestamp.nullable(),
  organisation_ids: z.array(col.uuid),
})

const SELECT = `select p.id, p.set_id, p.set_version, p.title, p.file_name, p.yaml, p.status, p.audience,
    uu.name as uploaded_by_name, p.uploaded_at, lu.name as live_by_name, p.live_at, wu.name as withdrawn_by_name, p.withdrawn_at,
    coalesce((select array_agg(o.organisation_id order by o.organisation_id) from question_set_pack_organisations o where o.pack_id = p.id),
      '{}'::uuid[]) as organisation_ids
  from question_set_packs p
  left join users uu on uu.id = p.uploaded_by
  left join users lu on lu.id = p.live_by
  left join users wu on wu.id = p.withdrawn_by`

const toPack = (r: z.infer<typeof packRow>): PackRow => ({
  id: r.id, setId: r.set_id, setVersion: r.set_version, title: r.title, fileName: r.file_name, yaml: r.yaml, status: r.status,
  audience: r.audience, organisationIds: r.organisation_ids,
  uploadedBy: r.uploaded_by_name, uploadedAt: r.uploaded_at, liveBy: r.live_by_name, liveAt: r.live_at,
  withdrawnBy: r.withdrawn_by_name, withdrawnAt: r.withdrawn_at,
})

/** Every pack, newest upload first. */
export const listPacks = async (q: Queryable): Promise<PackRow[]> =>
  (await many(q, packRow, `${SELECT} order by p.set_id, p.set_version desc`)).map(toPack)

/** The packs in force or once in force (live and withdrawn), oldest first: what the registry loads. */
export const packsInForce = async (q: Queryable): Promise<PackRow[]> =>
  (await many(q, packRow, `${SELECT} where p.status <> 'draft' order by p.live_at, p.id`)).map(toPack)

export async function getPack(q: Queryable, id: string, opts: { forUpdate?: boolean } = {}): Promise<PackRow | null> {
  if (opts.forUpdate) await run(q, 'select 1 from question_set_packs where id = $1 for update', [id])
  const r = await maybeOne(q, packRow, `${SELECT} where p.id = $1`, [id])
  return r ? toPack(r) : null
}

export async function packFor(q: Queryable, setId: string, version: number): Promise<PackRow | null> {
  const r = await maybeOne(q, packRow, `${SELECT} where p.set_id = $1 and p.set_version = $2`, [setId, version])
  return r ? toPack(r) : null
}

export const insertPack = async (q: Queryable, p: { setId: string; setVersion: number; title: string; fileName: string; yaml: string; userId: string }) =>
  (await one(q, z.object({ id: col.uuid }),
    `insert into question_set_packs (set_id, set_version, title, file_name, yaml, uploaded_by) values ($1, $2, $3, $4, $5, $6) returning id`,
    [p.setId, p.setVersion, p.title, p.fileName, p.yaml, p.userId])).id

/** A draft uploaded again: its YAML replaced. */
export const replaceDraft = (q: Queryable, id: string, p: { title: string; fileName: string; yaml: string; userId: string }) =>
  run(q, `update question_set_packs set title = $2, file_name = $3, yaml = $4, uploaded_by = $5, uploaded_at = now()
    where id = $1 and status = 'draft'`, [id, p.title, p.fileName, p.yaml, p.userId])

export async function setLive(q: Queryable, id: string, audience: PackAudience, userId: string): Promise<void> {
  await run(q, `update question_set_packs set status = 'live', audience = $2, live_by = $3, live_at = coalesce(live_at, now()) where id = $1`,
    [id, audience.kind, userId])
  await run(q, 'delete from question_set_pack_organisations where pack_id = $1', [id])
  if (audience.kind === 'selected') {
    await run(q, `insert into question_set_pack_organisations (pack_id, organisation_id) select $1, unnest($2::uuid[])`, [id, audience.organisationIds])
  }
}

export const setWithdrawn = (q: Queryable, id: string, userId: string) =>
  run(q, `update question_set_packs set status = 'withdrawn', withdrawn_by = $2, withdrawn_at = now() where id = $1 and status = 'live'`, [id, userId])

export const deleteDraft = (q: Queryable, id: string) => run(q, `delete from question_set_packs where id = $1 and status = 'draft'`, [id])

/** The generation every go-live and withdrawal moves on. */
export const generation = async (q: Queryable): Promise<number> =>
  (await one(q, z.object({ generation: z.coerce.number() }), 'select generation from question_set_pack_generation where id = 1')).generation

export const bumpGeneration = async (q: Queryable): Promise<number> =>
  (await one(q, z.object({ generation: z.coerce.number() }),
    'update question_set_pack_generation set generation = generation + 1 where id = 1 returning generation')).generation

/** A pack's audit events (platform-level: no organisation), newest first. */
export const packAudit = (q: Queryable, id: string) =>
  many(q, z.object({ action: col.text, at: col.timestamp, actor: col.text.nullable(), changes: z.record(z.string(), z.unknown()) }),
    `select a.action, a.at, u.name as actor, a.changes from audit_events a left join users u on u.id = a.actor_id
     where a.entity_type = 'question_set_pack' and a.entity_id = $1 and a.organisation_id is null order by a.id desc`, [id])
