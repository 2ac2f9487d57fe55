import { existsSync, readFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Services } from '../../services.ts'
import { importFile, reportText } from './importFile.ts'

/**
 * The real records `npm start` shows beside the demo councils: the Dutch Algorithm Register's
 * export (696 records) and GOV.UK's index of ATRS records, from the shared data folder (not part
 * of this repository: their licences are the sources', see its SOURCE.md files). Only `serve
 * --demo` loads them, after the demo data: the tests' demo stays small and fast. A missing file
 * is skipped with a line saying so.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '../../..')

export const DEMO_IMPORTS = [
  { format: 'nl-register', path: 'nl-register/algoritmeregister_export_en_2025.csv' },
  { format: 'atrs-index', path: 'atrs/records_index/atrs_records.json' },
] as const

export async function loadDemoImports(services: Pick<Services, 'interchange'>, dataDir = process.env.DEMO_IMPORTS_DIR ?? join(root, '../shared/data')): Promise<string[]> {
  const lines: string[] = []
  for (const { format, path } of DEMO_IMPORTS) {
    const file = join(dataDir, path)
    if (!existsSync(file)) {
      lines.push(`Not importing ${path}: no file at ${file} (set DEMO_IMPORTS_DIR to the folder that holds it).`)
      continue
    }
    const bytes = readFileSync(file)
    const report = await importFile(services.interchange, { format, bytes, size: bytes.length, fileName: basename(file) })
    lines.push(reportText(report).split('\n')[0]!)
  }
  return lines
}
