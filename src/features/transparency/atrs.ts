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

export const ATRS_VERSION = '3.0'

export interface AtrsField {
  ref: string
  key: string
  label: string
  tier: 'meta' | 1 | 2
  section: string
  required: boolean
  hint: string
  /** true → edit in a textarea */
  long: boolean
}

const TITLE = 'Title information'
const TIER1 = 'Tier 1 Information'
const OWNER = 'Owner and Responsibility'
const RATIONALE = 'Description and Rationale'
const RISKS = 'Risks, mitigations and impact assessments'

const FIELDS: AtrsField[] = [
  { ref: '0.11', key: 'title', label: 'Title', tier: 'meta', section: TITLE, required: true, long: false,
    hint: 'The name the tool is known by. It becomes the title of the published record.' },
  { ref: '0.12', key: 'organisation_name', label: 'Organisation name', tier: 'meta', section: TITLE, required: true, long: false,
    hint: 'The full name of the council or body that is responsible for the tool and this record.' },
  { ref: '0.13', key: 'phase', label: 'Phase', tier: 'meta', section: TITLE, required: true, long: false,
    hint: 'Where the tool is now: Pre-deployment, Beta/Pilot, Production or Retired.' },
  { ref: '0.14', key: 'region', label: 'Region', tier: 'meta', section: TITLE, required: true, long: false,
    hint: 'The main area whose residents the tool affects, for example London or Wales.' },
  { ref: '0.15', key: 'one_sentence_description', label: 'One sentence description', tier: 'meta', section: TITLE, required: true, long: false,
    hint: 'One plain sentence saying what the tool does. It is shown under the title.' },

  { ref: '1.1', key: 'name', label: 'Name', tier: 1, section: TIER1, required: true, long: false,
    hint: 'The name the tool is known by.' },
  { ref: '1.2', key: 'description', label: 'Description', tier: 1, section: TIER1, required: true, long: true,
    hint: 'A short overview for the public: what the tool is for, how it is used and why.' },
  { ref: '1.3', key: 'website_url', label: 'Website URL', tier: 1, section: TIER1, required: true, long: false,
    hint: 'A public web page with more about the tool or the service that uses it (starting https://).' },
  { ref: '1.4', key: 'contact_email', label: 'Contact email', tier: 1, section: TIER1, required: true, long: false,
    hint: 'An address the public can write to about this record. Use a team mailbox, not a personal one.' },

  { ref: '2.1.1', key: 'organisation_or_department', label: 'Organisation or department', tier: 2, section: OWNER, required: true, long: false,
    hint: 'The full name of the body responsible for using the tool.' },
  { ref: '2.1.2', key: 'team', label: 'Team', tier: 2, section: OWNER, required: true, long: false,
    hint: 'The team or service responsible for using the tool.' },
  { ref: '2.1.3', key: 'senior_responsible_owner', label: 'Senior responsible owner', tier: 2, section: OWNER, required: true, long: false,
    hint: 'The role title (and name, if you publish it) of the senior person accountable for the tool.' },
  { ref: '2.1.4', key: 'external_supplier_involvement', label: 'External supplier involvement', tier: 2, section: OWNER, required: true, long: false,
    hint: 'Yes or No: did an outside organisation help build or run the tool?' },
  { ref: '2.1.4.1', key: 'external_supplier', label: 'External supplier', tier: 2, section: OWNER, required: false, long: false,
    hint: 'Needed if a supplier is involved: the name of each organisation contracted to build or run the tool.' },
  { ref: '2.1.4.2', key: 'companies_house_number', label: 'Companies House number', tier: 2, section: OWNER, required: false, long: false,
    hint: 'Needed if a supplier is involved: the supplier’s Companies House number (write N/A if it has none).' },
  { ref: '2.1.4.3', key: 'external_supplier_role', label: 'External supplier role', tier: 2, section: OWNER, required: false, long: true,
    hint: 'Needed if a supplier is involved: what each supplier did, and how several suppliers relate to each other.' },
  { ref: '2.1.4.4', key: 'procurement_procedure_type', label: 'Procurement procedure type', tier: 2, section: OWNER, required: false, long: false,
    hint: 'Needed if a supplier is involved: how the contract was let, for example an open tender or a call-off from a framework.' },
  { ref: '2.1.4.5', key: 'data_access_terms', label: 'Data access terms', tier: 2, section: OWNER, required: false, long: true,
    hint: 'Needed if a supplier is involved: what council data the supplier can reach, and on what terms.' },

  { ref: '2.2.1', key: 'detailed_description', label: 'Detailed description', tier: 2, section: RATIONALE, required: false, long: true,
    hint: 'How the tool works, in more technical detail than the Tier 1 description.' },
  { ref: '2.2.2', key: 'scope', label: 'Scope', tier: 2, section: RATIONALE, required: true, long: true,
    hint: 'The situations the tool is meant for, and any it is not meant for.' },
  { ref: '2.2.3', key: 'benefit', label: 'Benefit', tier: 2, section: RATIONALE, required: true, long: true,
    hint: 'What the tool is expected to improve, and why using it is justified.' },
  { ref: '2.2.4', key: 'previous_process', label: 'Previous process', tier: 2, section: RATIONALE, required: false, long: true,
    hint: 'How the work or decision was done before the tool, if it replaced something.' },
  { ref: '2.2.5', key: 'alternatives_considered', label: 'Alternatives considered', tier: 2, section: RATIONALE, required: false, long: true,
    hint: 'Other options you looked at, with or without algorithms, and why you chose this one.' },

  { ref: '2.5.1', key: 'impact_assessment', label: 'Impact assessment', tier: 2, section: RISKS, required: true, long: true,
    hint: 'Each impact assessment done (for example DPIA, equality impact assessment): its name, date, main findings and a public link if there is one.' },
  { ref: '2.5.2', key: 'risks_and_mitigations', label: 'Risks and mitigations', tier: 2, section: RISKS, required: true, long: true,
    hint: 'The risks you have identified and what you do to reduce each one.' },
]

