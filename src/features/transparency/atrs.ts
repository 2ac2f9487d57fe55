/**
 * The UK Algorithmic Transparency Recording Standard (ATRS), version 3.0, as data and pure rules:
 * the fields we let a council edit, a first draft from a register entry, a completeness check,
 * and the open-data exports (JSON and CSV). No I/O here.
 *
 * Field references and attribute keys follow the v3.0 template table exactly; the hints are our
 * own short wording. Metadata (id, standard_version, date_updated, version) is not editable: it is
 * added when records are exported.
 */
import type { RegisterEntry, RiskTier, Stage } from '../register/model.ts'
import { csvCell } from '../../platform/csv.ts'
import { t } from '../../platform/i18n/i18n.ts'
import {
  type AtrsStandard, EXPORT_STANDARD, type FieldType, itemCount, itemKey, recordSections, type RecordField, repeatedSections,
  splitKey, STANDARD_VERSIONS, standardFor, type StandardField, type Tier,
} from './standard.ts'

/** The version whose keys the open-data downloads use (v3.0 has the one published field table). */
export const ATRS_VERSION = EXPORT_STANDARD

export interface AtrsField {
  ref: string
  key: string
  label: string
  tier: Tier
  /** The section's title, in the standard's words. */
  section: string
  required: boolean
  hint: string
  /** true → edit in a textarea */
  long: boolean
  type: FieldType
  options?: readonly string[]
  /** The repeated specification (model_specifications, data_specifications…) the field belongs to. */
  group?: string
}

function asAtrsField(f: StandardField, std: AtrsStandard): AtrsField {
  const section = std.sections.find((s) => s.id === f.section)!
  return Object.freeze({
    ref: f.ref, key: f.key, label: t(`atrs.field.${f.words}`), tier: f.tier, section: t(`atrs.section.${section.words}`),
    required: f.required, hint: t(`atrs.field.${f.words}.hint`), long: f.type === 'long', type: f.type,
    options: f.options, group: f.group,
  })
}

/**
 * Every field of every version we know, once per key: v3.0's in its template order, then the
 * fields v4.0 added. The downloads' columns follow this list.
 */
export const ATRS_FIELDS: readonly AtrsField[] = Object.freeze((() => {
  const seen = new Set<string>()
  const out: AtrsField[] = []
  for (const version of [EXPORT_STANDARD, ...STANDARD_VERSIONS.filter((v) => v !== EXPORT_STANDARD)]) {
    const std = standardFor(version)
    for (const f of std.fields) {
      if (seen.has(f.key)) continue
      seen.add(f.key)
      out.push(asAtrsField(f, std))
    }
  }
  return out
})())

const FIELD_BY_KEY: ReadonlyMap<string, AtrsField> = new Map(ATRS_FIELDS.map((f) => [f.key, f]))

/** ATRS field key → text. Repeated specifications use numbered keys (model_name__1). */
export type AtrsFields = Record<string, string>

/** ATRS v3.0 phase vocabulary. */
export const PHASES = ['Pre-deployment', 'Beta/Pilot', 'Production', 'Retired'] as const
export type AtrsPhase = string

const PHASE_BY_STAGE: Readonly<Record<Stage, 'pre' | 'pilot' | 'production' | 'retired'>> = {
  idea: 'pre',
  proposed: 'pre',
  under_assessment: 'pre',
  awaiting_decision: 'pre',
  approved: 'pre',
  rejected: 'pre',
  pilot: 'pilot',
  live: 'production',
  retired: 'retired',
}

/** The ATRS phase for a register lifecycle stage, in the words of the record's version (a pilot is v4.0's "Private beta"). */
export function phaseForStage(stage: Stage, version: string = EXPORT_STANDARD): AtrsPhase {
  const phase = PHASE_BY_STAGE[stage]
  const v4 = version !== '3.0'
  return phase === 'pre' ? 'Pre-deployment' : phase === 'pilot' ? (v4 ? 'Private beta' : 'Beta/Pilot') : phase === 'production' ? 'Production' : 'Retired'
}

/** Whether a field must be filled in, given the record's current answers (required, or required while another field has a value). */
export function isRequired(field: Pick<StandardField, 'required' | 'requiredWhen'>, fields: AtrsFields): boolean {
  if (field.required) return true
  return Object.entries(field.requiredWhen ?? {}).some(([other, value]) => (fields[other] ?? '').trim().toLowerCase() === value.toLowerCase())
}

