/**
 * A published ATRS record in two other standards, so a council can feed other registers: the
 * Eurocities Algorithmic Transparency Standard 0.3.1 and the Dutch Algorithm Register's
 * publication standard 1.0. Pure mapping functions over tables; no I/O.
 *
 * Required fields are always present. Where the ATRS record has nothing for a required text field
 * it says NOT_STATED. A required date we do not have (Eurocities revision_date) is set a year after
 * the last change and `revision_note` says so. A required choice (an enum) we cannot know is
 * null rather than a value nobody chose: Eurocities risk_category, algorithm_type and type, and
 * the Dutch publication_category, unless the record's risk tier or its Dutch source says it.
 */
import { csvCell } from '../../platform/csv.ts'
import type { RiskTier } from '../register/model.ts'
import { type AtrsFields, firstSentence } from '../transparency/atrs.ts'
import { fit, NOT_STATED } from './nlImport.ts'
import {
  NL_COLUMNS, NL_FIELDS, NL_PUBLICATION_CATEGORY, NL_STANDARD_VERSION, NL_STATUS, NL_THEMES, type NlPublicationCategory,
} from './nlStandard.ts'

/** What an export needs besides the record's fields. */
export interface ExportSource {
  publicId: string
  organisationName: string
  /** The record's public page, absolute. */
  url: string
  versionNo: number
  /** This version's publication, and the first version's (ISO timestamps). */
  publishedAt: string
  firstPublishedAt: string
  fields: AtrsFields
  /** The register's risk tier for the use, when known. */
  riskTier?: RiskTier | null
  /** For a record imported from the Dutch register: its publication category there. */
  nlPublicationCategory?: NlPublicationCategory | null
  /** For a record imported from the Dutch register: its algorithm id (LARS) there, and its themes. */
  nlAlgorithmId?: string | null
  nlThemes?: string | null
  /** The publishing body's country, when it is not in the United Kingdom. */
  country?: string | null
}

/** A field's value: the key itself, else the first instance of a repeated field (key__1). */
function get(fields: AtrsFields, ...keys: string[]): string {
  for (const k of keys) {
    const v = (fields[k] ?? fields[`${k}__1`] ?? '').trim()
    if (v) return v
  }
  return ''
}
const orNotStated = (v: string) => v || NOT_STATED
const day = (iso: string) => new Date(iso).toISOString().slice(0, 10)

// ---------------------------------------------------------------------------------------------
// Eurocities 0.3.1 (Algoritmeregister/standard _data/schema-v0_3_1.yaml)

export type EuroType = 'const' | 'string' | 'uuid' | 'date' | 'email' | 'url' | 'enum'

export interface EuroField {
  key: string
  category: 'METADATA' | 'BASIC INFORMATION' | 'USE CASE' | 'DATA' | 'ALGORITHM' | 'OVERSIGHT'
  type: EuroType
  required: boolean
  values?: readonly string[]
  max?: number
  min?: number
}

export const EUROCITIES_VERSION = '0.3.1'

const E = (key: string, category: EuroField['category'], type: EuroType, required: boolean, extra: Partial<EuroField> = {}): EuroField =>
  Object.freeze({ key, category, type, required, ...extra })

export const EURO_STATUS = ['planned', 'design', 'development', 'pilot', 'evaluation', 'operational', 'retired'] as const
export const EURO_DOMAINS = [
  'taxes', 'housing, living and living environment', 'culture, sports and leisure', 'defence', 'economy and entrepreneurship',
  'family, youth and households', 'finance', 'generic', 'health and health care', 'immigration and integration',
  'international collaboration and development aid', 'agriculture, nature and food', 'environment, spacial planning and water',
  'education and science', 'public safety', 'government', 'justice', 'travel, living and working abroad',
  'subsidies, benefits and allowances', 'traffic and transportation', 'work and career',
] as const
export const EURO_RISK = ['minimal risk', 'limited risk', 'high risk', 'unacceptable'] as const

