import { recordAudit } from '../../platform/audit.ts'
import type { CurrentUser } from '../../platform/auth/store.ts'
import type { Db, Queryable } from '../../platform/db/db.ts'
import { notFound } from '../../platform/http/errors.ts'
import type { AssessmentService } from '../assessments/service.ts'
import type { Organisation } from '../organisations/model.ts'
import type { OrganisationService } from '../organisations/service.ts'
import type { Stage } from '../register/model.ts'
import type { RegisterService } from '../register/service.ts'
import {
  ATRS_FIELDS, ATRS_VERSION, type AtrsFields, completeness, type Completeness, draftFromEntry, fieldByKey,
  ORGANISATION_FIELD_KEYS, type PublishedRecordRow, slugify, withOrganisation,
} from './atrs.ts'
import { createPublicOrganisationPanels } from './publicPanels.ts'
import * as repo from './repository.ts'

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
  publications: repo.PublicationSummary[]
  /** Everyone who wrote in the record since its latest published version (user ids). */
  writers: string[]
}

/** A published version as the public register shows it (the repository's row, unchanged). */
export type PublicRecord = repo.PublishedRow

/** Fields people write: every ATRS field except those that name the publishing organisation. */
const EDITABLE_KEYS: ReadonlySet<string> = new Set(ATRS_FIELDS.map((f) => f.key).filter((k) => !ORGANISATION_FIELD_KEYS.includes(k)))

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

/** What the organisation's settings say about who publishes. */
const publisher = (org: Organisation) => ({ name: org.name, contactEmail: org.contactEmail, organisationType: org.organisationType })

/** Whether this person may publish, given who wrote the record and the organisation's setting. */
export type PublishVerdict = { allowed: true; relaxed: boolean } | { allowed: false; reason: string }

function publishVerdict(userId: string, writers: readonly string[], separationOfDuties: boolean): PublishVerdict {
  if (!writers.includes(userId)) return { allowed: true, relaxed: false }
  if (!separationOfDuties) return { allowed: true, relaxed: true }
  return { allowed: false, reason: 'transparency.errors.ownRecord' }
}