// ---------------------------------------------------------------------------------------------
// The publishing organisation

/**
 * Fields that say who publishes the record (0.12 organisation name, 2.1.1 organisation or
 * department, 1.4 contact email). They always come from the publishing organisation's own
 * settings, never from what a contributor typed, so nobody can publish under another council's
 * name: they are read-only on the form and overwritten when a version is published.
 */
export const ORGANISATION_FIELD_KEYS: readonly string[] = Object.freeze(['organisation_name', 'organisation_or_department', 'contact_email'])

/**
 * Kept with each published version beside the ATRS fields (not an ATRS v3.0 attribute, so not in
 * the exports): the organisation's type, from its settings, shown on the public record.
 */
export const ORGANISATION_TYPE_KEY = 'organisation_type'

export interface PublishingOrganisation {
  name: string
  contactEmail: string | null
  organisationType: string | null
}

/** The record's fields with the organisation's own name, contact and type in place of anything typed. */
export function withOrganisation(fields: AtrsFields, org: PublishingOrganisation): AtrsFields {
  const name = squash(org.name)
  return {
    ...fields,
    organisation_name: name,
    organisation_or_department: name,
    contact_email: (org.contactEmail ?? '').trim(),
    [ORGANISATION_TYPE_KEY]: squash(org.organisationType ?? ''),
  }
}

// ---------------------------------------------------------------------------------------------
// Drafting from the register

/** What the register knows about a use. */
export interface DraftSource {
  entry: RegisterEntry
  organisation: { name: string; contactEmail: string | null; websiteUrl: string | null; region: string | null; nation?: string | null }
  screening?: { tier: RiskTier; flags: { id: string; label: string }[] } | null
  /** The version of the standard the record will follow (3.0 when not given). */
  version?: string
}

const ONE_SENTENCE_MAX = 200

/** Collapse runs of whitespace; trim. */
function squash(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}

