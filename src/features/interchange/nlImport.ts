/**
 * The Dutch Algorithm Register's CSV export (standard 1.0) read into our register and ATRS
 * records: pure rules, no I/O. `checkNlFile` validates every row (the file is refused as a whole
 * only for a wrong header or broken CSV); `mapNlRow` turns a valid row into an organisation, a
 * register entry and ATRS fields through the mapping table `NL_TO_ATRS`.
 *
 * Decisions (docs: the interchange paragraph of docs/architecture.md):
 * - contact_email is "Contactgegevens" in the standard, free text of up to 500 characters, not an
 *   e-mail field: it is checked for length only. ATRS 1.4 needs an e-mail address, so the first
 *   address in the text is used, else the address most used by the organisation's other rows in
 *   the file; with neither, the record is published with its contact withheld, giving the reason
 *   (NO_CONTACT_REASON), since the source register published it.
 * - url fields hold text as often as addresses in the real data ("Verwerkingsregister Gemeente
 *   Leiden"); text is kept as text, a bare "www." address becomes https://, and an address with a
 *   scheme must be a valid http(s) URL (javascript:, data: and broken addresses are refused).
 *   ATRS 1.3 needs a website: the first valid address in `website`, else the record's own page
 *   on algoritmes.overheid.nl.
 * - Register fields the Dutch standard does not have (owner, technique, people affected) and
 *   required ATRS fields it has no counterpart for get NOT_STATED, which says so in words.
 */
import { z } from 'zod'
import type { EntryInput, RiskTier, Stage } from '../register/model.ts'
import { type AtrsFields, firstSentence, isRequired, isValidEmail, isValidUrl, phaseForStage, sectionsFor, slugify } from '../transparency/atrs.ts'
import { CURRENT_STANDARD } from '../transparency/standard.ts'
import { checkHeader, contentHash, type CsvRow, type Problem, UNSTORABLE } from './csvFile.ts'
import {
  importLimit, NL_COLUMNS, NL_ENUMS, NL_FIELDS, NL_PUBLICATION_CATEGORY, NL_STATUS, NL_THEMES, type NlPublicationCategory, nlRegisterPage,
  type NlStatus,
} from './nlStandard.ts'

/** What a required field the source does not have says. */
export const NOT_STATED = 'Not stated in the source register.'

/** Where imported Dutch bodies are (the organisation's region and the ATRS region, 0.14). */
export const NL_REGION = 'Netherlands'

export interface NlRow {
  line: number
  /** Column → trimmed text, every column of the standard. */
  cells: Record<string, string>
  status: NlStatus
  publicationCategory: NlPublicationCategory
  themes: string[]
}

export type NlChecked = { ok: true; rows: NlRow[]; rejected: Problem[] } | { ok: false; problems: Problem[] }

const byWord = (words: Record<string, { en: string; nl: string }>) =>
  new Map(Object.entries(words).flatMap(([code, w]) => [[w.en.toLowerCase(), code], [w.nl.toLowerCase(), code]]))
const STATUS_BY_WORD = byWord(NL_STATUS) as Map<string, NlStatus>
const CATEGORY_BY_WORD = byWord(NL_PUBLICATION_CATEGORY) as Map<string, NlPublicationCategory>
const THEME_BY_WORD = new Map(NL_THEMES.map((t) => [t.toLowerCase(), t]))

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i
const DANGEROUS_SCHEME = /^\s*(?:javascript|data|vbscript|file):/i
const LARS_ID = z.string().regex(/^[0-9A-Za-z]{8}$/)

/** A url field's value: fine as text, or an address that must be a valid http(s) URL. */
function urlProblem(value: string): string | null {
  const first = value.split(/\s+/)[0] ?? ''
  if (DANGEROUS_SCHEME.test(value) || DANGEROUS_SCHEME.test(first)) return 'interchange.problem.urlScheme'
  if (SCHEME.test(first) && !isValidUrl(first.replace(/[;,.)]+$/, ''))) return 'interchange.problem.url'
  return null
}

