import { z } from 'zod'
import type { Queryable } from '../../platform/db/db.ts'
import { col, many, maybeOne, one, run } from '../../platform/db/rows.ts'
import type { ExternalRecord } from './atrsIndex.ts'

/** All of the interchange feature's SQL: where imported records came from, and references to records published elsewhere. */

export type ImportFormat = 'nl-register' | 'atrs'

/**
 * The account imported versions name as their publisher (made by the migration): inactive, in no
 * organisation, with a password hash no password matches, so it can never sign in.
 */
export const IMPORT_ACCOUNT_ID = '00000000-0000-4000-8000-0000000a1607'

export interface ImportSourceRow {
  id: string
  organisationId: string
  entryId: string
  recordId: string
  contentHash: string
}

const sourceRow = z.object({ id: col.uuid, organisation_id: col.uuid, entry_id: col.uuid, record_id: col.uuid, content_hash: col.text })
  .transform((r): ImportSourceRow => ({ id: r.id, organisationId: r.organisation_id, entryId: r.entry_id, recordId: r.record_id, contentHash: r.content_hash }))

/** Every source row already imported in a format (for one organisation, or any), by source id. */
export async function sourcesOf(q: Queryable, format: ImportFormat, organisationId: string | null): Promise<Map<string, ImportSourceRow>> {
  const rows = await many(q, z.object({ source_id: col.text }).and(z.object({ id: col.uuid, organisation_id: col.uuid, entry_id: col.uuid, record_id: col.uuid, content_hash: col.text })),
    `select source_id, id, organisation_id, entry_id, record_id, content_hash from import_sources
     where format = $1 and ($2::uuid is null or organisation_id = $2) for update`,
    [format, organisationId])
  return new Map(rows.map((r) => [r.source_id, sourceRow.parse(r)]))
}

export interface NewSource {
  format: ImportFormat; sourceId: string; organisationId: string; entryId: string; recordId: string; recordSlug: string; contentHash: string
  source: Record<string, unknown>; fileName: string | null
}

export const insertSource = (q: Queryable, s: NewSource) =>
  run(q,
    `insert into import_sources (format, source_id, organisation_id, entry_id, record_id, record_slug, content_hash, source, file_name)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [s.format, s.sourceId, s.organisationId, s.entryId, s.recordId, s.recordSlug, s.contentHash, JSON.stringify(s.source), s.fileName])

/** Many source rows in one statement (an import's new rows). */
export async function insertSources(q: Queryable, rows: readonly NewSource[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500).map((s) => ({
      format: s.format, source_id: s.sourceId, organisation_id: s.organisationId, entry_id: s.entryId, record_id: s.recordId,
      record_slug: s.recordSlug, content_hash: s.contentHash, source: s.source, file_name: s.fileName,
    }))
    await run(q,
      `insert into import_sources (format, source_id, organisation_id, entry_id, record_id, record_slug, content_hash, source, file_name)
       select format, source_id, organisation_id, entry_id, record_id, record_slug, content_hash, source, file_name
       from jsonb_to_recordset($1::jsonb) as x(format text, source_id text, organisation_id uuid, entry_id uuid, record_id uuid,
         record_slug text, content_hash text, source jsonb, file_name text)`,
      [JSON.stringify(chunk)])
  }
}

export const updateSource = (q: Queryable, id: string, contentHash: string, source: Record<string, unknown>, fileName: string | null) =>
  run(q, 'update import_sources set content_hash = $2, source = $3, file_name = $4, updated_at = now() where id = $1',
    [id, contentHash, JSON.stringify(source), fileName])

/** Where the published record at "<organisation slug>/<record slug>" came from, if imported. */
export const sourceOfPublicRecord = (q: Queryable, orgSlug: string, recordSlug: string) =>
  maybeOne(q, z.object({ format: col.text, source_id: col.text, source: z.record(z.string(), z.unknown()) }),
    `select s.format, s.source_id, s.source from import_sources s
     join organisations o on o.id = s.organisation_id
     where o.slug = $1 and s.record_slug = $2 order by s.updated_at desc limit 1`, [orgSlug, recordSlug])

export async function countSources(q: Queryable, format: ImportFormat): Promise<number> {
  return (await one(q, z.object({ n: col.int }), 'select count(*)::int as n from import_sources where format = $1', [format])).n
}

// ---- External references (GOV.UK) ----

export async function externalHashes(q: Queryable): Promise<Map<string, string>> {
  const rows = await many(q, z.object({ url: col.text, content_hash: col.text }), 'select url, content_hash from external_records for update')
  return new Map(rows.map((r) => [r.url, r.content_hash]))
}

export const upsertExternal = (q: Queryable, r: ExternalRecord) =>
  run(q,
    `insert into external_records (source, url, publishing_body, tool_name, title, description, published_at, content_hash)
     values ('gov.uk', $1, $2, $3, $4, $5, $6, $7)
     on conflict (url) do update set publishing_body = excluded.publishing_body, tool_name = excluded.tool_name,
       title = excluded.title, description = excluded.description, published_at = excluded.published_at,
       content_hash = excluded.content_hash, updated_at = now()`,
    [r.url, r.publishingBody, r.toolName, r.title, r.description, r.publishedAt, r.hash])

export interface ExternalListed {
  url: string
  publishingBody: string | null
  toolName: string
  title: string
  description: string | null
  publishedAt: Date | null
}

const listed = z.object({
  url: col.text, publishing_body: col.text.nullable(), tool_name: col.text, title: col.text, description: col.text.nullable(),
  published_at: col.timestamp.nullable(), total: col.int,
})

/** One page of the references, searched by name and body (full text, then newest first). */
export async function listExternal(q: Queryable, f: { q?: string; page: number; perPage: number }): Promise<{ rows: ExternalListed[]; total: number }> {
  const params: unknown[] = []
  let where = ''
  let order = 'published_at desc nulls last, id'
  if (f.q) {
    params.push(f.q)
    where = `where search @@ websearch_to_tsquery('english', $1)`
    order = `ts_rank(search, websearch_to_tsquery('english', $1)) desc, ${order}`
  }
  params.push(f.perPage, (f.page - 1) * f.perPage)
  const rows = await many(q, listed,
    `select url, publishing_body, tool_name, title, description, published_at, count(*) over ()::int as total
     from external_records ${where} order by ${order} limit $${params.length - 1} offset $${params.length}`, params)
  let total = rows[0]?.total ?? 0
  if (!rows.length && f.page > 1) {
    total = (await one(q, z.object({ n: col.int }), `select count(*)::int as n from external_records ${where}`, f.q ? [f.q] : [])).n
  }
  return {
    rows: rows.map((r) => ({ url: r.url, publishingBody: r.publishing_body, toolName: r.tool_name, title: r.title, description: r.description, publishedAt: r.published_at })),
    total,
  }
}
