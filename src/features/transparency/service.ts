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
  type AtrsFields, checkValues, completeness, type Completeness, draftFromEntry, type FieldCheck, fieldByKey,
  FIELD_MAX, ORGANISATION_FIELD_KEYS, ORGANISATION_TYPE_KEY, redactedText, slugify, withOrganisation,
} from './atrs.ts'
import { addItem, CURRENT_STANDARD, isStandardVersion, itemCount, itemKey, removeItem, splitKey, standardField, standardFor } from './standard.ts'
import { createPublicIndex } from './publicIndex.ts'
import { createPublicOrganisationPanels } from './publicPanels.ts'
import * as repo from './repository.ts'

/** Stages in which an entry's record may be drafted and published: after an approval. */
export const PUBLISHABLE_STAGES: readonly Stage[] = ['approved', 'pilot', 'live', 'retired']

export class RecordRefused extends Error {
  constructor(readonly reason: string, readonly missing: Completeness['missing'] = []) {
    super(reason)
  }
}

/** Values that cannot be saved: each names its field and what is wrong. */
export class FieldsRefused extends Error {
  constructor(readonly problems: FieldCheck[]) {
    super('fields refused')
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
  /** Welsh text, field by field (published beside the English). */
  fieldsCy: AtrsFields
  /** Field key → the reason it is withheld from the public. */
  redactions: Record<string, string>
  /** The version of the standard the record follows. */
  standardVersion: string
  version: number
  updatedAt: Date
  /** The reviewer's approval; `current` while nobody has saved since. */
  approval: { byName: string; at: Date; current: boolean } | null
  completeness: Completeness
  publications: repo.PublicationSummary[]
  /** Everyone who wrote in the record since its latest published version (user ids). */
  writers: string[]
}

/** A published version as the public register shows it (the repository's row, unchanged). */
export type PublicRecord = repo.PublishedRow

/**
 * Whether people write this field of a record following `version`: a field of that version (a
 * repeated one by its numbered key), not one that names the publishing organisation.
 */
export function isEditable(key: string, version: string): boolean {
  const f = standardField(standardFor(version), key)
  return f !== undefined && f.from !== 'organisation' && !ORGANISATION_FIELD_KEYS.includes(splitKey(key).base)
}

/** v4.0's operational data fields, for a record that follows v3.0: its single data specification. */
const NEAREST_FIELD: Readonly<Record<string, string>> = {
  operational_data_name: 'source_data_name',
  operational_data_modality: 'data_modality',
  operational_data_description: 'data_description',
  operational_data_quantities: 'data_quantities',
  operational_sensitive_attributes: 'sensitive_attributes',
  operational_data_collection: 'data_collection',
  operational_data_sharing_agreements: 'data_sharing_agreements',
  operational_data_access_and_storage: 'data_access_and_storage',
}

/**
 * Fills the blank fields of a working record from what the assessments' answers say. An answer
 * linked to a field of a repeated specification fills the first model's or dataset's.
 */
function fillBlanks(fields: AtrsFields, fromAnswers: Record<string, string>, version: string): { fields: AtrsFields; filled: string[] } {
  const next = { ...fields }
  const filled: string[] = []
  const std = standardFor(version)
  for (const [linked, text] of Object.entries(fromAnswers)) {
    // A version without the field (v3.0 has no operational data) takes the answer in its nearest field.
    const base = std.byKey.has(linked) ? linked : (NEAREST_FIELD[linked] ?? linked)
    const group = std.byKey.get(base)?.group
    const key = group ? itemKey(base, 1) : base
    // An answer fills the first model or dataset only once there is one: it never starts a
    // specification the tool may not have (an off-the-shelf model needs none in v4.0).
    const section = group ? std.sections.find((x) => x.repeat?.group === group) : undefined
    if (section && Math.max(itemCount(section, next), section.repeat!.min) < 1) continue
    if (!isEditable(key, version) || !text || (next[key] ?? '').trim() !== '') continue
    next[key] = text
    filled.push(key)
  }
  return { fields: next, filled }
}

/** What else a save may do beside the fields. */
export interface RecordChange {
  /** Move the record to another version of the standard (its fields stay; what is asked changes). */
  standardVersion?: string
  /** Add an item to the repeated section with this id (another model, another dataset). */
  addItem?: string
  /** Remove item `item` of the repeated section `section`. */
  removeItem?: { section: string; item: number }
}

/** Fields that cannot be withheld: the record would not say what it is about or who publishes it. */
const ALWAYS_PUBLIC: readonly string[] = ['title', 'name', 'one_sentence_description', 'phase', 'organisation_name', 'organisation_or_department', 'contact_email']
const REDACTION_REASON_MAX = 1000

/** Fields written in words, which may also be written in Welsh. */
export function isWelshField(key: string, version: string): boolean {
  const f = standardField(standardFor(version), key)
  return f !== undefined && isEditable(key, version) && (f.type === 'text' || f.type === 'long')
}

/**
 * The fields a version publishes: those of its version of the standard (a record moved between
 * versions keeps the other's text in its working copy only), the organisation's type, and each
 * redacted field's reason in place of its text.
 */
function publishedFields(fields: AtrsFields, redactions: Record<string, string>, version: string): AtrsFields {
  const std = standardFor(version)
  const out: AtrsFields = {}
  for (const [k, v] of Object.entries(fields)) if (k === ORGANISATION_TYPE_KEY || standardField(std, k)) out[k] = v
  for (const [k, reason] of Object.entries(redactions)) if (k in out || standardField(std, k)) out[k] = redactedText(reason)
  return out
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
    const { fields, filled } = fillBlanks(r.fields, await assessments.atrsSuggestions(tx, user, entryId), r.standardVersion)
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
    /** Published records per organisation id (platform administration's usage figures: counts only). */
    /** Of these organisations, how many have published at least one ATRS record (the sector benchmark: a count only). */
    countWithPublishedRecord: async (organisationIds: readonly string[], q: Queryable = db): Promise<number> =>
      (await repo.countWithPublication(q, organisationIds)).n,
    publishedCountsByOrganisation: async (): Promise<Map<string, number>> =>
      new Map((await repo.publishedCountsByOrganisation(db)).map((r) => [r.organisation_id, r.n])),
    /** Live entries, and how many of them have a published record (the organisation dashboard): counted in one statement. */
    liveWithPublishedRecord: (user: CurrentUser, q: Queryable = db) =>
      register.countAtStageIn(user, 'live', repo.publishedEntriesSubquery(user.organisationId), q),
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
        id: r.id, slug: r.slug, fields, fieldsCy: r.fieldsCy, redactions: r.redactions, standardVersion: r.standardVersion,
        version: r.version, updatedAt: r.updatedAt,
        approval: r.approval ? { byName: r.approval.byName, at: r.approval.at, current: r.approval.version === r.version } : null,
        completeness: completeness(fields, r.standardVersion, r.redactions),
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
          entry, version: CURRENT_STANDARD,
          organisation: { name: org.name, contactEmail: org.contactEmail, websiteUrl: org.websiteUrl, region: org.region, nation: org.nation },
          screening: screening?.outcome ? { tier: screening.outcome.tier, flags: screening.outcome.flags } : null,
        })
        const { fields } = fillBlanks(drafted, await assessments.atrsSuggestions(tx, user, entry.id), CURRENT_STANDARD)
        const base = slugify(entry.name) || 'record'
        const taken = await repo.slugsStartingWith(tx, user.organisationId, base)
        let slug = base
        for (let n = 2; taken.has(slug); n++) slug = `${base}-${n}`
        const recordId = await repo.insertRecord(tx, {
          organisationId: user.organisationId, entryId: entry.id, slug, fields, draftedBy: user.id, standardVersion: CURRENT_STANDARD,
        })
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
     * publishing organisation are not editable and are ignored. Values are checked as they are
     * saved (an option that is not the field's, a malformed address, text too long, a blank title):
     * FieldsRefused names each, and nothing is saved. `change` may also add or remove an item of a
     * repeated specification, or move the record to another version of the standard. Any save
     * moves the version on, so a reviewer's approval no longer holds.
     */
    async update(user: CurrentUser, entryId: string, version: number, fields: AtrsFields, change: RecordChange = {}): Promise<void> {
      await db.transaction(async (tx) => {
        const r = await repo.findRecord(tx, user.organisationId, entryId, true)
        if (!r) throw notFound()
        if (r.version !== version) {
          const org = await organisations.get(user.organisationId, tx)
          throw new StaleRecordError(withOrganisation(r.fields, publisher(org)), r.version)
        }
        const target = change.standardVersion ?? r.standardVersion
        if (!isStandardVersion(target)) {
          throw new FieldsRefused([{ key: 'standard_version', label: 'Standard version', ref: '0.2', section: '', sectionId: '', problem: 'notAnOption' }])
        }
        const std = standardFor(target)
        // An item is written only once it exists (added with "Add another"), never by a made-up number.
        const shown = new Map(std.sections.filter((x) => x.repeat).map((x) => [x.repeat!.group, Math.max(itemCount(x, r.fields), x.repeat!.min)]))
        const clean: AtrsFields = {}
        for (const [k, v] of Object.entries(fields)) {
          if (!isEditable(k, target)) continue
          const { item } = splitKey(k)
          const group = standardField(std, k)?.group
          if (item !== undefined && group !== undefined && item > (shown.get(group) ?? 0)) continue
          clean[k] = v.trim()
        }
        const problems = checkValues(clean, target)
        if (problems.length) throw new FieldsRefused(problems)
        let next: AtrsFields = { ...r.fields, ...clean }
        if (change.addItem) {
          const section = std.sections.find((x) => x.id === change.addItem && x.repeat)
          if (section) next = addItem(section, next)
        }
        let more: { fieldsCy?: AtrsFields; redactions?: Record<string, string> } = {}
        if (change.removeItem) {
          const section = std.sections.find((x) => x.id === change.removeItem!.section && x.repeat)
          if (section) {
            // The item's Welsh and withheld fields go with it; the later items' move up with their text.
            more = {
              fieldsCy: removeItem(section, r.fieldsCy, change.removeItem.item),
              redactions: removeItem(section, r.redactions, change.removeItem.item),
            }
            next = removeItem(section, next, change.removeItem.item)
          }
        }
        const keys = new Set([...Object.keys(r.fields), ...Object.keys(next)])
        const changed = [...keys].filter((k) => (r.fields[k] ?? null) !== (next[k] ?? null))
        const moved = target !== r.standardVersion
        if (!changed.length && !moved) return
        await repo.updateFields(tx, r.id, next, { ...more, ...(moved ? { standardVersion: target } : {}) })
        await repo.noteWriter(tx, user.organisationId, r.id, user.id)
        await recordAudit(tx, {
          organisationId: user.organisationId, actorId: user.id, entityType: 'transparency_record', entityId: r.id,
          action: 'updated',
          changes: {
            ...Object.fromEntries(changed.map((k) => [k, { from: r.fields[k] ?? '', to: next[k] ?? '' }])),
            ...(moved ? { standard_version: { from: r.standardVersion, to: target } } : {}),
          },
        })
      })
    },

    /**
     * Saves the record's Welsh text (blank removes a field's Welsh, which then falls back to the
     * English). Only fields people write in words (not options, addresses or e-mail) have Welsh.
     */
    async updateWelsh(user: CurrentUser, entryId: string, version: number, cy: AtrsFields): Promise<void> {
      await db.transaction(async (tx) => {
        const r = await repo.findRecord(tx, user.organisationId, entryId, true)
        if (!r) throw notFound()
        if (r.version !== version) throw new StaleRecordError(r.fields, r.version)
        const next: AtrsFields = { ...r.fieldsCy }
        const problems: FieldCheck[] = []
        for (const [k, v] of Object.entries(cy)) {
          if (!isWelshField(k, r.standardVersion) || (splitKey(k).item !== undefined && !(k in r.fields))) continue
          const text = v.trim()
          if (v.length > (standardField(standardFor(r.standardVersion), k)?.max ?? FIELD_MAX)) {
            const f = fieldByKey(k)!
            problems.push({ key: k, label: f.label, ref: f.ref, section: f.section, sectionId: '', problem: 'tooLong' })
          } else if (text === '') delete next[k]
          else next[k] = text
        }
        if (problems.length) throw new FieldsRefused(problems)
        const changed = [...new Set([...Object.keys(r.fieldsCy), ...Object.keys(next)])].filter((k) => (r.fieldsCy[k] ?? '') !== (next[k] ?? ''))
        if (!changed.length) return
        await repo.updateFields(tx, r.id, r.fields, { fieldsCy: next })
        await repo.noteWriter(tx, user.organisationId, r.id, user.id)
        await recordAudit(tx, {
          organisationId: user.organisationId, actorId: user.id, entityType: 'transparency_record', entityId: r.id,
          action: 'updated_welsh', changes: Object.fromEntries(changed.map((k) => [k, { from: r.fieldsCy[k] ?? '', to: next[k] ?? '' }])),
        })
      })
    },

    /**
     * Withholds a field from the public with a stated reason (as the standard allows instead of not
     * publishing), or (reason null) publishes it again. The field's text stays in the working record.
     */
    async setRedaction(user: CurrentUser, entryId: string, version: number, key: string, reason: string | null): Promise<void> {
      await db.transaction(async (tx) => {
        const r = await repo.findRecord(tx, user.organisationId, entryId, true)
        if (!r) throw notFound()
        if (r.version !== version) throw new StaleRecordError(r.fields, r.version)
        const field = fieldByKey(key)
        const check = (problem: FieldCheck['problem']): FieldCheck => ({
          key, label: field?.label ?? key, ref: field?.ref ?? '', section: field?.section ?? '', sectionId: '', problem,
        })
        const isItem = splitKey(key).item !== undefined
        // Removing a redaction is always allowed, even of a field this version no longer has (else it is stranded).
        const removingStored = reason === null && key in r.redactions
        if (!removingStored && (!isEditable(key, r.standardVersion) || ALWAYS_PUBLIC.includes(splitKey(key).base) || (isItem && !(key in r.fields)))) {
          throw new FieldsRefused([check('notAnOption')])
        }
        const next = { ...r.redactions }
        if (reason === null) {
          if (!(key in next)) return
          delete next[key]
        } else {
          const text = reason.trim()
          if (text === '') throw new FieldsRefused([check('redactionReason')])
          if (text.length > REDACTION_REASON_MAX) throw new FieldsRefused([check('tooLong')])
          if (next[key] === text) return
          next[key] = text
        }
        await repo.updateFields(tx, r.id, r.fields, { redactions: next })
        await repo.noteWriter(tx, user.organisationId, r.id, user.id)
        await recordAudit(tx, {
          organisationId: user.organisationId, actorId: user.id, entityType: 'transparency_record', entityId: r.id,
          action: reason === null ? 'unredacted' : 'redacted', changes: { [key]: { from: r.redactions[key] ?? null, to: next[key] ?? null } },
        })
      })
    },

    /**
     * A reviewer approves the record as it stands (version `version`) for publishing. Refused while
     * it is incomplete, and (unless the organisation relaxed separation of duties) when the reviewer
     * wrote in it since its last published version. Any later save needs a new approval.
     */
    async approve(user: CurrentUser, entryId: string, version: number): Promise<void> {
      await db.transaction(async (tx) => {
        const r = await repo.findRecord(tx, user.organisationId, entryId, true)
        if (!r) throw notFound()
        if (r.version !== version) throw new StaleRecordError(r.fields, r.version)
        const org = await organisations.get(user.organisationId, tx)
        const check = completeness(withOrganisation(r.fields, publisher(org)), r.standardVersion, r.redactions)
        if (!check.complete) throw new RecordRefused('transparency.errors.incomplete', check.missing)
        const verdict = publishVerdict(user.id, await repo.writersSinceLastPublication(tx, r.id), org.separationOfDuties)
        if (!verdict.allowed) throw new RecordRefused('transparency.errors.ownRecordReview')
        await repo.approveRecord(tx, r.id, user.id, r.version)
        await recordAudit(tx, {
          organisationId: user.organisationId, actorId: user.id, entityType: 'transparency_record', entityId: r.id,
          action: 'approved',
          changes: { version: { from: null, to: r.version }, ...(verdict.relaxed ? { separationRelaxed: { from: false, to: true } } : {}) },
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
        const writers = await repo.writersSinceLastPublication(tx, r.id)
        const verdict = publishVerdict(user.id, writers, org.separationOfDuties)
        if (!verdict.allowed) throw new RecordRefused(verdict.reason)
        const withOrg = withOrganisation(r.fields, publisher(org))
        const check = completeness(withOrg, r.standardVersion, r.redactions)
        if (!check.complete) throw new RecordRefused('transparency.errors.incomplete', check.missing)
        if (!r.approval || r.approval.version !== r.version) throw new RecordRefused('transparency.errors.needsReview')
        // An approval the reviewer gave on their own writing (allowed only with separation of duties off)
        // marks the version as much as publishing one's own writing does.
        const relaxed = verdict.relaxed || writers.includes(r.approval.by)
        const std = standardFor(r.standardVersion)
        const published = publishedFields(withOrg, r.redactions, r.standardVersion)
        const fieldsCy = Object.fromEntries(Object.entries(r.fieldsCy).filter(([k]) => k in published && !(k in r.redactions)))
        const next = await repo.nextVersionNo(tx, r.id)
        await repo.insertPublication(tx, {
          organisationId: user.organisationId, recordId: r.id, versionNo: next, standardVersion: r.standardVersion,
          fields: published, publishedBy: user.id, separationRelaxed: relaxed,
          facets: { service_area: entry.serviceArea, technique: entry.technique, risk_tier: entry.riskTier },
          fieldsCy, approvedBy: r.approval.by,
          // Only fields of this version's standard: a field withheld under another version is not listed.
          redactions: Object.fromEntries(Object.entries(r.redactions).filter(([k]) => k in published && standardField(std, k))),
        })
        // One approval, one publication: publishing again needs a fresh review (so never an identical version).
        await repo.clearApproval(tx, r.id)
        await repo.indexPublication(tx, r.id)
        await recordAudit(tx, {
          organisationId: user.organisationId, actorId: user.id, entityType: 'register_entry', entityId: entryId,
          action: 'record_published',
          changes: {
            record: { from: null, to: `v${next}` },
            ...(relaxed ? { separationRelaxed: { from: false, to: true } } : {}),
          },
        })
        return next
      })
    },

    /**
     * A record brought in from another register (the interchange imports), inside the importer's
     * transaction: the entry's working record is made (at `slug`, or the next free one) or
     * replaced with `fields`, then published as a new version by the import account, keeping the
     * number and date the source gives when they are later than what is here. Not the review
     * path (the source register did its own), but the same completeness check as publish(): an
     * incomplete record is kept as a working record and its problems returned, nothing published.
     * The organisation's name and type replace what the source typed; its contact e-mail is the
     * record's own when it has one.
     */
    async publishImported(tx: Queryable, input: {
      organisationId: string; entryId: string; slug: string; fields: AtrsFields; redactions?: Record<string, string>
      standardVersion: string; publishedBy: string; versionNo?: number; publishedAt?: Date | null
      facets?: repo.PublicationFacets; source: string; organisation?: Organisation
    }): Promise<{ recordId: string; slug: string; versionNo: number | null; missing: Completeness['missing'] }> {
      const org = input.organisation?.id === input.organisationId ? input.organisation : await organisations.get(input.organisationId, tx)
      const redactions = input.redactions ?? {}
      const fields = { ...withOrganisation(input.fields, publisher(org)), contact_email: (input.fields.contact_email ?? '').trim() || (org.contactEmail ?? '') }
      const existing = await repo.findRecord(tx, input.organisationId, input.entryId, true)
      let recordId = existing?.id ?? ''
      let slug = existing?.slug ?? input.slug
      if (!existing) {
        const taken = await repo.slugsStartingWith(tx, input.organisationId, input.slug)
        for (let n = 2; taken.has(slug); n++) slug = `${input.slug}-${n}`
        recordId = await repo.insertRecord(tx, {
          organisationId: input.organisationId, entryId: input.entryId, slug, fields, draftedBy: input.publishedBy, standardVersion: input.standardVersion,
        })
        if (Object.keys(redactions).length) await repo.updateFields(tx, recordId, fields, { redactions })
      } else {
        await repo.updateFields(tx, recordId, fields, { redactions, standardVersion: input.standardVersion })
      }
      const check = completeness(fields, input.standardVersion, redactions)
      if (!check.complete) return { recordId, slug, versionNo: null, missing: check.missing }
      const versionNo = Math.max(input.versionNo ?? 1, existing ? await repo.nextVersionNo(tx, recordId) : 1)
      await repo.insertImportedPublication(tx, {
        organisationId: input.organisationId, recordId, versionNo, standardVersion: input.standardVersion,
        fields: publishedFields(fields, redactions, input.standardVersion), publishedBy: input.publishedBy, separationRelaxed: false,
        facets: input.facets, redactions, publishedAt: input.publishedAt ?? null,
      })
      await repo.indexPublication(tx, recordId)
      await recordAudit(tx, {
        organisationId: input.organisationId, actorId: input.publishedBy, entityType: 'register_entry', entityId: input.entryId,
        action: 'record_imported', changes: { record: { from: null, to: `v${versionNo}` }, source: { from: null, to: input.source } },
      })
      return { recordId, slug, versionNo, missing: [] }
    },

    // ---- The public register: published versions only, every organisation, no login. ----

    /** The public register's search, counts, downloads and organisations (publicIndex.ts), over public_records. */
    publicIndex: createPublicIndex(db),

    /**
     * One published record: a given version, or the latest (with its Welsh text and the standard
     * version it follows); with the list of its versions, newest first.
     */
    async getPublished(orgSlug: string, slug: string, versionNo?: number) {
      const rows = await repo.publishedHistory(db, orgSlug, slug)
      const chosen = versionNo === undefined ? rows[0] : rows.find((r) => r.versionNo === versionNo)
      if (!chosen) return null
      return {
        record: chosen satisfies PublicRecord,
        latestVersion: rows[0]!.versionNo,
        versions: rows.map((r) => ({ versionNo: r.versionNo, publishedAt: r.publishedAt })),
      }
    },

    /** Every published version of one record, whole, newest first (what changed between two of them). */
    publishedHistory: (orgSlug: string, slug: string): Promise<repo.PublishedVersionRow[]> => repo.publishedHistory(db, orgSlug, slug),

    /** The newest publications (new records and new versions), optionally of one organisation: the Atom feed. */
    newestPublications: (limit: number, orgSlug?: string): Promise<repo.PublishedVersionRow[]> => repo.newestPublications(db, limit, orgSlug),
  }
}
export type TransparencyService = ReturnType<typeof createTransparencyService>