/** Checks one row against the standard. Returns the problems (none: the row is valid). */
function checkRow(row: CsvRow): { problems: Problem[]; value?: NlRow } {
  const problems: Problem[] = []
  const cells: Record<string, string> = {}
  const problem = (field: string, key: string, vars?: Record<string, string | number>) =>
    problems.push({ line: row.line, field, key, ...(vars ? { vars } : {}) })
  for (const f of NL_FIELDS) {
    const raw = row.cells[f.key] ?? ''
    if (UNSTORABLE.test(raw)) {
      problem(f.key, 'interchange.problem.unstorable')
      continue
    }
    const value = raw.trim()
    cells[f.key] = value
    if (value === '') {
      if (f.required) problem(f.key, 'interchange.problem.required')
      continue
    }
    const limit = importLimit(f)
    if (limit !== undefined && [...value].length > limit) {
      problem(f.key, 'interchange.problem.tooLong', { max: limit, length: [...value].length })
      continue
    }
    const allowed = NL_ENUMS[f.key]
    if (allowed && !allowed.some((a) => a.toLowerCase() === value.toLowerCase())) {
      problem(f.key, 'interchange.problem.enum', { value: value.slice(0, 60), allowed: allowed.join(', ') })
    }
    if (f.type === 'url') {
      const p = urlProblem(value)
      if (p) problem(f.key, p)
    }
    if (f.key === 'algorithm_id' && !LARS_ID.safeParse(value).success) problem(f.key, 'interchange.problem.algorithmId')
  }
  const themes: string[] = []
  for (const word of (cells.category ?? '').split(/\s*,\s*/).filter(Boolean)) {
    const theme = THEME_BY_WORD.get(word.toLowerCase())
    if (!theme) problem('category', 'interchange.problem.theme', { value: word.slice(0, 60) })
    else if (!themes.includes(theme)) themes.push(theme)
  }
  if (problems.length) return { problems }
  return {
    problems,
    value: {
      line: row.line, cells, themes,
      status: STATUS_BY_WORD.get(cells.status!.toLowerCase())!,
      publicationCategory: CATEGORY_BY_WORD.get(cells.publication_category!.toLowerCase())!,
    },
  }
}

/**
 * Checks a whole file: a wrong header refuses it; otherwise each row is valid or rejected with
 * every problem it has (and an algorithm_id seen on an earlier line is rejected).
 */
export function checkNlFile(header: readonly string[], rows: readonly CsvRow[]): NlChecked {
  const headerProblems = checkHeader(header, NL_COLUMNS)
  if (headerProblems.length) return { ok: false, problems: headerProblems }
  if (!rows.length) return { ok: false, problems: [{ line: 2, key: 'interchange.problem.noRows' }] }
  const valid: NlRow[] = []
  const rejected: Problem[] = []
  const seen = new Map<string, number>()
  for (const row of rows) {
    const { problems, value } = checkRow(row)
    if (value) {
      const first = seen.get(value.cells.algorithm_id!)
      if (first !== undefined) {
        rejected.push({ line: row.line, field: 'algorithm_id', key: 'interchange.problem.duplicateId', vars: { line: first } })
        continue
      }
      seen.set(value.cells.algorithm_id!, row.line)
      valid.push(value)
    } else rejected.push(...problems)
  }
  return { ok: true, rows: valid, rejected }
}

// ---------------------------------------------------------------------------------------------
// Mapping

/** The register stage for a Dutch status: "In development" has been decided on but is not in service. */
export const STAGE_FOR_STATUS: Readonly<Record<NlStatus, Stage>> = { in_development: 'approved', in_use: 'live', out_of_use: 'retired' }

/** Our risk tier for a publication category: only "High-Risk AI-system" says a tier (EU AI Act high risk). */
export const RISK_TIER_FOR_CATEGORY: Readonly<Record<NlPublicationCategory, RiskTier | null>> = { high_risk: 'high', impactful: null, other: null }

/** Organisation type from the body's name (English edition, and the Dutch words). */
export const ORGANISATION_TYPES: readonly (readonly [RegExp, string])[] = [
  [/^(municipality of|gemeente)\b/i, 'Municipality'],
  [/^(province of|provincie)\b/i, 'Province'],
  [/water ?board|waterschap|hoogheemraadschap|wetterskip|water authority/i, 'Water board'],
  [/^(safety region|veiligheidsregio)\b/i, 'Safety region'],
  [/^(ministry of|ministerie van)\b/i, 'Ministry'],
  [/omgevingsdienst|environment(al)? (service|agency|department|protection agency)|\bRUD\b/i, 'Environmental service'],
]

export function organisationTypeFor(name: string): string {
  return ORGANISATION_TYPES.find(([re]) => re.test(name))?.[1] ?? 'Public body'
}

/** The few HTML entities the export leaves in names ("Flevoland &amp; Gooi"). */
export function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39|apos);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'" })[e]!)
}

/** An organisation slug (2–63 characters, organisations' rule) from a name, cut at a word. */
export function organisationSlugBase(name: string): string {
  let slug = slugify(name)
  if (slug.length > 63) {
    const cut = slug.slice(0, 63)
    slug = (slug[63] === '-' ? cut : cut.slice(0, Math.max(cut.lastIndexOf('-'), 1))).replace(/-+$/, '')
  }
  return slug.length >= 2 ? slug : `org-${slug || 'x'}`
}

