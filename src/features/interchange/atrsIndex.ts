/**
 * The index of ATRS records published on GOV.UK (../shared/data/atrs/records_index: CSV with
 * publishing_body, tool_name, published, url; or JSON with title and description too): pure
 * rules, no I/O. Each entry becomes an external reference: shown as "published on GOV.UK" with
 * its link, never as one of our records. Idempotent by url.
 */
import { contentHash, type CsvRow, checkHeader, type Problem, UNSTORABLE } from './csvFile.ts'

export const INDEX_CSV_COLUMNS = ['publishing_body', 'tool_name', 'published', 'url'] as const
export const INDEX_JSON_KEYS = ['publishing_body', 'tool_name', 'title', 'url', 'published', 'description', 'listed_organisations'] as const

/** Where GOV.UK's records live: only these links are taken. */
export const GOVUK_RECORDS = /^https:\/\/www\.gov\.uk\/algorithmic-transparency-records\/[a-z0-9]+(?:-[a-z0-9]+)*$/

export interface ExternalRecord {
  line: number
  url: string
  publishingBody: string | null
  toolName: string
  title: string
  description: string | null
  /** ISO timestamp, or null when the index gives none. */
  publishedAt: string | null
  hash: string
}

export type IndexChecked = { ok: true; rows: ExternalRecord[]; rejected: Problem[] } | { ok: false; problems: Problem[] }

const LIMITS = { publishing_body: 200, tool_name: 300, title: 500, description: 2000, url: 500 } as const

function checkEntry(line: number, cells: Record<string, unknown>): { problems: Problem[]; row?: ExternalRecord } {
  const problems: Problem[] = []
  const problem = (field: string, key: string, vars?: Record<string, string | number>) => problems.push({ line, field, key, ...(vars ? { vars } : {}) })
  const text = (key: string): string => {
    const v = cells[key]
    if (v === undefined || v === null) return ''
    if (typeof v !== 'string') {
      problem(key, 'interchange.problem.notText')
      return ''
    }
    if (UNSTORABLE.test(v)) {
      problem(key, 'interchange.problem.unstorable')
      return ''
    }
    const s = v.replace(/\s+/g, ' ').trim()
    const max = LIMITS[key as keyof typeof LIMITS]
    if (max !== undefined && [...s].length > max) {
      problem(key, 'interchange.problem.tooLong', { max, length: [...s].length })
      return ''
    }
    return s
  }
  const url = text('url')
  if (!url) problem('url', 'interchange.problem.required')
  else if (!GOVUK_RECORDS.test(url)) problem('url', 'interchange.problem.govukUrl')
  const body = text('publishing_body')
  const titleText = text('title')
  const tool = text('tool_name') || (titleText.includes(':') ? titleText.slice(titleText.indexOf(':') + 1).trim() : titleText)
  if (!tool) problem('tool_name', 'interchange.problem.required')
  const description = text('description')
  const published = text('published')
  let publishedAt: string | null = null
  if (published) {
    const d = new Date(published)
    if (!/^\d{4}-\d{2}-\d{2}/.test(published) || Number.isNaN(d.getTime())) problem('published', 'interchange.problem.date')
    else publishedAt = d.toISOString()
  }
  if (problems.length) return { problems }
  const title = titleText || (body ? `${body}: ${tool}` : tool)
  const row = { line, url, publishingBody: body || null, toolName: tool, title, description: description || null, publishedAt }
  return { problems, row: { ...row, hash: contentHash({ ...row, line: undefined }) } }
}

function checkAll(entries: readonly { line: number; cells: Record<string, unknown> }[]): IndexChecked {
  if (!entries.length) return { ok: false, problems: [{ line: 2, key: 'interchange.problem.noRows' }] }
  const rows: ExternalRecord[] = []
  const rejected: Problem[] = []
  const seen = new Map<string, number>()
  for (const e of entries) {
    const { problems, row } = checkEntry(e.line, e.cells)
    if (!row) {
      rejected.push(...problems)
      continue
    }
    const first = seen.get(row.url)
    if (first !== undefined) rejected.push({ line: e.line, field: 'url', key: 'interchange.problem.duplicateId', vars: { line: first } })
    else {
      seen.set(row.url, e.line)
      rows.push(row)
    }
  }
  return { ok: true, rows, rejected }
}

export function checkIndexCsv(header: readonly string[], rows: readonly CsvRow[]): IndexChecked {
  const headerProblems = checkHeader(header, INDEX_CSV_COLUMNS)
  if (headerProblems.length) return { ok: false, problems: headerProblems }
  return checkAll(rows)
}

export function checkIndexJson(records: readonly { line: number; cells: Record<string, unknown> }[]): IndexChecked {
  const known = new Set<string>(INDEX_JSON_KEYS)
  const unknown = records.flatMap((r) => Object.keys(r.cells).filter((k) => !known.has(k)).map((k) => ({ line: r.line, field: k.slice(0, 60), key: 'interchange.problem.unknownKey', vars: { key: k.slice(0, 60) } })))
  const checked = checkAll(records)
  if (!checked.ok || !unknown.length) return checked
  const bad = new Set(unknown.map((u) => u.line))
  return { ok: true, rows: checked.rows.filter((r) => !bad.has(r.line)), rejected: [...checked.rejected, ...unknown] }
}
