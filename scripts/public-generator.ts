// A public register at national scale for the benchmark (issue 11 §5): N published records over M
// organisations, made by varying the 696 real records of the Dutch Algorithm Register export.
// Deterministic: one seeded PRNG (never Math.random), fixed dates, ids drawn from the PRNG, so the
// same seed, sizes, source file and ATRS field list always give the same database.
//
//   tsx scripts/public-generator.ts [--records 50000] [--organisations 400] [--seed 11]
//
// writes into DATABASE_URL's server, or else the embedded database in DATA_DIR (after migrating).
// Rows go in with a few large `insert … select from jsonb_to_recordset($1)` statements per chunk,
// and public_records is filled by one `insert … select` like the migration's backfill:
// indexPublication() one record at a time would take many minutes at 50,000.
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { parse } from 'csv-parse/sync'
import {
  ATRS_FIELDS, firstSentence, slugify, withOrganisation, type AtrsField, type AtrsFields,
} from '../src/features/transparency/atrs.ts'
import { CURRENT_STANDARD, STANDARD_VERSIONS, standardFor } from '../src/features/transparency/standard.ts'
import { NATIONS, type Nation } from '../src/features/organisations/model.ts'
import type { Db, Queryable } from '../src/platform/db/db.ts'

export const DUTCH_CSV = join(dirname(fileURLToPath(import.meta.url)), '../../shared/data/nl-register/algoritmeregister_export_en_2025.csv')
export const DEFAULT_SEED = 11
/** Move on whenever a change here changes the data made (scripts/bench-public.ts keys its cache on it). */
export const GENERATOR_VERSION = 1

/** One row of the Dutch register's CSV export (standard 1.0), by its column names. */
export type DutchRow = Record<string, string>

export function loadDutchRows(path = DUTCH_CSV): DutchRow[] {
  return parse<DutchRow>(readFileSync(path), { columns: true, bom: true, skip_empty_lines: true, relax_column_count: true })
}

// ---------------------------------------------------------------------------------------------
// Randomness