const EMAIL_IN_TEXT = /[^\s@<>()[\]{},;:"'\\/]+@[^\s@<>()[\]{},;:"'\\/]+/g

/** The first valid e-mail address in a contact text, or null. */
export function emailIn(text: string): string | null {
  for (const m of text.matchAll(EMAIL_IN_TEXT)) {
    const candidate = m[0].replace(/[.)]+$/, '').replace(/^mailto:/i, '').toLowerCase()
    if (isValidEmail(candidate) && candidate.length <= 320) return candidate
  }
  return null
}

/** The first valid http(s) address in a text ("www." read as https://), or null. */
export function urlIn(text: string): string | null {
  for (const token of text.split(/\s+/)) {
    const t = token.replace(/[;,.)]+$/, '').replace(/^\(/, '')
    const candidate = /^www\./i.test(t) ? `https://${t}` : t
    if (SCHEME.test(candidate) && isValidUrl(candidate) && candidate.length <= 2000) return candidate
  }
  return null
}

/** "1: title, url; 2: title, url" (the export's flattened groupings) → items. */
export function groupingItems(text: string): { title: string; link: string | null }[] {
  if (!text.trim()) return []
  return text.split(/(?:^|[;\n]\s*)\d+:\s*/).map((s) => s.trim().replace(/;$/, '')).filter(Boolean).map((item) => {
    const link = urlIn(item)
    const title = (link ? item.slice(0, item.lastIndexOf(',') >= 0 ? item.lastIndexOf(',') : item.length) : item).trim() || link || item
    return { title, link }
  })
}

/** Text fitted to a limit: cut at a word with an ellipsis (for our own fields' limits). */
export function fit(text: string, max: number): string {
  const chars = [...text]
  if (chars.length <= max) return text
  const room = chars.slice(0, max - 1).join('')
  const cut = room.lastIndexOf(' ')
  return `${(cut > max / 2 ? room.slice(0, cut) : room).replace(/[\s,;:.]+$/, '')}…`
}

/** The ATRS function (0.4, a COFOG division) for each policy theme. */
export const FUNCTION_FOR_THEME: Readonly<Record<(typeof NL_THEMES)[number], string>> = {
  'Culture and Recreation': 'Recreation, culture and religion', Economy: 'Economic affairs', 'Education and Science': 'Education',
  'Health and Healthcare': 'Health', International: 'General public services', Law: 'Public order and safety',
  Living: 'Housing and community amenities', 'Migration and Integration': 'Social protection', 'Nature and Environment': 'Environmental protection',
  'Organisation and business operations': 'General public services', 'Public finance': 'General public services',
  'Public Order and Safety': 'Public order and safety', 'Social Security': 'Social protection', 'Space and Infrastructure': 'Housing and community amenities',
  Traffic: 'Economic affairs', Work: 'Economic affairs',
}

/** A mapping row: a Dutch column (or a value worked out from the row) → the ATRS keys it fills. */
export interface NlMapping {
  from: string
  /** ATRS keys written, each where the field list has it (a repeated field's first instance, key__1, too). */
  to: readonly string[]
  /** When no key of `to` is in the field list: a labelled paragraph of detailed_description. */
  label?: string
  value: (row: NlRow, ctx: NlContext) => string
}

export interface NlContext {
  /** The e-mail address the organisation's other rows use most, if any. */
  organisationEmail: string | null
}

const cell = (key: string) => (row: NlRow) => row.cells[key] ?? ''
const groupingText = (key: string) => (row: NlRow) =>
  groupingItems(row.cells[key] ?? '').map((g) => (g.link && g.link !== g.title ? `${g.title}: ${g.link}` : g.title)).join('\n')
const joinText = (...parts: string[]) => parts.map((p) => p.trim()).filter(Boolean).join('\n\n')

