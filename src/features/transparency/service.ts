import { recordAudit } from '../../platform/audit.ts'
import type { CurrentUser } from '../../platform/auth/store.ts'
import type { Db } from '../../platform/db/db.ts'
import { notFound } from '../../platform/http/errors.ts'
import type { Queryable } from '../../platform/db/db.ts'
import type { AssessmentService } from '../assessments/service.ts'
import type { Stage } from '../register/model.ts'
import type { RegisterService } from '../register/service.ts'
import {
  ATRS_FIELDS, ATRS_VERSION, type AtrsFields, completeness, type Completeness, draftFromEntry, fieldByKey,
  type PublishedRecordRow, slugify,
} from './atrs.ts'

/** Stages in which an entry's record may be drafted and published: after an approval. */
export const PUBLISHABLE_STAGES: readonly Stage[] = ['approved', 'pilot', 'live', 'retired']

export class RecordRefused extends Error {
  constructor(readonly reason: string, readonly missing: Completeness['missing'] = []) {
    super(reason)
  }
}

export class StaleRecordError extends Error {
  constructor(readonly current: AtrsFields, readonly version: number) {
    super('stale record')
  }
}

export interface WorkingRecord {
  id: string
  slug: string
  fields: AtrsFields
  version: number
  updatedAt: Date
  completeness: Completeness
  publications: { versionNo: number; publishedAt: Date; publishedBy: string }[]
}

export interface PublicRecord {
  organisationName: string
  organisationSlug: string
  slug: string
  versionNo: number
  publishedAt: Date
  fields: AtrsFields
}

const EDITABLE_KEYS = new Set(ATRS_FIELDS.map((f) => f.key))

/** Fills the blank fields of a working record from what the assessments' answers say. */
function fillBlanks(fields: AtrsFields, fromAnswers: Record<string, string>): { fields: AtrsFields; filled: string[] } {
  const next = { ...fields }
  const filled: string[] = []
  for (const [key, text] of Object.entries(fromAnswers)) {
    if (!EDITABLE_KEYS.has(key) || !text || (next[key] ?? '').trim() !== '') continue
    next[key] = text
    filled.push(key)
  }
  return { fields: next, filled }
}