export const ATRS_FIELDS: readonly AtrsField[] = Object.freeze(FIELDS.map((f) => Object.freeze(f)))

const FIELD_BY_KEY: ReadonlyMap<string, AtrsField> = new Map(ATRS_FIELDS.map((f) => [f.key, f]))

/** ATRS field key → text. */
export type AtrsFields = Record<string, string>

/** ATRS v3.0 phase vocabulary. */
export const PHASES = ['Pre-deployment', 'Beta/Pilot', 'Production', 'Retired'] as const
export type AtrsPhase = (typeof PHASES)[number]

const PHASE_BY_STAGE: Readonly<Record<Stage, AtrsPhase>> = {
  idea: 'Pre-deployment',
  proposed: 'Pre-deployment',
  under_assessment: 'Pre-deployment',
  awaiting_decision: 'Pre-deployment',
  approved: 'Pre-deployment',
  rejected: 'Pre-deployment',
  pilot: 'Beta/Pilot',
  live: 'Production',
  retired: 'Retired',
}

/** The ATRS phase for a register lifecycle stage. */
export function phaseForStage(stage: Stage): AtrsPhase {
  return PHASE_BY_STAGE[stage]
}

/** Supplier fields (2.1.4.1–2.1.4.5) become required when external supplier involvement is "Yes". */
const SUPPLIER_DETAIL_KEYS: ReadonlySet<string> = new Set([
  'external_supplier',
  'companies_house_number',
  'external_supplier_role',
  'procurement_procedure_type',
  'data_access_terms',
])

function supplierInvolved(fields: AtrsFields): boolean {
  return (fields.external_supplier_involvement ?? '').trim().toLowerCase() === 'yes'
}

/** Whether a field must be filled in, given the record's current answers. */
export function isRequired(field: AtrsField, fields: AtrsFields): boolean {
  if (field.required) return true
  return SUPPLIER_DETAIL_KEYS.has(field.key) && supplierInvolved(fields)
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
  organisation: { name: string; contactEmail: string | null; websiteUrl: string | null; region: string | null }
  screening?: { tier: RiskTier; flags: { id: string; label: string }[] } | null
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
  const out: AtrsFields = Object.fromEntries(ATRS_FIELDS.map((f) => [f.key, '']))
  const name = squash(entry.name)
  const orgName = squash(organisation.name)
  const purpose = entry.purpose.trim()
  const supplier = (entry.supplier ?? '').trim()
  const oversight = squash(entry.humanOversight)
  const people = entry.peopleAffected.trim()
  const serviceArea = squash(entry.serviceArea)

  out.title = name
  out.name = name
  out.organisation_name = orgName
  out.organisation_or_department = orgName
  out.phase = phaseForStage(entry.stage)
  out.region = (organisation.region ?? '').trim()
  out.one_sentence_description = firstSentence(purpose)
  out.description = joinParts(
    [purpose, joinParts([ROLE_SENTENCE[entry.decisionRole], oversight && `Human oversight: ${withStop(oversight)}`], ' ')],
    '\n\n',
  )
  out.website_url = (organisation.websiteUrl ?? '').trim()
  out.contact_email = (organisation.contactEmail ?? '').trim()
  out.team = serviceArea
  out.senior_responsible_owner = squash(entry.owner)
  out.external_supplier_involvement = supplier === '' ? 'No' : 'Yes'
  out.external_supplier = supplier
  out.detailed_description = joinParts(
    [purpose, entry.technique.trim() && `Technique: ${entry.technique.trim()}`, people && `People affected: ${people}`],
    '\n\n',
  )
  out.scope = joinParts([serviceArea && `Service area: ${serviceArea}`, people && `People affected: ${people}`], '\n\n')
  out.impact_assessment = screening ? impactAssessmentFromScreening(screening) : ''
  out.risks_and_mitigations = ''
  return out
}