/** The mapping table: Dutch standard 1.0 → ATRS. Order matters only for the paragraphs added to detailed_description. */
export const NL_TO_ATRS: readonly NlMapping[] = [
  { from: 'name', to: ['title', 'name'], value: cell('name') },
  { from: 'description_short', to: ['description'], value: cell('description_short') },
  { from: 'description_short (first sentence)', to: ['one_sentence_description'], value: (r) => firstSentence(r.cells.description_short ?? '') },
  { from: 'status', to: ['phase'], value: (r) => phaseForStage(STAGE_FOR_STATUS[r.status], CURRENT_STANDARD) },
  { from: '(a Dutch body)', to: ['region'], value: () => 'International' },
  { from: 'website', to: ['website_url'], value: (r) => urlIn(r.cells.website ?? '') ?? nlRegisterPage(r.cells.algorithm_id!) },
  { from: 'contact_email', to: ['contact_email'], value: (r, ctx) => emailIn(r.cells.contact_email ?? '') ?? ctx.organisationEmail ?? '' },
  { from: 'category (first theme)', to: ['function'], value: (r) => (r.themes[0] ? FUNCTION_FOR_THEME[r.themes[0] as (typeof NL_THEMES)[number]] : '') },
  { from: 'tags', to: ['tags'], value: cell('tags') },
  { from: 'goal', to: ['scope'], label: 'Goal and impact', value: cell('goal') },
  { from: 'proportionality (else goal)', to: ['benefit'], value: (r) => r.cells.proportionality || r.cells.goal || '' },
  { from: 'human_intervention', to: ['human_decisions_and_review'], label: 'Human intervention', value: cell('human_intervention') },
  { from: 'risks', to: ['risks_and_mitigations'], value: cell('risks') },
  { from: 'methods_and_models', to: ['detailed_description', 'system_architecture'], value: cell('methods_and_models') },
  { from: 'provider', to: ['external_supplier_involvement'], value: (r) => (r.cells.provider ? 'Yes' : 'No') },
  { from: 'provider', to: ['external_supplier'], value: cell('provider') },
  { from: 'source_data_grouping (titles)', to: ['operational_data_name', 'source_data_name'], label: 'Data sources',
    value: (r) => groupingItems(r.cells.source_data_grouping ?? '').map((g) => g.title).join('; ') },
  { from: 'source_data_grouping (first link)', to: ['source_data_url'], value: (r) => groupingItems(r.cells.source_data_grouping ?? '').find((g) => g.link)?.link ?? '' },
  { from: 'source_data', to: ['operational_data_description', 'data_description'], label: 'Source data', value: cell('source_data') },
  { from: 'impacttoetsen, impacttoetsen_grouping', to: ['impact_assessment'], value: (r) => joinText(r.cells.impacttoetsen ?? '', groupingText('impacttoetsen_grouping')(r)) },
  { from: 'lawful_basis, lawful_basis_grouping', to: [], label: 'Lawful basis', value: (r) => joinText(r.cells.lawful_basis ?? '', groupingText('lawful_basis_grouping')(r)) },
  { from: 'publiccode', to: [], label: 'Source code', value: cell('publiccode') },
  { from: 'process_index_url', to: [], label: 'Record of processing (GDPR)', value: cell('process_index_url') },
  { from: 'url', to: [], label: 'Source registration', value: cell('url') },
  { from: 'begin_date, end_date', to: [], label: 'In use', value: (r) => [r.cells.begin_date && `from ${r.cells.begin_date}`, r.cells.end_date && `until ${r.cells.end_date}`].filter(Boolean).join(' ') },
  { from: 'algorithm_id', to: [], label: 'Imported from the Dutch Algorithm Register (publication standard 1.0)', value: (r) => nlRegisterPage(r.cells.algorithm_id!) },
]

/** Why a required choice or address the Dutch standard has no counterpart for is withheld (see below). */
export const NOT_RECORDED_REASON = 'Not recorded in the Dutch Algorithm Register, which this record was imported from.'
/** The contact of a record whose Dutch entry gives no e-mail address (nor does its organisation's other entries). */
export const NO_CONTACT_REASON = 'The Dutch Algorithm Register entry this record was imported from gives no e-mail address; contact the organisation through the original entry.'

const layouts = new Map<string, ReturnType<typeof sectionsFor>[number]['fields']>()

/** The fields of a record with no items beyond each repeated section's minimum, in template order. */
function layoutFor(version: string) {
  let layout = layouts.get(version)
  if (!layout) {
    layout = sectionsFor({}, version).flatMap((s) => s.fields)
    layouts.set(version, layout)
  }
  return layout
}

export interface NlAtrs {
  /** The version of the ATRS the record follows. */
  version: string
  fields: AtrsFields
  /** Required fields we can fill neither with words nor with one of their options: withheld with NOT_RECORDED_REASON. */
  redactions: Record<string, string>
}

/**
 * The ATRS fields for a row, in the current version of the standard (its region list has
 * "International"): the mapping table first (each value into every key of `to` the version has,
 * a repeated field's first item included), then NOT_STATED in every required text field still
 * blank. A required field that must be an option or an address cannot say "not stated", so it is
 * redacted with the reason that the source does not record it.
 */