/** Every field of the standard, in its order. */
export const EUROCITIES_FIELDS: readonly EuroField[] = Object.freeze([
  E('standard_version', 'METADATA', 'const', true, { values: [EUROCITIES_VERSION] }),
  E('uuid', 'METADATA', 'uuid', false),
  E('lang', 'METADATA', 'string', true),
  E('publication_date', 'METADATA', 'date', true),
  E('last_change_date', 'METADATA', 'date', true),
  E('revision_date', 'METADATA', 'date', true),
  E('revision_note', 'METADATA', 'string', false),
  E('keywords', 'METADATA', 'string', false),
  E('name', 'BASIC INFORMATION', 'string', true),
  E('organization', 'BASIC INFORMATION', 'string', true),
  E('department', 'BASIC INFORMATION', 'string', true),
  E('country', 'BASIC INFORMATION', 'string', true),
  E('contact_email', 'BASIC INFORMATION', 'email', true),
  E('contact_phone', 'BASIC INFORMATION', 'string', false),
  E('contact_name', 'BASIC INFORMATION', 'string', false),
  E('description_short', 'BASIC INFORMATION', 'string', true, { max: 150 }),
  E('website', 'BASIC INFORMATION', 'url', false),
  E('status', 'BASIC INFORMATION', 'enum', true, { values: EURO_STATUS }),
  E('remark', 'BASIC INFORMATION', 'string', false),
  E('decision_making_process', 'USE CASE', 'string', true),
  E('domain', 'USE CASE', 'enum', true, { values: EURO_DOMAINS }),
  E('area', 'USE CASE', 'string', true),
  E('goal', 'USE CASE', 'string', true),
  E('impact', 'USE CASE', 'string', true),
  E('risks', 'USE CASE', 'string', true),
  E('risk_category', 'USE CASE', 'enum', true, { values: EURO_RISK }),
  E('proportionality', 'USE CASE', 'string', true),
  E('lawful_basis', 'USE CASE', 'string', true),
  E('documentation', 'USE CASE', 'url', false),
  E('training_data', 'DATA', 'string', true),
  E('source_data', 'DATA', 'string', true),
  E('data_bias', 'DATA', 'string', false),
  E('connected_data_sources', 'DATA', 'string', true),
  E('DPIA_description', 'DATA', 'string', false),
  E('DPIA_url', 'DATA', 'url', false),
  E('description', 'ALGORITHM', 'string', false, { min: 500, max: 10000 }),
  E('algorithm_type', 'ALGORITHM', 'enum', true, { values: ['self-learning', 'rule-based', 'hybrid'] }),
  E('methods_and_models', 'ALGORITHM', 'string', false),
  E('performance', 'ALGORITHM', 'string', false),
  E('alternatives_considered', 'ALGORITHM', 'string', false),
  E('product_information', 'ALGORITHM', 'url', false),
  E('codebase_url', 'ALGORITHM', 'url', false),
  E('product_page', 'ALGORITHM', 'url', false),
  E('AIA_description', 'ALGORITHM', 'string', false),
  E('AIA_url', 'ALGORITHM', 'url', false),
  E('type', 'OVERSIGHT', 'enum', true, { values: ['descriptive', 'diagnostic', 'predictive', 'prescriptive'] }),
  E('monitoring', 'OVERSIGHT', 'string', true),
  E('human_intervention', 'OVERSIGHT', 'string', true),
  E('objection_procedure', 'OVERSIGHT', 'string', true),
  E('rollback', 'OVERSIGHT', 'string', false),
])

/** Required enums left null when nothing says their value (see the file's comment). */
export const EURO_UNKNOWN_ENUMS: readonly string[] = ['risk_category', 'algorithm_type', 'type']

export const EURO_STATUS_FOR_PHASE: Readonly<Record<string, (typeof EURO_STATUS)[number]>> = {
  'Pre-deployment': 'development', 'Beta/Pilot': 'pilot', Production: 'operational', Retired: 'retired',
}

export const EURO_RISK_FOR_TIER: Readonly<Record<RiskTier, (typeof EURO_RISK)[number]>> = {
  low: 'minimal risk', medium: 'limited risk', high: 'high risk', prohibited: 'unacceptable',
}