export function createTransparencyService(
  db: Db, register: RegisterService, assessments: AssessmentService, organisations: OrganisationService,
) {
  /**
   * Answers changed: blank fields of the working record take what the answers now say. Text a
   * person wrote is never overwritten; published versions are untouched. (Not counted as writing
   * the record for separation of duties: the text is the assessment's.)
   */
  async function fillFromAnswers(tx: Queryable, user: CurrentUser, entryId: string) {
    const r = await repo.findRecord(tx, user.organisationId, entryId, true)
    if (!r) return
    const { fields, filled } = fillBlanks(r.fields, await assessments.atrsSuggestions(tx, user, entryId))
    if (!filled.length) return
    await repo.updateFields(tx, r.id, fields)
    await recordAudit(tx, {
      organisationId: user.organisationId, actorId: user.id, entityType: 'transparency_record', entityId: r.id,
      action: 'filled_from_answers', changes: Object.fromEntries(filled.map((k) => [k, { from: '', to: fields[k] }])),
    })
  }
  assessments.hooks.answersChanged.push(fillFromAnswers)

  return {
    /** Parts of an organisation's public page other features add (its published policies). */
    publicOrganisationPanels: createPublicOrganisationPanels(),
    /** The ATRS fields the entry's answers fill, for the results page. */
    async linkedFields(user: CurrentUser, entryId: string) {
      return Object.entries(await assessments.atrsSuggestions(db, user, entryId)).flatMap(([key, text]) => {
        const f = fieldByKey(key)
        return f ? [{ key, ref: f.ref, label: f.label, text }] : []
      })
    },

    /**
     * The entry's working record, with the organisation's own name and contact in the fields
     * that say who publishes (as they will be published), or null if none was drafted.
     */
    async recordFor(user: CurrentUser, entryId: string): Promise<WorkingRecord | null> {
      const r = await repo.findRecord(db, user.organisationId, entryId)
      if (!r) return null
      const org = await organisations.get(user.organisationId, db)
      const fields = withOrganisation(r.fields, publisher(org))
      return {
        id: r.id, slug: r.slug, fields, version: r.version, updatedAt: r.updatedAt,
        completeness: completeness(fields),
        publications: await repo.publicationsOf(db, r.id),
        writers: await repo.writersSinceLastPublication(db, r.id),
      }
    },

    /** For the edit page: whether this person may publish the record now (separation of duties). */
    async mayPublish(user: CurrentUser, record: WorkingRecord): Promise<PublishVerdict> {
      const org = await organisations.get(user.organisationId, db)
      return publishVerdict(user.id, record.writers, org.separationOfDuties)
    },

    /** Drafts an ATRS record from the register entry and its screening (once per entry); one transaction. */
    async createDraft(user: CurrentUser, entryId: string): Promise<void> {
      await db.transaction(async (tx) => {
        const entry = await register.getForUpdate(tx, user, entryId)
        if (!PUBLISHABLE_STAGES.includes(entry.stage)) throw new RecordRefused('transparency.errors.notApproved')
        if (await repo.findRecord(tx, user.organisationId, entry.id)) return
        const org = await organisations.get(user.organisationId, tx)
        const screening = await assessments.screeningFor(user, entry.id, tx)
        const drafted = draftFromEntry({
          entry,
          organisation: { name: org.name, contactEmail: org.contactEmail, websiteUrl: org.websiteUrl, region: org.region },
          screening: screening?.outcome ? { tier: screening.outcome.tier, flags: screening.outcome.flags } : null,
        })
        const { fields } = fillBlanks(drafted, await assessments.atrsSuggestions(tx, user, entry.id))
        const base = slugify(entry.name) || 'record'
        const taken = await repo.slugsStartingWith(tx, user.organisationId, base)
        let slug = base
        for (let n = 2; taken.has(slug); n++) slug = `${base}-${n}`
        const recordId = await repo.insertRecord(tx, { organisationId: user.organisationId, entryId: entry.id, slug, fields, draftedBy: user.id })
        await repo.noteWriter(tx, user.organisationId, recordId, user.id)
        await recordAudit(tx, {
          organisationId: user.organisationId, actorId: user.id, entityType: 'register_entry', entityId: entry.id,
          action: 'record_drafted', changes: { record: { from: null, to: slug } },
        })
        await recordAudit(tx, {
          organisationId: user.organisationId, actorId: user.id, entityType: 'transparency_record', entityId: recordId,
          action: 'created', changes: {},
        })
      })
    },

    /**
     * Saves the record's fields if nobody else has saved since `version`. Fields that name the
     * publishing organisation are not editable and are ignored.
     */
    async update(user: CurrentUser, entryId: string, version: number, fields: AtrsFields): Promise<void> {
      const clean: AtrsFields = {}
      for (const [k, v] of Object.entries(fields)) if (EDITABLE_KEYS.has(k)) clean[k] = v.trim()
      await db.transaction(async (tx) => {
        const r = await repo.findRecord(tx, user.organisationId, entryId, true)
        if (!r) throw notFound()
        if (r.version !== version) {
          const org = await organisations.get(user.organisationId, tx)
          throw new StaleRecordError(withOrganisation(r.fields, publisher(org)), r.version)
        }
        const next = { ...r.fields, ...clean }
        const changed = Object.keys(clean).filter((k) => (r.fields[k] ?? '') !== next[k])
        if (!changed.length) return
        await repo.updateFields(tx, r.id, next)
        await repo.noteWriter(tx, user.organisationId, r.id, user.id)
        await recordAudit(tx, {
          organisationId: user.organisationId, actorId: user.id, entityType: 'transparency_record', entityId: r.id,
          action: 'updated',
          changes: Object.fromEntries(changed.map((k) => [k, { from: r.fields[k] ?? '', to: next[k] }])),
        })
      })
    },

    /**
     * Publishes the working record as a new, immutable version, with the organisation's own name,
     * type and contact in place of anything typed. Refused while incomplete, and (unless the
     * organisation relaxed separation of duties) when this person wrote in the record since its
     * last published version; a version published under the relaxed rule is marked.
     */
    async publish(user: CurrentUser, entryId: string): Promise<number> {
      return db.transaction(async (tx) => {
        const entry = await register.getForUpdate(tx, user, entryId)
        if (!PUBLISHABLE_STAGES.includes(entry.stage)) throw new RecordRefused('transparency.errors.notApproved')
        const r = await repo.findRecord(tx, user.organisationId, entryId, true)
        if (!r) throw notFound()
        const org = await organisations.get(user.organisationId, tx)
        const verdict = publishVerdict(user.id, await repo.writersSinceLastPublication(tx, r.id), org.separationOfDuties)
        if (!verdict.allowed) throw new RecordRefused(verdict.reason)
        const published = withOrganisation(r.fields, publisher(org))
        const check = completeness(published)
        if (!check.complete) throw new RecordRefused('transparency.errors.incomplete', check.missing)
        const next = await repo.nextVersionNo(tx, r.id)
        await repo.insertPublication(tx, {
          organisationId: user.organisationId, recordId: r.id, versionNo: next, standardVersion: ATRS_VERSION,
          fields: published, publishedBy: user.id, separationRelaxed: verdict.relaxed,
          facets: { service_area: entry.serviceArea, technique: entry.technique, risk_tier: entry.riskTier },
        })
        await repo.indexPublication(tx, r.id)
        await recordAudit(tx, {
          organisationId: user.organisationId, actorId: user.id, entityType: 'register_entry', entityId: entryId,
          action: 'record_published',
          changes: {
            record: { from: null, to: `v${next}` },
            ...(verdict.relaxed ? { separationRelaxed: { from: false, to: true } } : {}),
          },
        })
        return next
      })
    },

    // ---- The public register: published versions only, every organisation, no login. ----

    /** The latest published version of every record, optionally searched or limited to one organisation. */
    listPublished: (filters: { q?: string; organisation?: string } = {}): Promise<PublicRecord[]> =>
      repo.listLatestPublished(db, filters),

    /** Organisations that have published at least one record (for the public filter). */
    publishingOrganisations: (): Promise<{ slug: string; name: string }[]> => repo.publishingOrganisations(db),

    /** One published record: a given version, or the latest; with the list of its versions. */
    async getPublished(orgSlug: string, slug: string, versionNo?: number) {
      const rows = await repo.publishedVersions(db, orgSlug, slug)
      const chosen = versionNo === undefined ? rows[0] : rows.find((r) => r.versionNo === versionNo)
      if (!chosen) return null
      return {
        record: chosen satisfies PublicRecord,
        latestVersion: rows[0]!.versionNo,
        versions: rows.map((r) => ({ versionNo: r.versionNo, publishedAt: r.publishedAt })),
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
