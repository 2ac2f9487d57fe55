/**
 * ATRS records as our own open-data downloads give them (`/public/records.csv|json`: v3.0 keys,
 * columns CSV_COLUMNS), read back in: pure rules, no I/O. Each record is checked with the rules
 * publishing uses (`completeness`), so what comes in could have been published here. The columns
 * come from the transparency feature's field list, so this follows it as it grows.
 *
 * Kept from the file so an export of the imported records gives the same file: the record's slug
 * (the part of `id` after "/"), `version` and `date_updated`. The organisation's own name replaces
 * organisation_name / organisation_or_department (nobody imports under another body's name).
 */
import type { EntryInput, Stage } from '../register/model.ts'
import { ATRS_FIELDS, type AtrsFields, completeness, CSV_COLUMNS, GROUPS, splitItems } from '../transparency/atrs.ts'
import { isStandardVersion, STANDARD_VERSIONS } from '../transparency/standard.ts'
import { checkHeader, contentHash, type CsvRow, type Problem, UNSTORABLE } from './csvFile.ts'
import { fit, NOT_STATED } from './nlImport.ts'

/** The columns that are metadata, not ATRS fields a person writes. */
const META = ['id', 'standard_version', 'date_updated', 'version'] as const
/** The longest value we take in one field. */
export const MAX_FIELD_LENGTH = 20000
const RECORD_SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/
const ID = /^(?:([a-z0-9][a-z0-9-]{1,62})\/)?([a-z0-9]+(?:-[a-z0-9]+)*)$/

export interface AtrsRow {
  line: number
  /** The id as the file gives it ("organisation/record" or "record"). */
  id: string
  slug: string
  /** The version of the ATRS the record follows (its standard_version). */
  standardVersion: string
  version: number
  /** YYYY-MM-DD */
  dateUpdated: string
  fields: AtrsFields
}

export type AtrsChecked = { ok: true; rows: AtrsRow[]; rejected: Problem[] } | { ok: false; problems: Problem[] }

/** The stage a record's phase (v3.0 and v4.0 words) puts a register entry in. */
export const STAGE_FOR_PHASE: Readonly<Record<string, Stage>> = {
  'Pre-deployment': 'approved', 'Beta/Pilot': 'pilot', 'Private beta': 'pilot', 'Public beta': 'pilot', Production: 'live', Retired: 'retired',
}

/** Keys a record may have: the download's columns, and in JSON each repeated specification's list. */
const KNOWN_KEYS: ReadonlySet<string> = new Set([...CSV_COLUMNS, ...GROUPS.keys()])

/** Our CSV defuses formulas with a leading apostrophe (platform/csv.ts); reading it back undoes that. */
export function undefuse(cell: string): string {
  return /^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell
}

/** The columns a file must have: the metadata and every field that is always required. */
export function requiredColumns(): string[] {
  return [...META, ...ATRS_FIELDS.filter((f) => f.required).map((f) => f.key)]
}

function isRealDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false
  const d = new Date(`${s}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s
}

/** Checks one record (cells keyed by column), as publishing would, plus the metadata. */
function checkRecord(line: number, cells: Record<string, unknown>, organisation: { name: string; contactEmail: string | null }): { problems: Problem[]; row?: AtrsRow } {
  const problems: Problem[] = []
  const problem = (field: string, key: string, vars?: Record<string, string | number>) => problems.push({ line, field, key, ...(vars ? { vars } : {}) })
  const text = (key: string): string => {
    const v = cells[key]
    if (v === undefined || v === null) return ''
    if (typeof v === 'number' && Number.isFinite(v)) return String(v)
    if (typeof v !== 'string') {
      problem(key, 'interchange.problem.notText')
      return ''
    }
    return v
  }
  const id = text('id').trim()
  const m = ID.exec(id)
  if (!id) problem('id', 'interchange.problem.required')
  else if (!m || m[2]!.length > 100) problem('id', 'interchange.problem.recordId')
  const standard = text('standard_version').trim()
  if (!isStandardVersion(standard)) problem('standard_version', 'interchange.problem.enum', { value: standard.slice(0, 20), allowed: STANDARD_VERSIONS.join(', ') })
  const date = text('date_updated').trim()
  if (!isRealDate(date)) problem('date_updated', 'interchange.problem.date')
  const versionText = text('version').trim()
  const version = /^[1-9]\d{0,5}$/.test(versionText) ? Number(versionText) : NaN
  if (Number.isNaN(version)) problem('version', 'interchange.problem.version')

  const fields: AtrsFields = {}
  const put = (key: string, v: string) => {
    if (UNSTORABLE.test(v)) problem(key, 'interchange.problem.unstorable')
    else if ([...v].length > MAX_FIELD_LENGTH) problem(key, 'interchange.problem.tooLong', { max: MAX_FIELD_LENGTH, length: [...v].length })
    // Blank and absent read the same (the downloads write '' for both), so CSV and JSON give the same record.
    else if (v !== '') fields[key] = v
  }
  for (const f of ATRS_FIELDS) {
    if (!f.group) {
      if (cells[f.key] !== undefined) put(f.key, text(f.key))
      continue
    }
    const list = cells[f.group]
    if (Array.isArray(list)) {
      // JSON: each item of a repeated specification is an object of its fields.
      list.forEach((item, i) => {
        const v = item !== null && typeof item === 'object' ? (item as Record<string, unknown>)[f.key] : undefined
        if (typeof v === 'string') put(`${f.key}__${i + 1}`, v)
        else if (v !== undefined && v !== null) problem(`${f.group}.${i + 1}.${f.key}`, 'interchange.problem.notText')
      })
    } else if (list !== undefined) problem(f.group, 'interchange.problem.notList')
    else splitItems(text(f.key)).forEach((v, i) => put(`${f.key}__${i + 1}`, v))
  }
  for (const key of Object.keys(cells)) {
    if (!KNOWN_KEYS.has(key)) problem(key.slice(0, 60), 'interchange.problem.unknownKey', { key: key.slice(0, 60) })
  }
  // As it would be published: the organisation's name in place of anything typed.
  const asPublished = {
    ...fields, organisation_name: organisation.name, organisation_or_department: organisation.name,
    contact_email: (fields.contact_email ?? '').trim() || (organisation.contactEmail ?? ''),
  }
  for (const miss of isStandardVersion(standard) ? completeness(asPublished, standard).missing : []) {
    if (!problems.some((p) => p.field === miss.key)) {
      problem(miss.key, miss.problem === 'missing' ? 'interchange.problem.required' : 'interchange.problem.invalid', { ref: miss.ref, label: miss.label })
    }
  }
  if (problems.length) return { problems }
  return { problems, row: { line, id, slug: m![2]!, standardVersion: standard, version, dateUpdated: date, fields } }
}

/** Checks records read from a CSV file: the header first, then each row. */
export function checkAtrsCsv(header: readonly string[], rows: readonly CsvRow[], organisation: { name: string; contactEmail: string | null }): AtrsChecked {
  const headerProblems = checkHeader(header, CSV_COLUMNS)
    // Columns the standard has but an older file lacks are read as blank; only the always-required ones must be there.
    .filter((p) => p.key !== 'interchange.problem.missingColumn' || requiredColumns().includes(p.field ?? ''))
  if (headerProblems.length) return { ok: false, problems: headerProblems }
  return checkRecords(rows.map((r) => ({ line: r.line, cells: Object.fromEntries(Object.entries(r.cells).map(([k, v]) => [k, undefuse(v)])) })), organisation)
}

/** Checks records read from JSON (each with the line its object starts on). */
export function checkRecords(records: readonly { line: number; cells: Record<string, unknown> }[], organisation: { name: string; contactEmail: string | null }): AtrsChecked {
  if (!records.length) return { ok: false, problems: [{ line: 2, key: 'interchange.problem.noRows' }] }
  const rows: AtrsRow[] = []
  const rejected: Problem[] = []
  const seen = new Map<string, number>()
  for (const r of records) {
    const { problems, row } = checkRecord(r.line, r.cells, organisation)
    if (!row) {
      rejected.push(...problems)
      continue
    }
    const first = seen.get(row.slug)
    if (first !== undefined) {
      rejected.push({ line: r.line, field: 'id', key: 'interchange.problem.duplicateId', vars: { line: first } })
      continue
    }
    seen.set(row.slug, r.line)
    rows.push(row)
  }
  return { ok: true, rows, rejected }
}

/** A register entry for an imported record: what the ATRS fields say, NOT_STATED where they say nothing. */
export function entryForAtrs(row: AtrsRow): EntryInput & { stage: Stage } {
  const f = row.fields
  const say = (v: string | undefined, max: number) => (v && v.trim() ? fit(v.trim(), max) : NOT_STATED)
  return {
    name: fit((f.title || f.name || row.slug).trim(), 200),
    purpose: say(f.description || f.one_sentence_description, 5000),
    serviceArea: say(f.team, 200),
    owner: say(f.senior_responsible_owner, 200),
    supplier: f.external_supplier?.trim() ? fit(f.external_supplier.trim(), 200) : null,
    technique: NOT_STATED,
    personalData: /personal data/i.test(Object.values(f).join(' ')),
    specialCategoryData: false,
    decisionRole: 'assists',
    peopleAffected: NOT_STATED,
    humanOversight: say(f.human_decisions_and_review, 2000),
    nextReviewDate: null,
    stage: STAGE_FOR_PHASE[(f.phase ?? '').trim()] ?? 'approved',
  }
}

export function atrsRowHash(row: AtrsRow): string {
  return contentHash({ slug: row.slug, standard: row.standardVersion, version: row.version, date: row.dateUpdated, fields: row.fields })
}

// ---------------------------------------------------------------------------------------------
// JSON with line numbers

/**
 * The line each object of a JSON array starts on (the array at the top, or under `key` of the
 * top object), found by scanning the text; null if the text is not shaped like that.
 */
export function objectLines(text: string, key?: string): number[] {
  const lines: number[] = []
  let line = 1
  let depth = 0
  let inString = false
  let escaped = false
  let arrayDepth = key === undefined ? 1 : -1
  let lastString = ''
  let current = ''
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!
    if (ch === '\n') line++
    if (inString) {
      if (escaped) escaped = false
      else if (ch === '\\') escaped = true
      else if (ch === '"') {
        inString = false
        lastString = current
      } else current += ch
      continue
    }
    if (ch === '"') {
      inString = true
      current = ''
    } else if (ch === '{' || ch === '[') {
      depth++
      if (ch === '[' && key !== undefined && depth === 2 && lastString === key) arrayDepth = 2
      if (ch === '{' && depth === arrayDepth + 1) lines.push(line)
    } else if (ch === '}' || ch === ']') depth--
  }
  return lines
}

/** A JSON file's records with their lines, or a problem (not JSON, or not a list of objects). */
export function readJsonRecords(text: string, key?: string): { ok: true; records: { line: number; cells: Record<string, unknown> }[] } | { ok: false; problems: Problem[] } {
  let data: unknown
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''))
  } catch {
    return { ok: false, problems: [{ line: 1, key: 'interchange.problem.notJson' }] }
  }
  const list = key === undefined ? data : (data as Record<string, unknown> | null)?.[key]
  if (!Array.isArray(list)) return { ok: false, problems: [{ line: 1, key: 'interchange.problem.notList' }] }
  const lines = objectLines(text.replace(/^\uFEFF/, ''), key)
  const records: { line: number; cells: Record<string, unknown> }[] = []
  const problems: Problem[] = []
  ;(list as unknown[]).forEach((item, i) => {
    const line = lines[i] ?? i + 1
    if (item === null || typeof item !== 'object' || Array.isArray(item)) problems.push({ line, key: 'interchange.problem.notObject' })
    else records.push({ line, cells: Object.assign(Object.create(null) as Record<string, unknown>, item as Record<string, unknown>) })
  })
  return problems.length ? { ok: false, problems } : { ok: true, records }
}

export { RECORD_SLUG }
