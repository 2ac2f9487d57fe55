import { z } from 'zod'
import type { Queryable } from '../../platform/db/db.ts'
import { col, many, maybeOne, one, run } from '../../platform/db/rows.ts'
import type { AtrsFields } from './atrs.ts'

/**
 * All of the transparency feature's SQL: working records, who wrote them, published versions and
 * the public register. Working records are scoped by organisation; the public queries read
 * published versions only.
 */

const fields = z.record(z.string(), z.string())

export interface RecordRow {
  id: string
  slug: string
  fields: AtrsFields
  fieldsCy: AtrsFields
  redactions: Record<string, string>
  standardVersion: string
  version: number
  updatedAt: Date
  draftedBy: string | null
  /** The reviewer's approval, if any; it holds only while approvedVersion is the record's version. */
  approval: { by: string; byName: string; at: Date; version: number } | null
}

const recordRow = z.object({
  id: col.uuid, slug: col.text, fields, fields_cy: fields, redactions: fields, standard_version: col.text, version: col.int,
  updated_at: col.timestamp, drafted_by: col.uuid.nullable(),
  approved_by: col.uuid.nullable(), approved_by_name: col.text.nullable(), approved_at: col.timestamp.nullable(), approved_version: col.int.nullable(),
}).transform((r): RecordRow => ({
  id: r.id, slug: r.slug, fields: r.fields, fieldsCy: r.fields_cy, redactions: r.redactions, standardVersion: r.standard_version,
  version: r.version, updatedAt: r.updated_at, draftedBy: r.drafted_by,
  approval: r.approved_by && r.approved_at && r.approved_version !== null
    ? { by: r.approved_by, byName: r.approved_by_name ?? '', at: r.approved_at, version: r.approved_version }
    : null,
}))

/** An entry's working record (locked for the transaction when `forUpdate`). */
export const findRecord = (q: Queryable, organisationId: string, entryId: string, forUpdate = false): Promise<RecordRow | null> =>
  maybeOne(q, recordRow,
    `select r.id, r.slug, r.fields, r.fields_cy, r.redactions, r.standard_version, r.version, r.updated_at, r.drafted_by,
            r.approved_by, u.name as approved_by_name, r.approved_at, r.approved_version
     from transparency_records r left join users u on u.id = r.approved_by
     where r.organisation_id = $1 and r.entry_id = $2 ${forUpdate ? 'for update of r' : ''}`,
    [organisationId, entryId])

export interface PublicationSummary {
  versionNo: number
  publishedAt: Date
  publishedBy: string
  separationRelaxed: boolean
}

export const publicationsOf = (q: Queryable, recordId: string): Promise<PublicationSummary[]> =>
  many(q, z.object({ version_no: col.int, published_at: col.timestamp, published_by: col.text, separation_relaxed: col.bool })
    .transform((p): PublicationSummary => ({
      versionNo: p.version_no, publishedAt: p.published_at, publishedBy: p.published_by, separationRelaxed: p.separation_relaxed,
    })),
    `select p.version_no, p.published_at, u.name as published_by, p.separation_relaxed from transparency_publications p
     join users u on u.id = p.published_by where p.record_id = $1 order by p.version_no desc`,
    [recordId])

/** Slugs of the organisation's records that start with `base` (to pick a free one). */
export async function slugsStartingWith(q: Queryable, organisationId: string, base: string): Promise<Set<string>> {
  const escaped = base.replace(/[\\%_]/g, (c) => `\\${c}`)
  const rows = await many(q, z.object({ slug: col.text }),
    "select slug from transparency_records where organisation_id = $1 and slug like $2 escape '\\'",
    [organisationId, `${escaped}%`])
  return new Set(rows.map((r) => r.slug))
}