/** mulberry32: a small, fast 32-bit PRNG; good enough to vary test data, and the same everywhere. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

type Rng = () => number
const int = (rng: Rng, n: number) => Math.floor(rng() * n)
const pick = <T>(rng: Rng, items: readonly T[]): T => items[int(rng, items.length)]!
const chance = (rng: Rng, p: number) => rng() < p

/** A version 4 UUID whose random bits come from the PRNG (so ids are stable between runs). */
function uuid(rng: Rng): string {
  const b = Array.from({ length: 16 }, () => int(rng, 256))
  b[6] = (b[6]! & 0x0f) | 0x40
  b[8] = (b[8]! & 0x3f) | 0x80
  const h = b.map((x) => x.toString(16).padStart(2, '0')).join('')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

// ---------------------------------------------------------------------------------------------
// Vocabulary: how a Dutch record reads as a UK council's

/** England's regions are the ATRS 0.14 options; elsewhere the record's region (0.14) is the nation. */
const REGIONS: Readonly<Record<Nation, readonly string[]>> = {
  england: ['London', 'South East', 'South West', 'East of England', 'West Midlands', 'East Midlands',
    'Yorkshire and the Humber', 'North West', 'North East'],
  scotland: ['Highlands and Islands', 'North East Scotland', 'Central Scotland', 'Glasgow', 'Lothian', 'South Scotland'],
  wales: ['North Wales', 'Mid Wales', 'South West Wales', 'South East Wales'],
  northern_ireland: ['Belfast', 'Northern Ireland'],
}
/** Roughly the share of UK public bodies in each nation. */
const NATION_WEIGHTS: Readonly<Record<Nation, number>> = { england: 0.72, scotland: 0.12, wales: 0.1, northern_ireland: 0.06 }

const COUNCIL_TYPES = ['District council', 'County council', 'Unitary authority', 'Metropolitan borough council', 'London borough council']
const VARIANT_SUFFIXES = ['North', 'South', 'East', 'West', 'Central', 'and District', 'Borough', 'Joint Services', 'City Region', 'Rural']

function organisationType(rng: Rng, name: string): string {
  if (/^municipality|gemeente|city of/i.test(name)) return pick(rng, COUNCIL_TYPES)
  if (/^province/i.test(name)) return 'County council'
  if (/ministry|department|tax|customs|national|netherlands|dutch/i.test(name)) return 'Central government department'
  if (/water/i.test(name)) return 'Water authority'
  if (/police|safety|fire|security/i.test(name)) return 'Emergency services'
  if (/health|hospital|care/i.test(name)) return 'Health body'
  return pick(rng, ['Arm’s-length body', 'Public corporation', 'Combined authority'])
}

/** Register service areas for each Dutch category (its first one, when a row has several). */
const SERVICE_AREAS: Readonly<Record<string, readonly string[]>> = {
  'Organisation and business operations': ['Customer services', 'Human resources', 'IT and digital', 'Finance', 'Information governance'],
  'Social Security': ['Benefits', 'Adult social care', 'Council tax support'],
  'Public Order and Safety': ['Community safety', 'Licensing', 'Emergency planning'],
  'Public finance': ['Council tax', 'Finance', 'Business rates'],
  Traffic: ['Highways', 'Parking', 'Transport'],
  'Space and Infrastructure': ['Planning', 'Building control', 'Highways'],
  'Nature and Environment': ['Waste and recycling', 'Environmental health', 'Parks and green spaces'],
  'Health and Healthcare': ['Public health', 'Adult social care'],
  Living: ['Housing'],
  Economy: ['Economic development', 'Business rates'],
  Work: ['Employment support', 'Human resources'],
  Law: ['Legal services'],
  'Education and Science': ['Education', 'Children’s services'],
  'Migration and Integration': ['Housing', 'Community cohesion'],
}
const ALL_SERVICE_AREAS = [...new Set(Object.values(SERVICE_AREAS).flat())].sort()

const TECHNIQUES: readonly [RegExp, string][] = [
  [/language model|llm|gpt|copilot|chatbot|generative/i, 'Large language model'],
  [/image|camera|vision|photo|video/i, 'Computer vision'],
  [/speech|voice|transcri/i, 'Speech recognition'],
  [/anonymi|pseudonymi|redact|named entit|\bner\b|text mining/i, 'Natural language processing'],
  [/machine learning|neural|random forest|regression|predict|classif/i, 'Machine learning'],
  [/optimi|route|schedul/i, 'Optimisation'],
  [/rule|decision tree|if .* then|criteria|threshold/i, 'Rules-based system'],
]
const ALL_TECHNIQUES = [...TECHNIQUES.map(([, t]) => t), 'Statistical analysis']

function techniqueOf(rng: Rng, row: DutchRow): string {
  if (chance(rng, 0.1)) return pick(rng, ALL_TECHNIQUES)
  const text = `${row.tags ?? ''} ${row.methods_and_models ?? ''}`
  return TECHNIQUES.find(([re]) => re.test(text))?.[1] ?? 'Statistical analysis'
}

function riskTierOf(rng: Rng, row: DutchRow): 'low' | 'medium' | 'high' {
  const category = row.publication_category ?? ''
  if (/high-risk/i.test(category)) return 'high'
  if (/impactful/i.test(category)) return chance(rng, 0.3) ? 'high' : 'medium'
  return chance(rng, 0.8) ? 'low' : 'medium'
}

type Phase = 'Pre-deployment' | 'Beta/Pilot' | 'Production' | 'Retired'
const PHASE_ORDER: readonly Phase[] = ['Pre-deployment', 'Beta/Pilot', 'Production', 'Retired']
const STAGE_FOR_PHASE: Readonly<Record<Phase, string>> = {
  'Pre-deployment': 'approved', 'Beta/Pilot': 'pilot', Production: 'live', Retired: 'retired',
}

function phaseOf(rng: Rng, row: DutchRow): Phase {
  if (chance(rng, 0.08)) return pick(rng, PHASE_ORDER)
  if (/out of use/i.test(row.status ?? '')) return 'Retired'
  if (/development/i.test(row.status ?? '')) return chance(rng, 0.6) ? 'Beta/Pilot' : 'Pre-deployment'
  return 'Production'
}

/** The supplier, when the row names one that is not the organisation itself. */
function supplierOf(row: DutchRow): string {
  const p = (row.provider ?? '').replace(/&amp;/g, '&').replace(/\s+/g, ' ').trim()
  if (p === '' || /intern|in-house|own (staff|development)|ourselves|self-developed/i.test(p) || p.length > 120) return ''
  return p
}

const PROCUREMENT = ['Open procedure', 'Call-off from a framework agreement', 'Competitive procedure with negotiation', 'Direct award under the threshold']
const PEOPLE = ['Residents', 'Residents claiming benefits', 'Council staff', 'Businesses', 'Tenants', 'Applicants', 'Drivers and visitors', 'Families with children']

// ---------------------------------------------------------------------------------------------
// The plan: organisations and records, as plain data (no database)

export interface PlannedOrganisation {
  id: string
  slug: string
  name: string
  organisationType: string
  nation: Nation
  region: string
  contactEmail: string
  websiteUrl: string
}

export interface PlannedVersion {
  id: string
  versionNo: number
  /** ISO timestamp */
  publishedAt: string
  fields: AtrsFields
  standardVersion: string
}

export interface PlannedRecord {
  id: string
  entryId: string
  organisation: PlannedOrganisation
  slug: string
  entry: {
    name: string; purpose: string; serviceArea: string; owner: string; supplier: string | null; technique: string
    personalData: boolean; decisionRole: 'informs' | 'assists' | 'automates'; peopleAffected: string; humanOversight: string
    stage: string; riskTier: 'low' | 'medium' | 'high'
  }
  /** Oldest first; the last is the one public_records shows. */
  versions: PlannedVersion[]
}

export interface GeneratorOptions {
  records: number
  organisations: number
  seed?: number
}

/** The columns of the Dutch file each kind of ATRS text is varied from (non-empty values only). */
type Pools = Record<string, string[]>

function poolsOf(rows: DutchRow[]): Pools {
  const pools: Pools = {}
  for (const column of Object.keys(rows[0] ?? {})) {
    pools[column] = rows.map((r) => (r[column] ?? '').trim()).filter((v) => v !== '')
  }
  return pools
}

/** The row's value of a column, or (when it is blank) a real value of that column from another row. */
function textOf(rng: Rng, pools: Pools, row: DutchRow, column: string, mixRate = 0.25): string {
  const own = (row[column] ?? '').trim()
  if (own !== '' && !chance(rng, mixRate)) return own
  const pool = pools[column] ?? []
  return pool.length ? pick(rng, pool) : own
}

/** A field's fixed values in the record's version of the standard, if it has any. */
function fixedValues(field: AtrsField, version: string): readonly string[] {
  return standardFor(version).byKey.get(field.key)?.options ?? (field as { options?: readonly string[] }).options ?? []
}

/** The field's type in the standard's data (text, long, select, radios, url, email), if it says. */
const typeOf = (field: AtrsField): string => (field as { type?: string }).type ?? (field.long ? 'long' : 'text')

interface Context {
  rng: Rng
  pools: Pools
  row: DutchRow
  other: DutchRow
  org: PlannedOrganisation
  title: string
  slug: string
  phase: Phase
  serviceArea: string
  technique: string
  supplier: string
  year: number
  /** The item of a repeated specification (model_name__2 → 2). */
  item: number
  /** The version of the standard the record follows. */
  version: string
}

const NATION_NAMES: Readonly<Record<Nation, string>> = {
  england: 'England', scotland: 'Scotland', wales: 'Wales', northern_ireland: 'Northern Ireland',
}

/** ATRS 0.5 capability for a technique (when the standard's options hold it). */
const CAPABILITY: Readonly<Record<string, string>> = {
  'Large language model': 'Computer linguistics', 'Natural language processing': 'Computer linguistics', 'Computer vision': 'Computer vision',
  'Speech recognition': 'Computer audition', 'Machine learning': 'Forecasting', Optimisation: 'Planning', 'Rules-based system': 'Management',
  'Statistical analysis': 'Analysis',
}
/** ATRS 0.4 function for a service area. */
const FUNCTION: readonly [RegExp, string][] = [
  [/housing|planning|building/i, 'Housing and community amenities'], [/health/i, 'Health'], [/education|children/i, 'Education'],
  [/benefit|social care|employment|council tax support/i, 'Social protection'], [/safety|emergency/i, 'Public order and safety'],
  [/waste|environment|parks/i, 'Environmental protection'], [/licensing|legal/i, 'Regulation'],
  [/economic|business rates|highways|transport|parking/i, 'Economic affairs'],
]

/** One of the field's options: the one that fits the record where there is one, else any. */
function chosen(field: AtrsField, c: Context, options: readonly string[]): string {
  const fits = (v: string | undefined) => (v !== undefined && options.includes(v) ? v : undefined)
  switch (field.key) {
    case 'phase': return fits(c.phase) ?? (c.phase === 'Beta/Pilot' ? fits(pick(c.rng, ['Public beta', 'Private beta'])) : undefined) ?? options[0]!
    case 'region': return fits(c.org.region) ?? fits(NATION_NAMES[c.org.nation]) ?? options[0]!
    case 'capability': return fits(CAPABILITY[c.technique]) ?? pick(c.rng, options)
    case 'function': return fits(FUNCTION.find(([re]) => re.test(c.serviceArea))?.[1]) ?? fits('General public services') ?? pick(c.rng, options)
    case 'external_supplier_involvement': return fits(c.supplier ? 'Yes' : 'No') ?? options[0]!
    case 'data_modality': return fits(/vision/i.test(c.technique) ? 'Image' : /speech/i.test(c.technique) ? 'Audio'
      : /language/i.test(c.technique) ? 'Text' : 'Tabular') ?? pick(c.rng, options)
    default:
      if (/involve/.test(field.key)) return fits(c.supplier ? 'Yes' : 'No') ?? pick(c.rng, options)
      return pick(c.rng, options)
  }
}

/**
 * The first sentence or so of a real text: the fields the table below does not name get one, so a
 * complete record (some 70 fields) stays near the size of a real published one rather than 20 kB.
 */
const short = (text: string) => firstSentence(text, 240)

/** Text for an ATRS field the table below does not name: chosen by its type and what its key says it is about. */
function guessedValue(field: AtrsField, c: Context): string {
  const { rng, pools, row } = c
  const key = field.key
  const type = typeOf(field)
  if (type === 'url' || /_url$|website/.test(key)) return `https://www.${c.org.slug}.example.org/algorithms/${c.slug}${c.item > 1 ? `/data-${c.item}` : ''}`
  if (type === 'email' || /email/.test(key)) return c.org.contactEmail
  if (/date/.test(key)) return `${c.year}-${String(1 + int(rng, 12)).padStart(2, '0')}-${String(1 + int(rng, 28)).padStart(2, '0')}`
  if (/involve/.test(key)) return c.supplier ? 'Yes' : 'No'
  if (/supplier|third_party|vendor/.test(key)) return c.supplier ? c.supplier : 'N/A'
  if (/_name$/.test(key)) return `${c.title}: ${/model/.test(key) ? c.technique.toLowerCase() : 'source data'}${c.item > 1 ? ` ${c.item}` : ''}`
  if (/version/.test(key)) return `${1 + int(rng, 4)}.${int(rng, 10)}`
  if (/human|review|appeal|oversight|decision|intervention|training|integration|provided_information/.test(key)) {
    return short(textOf(rng, pools, row, 'human_intervention'))
  }
  if (/data|source|input|dataset|sensitive|quantit|collection|cleaning|sharing|storage/.test(key)) return short(textOf(rng, pools, row, 'source_data'))
  if (/model|tool|technical|method|architecture|output|system|maintenance|performance|task/.test(key)) return short(textOf(rng, pools, row, 'methods_and_models'))
  if (/risk|harm|impact/.test(key)) return short(textOf(rng, pools, row, 'risks'))
  if (/legal|lawful|law|basis/.test(key)) return short(textOf(rng, pools, row, 'lawful_basis'))
  if (/frequency|scale|usage/.test(key)) return `Used about ${10 * (1 + int(rng, 500))} times a month by the ${c.serviceArea.toLowerCase()} team.`
  if (/tags/.test(key)) return (row.tags ?? '').trim() || `${c.serviceArea}, ${c.technique}`
  if (/context|deploy|scope|purpose|goal/.test(key)) return short(textOf(rng, pools, row, 'goal'))
  return short(textOf(rng, pools, c.other, pick(rng, ['goal', 'proportionality', 'human_intervention', 'methods_and_models'])))
}

function fieldValue(field: AtrsField, c: Context): string {
  const { rng, pools, row, other } = c
  const options = fixedValues(field, c.version)
  if (options.length) return chosen(field, c, options)
  switch (field.key) {
    case 'title':
    case 'name': return c.title
    case 'phase': return c.phase
    case 'region': return c.org.region
    case 'one_sentence_description': return firstSentence(textOf(rng, pools, row, 'description_short', 0))
    case 'description': return textOf(rng, pools, row, 'description_short', 0)
    case 'website_url': return `https://www.${c.org.slug}.example.org/algorithms/${c.slug}`
    case 'team': return `${c.serviceArea} team`
    case 'senior_responsible_owner': return `${pick(rng, ['Head of', 'Director of', 'Service manager,'])} ${c.serviceArea}`
    case 'external_supplier_involvement': return c.supplier ? 'Yes' : 'No'
    case 'external_supplier': return c.supplier
    case 'companies_house_number': return c.supplier ? String(int(rng, 1e8)).padStart(8, '0') : ''
    case 'external_supplier_role': return c.supplier ? `${c.supplier} supplies and maintains the software; ${c.org.name} decides how it is used.` : ''
    case 'procurement_procedure_type': return c.supplier ? pick(rng, PROCUREMENT) : ''
    case 'data_access_terms': return c.supplier
      ? `${c.supplier} processes the data only on our instructions, under a data processing agreement, and may not use it for anything else.`
      : ''
    case 'detailed_description': return textOf(rng, pools, row, 'methods_and_models')
    case 'scope': return textOf(rng, pools, row, 'goal')
    case 'benefit': return textOf(rng, pools, row, 'proportionality')
    case 'previous_process': return textOf(rng, pools, other, 'human_intervention', 0)
    case 'alternatives_considered': return textOf(rng, pools, other, 'proportionality', 0)
    case 'task': return firstSentence(textOf(rng, pools, row, 'goal', 0), 300)
    case 'human_decisions_and_review': return textOf(rng, pools, row, 'human_intervention')
    case 'impact_assessment': {
      const named = (row.impacttoetsen ?? '').trim()
      return named ? `${named} (${c.year}).` : `A data protection impact assessment (DPIA) was completed in ${c.year}.`
    }
    case 'risks_and_mitigations': return textOf(rng, pools, row, 'risks')
    default: return guessedValue(field, c)
  }
}

/** The field's length limit in the standard's data, if it has one (real texts can be longer). */
function limited(field: AtrsField, value: string): string {
  const max = (field as { max?: number }).max
  return max !== undefined && value.length > max ? firstSentence(value, max) : value
}

/**
 * Every field of the record's version of the standard (ATRS_FIELDS holds every version's, once
 * per key), the repeated specifications (field.group) with one or two items.
 */
function versionFields(c: Context, itemsByGroup: ReadonlyMap<string, number>): AtrsFields {
  const fields: AtrsFields = {}
  const inVersion = standardFor(c.version).byKey
  for (const field of ATRS_FIELDS) {
    if (!inVersion.has(field.key)) continue
    const group = (field as { group?: string }).group
    if (group === undefined) {
      fields[field.key] = limited(field, fieldValue(field, { ...c, item: 1 }))
      continue
    }
    for (let item = 1; item <= (itemsByGroup.get(group) ?? 1); item++) {
      fields[`${field.key}__${item}`] = limited(field, fieldValue(field, { ...c, item }))
    }
  }
  return fields
}

/** Record counts per organisation fall off like a real register's (a few publish a lot). */
function organisationPicker(rng: Rng, count: number): () => number {
  const weights = Array.from({ length: count }, (_, i) => 1 / Math.pow(i + 4, 0.9))
  const total = weights.reduce((a, b) => a + b, 0)
  const cumulative: number[] = []
  let sum = 0
  for (const w of weights) cumulative.push((sum += w / total))
  return () => {
    const x = rng()
    let lo = 0
    let hi = count - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (cumulative[mid]! < x) lo = mid + 1
      else hi = mid
    }
    return lo
  }
}