// ---------------------------------------------------------------------------------------------
// Completeness

export interface Completeness {
  complete: boolean
  missing: { key: string; label: string; ref: string; problem: 'missing' | 'invalid' }[]
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

const SHAPE_CHECKS: Readonly<Record<string, (v: string) => boolean>> = {
  website_url: isValidUrl,
  contact_email: isValidEmail,
}

/**
 * Required fields left blank (after trimming) are `missing`; a filled-in email or URL of the
 * wrong shape is `invalid`. Entries come in ATRS_FIELDS order.
 */
export function completeness(fields: AtrsFields): Completeness {
  const missing: Completeness['missing'] = []
  for (const field of ATRS_FIELDS) {
    const value = (fields[field.key] ?? '').trim()
    const { key, label, ref } = field
    if (value === '') {
      if (isRequired(field, fields)) missing.push({ key, label, ref, problem: 'missing' })
      continue
    }
    const check = SHAPE_CHECKS[key]
    if (check && !check(value)) missing.push({ key, label, ref, problem: 'invalid' })
  }
  return { complete: missing.length === 0, missing }
}

// ---------------------------------------------------------------------------------------------
// Open-data exports

export interface PublishedRecordRow {
  organisationName: string
  slug: string
  version: number
  /** ISO timestamp */
  publishedAt: string
  fields: AtrsFields
}

/** ATRS "date" type: YYYY-MM-DD (UTC) of the publication. */
function dateOnly(iso: string): string {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) throw new RangeError(`publishedAt is not a valid ISO date: ${JSON.stringify(iso)}`)
  return d.toISOString().slice(0, 10)
}

/** One record's values in export order, keyed. Only ATRS keys are exported, never other keys. */
export function exportRecord(row: PublishedRecordRow): Record<string, string | number> {
  const rec: Record<string, string | number> = {
    id: row.slug,
    standard_version: ATRS_VERSION,
    date_updated: dateOnly(row.publishedAt),
    version: row.version,
  }
  for (const f of ATRS_FIELDS) rec[f.key] = row.fields[f.key] ?? ''
  if (String(rec.organisation_name).trim() === '') rec.organisation_name = row.organisationName
  return rec
}

/** Published records as ATRS-keyed JSON objects (metadata first, then every ATRS field). */
export function recordsToJson(rows: PublishedRecordRow[]): unknown {
  return rows.map(exportRecord)
}

/** The CSV header: metadata columns, then every ATRS field key. */
export const CSV_COLUMNS: readonly string[] = Object.freeze([
  'id',
  'standard_version',
  'date_updated',
  'version',
  ...ATRS_FIELDS.map((f) => f.key),
])

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

/** One record as the JSON object the downloads and the public API give (ATRS keys). */
export function recordToJson(row: PublishedRecordRow): Record<string, unknown> {
  return exportRecord(row)
}

/** Published records as RFC 4180 CSV with CRLF line ends (each line, the last too, ends CRLF). */
export function recordsToCsv(rows: PublishedRecordRow[]): string {
  const lines = [CSV_COLUMNS.map(csvCell).join(',')]
  for (const row of rows) {
    const rec = exportRecord(row)
    lines.push(CSV_COLUMNS.map((c) => csvCell(String(rec[c] ?? ''))).join(','))
  }
  return lines.map((l) => `${l}\r\n`).join('')
}

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

/** Look up a field definition by its ATRS key. */
export function fieldByKey(key: string): AtrsField | undefined {
  return FIELD_BY_KEY.get(key)
}