export async function insertRecord(
  q: Queryable, r: { organisationId: string; entryId: string; slug: string; fields: AtrsFields; draftedBy: string; standardVersion: string },
): Promise<string> {
  const row = await one(q, z.object({ id: col.uuid }),
    `insert into transparency_records (organisation_id, entry_id, slug, fields, drafted_by, standard_version)
     values ($1, $2, $3, $4, $5, $6) returning id`,
    [r.organisationId, r.entryId, r.slug, JSON.stringify(r.fields), r.draftedBy, r.standardVersion])
  return row.id
}

/** Replaces a working record's fields (and, when given, its Welsh text, redactions and version of the standard) and moves its version on. */
export const updateFields = (q: Queryable, recordId: string, next: AtrsFields,
  more: { fieldsCy?: AtrsFields; redactions?: Record<string, string>; standardVersion?: string } = {}) =>
  run(q,
    `update transparency_records set fields = $2, version = version + 1, updated_at = now(),
       fields_cy = coalesce($3::jsonb, fields_cy), redactions = coalesce($4::jsonb, redactions),
       standard_version = coalesce($5, standard_version)
     where id = $1`,
    [recordId, JSON.stringify(next), more.fieldsCy ? JSON.stringify(more.fieldsCy) : null,
      more.redactions ? JSON.stringify(more.redactions) : null, more.standardVersion ?? null])

/** Records a reviewer's approval of the record's current version. */
export const approveRecord = (q: Queryable, recordId: string, userId: string, version: number) =>
  run(q, 'update transparency_records set approved_by = $2, approved_at = now(), approved_version = $3 where id = $1',
    [recordId, userId, version])

/** Clears the approval once it has been used to publish. */
export const clearApproval = (q: Queryable, recordId: string) =>
  run(q, 'update transparency_records set approved_by = null, approved_at = null, approved_version = null where id = $1', [recordId])

/** Notes that a person wrote in the record now (drafted it or saved an edit). */
export const noteWriter = (q: Queryable, organisationId: string, recordId: string, userId: string) =>
  run(q,
    `insert into transparency_record_writers (organisation_id, record_id, user_id) values ($1, $2, $3)
     on conflict (record_id, user_id) do update set last_wrote_at = now()`,
    [organisationId, recordId, userId])

/** Everyone who wrote in the record since its latest published version (since drafting, if never published). */
export async function writersSinceLastPublication(q: Queryable, recordId: string): Promise<string[]> {
  const rows = await many(q, z.object({ user_id: col.uuid }),
    `select w.user_id from transparency_record_writers w
     where w.record_id = $1
       and w.last_wrote_at > coalesce((select max(p.published_at) from transparency_publications p where p.record_id = $1),
                                      '-infinity'::timestamptz)`,
    [recordId])
  return rows.map((r) => r.user_id)
}

export async function nextVersionNo(q: Queryable, recordId: string): Promise<number> {
  return (await one(q, z.object({ next: col.int }),
    'select (coalesce(max(version_no), 0) + 1)::int as next from transparency_publications where record_id = $1',
    [recordId])).next
}

/** What the register said about the use when a version was published (for the public filters). */
export interface PublicationFacets {
  service_area?: string | null
  technique?: string | null
  risk_tier?: string | null
}