const FIRST_DAY = Date.UTC(2023, 0, 2)
const LAST_DAY = Date.UTC(2026, 10, 30)
const DAY = 86_400_000

/** The organisations: the real ones first, then variants of them, in a shuffled order of size. */
export function planOrganisations(rows: DutchRow[], count: number, seed = DEFAULT_SEED): PlannedOrganisation[] {
  const rng = prng(seed ^ 0x0a11ce)
  const real = [...new Set(rows.map((r) => (r.organization ?? '').trim()).filter((n) => n !== ''))].sort()
  const names: string[] = []
  for (let i = 0; names.length < count; i++) {
    const base = real[i % real.length]!
    const round = Math.floor(i / real.length)
    names.push(round === 0 ? base : `${base} ${VARIANT_SUFFIXES[(round - 1 + i) % VARIANT_SUFFIXES.length]}${round > VARIANT_SUFFIXES.length ? ` ${round}` : ''}`)
  }
  // Shuffle (Fisher–Yates) so the biggest publishers are not all alphabetically first.
  for (let i = names.length - 1; i > 0; i--) {
    const j = int(rng, i + 1)
    ;[names[i], names[j]] = [names[j]!, names[i]!]
  }
  const slugs = new Set<string>()
  const nations = NATIONS.flatMap((n) => Array.from({ length: Math.round(NATION_WEIGHTS[n] * 100) }, () => n))
  return names.map((name) => {
    let base = slugify(name).slice(0, 56).replace(/-+$/, '') || 'organisation'
    if (base.length < 2) base = `${base}-org`
    let slug = base
    for (let n = 2; slugs.has(slug); n++) slug = `${base}-${n}`
    slugs.add(slug)
    let nation = pick(rng, nations)
    let type = organisationType(rng, name)
    let region = pick(rng, REGIONS[nation])
    // Councils as each nation has them: London boroughs in London, unitary councils in Scotland and
    // Wales, district councils in Northern Ireland.
    if (type === 'London borough council') [nation, region] = ['england', 'London']
    else if (COUNCIL_TYPES.includes(type) && nation !== 'england') type = nation === 'northern_ireland' ? 'District council' : 'Unitary authority'
    return {
      id: uuid(rng), slug, name, organisationType: type, nation, region,
      contactEmail: `algorithms@${slug}.example.org`, websiteUrl: `https://www.${slug}.example.org`,
    }
  })
}