/** Words in a record's function, team or title → a Eurocities domain (first match; else "generic"). */
export const EURO_DOMAIN_WORDS: readonly (readonly [RegExp, (typeof EURO_DOMAINS)[number]])[] = [
  [/\b(tax|taxes|revenues?|council tax|business rates|customs)\b/i, 'taxes'],
  [/\b(benefits?|welfare|allowances?|subsid|social security|grants?)/i, 'subsidies, benefits and allowances'],
  [/\b(housing|homeless|tenants?|living)\b/i, 'housing, living and living environment'],
  [/\b(traffic|transport|parking|highways?|roads?)\b/i, 'traffic and transportation'],
  [/\b(health|healthcare|social care|adult care)\b/i, 'health and health care'],
  [/\b(child|children|youth|famil(y|ies))\b/i, 'family, youth and households'],
  [/\b(education|schools?|science)\b/i, 'education and science'],
  [/\b(police|policing|public safety|public order|crime|fire)\b/i, 'public safety'],
  [/\b(environment|waste|water|climate|planning|space and infrastructure|nature)\b/i, 'environment, spacial planning and water'],
  [/\b(immigration|asylum|migration|integration)\b/i, 'immigration and integration'],
  [/\b(work|employment|jobs?|careers?)\b/i, 'work and career'],
  [/\b(justice|courts?|law|legal)\b/i, 'justice'],
  [/\b(culture|sports?|leisure|librar(y|ies)|recreation)\b/i, 'culture, sports and leisure'],
  [/\b(econom(y|ic)|business|entrepreneur)/i, 'economy and entrepreneurship'],
  [/\b(finance|budget|procurement|public finance)\b/i, 'finance'],
  [/\b(international|foreign|abroad)\b/i, 'international collaboration and development aid'],
  [/\b(agricultur|food|farm)/i, 'agriculture, nature and food'],
  [/\b(defence|military)\b/i, 'defence'],
]

export function euroDomain(fields: AtrsFields): (typeof EURO_DOMAINS)[number] {
  const text = [get(fields, 'function'), get(fields, 'team'), get(fields, 'title', 'name')].join(' ')
  return EURO_DOMAIN_WORDS.find(([re]) => re.test(text))?.[1] ?? 'generic'
}

/** The country of a record: the publishing body's when it is outside the UK, else the United Kingdom. */
export function countryFor(fields: AtrsFields, country?: string | null): string {
  if (country) return country
  return /^(the )?netherlands$/i.test(get(fields, 'region')) ? 'The Netherlands' : 'United Kingdom'
}

function addYear(isoDay: string): string {
  const d = new Date(`${isoDay}T00:00:00Z`)
  d.setUTCFullYear(d.getUTCFullYear() + 1)
  return d.toISOString().slice(0, 10)
}