/** Add a full stop unless the text already ends with sentence punctuation. */
function withStop(text: string): string {
  const t = text.trim()
  if (t === '') return ''
  return /[.!?…]["'’”)]*$/.test(t) ? t : `${t}.`
}

/** Join the non-blank parts with a separator. */
function joinParts(parts: (string | null | undefined)[], sep: string): string {
  return parts.map((p) => (p ?? '').trim()).filter((p) => p !== '').join(sep)
}

/** The first sentence of a text, at most `max` characters (cut at a word, with an ellipsis). */
export function firstSentence(text: string, max = ONE_SENTENCE_MAX): string {
  const flat = squash(text)
  if (flat === '') return ''
  // A sentence ends at . ! or ? followed by a space and a capital/digit/quote, or at the end.
  const m = /^(.+?[.!?])(?=\s+["'‘“(]?[A-Z0-9]|\s*$)/.exec(flat)
  const sentence = m?.[1] ?? flat
  if (sentence.length <= max) return sentence
  const room = sentence.slice(0, max - 1)
  const cut = room.lastIndexOf(' ')
  const head = (cut > max / 2 ? room.slice(0, cut) : room).replace(/[\s,;:.\-–—]+$/, '')
  return `${head}…`
}

const ROLE_SENTENCE: Readonly<Record<RegisterEntry['decisionRole'], string>> = {
  informs: 'The tool gives staff information to take into account; people make the decisions.',
  assists: 'The tool helps staff reach decisions, but a person makes each decision.',
  automates: 'The tool makes some decisions automatically, without a person deciding each case.',
}

function impactAssessmentFromScreening(screening: NonNullable<DraftSource['screening']>): string {
  const needed: string[] = []
  const other: string[] = []
  for (const flag of screening.flags) {
    const text = `${flag.id} ${flag.label}`
    if (/dpia|data protection impact/i.test(text)) {
      if (!needed.includes('DPIA')) needed.push('DPIA')
    } else if (/eqia|equality/i.test(text)) {
      if (!needed.includes('EqIA')) needed.push('EqIA')
    } else if (squash(flag.label) !== '') {
      other.push(squash(flag.label))
    }
  }
  const lines = [`Initial screening placed this use in the ${screening.tier} risk tier.`]
  if (needed.includes('DPIA')) lines.push('Screening found that a Data Protection Impact Assessment (DPIA) is required.')
  if (needed.includes('EqIA')) lines.push('Screening found that an Equality Impact Assessment (EqIA) is required.')
  if (other.length > 0) lines.push(`Screening also raised: ${other.map((o) => o.replace(/[.;]+$/, '')).join('; ')}.`)
  if (needed.length === 0 && other.length === 0) lines.push('Screening did not identify any further assessment as required.')
  return lines.join('\n')
}

/**
 * A first draft of an ATRS record from what the register knows. Every field in ATRS_FIELDS is
 * present; anything the register does not know is left '' for the council to write.
 */
export function draftFromEntry(src: DraftSource): AtrsFields {
  const { entry, organisation, screening } = src
  const version = src.version ?? EXPORT_STANDARD
  const std = standardFor(version)
  // Every field of the version, blank; one item of each repeated section it requires.
  const out: AtrsFields = {}
  for (const section of recordSections(std, {})) for (const f of section.fields) out[f.name] = ''
  const has = (key: string) => key in out
  const set = (key: string, value: string) => { if (has(key)) out[key] = value }
  const name = squash(entry.name)
  const orgName = squash(organisation.name)
  const purpose = entry.purpose.trim()
  const supplier = (entry.supplier ?? '').trim()
  const oversight = squash(entry.humanOversight)
  const people = entry.peopleAffected.trim()
  const serviceArea = squash(entry.serviceArea)
  const technique = entry.technique.trim()
  const regionOptions = std.byKey.get('region')?.options ?? []
  const region = [organisation.region, organisation.nation]
    .map((r) => regionOptions.find((o) => o.toLowerCase() === (r ?? '').trim().toLowerCase().replace(/_/g, ' ')))
    .find((r) => r !== undefined) ?? ''
  const scope = joinParts([serviceArea && `Service area: ${serviceArea}`, people && `People affected: ${people}`], '\n\n')
  const sensitive = joinParts([
    entry.personalData ? 'Personal data.' : '',
    entry.specialCategoryData ? 'Special category personal data.' : '',
  ], ' ')

  set('title', name)
  set('name', name)
  set('organisation_name', orgName)
  set('organisation_or_department', orgName)
  set('phase', phaseForStage(entry.stage, version))
  set('region', region)
  set('one_sentence_description', firstSentence(purpose))
  set('description', joinParts(
    [purpose, joinParts([ROLE_SENTENCE[entry.decisionRole], oversight && `Human oversight: ${withStop(oversight)}`], ' ')],
    '\n\n',
  ))
  set('website_url', (organisation.websiteUrl ?? '').trim())
  set('contact_email', (organisation.contactEmail ?? '').trim())
  set('team', serviceArea)
  set('senior_responsible_owner', squash(entry.owner))
  set('external_supplier_involvement', supplier === '' ? 'No' : 'Yes')
  set('external_supplier', supplier)
  set('detailed_description', joinParts(
    [purpose, technique && `Technique: ${technique}`,
      // v4.0 merged Scope (which names the people affected) into the detailed description.
      has('scope') ? (people && `People affected: ${people}`) : scope],
    '\n\n',
  ))
  set('scope', scope)
  set('process_integration', ROLE_SENTENCE[entry.decisionRole])
  set('human_decisions_and_review', oversight && withStop(oversight))
  set('models', technique)
  set('sensitive_attributes__1', entry.personalData || entry.specialCategoryData ? sensitive : '')
  set('operational_sensitive_attributes__1', entry.personalData || entry.specialCategoryData ? sensitive : 'None.')
  set('impact_assessment', screening ? impactAssessmentFromScreening(screening) : '')
  return out
}

// ---------------------------------------------------------------------------------------------
// Checking values: when saved, and the whole record before it is published

export type FieldProblem = 'missing' | 'invalid' | 'notAnOption' | 'tooLong' | 'redactionReason'

export interface FieldCheck {
  /** The concrete key (model_name__2 for the second model). */
  key: string
  label: string
  ref: string
  /** The section's title (with the item's number for a repeated one) and its id. */
  section: string
  sectionId: string
  problem: FieldProblem
}

export interface Completeness {
  complete: boolean
  /** Fields that stop publishing, in template order. */
  missing: FieldCheck[]
  /** Fields answered "N/A" (or similar): allowed, but listed so the council checks each one. */
  notApplicable: FieldCheck[]
}

const EMAIL_RE = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/

export function isValidEmail(value: string): boolean {
  return EMAIL_RE.test(value.trim())
}

/** An absolute http(s) address with a dotted host name, such as https://www.example.gov.uk/ai. */
export function isValidUrl(value: string): boolean {
  const v = value.trim()
  if (v === '' || /\s/.test(v)) return false
  let url: URL
  try {
    url = new URL(v)
  } catch {
    return false
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return false
  const host = url.hostname
  return /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(host) && !host.split('.').some((l) => l === '' || l.startsWith('-') || l.endsWith('-'))
}

/** "N/A", "n/a", "NA", "Not applicable", "None": what the standard asks for when a field does not apply. */
export function isNotApplicable(value: string): boolean {
  return /^(n\/?a|not applicable|none)\.?$/i.test(value.trim())
}

/** The longest text any field holds. */
export const FIELD_MAX = 20000

/** What is wrong with one value of a field, or null. URL fields also take "N/A", as the standard allows. */
export function valueProblem(field: Pick<StandardField, 'type' | 'options' | 'max'>, value: string): FieldProblem | null {
  const v = value.trim()
  if (value.length > (field.max ?? FIELD_MAX)) return 'tooLong'
  if (v === '') return null
  if (field.options && !field.options.includes(v)) return 'notAnOption'
  if (field.type === 'url' && !isValidUrl(v) && !isNotApplicable(v)) return 'invalid'
  if (field.type === 'email' && !isValidEmail(v)) return 'invalid'
  return null
}

/** Keys a record must always have, even while a draft: a record with no title cannot be saved. */
export const ALWAYS_REQUIRED: readonly string[] = Object.freeze(['title', 'name'])

const checkOf = (f: RecordField, section: { title: string; id: string }, problem: FieldProblem): FieldCheck =>
  ({ key: f.name, label: f.label, ref: f.ref, section: section.title, sectionId: section.id, problem })

/**
 * Problems with the values a person is saving (only the keys given are checked): an option that
 * is not one of the field's, a malformed address, text too long, a blank title. Blank fields are
 * fine while the record is a draft; the completeness check lists them.
 */
export function checkValues(values: AtrsFields, version: string = EXPORT_STANDARD): FieldCheck[] {
  const std = standardFor(version)
  const out: FieldCheck[] = []
  for (const section of recordSections(std, values)) {
    for (const f of section.fields) {
      const value = values[f.name]
      if (value === undefined) continue
      const problem = ALWAYS_REQUIRED.includes(f.name) && value.trim() === '' ? 'missing' : valueProblem(f, value)
      if (problem) out.push(checkOf(f, section, problem))
    }
  }
  return out
}

/**
 * Whether the record can be published under its version of the standard: every required field
 * (and every required field of each model and dataset, at least the minimum number of them) filled
 * or redacted with a reason, every value valid. Fields answered "N/A" are listed apart.
 */
export function completeness(fields: AtrsFields, version: string = EXPORT_STANDARD, redactions: Readonly<Record<string, string>> = {}): Completeness {
  const std = standardFor(version)
  const missing: FieldCheck[] = []
  const notApplicable: FieldCheck[] = []
  for (const section of recordSections(std, fields)) {
    for (const f of section.fields) {
      const value = (fields[f.name] ?? '').trim()
      if (f.name in redactions) {
        if ((redactions[f.name] ?? '').trim() === '') missing.push(checkOf(f, section, 'redactionReason'))
        continue
      }
      if (value === '') {
        if (isRequired(f, fields)) missing.push(checkOf(f, section, 'missing'))
        continue
      }
      const problem = valueProblem(f, fields[f.name] ?? '')
      if (problem) missing.push(checkOf(f, section, problem))
      else if (isNotApplicable(value)) notApplicable.push(checkOf(f, section, 'missing'))
    }
  }
  return { complete: missing.length === 0, missing, notApplicable }
}

/** Checks grouped by section, in order, for the completeness list. */
export function bySection(checks: readonly FieldCheck[]): { section: string; sectionId: string; fields: FieldCheck[] }[] {
  const out: { section: string; sectionId: string; fields: FieldCheck[] }[] = []
  for (const c of checks) {
    const last = out[out.length - 1]
    if (last && last.sectionId === c.sectionId) last.fields.push(c)
    else out.push({ section: c.section, sectionId: c.sectionId, fields: [c] })
  }
  return out
}

/** The text a redacted field is published with. */
export function redactedText(reason: string): string {
  return `Redacted: ${reason.trim()}`
}

// ---------------------------------------------------------------------------------------------
// Open-data exports

export interface PublishedRecordRow {
  organisationName: string
  /** The stable public id, "<organisation>/<record>". */
  slug: string
  version: number
  /** ISO timestamp */
  publishedAt: string
  fields: AtrsFields
  /** The version of the standard the record follows (3.0 when not given). */
  standardVersion?: string
  /** ISO timestamp of the record's first published version (date of completion). */
  firstPublishedAt?: string
}

/** ATRS "date" type: YYYY-MM-DD (UTC) of the publication. */
function dateOnly(iso: string): string {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) throw new RangeError(`publishedAt is not a valid ISO date: ${JSON.stringify(iso)}`)
  return d.toISOString().slice(0, 10)
}

/** The v3.0 metadata columns, in template order (0.1–0.10). */
export const METADATA_COLUMNS: readonly string[] = Object.freeze(
  standardFor(EXPORT_STANDARD).sections.flatMap((s) => s.fields).filter((f) => f.tier === 'meta' && f.ref.startsWith('0.') && Number(f.ref.split('.')[1]) <= 10).map((f) => f.key),
)

/** Repeated specifications by group name, with their base keys (over every version). */
export const GROUPS: ReadonlyMap<string, readonly string[]> = new Map(
  [...new Set(ATRS_FIELDS.flatMap((f) => (f.group ? [f.group] : [])))].map((g) => [g, ATRS_FIELDS.filter((f) => f.group === g).map((f) => f.key)]),
)

/**
 * Several items of a repeated field in one cell: "[1] first\n\n[2] second". One item is its text
 * alone, unless it starts like a numbered list. Inside numbered items a blank line followed by "["
 * gets a backslash before the "[" (and one more for each already there), so no item's text can
 * pass for the next marker and splitting always gives the items back.
 */
export function joinItems(values: readonly string[]): string {
  if (values.length === 0) return ''
  if (values.length === 1 && !/^\[1\] /.test(values[0]!)) return values[0]!
  return values.map((v, i) => `[${i + 1}] ${v.replace(/\n\n(\\*)\[/g, '\n\n\\$1[')}`).join('\n\n')
}

export function splitItems(cell: string): string[] {
  if (!/^\[1\] /.test(cell)) return cell === '' ? [] : [cell]
  const out: string[] = []
  let rest = cell.slice(4)
  for (let n = 2; ; n++) {
    const marker = `\n\n[${n}] `
    const at = rest.indexOf(marker)
    out.push(at < 0 ? rest : rest.slice(0, at))
    if (at < 0) break
    rest = rest.slice(at + marker.length)
  }
  return out.map((v) => v.replace(/\n\n\\(\\*)\[/g, '\n\n$1['))
}

/** The values of a repeated field's items, in order ('' for an item that lacks it). */
function itemValues(fields: AtrsFields, base: string, group: string): string[] {
  const keys = GROUPS.get(group) ?? [base]
  let n = 0
  for (const key of Object.keys(fields)) {
    const { base: b, item } = splitKey(key)
    if (item !== undefined && keys.includes(b) && item > n) n = item
  }
  return Array.from({ length: n }, (_, i) => fields[itemKey(base, i + 1)] ?? '')
}

function metadata(row: PublishedRecordRow): Record<string, string> {
  const fields = row.fields
  const updated = dateOnly(row.publishedAt)
  return {
    id: row.slug,
    standard_version: row.standardVersion ?? EXPORT_STANDARD,
    organisation_type: fields.organisation_type ?? '',
    function: fields.function ?? '',
    capability: fields.capability ?? '',
    task: fields.task ?? '',
    tags: fields.tags ?? '',
    date_of_completion: row.firstPublishedAt ? dateOnly(row.firstPublishedAt) : updated,
    date_updated: updated,
    date_archived: (fields.phase ?? '') === 'Retired' ? updated : '',
  }
}

/** One record's values in export order, keyed: every column of CSV_COLUMNS; repeated fields joined. */
export function exportRecord(row: PublishedRecordRow): Record<string, string | number> {
  const rec: Record<string, string | number> = { ...metadata(row) }
  for (const f of ATRS_FIELDS) {
    if (f.key in rec) continue
    rec[f.key] = f.group ? joinItems(itemValues(row.fields, f.key, f.group)) : (row.fields[f.key] ?? '')
  }
  if (String(rec.organisation_name).trim() === '') rec.organisation_name = row.organisationName
  rec.version = row.version
  return rec
}

/** Published records as ATRS-keyed JSON objects. */
export function recordsToJson(rows: PublishedRecordRow[]): unknown {
  return rows.map(recordToJson)
}

/**
 * The CSV header: the v3.0 template's keys in its order (metadata 0.1–0.10, then every field; the
 * phase repeated at 2.4.1.2 appears once), then `version` (the record's published version), then
 * the fields v4.0 added.
 */
export const CSV_COLUMNS: readonly string[] = Object.freeze((() => {
  const v3 = new Set(standardFor(EXPORT_STANDARD).fields.map((f) => f.key))
  return [
    ...METADATA_COLUMNS,
    ...ATRS_FIELDS.filter((f) => v3.has(f.key) && !METADATA_COLUMNS.includes(f.key)).map((f) => f.key),
    'version',
    ...ATRS_FIELDS.filter((f) => !v3.has(f.key)).map((f) => f.key),
  ]
})())

/** One CSV cell, spreadsheet formulas defused (platform/csv.ts). */
export { csvCell }

/** The CSV's header line, CRLF-terminated (for streaming: write it once, then csvRecordLine per record). */
export function csvHeaderLine(): string {
  return `${CSV_COLUMNS.map(csvCell).join(',')}\r\n`
}

/** One record as a CSV line, CRLF-terminated, formulas defused. */
export function csvRecordLine(row: PublishedRecordRow): string {
  const rec = exportRecord(row)
  return `${CSV_COLUMNS.map((c) => csvCell(String(rec[c] ?? ''))).join(',')}\r\n`
}

/**
 * One record as the JSON object the downloads and the public API give: the CSV's keys, except that
 * each repeated specification is an array of objects under its group's name (model_specifications…).
 */
export function recordToJson(row: PublishedRecordRow): Record<string, unknown> {
  const flat = exportRecord(row)
  const out: Record<string, unknown> = {}
  for (const c of CSV_COLUMNS) {
    const f = FIELD_BY_KEY.get(c)
    if (f?.group) continue
    out[c] = flat[c]
  }
  for (const [group, keys] of GROUPS) {
    const n = Math.max(0, ...keys.map((k) => itemValues(row.fields, k, group).length))
    out[group] = Array.from({ length: n }, (_, i) => Object.fromEntries(keys.map((k) => [k, row.fields[itemKey(k, i + 1)] ?? ''])))
  }
  return out
}

/** Published records as RFC 4180 CSV with CRLF line ends (each line, the last too, ends CRLF). */
export function recordsToCsv(rows: PublishedRecordRow[]): string {
  return csvHeaderLine() + rows.map(csvRecordLine).join('')
}

/** The sections of a record as its version of the standard lays them out (for the form and the public page). */
export function sectionsFor(fields: AtrsFields, version: string = EXPORT_STANDARD, opts: { withSameAs?: boolean } = {}) {
  return recordSections(standardFor(version), fields, opts)
}

/** The repeated sections of a version (for "add another model"). */
export function repeatedSectionsOf(version: string) {
  return repeatedSections(standardFor(version))
}

export { itemCount, type AtrsStandard }

// ---------------------------------------------------------------------------------------------
// Slugs

const SLUG_MAX = 80
const LETTER_FOLD: Readonly<Record<string, string>> = {
  ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i',
}

/**
 * A URL slug: lower-case ASCII letters and digits separated by single hyphens, at most 80
 * characters (cut at a word where possible). Accents are dropped, '&' reads 'and', apostrophes
 * vanish. Returns '' when nothing usable is left; callers choose a fallback.
 */
export function slugify(text: string): string {
  const ascii = text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[ßæœøłđðþı]/g, (c) => LETTER_FOLD[c] ?? '')
    .replace(/&/g, ' and ')
    .replace(/['’‘`]/g, '')
  let slug = ascii.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '')
  if (slug.length > SLUG_MAX) {
    const cut = slug.slice(0, SLUG_MAX)
    const wordEnd = slug[SLUG_MAX] === '-' ? SLUG_MAX : cut.lastIndexOf('-')
    slug = (wordEnd > 0 ? cut.slice(0, wordEnd) : cut).replace(/-+$/, '')
  }
  return slug
}

/** Look up a field definition by its ATRS key (a numbered key finds its repeated field). */
export function fieldByKey(key: string): AtrsField | undefined {
  return FIELD_BY_KEY.get(key) ?? FIELD_BY_KEY.get(splitKey(key).base)
}
