/**
 * The Dutch Algorithm Register's publication standard 1.0 (algoritmes.overheid.nl), as data: the
 * fields of its CSV export in the export's column order, with each field's type, whether it is
 * required, its maximum length and its allowed values. Read by the import (what a row must be)
 * and the export (what we must give). Source: MinBZK/Algoritmeregister
 * backend/app/schemas/config/v1_0.json, summarised in ../shared/research/registers.md; the
 * English value lists are the register's English edition, as its CSV export writes them.
 */

export const NL_STANDARD_VERSION = '1.0'

export type NlFieldType = 'string' | 'text' | 'url' | 'enum' | 'list' | 'month' | 'grouping' | 'system'

export interface NlField {
  key: string
  type: NlFieldType
  required: boolean
  /** The standard's maximum length in characters, where it sets one. */
  max?: number
}

/** Status: the English edition's words and the Dutch ones, read as the same three values. */
export const NL_STATUS = {
  in_development: { en: 'In development', nl: 'In ontwikkeling' },
  in_use: { en: 'In use', nl: 'In gebruik' },
  out_of_use: { en: 'Out of use', nl: 'Buiten gebruik' },
} as const
export type NlStatus = keyof typeof NL_STATUS

/** Publication category (A, B, C of the standard). */
export const NL_PUBLICATION_CATEGORY = {
  high_risk: { en: 'High-Risk AI-system', nl: 'Hoog-risico AI-systeem' },
  impactful: { en: 'Impactful algorithms', nl: 'Impactvolle algoritmes' },
  other: { en: 'Other algorithms', nl: 'Overige algoritmes' },
} as const
export type NlPublicationCategory = keyof typeof NL_PUBLICATION_CATEGORY

/** The policy themes (`category`), English edition: a record lists some of them, separated by ", ". */
export const NL_THEMES = [
  'Culture and Recreation', 'Economy', 'Education and Science', 'Health and Healthcare', 'International', 'Law', 'Living',
  'Migration and Integration', 'Nature and Environment', 'Organisation and business operations', 'Public finance',
  'Public Order and Safety', 'Social Security', 'Space and Infrastructure', 'Traffic', 'Work',
] as const

export const NL_LANGUAGES = ['nld'] as const

/** Every column of the register's CSV export, in its order. */
export const NL_FIELDS: readonly NlField[] = Object.freeze([
  { key: 'name', type: 'string', required: true, max: 100 },
  { key: 'organization', type: 'string', required: true, max: 100 },
  { key: 'description_short', type: 'string', required: true, max: 400 },
  { key: 'category', type: 'list', required: false },
  { key: 'website', type: 'url', required: false, max: 500 },
  { key: 'status', type: 'enum', required: true },
  { key: 'goal', type: 'text', required: false, max: 2500 },
  { key: 'proportionality', type: 'text', required: false, max: 2500 },
  { key: 'lawful_basis', type: 'text', required: false, max: 2500 },
  { key: 'standard_version', type: 'enum', required: true },
  { key: 'url', type: 'url', required: false, max: 500 },
  { key: 'contact_email', type: 'string', required: true, max: 500 },
  { key: 'lang', type: 'enum', required: true },
  { key: 'publiccode', type: 'url', required: false, max: 500 },
  { key: 'source_data', type: 'text', required: false, max: 2500 },
  { key: 'methods_and_models', type: 'text', required: false, max: 5000 },
  { key: 'human_intervention', type: 'text', required: false, max: 2500 },
  { key: 'risks', type: 'text', required: false, max: 2500 },
  { key: 'provider', type: 'string', required: false, max: 200 },
  { key: 'process_index_url', type: 'url', required: false, max: 500 },
  { key: 'tags', type: 'string', required: false, max: 2500 },
  { key: 'source_id', type: 'string', required: false, max: 100 },
  { key: 'begin_date', type: 'month', required: false, max: 7 },
  { key: 'end_date', type: 'month', required: false, max: 7 },
  { key: 'impacttoetsen', type: 'text', required: false, max: 2500 },
  { key: 'publication_category', type: 'enum', required: true },
  { key: 'lawful_basis_grouping', type: 'grouping', required: false },
  { key: 'impacttoetsen_grouping', type: 'grouping', required: false },
  { key: 'source_data_grouping', type: 'grouping', required: false },
  { key: 'algorithm_id', type: 'system', required: true, max: 8 },
].map((f) => Object.freeze(f as NlField)))

export const NL_COLUMNS: readonly string[] = Object.freeze(NL_FIELDS.map((f) => f.key))

/** Allowed values of each enum field (both editions' words). */
export const NL_ENUMS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  status: Object.values(NL_STATUS).flatMap((v) => [v.en, v.nl]),
  publication_category: Object.values(NL_PUBLICATION_CATEGORY).flatMap((v) => [v.en, v.nl]),
  standard_version: [NL_STANDARD_VERSION],
  lang: NL_LANGUAGES,
})

/**
 * The register's CSV export is its English edition: text translated from Dutch, which runs
 * longer than the Dutch the limits were set for (7 of the 696 real rows are up to 16% over). An
 * import allows a quarter more than each limit, so real data comes in while a 10 kB value is still
 * refused; an export keeps to the limits exactly.
 */
export const TRANSLATION_ALLOWANCE = 1.25

export function importLimit(field: NlField): number | undefined {
  return field.max === undefined ? undefined : field.type === 'system' || field.type === 'month' ? field.max : Math.floor(field.max * TRANSLATION_ALLOWANCE)
}

/** The record's own page on the Dutch register. */
export function nlRegisterPage(algorithmId: string): string {
  return `https://algoritmes.overheid.nl/nl/algoritme/${encodeURIComponent(algorithmId)}`
}