export const insertPublication = (q: Queryable, p: {
  organisationId: string; recordId: string; versionNo: number; standardVersion: string; fields: AtrsFields
  publishedBy: string; separationRelaxed: boolean; fieldsCy?: AtrsFields; facets?: PublicationFacets
  redactions?: Record<string, string>; approvedBy?: string | null
}) =>
  run(q,
    `insert into transparency_publications (organisation_id, record_id, version_no, standard_version, fields, published_by, separation_relaxed,
       fields_cy, facets, redactions, approved_by)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [p.organisationId, p.recordId, p.versionNo, p.standardVersion, JSON.stringify(p.fields), p.publishedBy, p.separationRelaxed,
      JSON.stringify(p.fieldsCy ?? {}), JSON.stringify(p.facets ?? {}), JSON.stringify(p.redactions ?? {}), p.approvedBy ?? null])

/**
 * Puts the record's latest published version into public_records (insert or replace), with the
 * organisation's name, type, nation and region as they are now. Call it in the transaction that
 * publishes, so the public register never shows a half-published record.
 */
export const indexPublication = (q: Queryable, recordId: string) =>
  run(q,
    `insert into public_records (
       record_id, organisation_id, public_id, organisation_slug, organisation_name, organisation_type, nation, region,
       title, summary, phase, third_party, service_area, technique, risk_tier, version_no, first_published_at,
       published_at, standard_version, fields, fields_cy, search)
     select r.id, r.organisation_id, o.slug || '/' || r.slug, o.slug, o.name, o.organisation_type, o.nation, o.region,
       coalesce(nullif(p.fields ->> 'title', ''), nullif(p.fields ->> 'name', ''), r.slug),
       coalesce(p.fields ->> 'one_sentence_description', ''),
       coalesce(p.fields ->> 'phase', ''),
       lower(coalesce(p.fields ->> 'external_supplier_involvement', '')) = 'yes',
       nullif(p.facets ->> 'service_area', ''), nullif(p.facets ->> 'technique', ''), nullif(p.facets ->> 'risk_tier', ''),
       p.version_no,
       (select min(f.published_at) from transparency_publications f where f.record_id = r.id),
       p.published_at, p.standard_version, p.fields, p.fields_cy,
       public_record_search(p.fields, o.name)
     from transparency_publications p
     join transparency_records r on r.id = p.record_id
     join organisations o on o.id = r.organisation_id
     where p.record_id = $1
     order by p.version_no desc
     limit 1
     on conflict (record_id) do update set
       organisation_slug = excluded.organisation_slug, organisation_name = excluded.organisation_name,
       organisation_type = excluded.organisation_type, nation = excluded.nation, region = excluded.region,
       title = excluded.title, summary = excluded.summary, phase = excluded.phase, third_party = excluded.third_party,
       service_area = excluded.service_area, technique = excluded.technique, risk_tier = excluded.risk_tier,
       version_no = excluded.version_no, published_at = excluded.published_at,
       standard_version = excluded.standard_version, fields = excluded.fields, fields_cy = excluded.fields_cy,
       search = excluded.search`,
    [recordId])

/** The public register's generation: it moves on with every change to public_records (see the migration). */
export async function publicGeneration(q: Queryable): Promise<number> {
  return (await one(q, z.object({ generation: col.int }), 'select generation::int as generation from public_register_state where id = 1')).generation
}

// ---- The public register: published versions only, every organisation. ----

export interface PublishedRow {
  organisationName: string
  organisationSlug: string
  slug: string
  versionNo: number
  publishedAt: Date
  fields: AtrsFields
}

const publishedRow = z.object({
  organisation_name: col.text, organisation_slug: col.text, slug: col.text, version_no: col.int, published_at: col.timestamp, fields,
}).transform((r): PublishedRow => ({
  organisationName: r.organisation_name, organisationSlug: r.organisation_slug, slug: r.slug, versionNo: r.version_no,
  publishedAt: r.published_at, fields: r.fields,
}))

/** Every published version of one record, newest first. */
export const publishedVersions = (q: Queryable, orgSlug: string, slug: string): Promise<PublishedRow[]> =>
  many(q, publishedRow,
    `select o.name as organisation_name, o.slug as organisation_slug, r.slug, p.version_no, p.published_at, p.fields
     from transparency_publications p
     join transparency_records r on r.id = p.record_id
     join organisations o on o.id = r.organisation_id
     where o.slug = $1 and r.slug = $2 order by p.version_no desc`,
    [orgSlug, slug])

/** A published version with what its public page needs beyond the list: Welsh text, the standard version, ids. */
export interface PublishedVersionRow extends PublishedRow {
  recordId: string
  organisationId: string
  fieldsCy: AtrsFields
  standardVersion: string
  /** Field key → the reason it was redacted in this version. */
  redactions: Record<string, string>
}

const publishedVersionRow = z.object({
  record_id: col.uuid, organisation_id: col.uuid, organisation_name: col.text, organisation_slug: col.text, slug: col.text,
  version_no: col.int, published_at: col.timestamp, fields, fields_cy: fields, standard_version: col.text, redactions: fields,
}).transform((r): PublishedVersionRow => ({
  recordId: r.record_id, organisationId: r.organisation_id, organisationName: r.organisation_name, organisationSlug: r.organisation_slug,
  slug: r.slug, versionNo: r.version_no, publishedAt: r.published_at, fields: r.fields, fieldsCy: r.fields_cy, standardVersion: r.standard_version,
  redactions: r.redactions,
}))

/** Every published version of one record with its Welsh text, newest first (the record page, what changed). */
export const publishedHistory = (q: Queryable, orgSlug: string, slug: string): Promise<PublishedVersionRow[]> =>
  many(q, publishedVersionRow,
    `select r.id as record_id, r.organisation_id, o.name as organisation_name, o.slug as organisation_slug, r.slug,
       p.version_no, p.published_at, p.fields, p.fields_cy, p.standard_version, p.redactions
     from transparency_publications p
     join transparency_records r on r.id = p.record_id
     join organisations o on o.id = r.organisation_id
     where o.slug = $1 and r.slug = $2 order by p.version_no desc`,
    [orgSlug, slug])

/** The newest publications across every organisation, new records and new versions alike (the Atom feed). */
export const newestPublications = (q: Queryable, limit: number, orgSlug?: string): Promise<PublishedVersionRow[]> =>
  many(q, publishedVersionRow,
    `select r.id as record_id, r.organisation_id, o.name as organisation_name, o.slug as organisation_slug, r.slug,
       p.version_no, p.published_at, p.fields, p.fields_cy, p.standard_version, p.redactions
     from transparency_publications p
     join transparency_records r on r.id = p.record_id
     join organisations o on o.id = r.organisation_id
     ${orgSlug === undefined ? '' : 'where o.slug = $2'}
     order by p.published_at desc, p.id desc limit $1`,
    orgSlug === undefined ? [limit] : [limit, orgSlug])

/**
 * A version brought in from another register (transparency.publishImported): as insertPublication,
 * with the date the source gives (now when it gives none).
 */
export const insertImportedPublication = (q: Queryable, p: Parameters<typeof insertPublication>[1] & { publishedAt: Date | null }) =>
  run(q,
    `insert into transparency_publications (organisation_id, record_id, version_no, standard_version, fields, published_by, separation_relaxed,
       fields_cy, facets, redactions, approved_by, published_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, coalesce($12::timestamptz, now()))`,
    [p.organisationId, p.recordId, p.versionNo, p.standardVersion, JSON.stringify(p.fields), p.publishedBy, p.separationRelaxed,
      JSON.stringify(p.fieldsCy ?? {}), JSON.stringify(p.facets ?? {}), JSON.stringify(p.redactions ?? {}), p.approvedBy ?? null, p.publishedAt])

/** {organisation id → count} rows, for the platform admins' usage figures. */
const orgCount = z.object({ organisation_id: col.uuid, n: col.int })

/** Records with at least one published version, per organisation, for the platform admins' usage figures. */
export const publishedCountsByOrganisation = (q: Queryable) =>
  many(q, orgCount, 'select organisation_id, count(distinct record_id)::int as n from transparency_publications group by organisation_id')

/** The organisation's entries whose record has at least one published version, as a subquery of entry ids (the register counts with it). */
export const publishedEntriesSubquery = (organisationId: string) =>
  (param: (value: unknown) => string): string =>
    `select r.entry_id from transparency_records r where r.organisation_id = ${param(organisationId)}::uuid
      and exists (select 1 from transparency_publications p where p.record_id = r.id)`

/** Of these organisations, how many have published at least one ATRS record (the sector benchmark: a count only). */
export const countWithPublication = (q: Queryable, organisationIds: readonly string[]) =>
  one(q, z.object({ n: col.int }), 'select count(distinct organisation_id)::int as n from transparency_publications where organisation_id = any($1::uuid[])', [organisationIds])
