import { createHash } from 'node:crypto'
import { parse } from 'csv-parse/sync'

/**
 * Reading the files people import: pure, no I/O. Every file is read whole with csv-parse (BOM,
 * quoted cells over several lines) into rows that know the line they start on, so a report can
 * say "line 412" and mean the line a person sees in a text editor.
 */

/** The largest file an import reads (the CLI and the upload page alike). */
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024

/** One problem with a file or a row: where, which field, and why (a message key and its values). */
export interface Problem {
  line: number
  /** The column or key the problem is in; absent for the file as a whole. */
  field?: string
  key: string
  vars?: Record<string, string | number>
}

export interface CsvRow {
  line: number
  /** Header name → cell text. */
  cells: Record<string, string>
}

export type CsvRead = { ok: true; header: string[]; rows: CsvRow[] } | { ok: false; problems: Problem[] }

/** Decodes bytes as UTF-8 (a leading BOM dropped), or null when they are not UTF-8 text. */
export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes)
  } catch {
    return null
  }
}

/** Bytes that no text file holds (NUL, most C0 controls): an image, a spreadsheet, an archive. */
export function looksBinary(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u0008\u000e-\u001f]/.test(text.slice(0, 65536))
}

/**
 * Reads CSV text (header row first) into rows keyed by header name. A syntax error (an unclosed
 * quote) is one problem at the line where the broken record starts.
 */
export function readCsv(text: string): CsvRead {
  let lastEnd = 0
  let lastEmpty = 0
  const starts: number[] = []
  let records: string[][]
  try {
    records = parse(text, {
      bom: true, relax_column_count: true, skip_empty_lines: true,
      on_record: (record: string[], ctx) => {
        starts.push(lastEnd + 1 + (ctx.empty_lines - lastEmpty))
        lastEnd = ctx.lines
        lastEmpty = ctx.empty_lines
        return record
      },
    })
  } catch (err) {
    const e = err as { code?: unknown; lines?: unknown }
    const line = e.code !== 'CSV_QUOTE_NOT_CLOSED' && typeof e.lines === 'number' ? e.lines : lastEnd + 1
    return { ok: false, problems: [{ line, key: 'interchange.problem.syntax' }] }
  }
  const header = records[0]?.map((h) => h.replace(/^\uFEFF/, '').trim())
  if (!header || header.every((h) => h === '')) return { ok: false, problems: [{ line: 1, key: 'interchange.problem.empty' }] }
  const problems: Problem[] = []
  const rows: CsvRow[] = []
  for (let i = 1; i < records.length; i++) {
    const record = records[i]!
    const line = starts[i]!
    if (record.length !== header.length) {
      problems.push({ line, key: 'interchange.problem.cellCount', vars: { count: record.length, expected: header.length } })
      continue
    }
    const cells: Record<string, string> = Object.create(null) as Record<string, string>
    header.forEach((h, c) => { cells[h] = record[c]! })
    rows.push({ line, cells })
  }
  return problems.length ? { ok: false, problems } : { ok: true, header, rows }
}

/**
 * Checks a header against the columns a format expects: every expected column once, nothing
 * else. Problems name the column, on line 1.
 */
export function checkHeader(header: readonly string[], expected: readonly string[]): Problem[] {
  const problems: Problem[] = []
  const known = new Set(expected)
  const seen = new Set<string>()
  for (const h of header) {
    if (!known.has(h)) problems.push({ line: 1, field: h.slice(0, 60), key: 'interchange.problem.unknownColumn', vars: { column: h.slice(0, 60) } })
    else if (seen.has(h)) problems.push({ line: 1, field: h, key: 'interchange.problem.repeatedColumn', vars: { column: h } })
    seen.add(h)
  }
  for (const c of expected) if (!seen.has(c)) problems.push({ line: 1, field: c, key: 'interchange.problem.missingColumn', vars: { column: c } })
  return problems
}

/** A NUL or an unpaired surrogate: text PostgreSQL cannot hold. */
// eslint-disable-next-line no-control-regex
export const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** A SHA-256 of a value's JSON (keys in the order given): what "unchanged" means on a second run. */
export function contentHash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex')
}