export function createTransparencyService(db: Db, register: RegisterService, assessments: AssessmentService) {
  /**
   * Answers changed: blank fields of the working record take what the answers now say. Text a
   * person wrote is never overwritten; published versions are untouched.
   */
  async function fillFromAnswers(tx: Queryable, user: CurrentUser, entryId: string) {
    const [r] = await tx.query<{ id: string; fields: AtrsFields }>(
      'select id, fields from transparency_records where organisation_id = $1 and entry_id = $2 for update',
      [user.organisationId, entryId],
    )
    if (!r) return
    const { fields, filled } = fillBlanks(r.fields, await assessments.atrsSuggestions(tx, user, entryId))
    if (!filled.length) return
    await tx.query('update transparency_records set fields = $2, version = version + 1, updated_at = now() where id = $1', [r.id, JSON.stringify(fields)])
    await recordAudit(tx, {
      organisationId: user.organisationId, actorId: user.id, entityType: 'transparency_record', entityId: r.id,
      action: 'filled_from_answers', changes: Object.fromEntries(filled.map((k) => [k, { from: '', to: fields[k] }])),
    })
  }
  assessments.hooks.answersChanged.push(fillFromAnswers)

  return {
    /** The ATRS fields the entry's answers fill, for the results page. */
    async linkedFields(user: CurrentUser, entryId: string) {
      return Object.entries(await assessments.atrsSuggestions(db, user, entryId)).flatMap(([key, text]) => {
        const f = fieldByKey(key)
        return f ? [{ key, ref: f.ref, label: f.label, text }] : []
      })
    },

    async recordFor(user: CurrentUser, entryId: string): Promise<WorkingRecord | null> {
      const [r] = await db.query<{ id: string; slug: string; fields: AtrsFields; version: number; updated_at: Date }>(
        'select id, slug, fields, version, updated_at from transparency_records where organisation_id = $1 and entry_id = $2',
        [user.organisationId, entryId],
      )
      if (!r) return null
      const pubs = await db.query<{ version_no: number; published_at: Date; published_by: string }>(
        `select p.version_no, p.published_at, u.name as published_by from transparency_publications p
         join users u on u.id = p.published_by where p.record_id = $1 order by p.version_no desc`,
        [r.id],
      )
      return {
        id: r.id, slug: r.slug, fields: r.fields, version: r.version, updatedAt: r.updated_at,
        completeness: completeness(r.fields),
        publications: pubs.map((p) => ({ versionNo: p.version_no, publishedAt: p.published_at, publishedBy: p.published_by })),
      }
    },

    /** Drafts an ATRS record from the register entry and its screening (once per entry). */
    async createDraft(user: CurrentUser, entryId: string): Promise<void> {
      const screening = await assessments.screeningFor(user, entryId)
      // Read before the transaction: the embedded database has one connection, so a query
      // outside the transaction would wait for it forever.
      const fromAnswers = await assessments.atrsSuggestions(db, user, entryId)
      await db.transaction(async (tx) => {
        const entry = await register.getForUpdate(tx, user, entryId)
        if (!PUBLISHABLE_STAGES.includes(entry.stage)) throw new RecordRefused('transparency.errors.notApproved')
        const existing = await tx.query('select 1 from transparency_records where entry_id = $1', [entry.id])
        if (existing.length) return
        const [org] = await tx.query<{ name: string; contact_email: string | null; website_url: string | null; region: string | null }>(
          'select name, contact_email, website_url, region from organisations where id = $1',
          [user.organisationId],
        )
        const drafted = draftFromEntry({
          entry,
          organisation: { name: org!.name, contactEmail: org!.contact_email, websiteUrl: org!.website_url, region: org!.region },
          screening: screening?.outcome ? { tier: screening.outcome.tier, flags: screening.outcome.flags } : null,
        })
        const { fields } = fillBlanks(drafted, fromAnswers)
        const base = slugify(entry.name) || 'record'
        const taken = new Set((await tx.query<{ slug: string }>(
          'select slug from transparency_records where organisation_id = $1 and slug like $2',
          [user.organisationId, `${base}%`],
        )).map((r) => r.slug))
        let slug = base
        for (let n = 2; taken.has(slug); n++) slug = `${base}-${n}`
        const [rec] = await tx.query<{ id: string }>(
          'insert into transparency_records (organisation_id, entry_id, slug, fields) values ($1, $2, $3, $4) returning id',
          [user.organisationId, entry.id, slug, JSON.stringify(fields)],
        )
        await recordAudit(tx, {
          organisationId: user.organisationId, actorId: user.id, entityType: 'register_entry', entityId: entry.id,
          action: 'record_drafted', changes: { record: { from: null, to: slug } },
        })
        await recordAudit(tx, {
          organisationId: user.organisationId, actorId: user.id, entityType: 'transparency_record', entityId: rec!.id,
          action: 'created', changes: {},
        })
      })
    },

    /** Saves the record's fields if nobody else has saved since `version`. */
    async update(user: CurrentUser, entryId: string, version: number, fields: AtrsFields): Promise<void> {
      const clean: AtrsFields = {}
      for (const [k, v] of Object.entries(fields)) if (EDITABLE_KEYS.has(k)) clean[k] = v.trim()
      await db.transaction(async (tx) => {
        const [r] = await tx.query<{ id: string; fields: AtrsFields; version: number }>(
          'select id, fields, version from transparency_records where organisation_id = $1 and entry_id = $2 for update',
          [user.organisationId, entryId],
        )
        if (!r) throw notFound()
        if (r.version !== version) throw new StaleRecordError(r.fields, r.version)
        const next = { ...r.fields, ...clean }
        const changed = Object.keys(clean).filter((k) => (r.fields[k] ?? '') !== next[k])
        if (!changed.length) return
        await tx.query(
          'update transparency_records set fields = $2, version = version + 1, updated_at = now() where id = $1',
          [r.id, JSON.stringify(next)],
        )
        await recordAudit(tx, {
          organisationId: user.organisationId, actorId: user.id, entityType: 'transparency_record', entityId: r.id,
          action: 'updated',
          changes: Object.fromEntries(changed.map((k) => [k, { from: r.fields[k] ?? '', to: next[k] }])),
        })
      })
    },

    /** Publishes the working record as a new, immutable version. Refused while incomplete. */
    async publish(user: CurrentUser, entryId: string): Promise<number> {
      return db.transaction(async (tx) => {
        const entry = await register.getForUpdate(tx, user, entryId)
        if (!PUBLISHABLE_STAGES.includes(entry.stage)) throw new RecordRefused('transparency.errors.notApproved')
        const [r] = await tx.query<{ id: string; fields: AtrsFields }>(
          'select id, fields from transparency_records where organisation_id = $1 and entry_id = $2 for update',
          [user.organisationId, entryId],
        )
        if (!r) throw notFound()
        const check = completeness(r.fields)
        if (!check.complete) throw new RecordRefused('transparency.errors.incomplete', check.missing)
        const [{ next }] = (await tx.query<{ next: number }>(
          'select coalesce(max(version_no), 0) + 1 as next from transparency_publications where record_id = $1',
          [r.id],
        )) as [{ next: number }]
        await tx.query(
          `insert into transparency_publications (organisation_id, record_id, version_no, standard_version, fields, published_by)
           values ($1, $2, $3, $4, $5, $6)`,
          [user.organisationId, r.id, next, ATRS_VERSION, JSON.stringify(r.fields), user.id],
        )
        await recordAudit(tx, {
          organisationId: user.organisationId, actorId: user.id, entityType: 'register_entry', entityId: entryId,
          action: 'record_published', changes: { record: { from: null, to: `v${next}` } },
        })
        return next
      })
    },

    // ---- The public register: published versions only, every organisation, no login. ----

    /** The latest published version of every record, optionally searched or limited to one organisation. */
    async listPublished(filters: { q?: string; organisation?: string } = {}): Promise<PublicRecord[]> {
      const params: unknown[] = []
      const where: string[] = []
      if (filters.q) {
        params.push(filters.q)
        where.push(`latest.search @@ websearch_to_tsquery('english', $${params.length})`)
      }
      if (filters.organisation) {
        params.push(filters.organisation)
        where.push(`o.slug = $${params.length}`)
      }
      const rows = await db.query<{ organisation_name: string; organisation_slug: string; slug: string; version_no: number; published_at: Date; fields: AtrsFields }>(
        `select o.name as organisation_name, o.slug as organisation_slug, r.slug, latest.version_no, latest.published_at, latest.fields
         from (select distinct on (record_id) record_id, version_no, published_at, fields, search
               from transparency_publications order by record_id, version_no desc) latest
         join transparency_records r on r.id = latest.record_id
         join organisations o on o.id = r.organisation_id
         ${where.length ? `where ${where.join(' and ')}` : ''}
         order by latest.published_at desc, r.slug`,
        params,
      )
      return rows.map((r) => ({
        organisationName: r.organisation_name, organisationSlug: r.organisation_slug, slug: r.slug,
        versionNo: r.version_no, publishedAt: r.published_at, fields: r.fields,
      }))
    },

    /** Organisations that have published at least one record (for the public filter). */
    async publishingOrganisations(): Promise<{ slug: string; name: string }[]> {
      return db.query(
        `select distinct o.slug, o.name from organisations o
         join transparency_publications p on p.organisation_id = o.id order by o.name`,
      )
    },

    /** One published record: a given version, or the latest; with the list of its versions. */
    async getPublished(orgSlug: string, slug: string, versionNo?: number) {
      const rows = await db.query<{ organisation_name: string; version_no: number; published_at: Date; fields: AtrsFields }>(
        `select o.name as organisation_name, p.version_no, p.published_at, p.fields
         from transparency_publications p
         join transparency_records r on r.id = p.record_id
         join organisations o on o.id = r.organisation_id
         where o.slug = $1 and r.slug = $2 order by p.version_no desc`,
        [orgSlug, slug],
      )
      const chosen = versionNo === undefined ? rows[0] : rows.find((r) => r.version_no === versionNo)
      if (!chosen) return null
      return {
        record: {
          organisationName: chosen.organisation_name, organisationSlug: orgSlug, slug, versionNo: chosen.version_no,
          publishedAt: chosen.published_at, fields: chosen.fields,
        } satisfies PublicRecord,
        latestVersion: rows[0]!.version_no,
        versions: rows.map((r) => ({ versionNo: r.version_no, publishedAt: r.published_at })),
      }
    },

    /** Rows for the open-data downloads; ids are "<organisation>/<record>" so they are unique. */
    toExportRows(records: PublicRecord[]): PublishedRecordRow[] {
      return records.map((r) => ({
        organisationName: r.organisationName, slug: `${r.organisationSlug}/${r.slug}`, version: r.versionNo,
        publishedAt: r.publishedAt.toISOString(), fields: r.fields,
      }))
    },
  }
}
export type TransparencyService = ReturnType<typeof createTransparencyService>
