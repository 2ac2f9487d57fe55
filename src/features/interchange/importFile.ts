import { t } from '../../platform/i18n/i18n.ts'
import type { Organisation } from '../organisations/model.ts'
import { checkAtrsCsv, checkRecords, readJsonRecords } from './atrsImport.ts'
import { checkIndexCsv, checkIndexJson } from './atrsIndex.ts'
import { decodeUtf8, looksBinary, MAX_IMPORT_BYTES, type Problem, readCsv } from './csvFile.ts'
import { checkNlFile } from './nlImport.ts'
import type { ImportCounts, InterchangeService } from './service.ts'

/** The formats `aigov import --format` and the upload page take. */
export const IMPORT_FORMATS = ['nl-register', 'atrs', 'atrs-index'] as const
export type ImportFormatName = (typeof IMPORT_FORMATS)[number]

export function isImportFormat(v: unknown): v is ImportFormatName {
  return typeof v === 'string' && (IMPORT_FORMATS as readonly string[]).includes(v)
}

export interface ImportReport {
  file: string
  format: ImportFormatName
  /** The file as a whole was refused (wrong header, wrong type, too big…): nothing was imported. */
  refused: Problem[]
  /** Rows that were not imported, each with its line, field and reason. */
  rejected: Problem[]
  counts: ImportCounts | null
  /** How long the import took, in milliseconds. */
  ms: number
}

/** Which kind of text a file is, by its name (and the type a browser declared, on the upload page). */
function kindOf(fileName: string, mimetype = ''): 'csv' | 'json' | null {
  const type = mimetype.toLowerCase()
  if (/\.csv$/i.test(fileName) || type === 'text/csv' || type === 'application/csv') return 'csv'
  if (/\.json$/i.test(fileName) || type === 'application/json') return 'json'
  return null
}

/**
 * Reads, checks and imports one file: the CLI and the upload page both come here, so both say
 * the same. The file is refused whole when it is too big, not text, of the wrong type or has the
 * wrong header; otherwise every valid row is imported in one transaction and each other row is
 * reported with its line, field and reason.
 */
export async function importFile(
  interchange: InterchangeService,
  input: { format: ImportFormatName; bytes: Uint8Array | null; size: number; fileName: string; mimetype?: string; organisation?: Organisation | null },
): Promise<ImportReport> {
  const started = performance.now()
  const report = (refused: Problem[], rejected: Problem[] = [], counts: ImportCounts | null = null): ImportReport =>
    ({ file: input.fileName, format: input.format, refused, rejected, counts, ms: Math.round(performance.now() - started) })
  const refuse = (key: string, vars?: Record<string, string | number>) => report([{ line: 0, key, ...(vars ? { vars } : {}) }])

  if (input.size > MAX_IMPORT_BYTES || input.bytes === null) return refuse('interchange.problem.tooBig', { max: MAX_IMPORT_BYTES / 1024 / 1024 })
  const kind = kindOf(input.fileName, input.mimetype)
  if (!kind || (input.format === 'nl-register' && kind !== 'csv')) return refuse('interchange.problem.wrongType', { format: input.format })
  const text = decodeUtf8(input.bytes)
  if (text === null || looksBinary(text)) return refuse('interchange.problem.fileNotText')
  if (input.format === 'atrs' && !input.organisation) return refuse('interchange.problem.noOrganisation')

  if (kind === 'json') {
    const read = readJsonRecords(text, input.format === 'atrs-index' ? 'records' : undefined)
    if (!read.ok) return report(read.problems)
    if (input.format === 'atrs-index') {
      const checked = checkIndexJson(read.records)
      if (!checked.ok) return report(checked.problems)
      return report([], checked.rejected, await interchange.importAtrsIndex(checked.rows))
    }
    const checked = checkRecords(read.records, input.organisation!)
    if (!checked.ok) return report(checked.problems)
    return report([], checked.rejected, await interchange.importAtrs(input.organisation!.id, checked.rows, input.fileName))
  }

  const csv = readCsv(text)
  if (!csv.ok) return report(csv.problems)
  if (input.format === 'nl-register') {
    const checked = checkNlFile(csv.header, csv.rows)
    if (!checked.ok) return report(checked.problems)
    return report([], checked.rejected, await interchange.importNlRegister(checked.rows, input.fileName))
  }
  if (input.format === 'atrs-index') {
    const checked = checkIndexCsv(csv.header, csv.rows)
    if (!checked.ok) return report(checked.problems)
    return report([], checked.rejected, await interchange.importAtrsIndex(checked.rows))
  }
  const checked = checkAtrsCsv(csv.header, csv.rows, input.organisation!)
  if (!checked.ok) return report(checked.problems)
  return report([], checked.rejected, await interchange.importAtrs(input.organisation!.id, checked.rows, input.fileName))
}

/** One problem as a line of a report: "file:line: field: reason". */
export function problemLine(file: string, p: Problem): string {
  const where = p.line > 0 ? `${file}:${p.line}` : file
  return `${where}: ${p.field ? `${p.field}: ` : ''}${t(p.key, p.vars)}`
}

/** How many rows were rejected (a row may have several problems). */
export function rejectedRows(r: ImportReport): number {
  return new Set(r.rejected.map((p) => p.line)).size
}

/** Whether anything was refused or rejected (the CLI's exit code is then 1). */
export function hasProblems(r: ImportReport): boolean {
  return r.refused.length > 0 || r.rejected.length > 0
}

/** The report as the CLI prints it. */
export function reportText(r: ImportReport): string {
  if (r.refused.length) {
    return [t('interchange.report.refused', { file: r.file }), ...r.refused.map((p) => `  ${problemLine(r.file, p)}`)].join('\n')
  }
  const c = r.counts!
  const lines = [t('interchange.report.summary', {
    file: r.file, format: r.format, imported: c.imported, updated: c.updated, unchanged: c.unchanged, rejected: rejectedRows(r),
    organisations: c.organisationsCreated, seconds: (r.ms / 1000).toFixed(1),
  })]
  if (c.updated) lines.push(t('interchange.report.updatedNote', { count: c.updated }))
  if (r.rejected.length) lines.push(t('interchange.report.rejectedHeading'), ...r.rejected.map((p) => `  ${problemLine(r.file, p)}`))
  if (c.notPublished.length) lines.push(t('interchange.report.notPublishedHeading', { count: c.notPublished.length }), ...c.notPublished.map((p) => `  ${problemLine(r.file, p)}`))
  return lines.join('\n')
}
