import { z } from 'zod'
import type { Queryable } from '../../platform/db/db.ts'
import { col, many, maybeOne, one, run } from '../../platform/db/rows.ts'
import { RISK_TIERS } from '../register/model.ts'
import { type Adoption, sharedContent, type SharedContent } from './model.ts'

/** All of the use-case library's SQL (its own tables only). */

export interface SharedUse {
  id: string
  organisationId: string
  organisationName: string
  entryId: string
  entryVersion: number
  content: SharedContent
  sharedAt: Date
}

const sharedRow = z.object({
  id: col.uuid, organisation_id: col.uuid, organisation_name: col.text, entry_id: col.uuid, entry_version: col.int,
  content: sharedContent, shared_at: col.timestamp,
}).transform((r): SharedUse => ({
  id: r.id, organisationId: r.organisation_id, organisationName: r.organisation_name, entryId: r.entry_id,
  entryVersion: r.entry_version, content: r.content, sharedAt: r.shared_at,
}))

const SHARED = 'select id, organisation_id, organisation_name, entry_id, entry_version, content, shared_at from shared_use_cases'

/**
 * Current shares from every organisation: each of `words` somewhere in the copy's text, and the
 * tier given (or "unscreened": none). Newest first, at most `limit`.
 */
export function listShared(q: Queryable, filter: { words: string[]; tier?: (typeof RISK_TIERS)[number] | 'unscreened' }, limit = 200) {
  return many(q, sharedRow,
    `${SHARED} where withdrawn_at is null
       and not exists (select 1 from unnest($1::text[]) w where position(w in search_text) = 0)
       and ($2::text is null or ($2 = 'unscreened' and risk_tier is null) or risk_tier = $2)
     order by shared_at desc, id limit $3`,
    [filter.words, filter.tier ?? null, limit])
}

/** A current share, from any organisation (the library is shared by all). */
export const findShared = (q: Queryable, id: string) => maybeOne(q, sharedRow, `${SHARED} where id = $1 and withdrawn_at is null`, [id])

/** The organisation's current share of one of its entries, or null. */
export const currentShareOf = (q: Queryable, organisationId: string, entryId: string, forUpdate = false) =>
  maybeOne(q, sharedRow, `${SHARED} where organisation_id = $1 and entry_id = $2 and withdrawn_at is null${forUpdate ? ' for update' : ''}`,
    [organisationId, entryId])

export async function insertShare(
  q: Queryable, s: { organisationId: string; organisationName: string; entryId: string; entryVersion: number; content: SharedContent; searchText: string; userId: string },
): Promise<SharedUse> {
  return one(q, sharedRow,
    `insert into shared_use_cases (organisation_id, organisation_name, entry_id, entry_version, content, risk_tier, search_text, shared_by)
     values ($1, $2, $3, $4, $5, $6, $7, $8)
     returning id, organisation_id, organisation_name, entry_id, entry_version, content, shared_at`,
    [s.organisationId, s.organisationName, s.entryId, s.entryVersion, JSON.stringify(s.content), s.content.riskTier, s.searchText, s.userId])
}

/** Withdraws the share; true when there was one to withdraw. */
export async function withdrawShare(q: Queryable, organisationId: string, id: string, userId: string): Promise<boolean> {
  return (await run(q, `update shared_use_cases set withdrawn_at = now(), withdrawn_by = $3
    where organisation_id = $1 and id = $2 and withdrawn_at is null returning id`, [organisationId, id, userId])) === 1
}

const adoptionRow = z.object({
  entry_id: col.uuid, source_kind: z.enum(['library', 'shared']), source_id: col.text, source_title: col.text,
  source_organisation: col.text.nullable(), adopted_at: col.timestamp,
}).transform((r): Adoption => ({
  entryId: r.entry_id, sourceKind: r.source_kind, sourceId: r.source_id, sourceTitle: r.source_title,
  sourceOrganisation: r.source_organisation, adoptedAt: r.adopted_at,
}))

export const insertAdoption = (q: Queryable, a: { organisationId: string; entryId: string; sourceKind: 'library' | 'shared'; sourceId: string; sourceTitle: string; sourceOrganisation: string | null; userId: string }) =>
  run(q, `insert into library_adoptions (entry_id, organisation_id, source_kind, source_id, source_title, source_organisation, adopted_by)
    values ($1, $2, $3, $4, $5, $6, $7)`,
  [a.entryId, a.organisationId, a.sourceKind, a.sourceId, a.sourceTitle, a.sourceOrganisation, a.userId])

export const adoptionOf = (q: Queryable, organisationId: string, entryId: string) =>
  maybeOne(q, adoptionRow, `select entry_id, source_kind, source_id, source_title, source_organisation, adopted_at
    from library_adoptions where organisation_id = $1 and entry_id = $2`, [organisationId, entryId])