/**
 * The records, one at a time (so 50,000 of them never sit in memory at once). The first M go one
 * to each organisation, so every organisation publishes; the rest follow the size curve.
 */
export function* planRecords(rows: DutchRow[], organisations: PlannedOrganisation[], opts: GeneratorOptions): Generator<PlannedRecord> {
  const rng = prng(opts.seed ?? DEFAULT_SEED)
  const pools = poolsOf(rows)
  const pickOrganisation = organisationPicker(rng, organisations.length)
  const slugsByOrg = new Map<string, Set<string>>()
  const uses = new Map<number, number>()
  const groups = [...new Set(ATRS_FIELDS.flatMap((f) => ((f as { group?: string }).group ? [(f as { group?: string }).group!] : [])))]
  for (let i = 0; i < opts.records; i++) {
    const org = organisations[i < organisations.length ? i : pickOrganisation()]!
    const rowIndex = int(rng, rows.length)
    const row = rows[rowIndex]!
    const other = pick(rng, rows)
    const used = uses.get(rowIndex) ?? 0
    uses.set(rowIndex, used + 1)
    const category = (row.category ?? '').split(',')[0]!.trim()
    const serviceArea = pick(rng, SERVICE_AREAS[category] ?? ALL_SERVICE_AREAS)
    const baseTitle = (row.name ?? '').replace(/\s+/g, ' ').trim() || 'Algorithm'
    // The first use of a real record keeps its name; later ones say where or what they are for.
    const title = used === 0 ? baseTitle : chance(rng, 0.5) ? `${baseTitle} for ${serviceArea.toLowerCase()}` : `${baseTitle} (${org.region})`
    const slugs = slugsByOrg.get(org.id) ?? new Set<string>()
    slugsByOrg.set(org.id, slugs)
    const slugBase = slugify(title).slice(0, 72).replace(/-+$/, '') || 'algorithm'
    let slug = slugBase
    for (let n = 2; slugs.has(slug); n++) slug = `${slugBase}-${n}`
    slugs.add(slug)

    const phase = phaseOf(rng, row)
    const supplier = chance(rng, 0.1) ? '' : supplierOf(row) || (chance(rng, 0.15) ? supplierOf(other) : '')
    const technique = techniqueOf(rng, row)
    const riskTier = riskTierOf(rng, row)
    const versionCount = chance(rng, 0.8) ? 1 : chance(rng, 0.7) ? 2 : 3
    const firstDay = FIRST_DAY + int(rng, Math.floor((LAST_DAY - FIRST_DAY) / DAY) - 120) * DAY
    // Records first published before 2025 mostly still follow the older version of the standard.
    const version = STANDARD_VERSIONS.length > 1 && firstDay < Date.UTC(2025, 0, 1) && chance(rng, 0.7) ? STANDARD_VERSIONS[0]! : CURRENT_STANDARD
    const recordId = uuid(rng)
    const entryId = uuid(rng)
    const itemsByGroup = new Map(groups.map((g) => [g, chance(rng, 0.75) ? 1 : 2]))

    const versions: PlannedVersion[] = []
    let day = firstDay
    for (let v = 1; v <= versionCount; v++) {
      // Earlier versions were at an earlier phase where the record later moved on.
      const back = versionCount - v
      const at = PHASE_ORDER.indexOf(phase)
      const versionPhase = phase === 'Retired' && back > 0 ? 'Production' : PHASE_ORDER[Math.max(0, at - back)]!
      const year = new Date(day).getUTCFullYear()
      const c: Context = { rng, pools, row, other, org, title, slug, phase: versionPhase, serviceArea, technique, supplier, year, item: 1, version }
      const fields = versionFields(c, itemsByGroup)
      const published = withOrganisation(fields, { name: org.name, contactEmail: org.contactEmail, organisationType: org.organisationType })
      const at_ = new Date(day + int(rng, DAY))
      versions.push({ id: uuid(rng), versionNo: v, publishedAt: at_.toISOString(), fields: published, standardVersion: version })
      day = Math.min(LAST_DAY, day + (20 + int(rng, 200)) * DAY)
    }
    const last = versions.at(-1)!.fields
    const oversight = firstSentence(textOf(rng, pools, row, 'human_intervention', 0), 300) || 'An officer reviews every outcome.'
    yield {
      id: recordId, entryId, organisation: org, slug, versions,
      entry: {
        name: title, purpose: last.description || title, serviceArea, owner: last.senior_responsible_owner || `Head of ${serviceArea}`,
        supplier: supplier || null, technique,
        personalData: /personal|bsn|citizen service number|name and address|date of birth/i.test(row.source_data ?? ''),
        decisionRole: /automat/i.test(row.human_intervention ?? '') && !/no automated/i.test(row.human_intervention ?? '') ? 'automates'
          : chance(rng, 0.5) ? 'assists' : 'informs',
        peopleAffected: pick(rng, PEOPLE), humanOversight: oversight, stage: STAGE_FOR_PHASE[phase],
        riskTier,
      },
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Writing it to a database

export interface GenerationReport {
  organisations: number
  records: number
  publications: number
  ms: { rows: number; index: number; analyse: number; total: number }
}

const CHUNK = 1000
const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`
const PUBLISHER_ID = '00000000-0000-4000-8000-00000000b11c'

/**
 * Writes the plan into a migrated, empty database: organisations, one publisher, register entries,
 * working records and every published version, then public_records (the latest version of each).
 * Statements are not wrapped in one transaction (PGlite would hold it all); callers that cache the
 * result mark it complete only after this returns (scripts/bench-public.ts).
 */
export async function generatePublicRegister(
  db: Db, opts: GeneratorOptions & { log?: (line: string) => void; rows?: DutchRow[] },
): Promise<GenerationReport> {
  const t0 = performance.now()
  const log = opts.log ?? (() => undefined)
  const rows = opts.rows ?? loadDutchRows()
  const organisations = planOrganisations(rows, opts.organisations, opts.seed)

  await db.query(
    `insert into users (id, email, name, password_hash) values ($1, 'publisher@bench.example.org', 'Benchmark publisher', '!')`,
    [PUBLISHER_ID])
  await db.query(
    `insert into organisations (id, slug, name, contact_email, website_url, region, organisation_type, nation)
     select id, slug, name, contact_email, website_url, region, organisation_type, nation
     from jsonb_to_recordset($1::jsonb) as x(id uuid, slug text, name text, contact_email text, website_url text,
       region text, organisation_type text, nation text)`,
    [JSON.stringify(organisations.map((o) => ({
      id: o.id, slug: o.slug, name: o.name, contact_email: o.contactEmail, website_url: o.websiteUrl, region: o.region,
      organisation_type: o.organisationType, nation: o.nation,
    })))])

  let records = 0
  let publications = 0
  let chunk: PlannedRecord[] = []
  const flush = async () => {
    if (!chunk.length) return
    await insertChunk(db, chunk)
    records += chunk.length
    publications += chunk.reduce((n, r) => n + r.versions.length, 0)
    chunk = []
    if (records % 10_000 === 0 || records === opts.records) log(`  ${records} records written (${((performance.now() - t0) / 1000).toFixed(1)} s)`)
  }
  for (const record of planRecords(rows, organisations, opts)) {
    chunk.push(record)
    if (chunk.length >= CHUNK) await flush()
  }
  await flush()
  const t1 = performance.now()

  // public_records: as the migration's backfill does it, all at once. Its indexes are dropped first
  // and made again after from their own definitions (pg_indexes): building a GIN index over 50,000
  // rows at once is many times faster than growing it one row at a time.
  const indexes = await db.query<{ indexname: string; indexdef: string }>(
    `select i.indexname, i.indexdef from pg_indexes i
     where i.schemaname = current_schema() and i.tablename = 'public_records'
       and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`)
  for (const i of indexes) await db.query(`drop index ${quoteIdent(i.indexname)}`)
  await db.query(
    `insert into public_records (
       record_id, organisation_id, public_id, organisation_slug, organisation_name, organisation_type, nation, region,
       title, summary, phase, third_party, service_area, technique, risk_tier, version_no, first_published_at,
       published_at, standard_version, fields, fields_cy, search)
     select r.id, r.organisation_id, o.slug || '/' || r.slug, o.slug, o.name, o.organisation_type, o.nation, o.region,
       coalesce(nullif(latest.fields ->> 'title', ''), nullif(latest.fields ->> 'name', ''), r.slug),
       coalesce(latest.fields ->> 'one_sentence_description', ''),
       coalesce(latest.fields ->> 'phase', ''),
       lower(coalesce(latest.fields ->> 'external_supplier_involvement', '')) = 'yes',
       nullif(latest.facets ->> 'service_area', ''), nullif(latest.facets ->> 'technique', ''), nullif(latest.facets ->> 'risk_tier', ''),
       latest.version_no,
       (select min(p.published_at) from transparency_publications p where p.record_id = r.id),
       latest.published_at, latest.standard_version, latest.fields, latest.fields_cy,
       public_record_search(latest.fields, o.name)
     from (select distinct on (record_id) * from transparency_publications order by record_id, version_no desc) latest
     join transparency_records r on r.id = latest.record_id
     join organisations o on o.id = r.organisation_id
     on conflict (record_id) do nothing`)
  await db.transaction(async (tx) => {
    await tx.query("set local maintenance_work_mem = '128MB'")
    for (const i of indexes) await tx.query(i.indexdef)
  })
  const t2 = performance.now()
  await db.query('analyze')
  const t3 = performance.now()
  return {
    organisations: organisations.length, records, publications,
    ms: { rows: t1 - t0, index: t2 - t1, analyse: t3 - t2, total: t3 - t0 },
  }
}

async function insertChunk(db: Queryable, chunk: PlannedRecord[]): Promise<void> {
  const created = (r: PlannedRecord) => r.versions[0]!.publishedAt
  const updated = (r: PlannedRecord) => r.versions.at(-1)!.publishedAt
  await db.query(
    `insert into register_entries (id, organisation_id, name, purpose, service_area, owner, supplier, technique, personal_data,
       decision_role, people_affected, human_oversight, stage, risk_tier, created_by, created_at, updated_at)
     select id, organisation_id, name, purpose, service_area, owner, supplier, technique, personal_data,
       decision_role, people_affected, human_oversight, stage, risk_tier, $2, created_at, updated_at
     from jsonb_to_recordset($1::jsonb) as x(id uuid, organisation_id uuid, name text, purpose text, service_area text, owner text,
       supplier text, technique text, personal_data boolean, decision_role text, people_affected text, human_oversight text,
       stage text, risk_tier text, created_at timestamptz, updated_at timestamptz)`,
    [JSON.stringify(chunk.map((r) => ({
      id: r.entryId, organisation_id: r.organisation.id, name: r.entry.name, purpose: r.entry.purpose, service_area: r.entry.serviceArea,
      owner: r.entry.owner, supplier: r.entry.supplier, technique: r.entry.technique, personal_data: r.entry.personalData,
      decision_role: r.entry.decisionRole, people_affected: r.entry.peopleAffected, human_oversight: r.entry.humanOversight,
      stage: r.entry.stage, risk_tier: r.entry.riskTier, created_at: created(r), updated_at: updated(r),
    }))), PUBLISHER_ID])
  await db.query(
    `insert into transparency_records (id, organisation_id, entry_id, slug, fields, version, standard_version, drafted_by, created_at, updated_at)
     select id, organisation_id, entry_id, slug, fields, version, standard_version, $2, created_at, updated_at
     from jsonb_to_recordset($1::jsonb) as x(id uuid, organisation_id uuid, entry_id uuid, slug text, fields jsonb, version integer,
       standard_version text, created_at timestamptz, updated_at timestamptz)`,
    [JSON.stringify(chunk.map((r) => ({
      id: r.id, organisation_id: r.organisation.id, entry_id: r.entryId, slug: r.slug, fields: r.versions.at(-1)!.fields,
      version: r.versions.length, standard_version: r.versions.at(-1)!.standardVersion, created_at: created(r), updated_at: updated(r),
    }))), PUBLISHER_ID])
  await db.query(
    `insert into transparency_publications (id, organisation_id, record_id, version_no, standard_version, fields, published_by, published_at, facets)
     select id, organisation_id, record_id, version_no, standard_version, fields, $2, published_at, facets
     from jsonb_to_recordset($1::jsonb) as x(id uuid, organisation_id uuid, record_id uuid, version_no integer, standard_version text,
       fields jsonb, published_at timestamptz, facets jsonb)`,
    [JSON.stringify(chunk.flatMap((r) => r.versions.map((v) => ({
      id: v.id, organisation_id: r.organisation.id, record_id: r.id, version_no: v.versionNo, standard_version: v.standardVersion,
      fields: v.fields, published_at: v.publishedAt,
      facets: { service_area: r.entry.serviceArea, technique: r.entry.technique, risk_tier: r.entry.riskTier },
    })))), PUBLISHER_ID])
}

// ---------------------------------------------------------------------------------------------
// Command line

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { records: { type: 'string', default: '50000' }, organisations: { type: 'string', default: '400' }, seed: { type: 'string' } },
  })
  const records = Number(values.records)
  const organisations = Number(values.organisations)
  const seed = values.seed === undefined ? DEFAULT_SEED : Number(values.seed)
  if (![records, organisations, seed].every(Number.isInteger) || records < 1 || organisations < 1) {
    throw new Error('--records, --organisations and --seed take whole numbers (records and organisations at least 1)')
  }
  const { loadConfig } = await import('../src/config.ts')
  const { openDb } = await import('../src/platform/db/db.ts')
  const { migrate } = await import('../src/platform/db/migrate.ts')
  const config = loadConfig()
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir })
  try {
    await migrate(db)
    const report = await generatePublicRegister(db, { records, organisations, seed, log: console.log })
    console.log(`${report.records} records (${report.publications} published versions) over ${report.organisations} organisations ` +
      `in ${(report.ms.total / 1000).toFixed(1)} s on ${db.kind}: rows ${(report.ms.rows / 1000).toFixed(1)} s, ` +
      `public_records ${(report.ms.index / 1000).toFixed(1)} s, analyse ${(report.ms.analyse / 1000).toFixed(1)} s`)
  } finally {
    await db.close()
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err)
    process.exit(1)
  })
}