export function atrsFieldsFor(row: NlRow, ctx: NlContext, version: string = CURRENT_STANDARD): NlAtrs {
  // The record holds each repeated section's minimum number of items, so one layout serves every row.
  const layout = layoutFor(version)
  const fields: AtrsFields = {}
  for (const f of layout) fields[f.name] = ''
  const has = (key: string) => key in fields
  const paragraphs: string[] = []
  for (const m of NL_TO_ATRS) {
    const value = m.value(row, ctx).trim()
    if (!value) continue
    const keys = m.to.flatMap((k) => [k, `${k}__1`]).filter(has)
    for (const k of keys) fields[k] = value
    if (!keys.length && m.label) paragraphs.push(`${m.label}: ${value}`)
  }
  if (paragraphs.length && has('detailed_description')) fields.detailed_description = joinText(fields.detailed_description ?? '', ...paragraphs)
  const regionOptions = layout.find((f) => f.name === 'region')?.options ?? []
  if (has('region') && !regionOptions.includes(fields.region ?? '')) fields.region = regionOptions.includes('International') ? 'International' : ''
  const redactions: Record<string, string> = {}
  for (const f of layout) {
    if ((fields[f.name] ?? '').trim() !== '' || !isRequired(f, fields) || f.from === 'organisation') continue
    if (f.type === 'text' || f.type === 'long') fields[f.name] = NOT_STATED
    else redactions[f.name] = NOT_RECORDED_REASON
  }
  // ATRS 1.4 needs an address; with none in the row or elsewhere for its organisation, the record
  // is still published (the source register published it), with the contact withheld and why.
  if (has('contact_email') && (fields.contact_email ?? '').trim() === '') redactions.contact_email = NO_CONTACT_REASON
  return { version, fields, redactions }
}

export interface NlMapped {
  organisation: { name: string; slugBase: string; organisationType: string; region: string }
  entry: EntryInput & { stage: Stage; riskTier: RiskTier | null }
  atrs: NlAtrs
  /** Register facets for the public filters. */
  facets: { service_area: string; technique: string; risk_tier: string | null }
  /** A hash of everything above: a second run with the same result changes nothing. */
  hash: string
}

/** A valid row as our organisation, register entry and ATRS record. */
export function mapNlRow(row: NlRow, ctx: NlContext): NlMapped {
  const c = row.cells
  const orgName = organisationNameOf(row)
  const stage = STAGE_FOR_STATUS[row.status]
  const riskTier = RISK_TIER_FOR_CATEGORY[row.publicationCategory]
  const serviceArea = row.themes.length ? fit(row.themes.join(', '), 200) : NOT_STATED
  const personal = Boolean(c.process_index_url) || /personal data|persoonsgegevens|citizen service number|\bBSN\b/i.test(`${c.source_data} ${c.methods_and_models}`)
  const entry: NlMapped['entry'] = {
    name: fit(c.name!, 200),
    purpose: fit(c.description_short!, 5000),
    serviceArea,
    owner: NOT_STATED,
    supplier: c.provider ? fit(c.provider, 200) : null,
    technique: NOT_STATED,
    personalData: personal,
    specialCategoryData: false,
    decisionRole: 'assists',
    peopleAffected: NOT_STATED,
    humanOversight: c.human_intervention ? fit(c.human_intervention, 2000) : NOT_STATED,
    nextReviewDate: null,
    stage,
    riskTier,
  }
  const atrs = atrsFieldsFor(row, ctx)
  const organisation = { name: orgName, slugBase: organisationSlugBase(orgName), organisationType: organisationTypeFor(orgName), region: NL_REGION }
  const facets = { service_area: serviceArea, technique: NOT_STATED, risk_tier: riskTier }
  return { organisation, entry, atrs, facets, hash: contentHash({ organisation, entry, atrs, facets }) }
}

/** The organisation a row names, as we store its name. */
export function organisationNameOf(row: NlRow): string {
  return decodeEntities(row.cells.organization ?? '').replace(/\s+/g, ' ').trim()
}

/** For each organisation named in the rows: the e-mail address its rows' contact texts use most. */
export function organisationEmails(rows: readonly NlRow[]): Map<string, string> {
  const counts = new Map<string, Map<string, number>>()
  for (const r of rows) {
    const email = emailIn(r.cells.contact_email ?? '')
    if (!email) continue
    const org = organisationNameOf(r)
    const m = counts.get(org) ?? new Map<string, number>()
    m.set(email, (m.get(email) ?? 0) + 1)
    counts.set(org, m)
  }
  return new Map([...counts].map(([org, m]) => [org, [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0]]))
}

/** The record's slug on our register, from its name. */
export function recordSlugBase(name: string): string {
  return slugify(name) || 'record'
}