/** The record as a Eurocities 0.3.1 registration (keys in the standard's order). */
export function toEurocities(src: ExportSource): Record<string, string | null> {
  const f = src.fields
  const last = day(src.publishedAt)
  const description = [get(f, 'detailed_description'), get(f, 'system_architecture')].filter(Boolean).join('\n\n') || get(f, 'description')
  const sourceData = [get(f, 'source_data_name'), get(f, 'data_description')].filter(Boolean).join(': ')
  const values: Record<string, string | null | undefined> = {
    standard_version: EUROCITIES_VERSION,
    lang: 'en',
    publication_date: day(src.firstPublishedAt),
    last_change_date: last,
    revision_date: addYear(last),
    revision_note: 'No revision date is recorded with the ATRS record: set one year after the last change.',
    keywords: get(f, 'tags') || undefined,
    name: orNotStated(get(f, 'title', 'name')),
    organization: get(f, 'organisation_name') || src.organisationName,
    department: orNotStated(get(f, 'team', 'organisation_or_department')),
    country: countryFor(f, src.country),
    contact_email: get(f, 'contact_email') || null,
    description_short: firstSentence(get(f, 'one_sentence_description', 'description'), 150) || NOT_STATED,
    website: get(f, 'website_url') || undefined,
    status: EURO_STATUS_FOR_PHASE[get(f, 'phase')] ?? 'development',
    remark: `Converted from ATRS record ${src.publicId} (version ${src.versionNo}): ${src.url}`,
    decision_making_process: orNotStated(get(f, 'process_integration', 'human_decisions_and_review')),
    domain: euroDomain(f),
    area: src.country && get(f, 'region') === 'International' ? src.country : orNotStated(get(f, 'region')),
    goal: orNotStated(get(f, 'benefit', 'scope')),
    impact: orNotStated(get(f, 'scope')),
    risks: orNotStated(get(f, 'risks_and_mitigations')),
    risk_category: src.riskTier ? EURO_RISK_FOR_TIER[src.riskTier] : src.nlPublicationCategory === 'high_risk' ? 'high risk' : null,
    proportionality: orNotStated(get(f, 'benefit', 'alternatives_considered')),
    lawful_basis: NOT_STATED,
    documentation: get(f, 'website_url') || undefined,
    training_data: orNotStated(get(f, 'datasets', 'dataset_purposes')),
    source_data: orNotStated(sourceData),
    data_bias: get(f, 'data_completeness_and_representativeness') || undefined,
    connected_data_sources: orNotStated(get(f, 'source_data_name', 'data_sharing_agreements')),
    DPIA_description: get(f, 'impact_assessment') || undefined,
    description: [...description].length >= 500 ? fit(description, 10000) : undefined,
    algorithm_type: null,
    methods_and_models: get(f, 'model_architecture', 'system_architecture') || undefined,
    performance: get(f, 'model_performance') || undefined,
    alternatives_considered: get(f, 'alternatives_considered') || undefined,
    AIA_description: get(f, 'impact_assessment') || undefined,
    type: null,
    monitoring: orNotStated(get(f, 'maintenance')),
    human_intervention: orNotStated(get(f, 'human_decisions_and_review')),
    objection_procedure: orNotStated(get(f, 'appeals_and_review')),
  }
  const out: Record<string, string | null> = {}
  for (const field of EUROCITIES_FIELDS) {
    const v = values[field.key]
    if (v !== undefined && (v === null || v !== '' || field.required)) out[field.key] = v
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// Dutch publication standard 1.0

export const NL_STATUS_FOR_PHASE: Readonly<Record<string, keyof typeof NL_STATUS>> = {
  'Pre-deployment': 'in_development', 'Beta/Pilot': 'in_use', Production: 'in_use', Retired: 'out_of_use',
}

/** The record's publication category: the Dutch source's, else "High-Risk AI-system" for our high or prohibited tier, else unknown. */
function nlCategory(src: ExportSource): string | null {
  if (src.nlPublicationCategory) return NL_PUBLICATION_CATEGORY[src.nlPublicationCategory].en
  if (src.riskTier === 'high' || src.riskTier === 'prohibited') return NL_PUBLICATION_CATEGORY.high_risk.en
  return null
}

/** The record as a Dutch standard 1.0 registration (English edition's words; the export's column order). */
export function toNlRegister(src: ExportSource): Record<string, string | null> {
  const f = src.fields
  const limit = (key: string, text: string) => {
    const max = NL_FIELDS.find((x) => x.key === key)?.max
    return max === undefined ? text : fit(text, max)
  }
  const description = get(f, 'description')
  const themes = get(f, 'function').split(/\s*,\s*/).filter((t) => (NL_THEMES as readonly string[]).includes(t))
  const values: Record<string, string | null> = {
    name: get(f, 'title', 'name'),
    organization: get(f, 'organisation_name') || src.organisationName,
    description_short: [...description].length <= 400 && description ? description : get(f, 'one_sentence_description') || firstSentence(description, 400),
    category: src.nlThemes ?? themes.join(', '),
    website: get(f, 'website_url'),
    status: NL_STATUS[NL_STATUS_FOR_PHASE[get(f, 'phase')] ?? 'in_development'].en,
    goal: get(f, 'scope', 'benefit'),
    proportionality: get(f, 'benefit'),
    lawful_basis: '',
    standard_version: NL_STANDARD_VERSION,
    url: src.url,
    contact_email: get(f, 'contact_email'),
    // The standard allows only "nld" (the register's English edition writes it for its English text too).
    lang: 'nld',
    publiccode: '',
    source_data: [get(f, 'source_data_name'), get(f, 'data_description')].filter(Boolean).join(': '),
    methods_and_models: get(f, 'detailed_description', 'system_architecture'),
    human_intervention: get(f, 'human_decisions_and_review'),
    risks: get(f, 'risks_and_mitigations'),
    provider: get(f, 'external_supplier'),
    process_index_url: '',
    tags: get(f, 'tags'),
    source_id: src.publicId,
    begin_date: '',
    end_date: '',
    impacttoetsen: get(f, 'impact_assessment'),
    publication_category: nlCategory(src),
    lawful_basis_grouping: '',
    impacttoetsen_grouping: '',
    source_data_grouping: '',
    algorithm_id: src.nlAlgorithmId ?? '',
  }
  return Object.fromEntries(NL_COLUMNS.map((k) => {
    const v = values[k]
    return [k, v === null || v === undefined ? null : limit(k, v)]
  }))
}

/** The Dutch registration as CSV: the export's header line and one row, CRLF, formulas defused. */
export function nlRegisterCsv(src: ExportSource): string {
  const rec = toNlRegister(src)
  return `${NL_COLUMNS.map(csvCell).join(',')}\r\n${NL_COLUMNS.map((k) => csvCell(rec[k] ?? '')).join(',')}\r\n`
}
