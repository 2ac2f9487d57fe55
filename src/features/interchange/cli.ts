import { readFile, stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { t } from '../../platform/i18n/i18n.ts'
import type { Services } from '../../services.ts'
import { MAX_IMPORT_BYTES } from './csvFile.ts'
import { hasProblems, importFile, IMPORT_FORMATS, isImportFormat, reportText } from './importFile.ts'

/**
 * `aigov import --format <nl-register|atrs|atrs-index> FILE [--organisation SLUG]`: the same
 * checks and service as the upload page. Prints the report; returns the exit code (1 when the
 * file was refused or any row rejected, 2 for a wrong command).
 */
export async function importCommand(
  services: Pick<Services, 'interchange' | 'organisations'>, opts: { format?: string; organisation?: string; file: string },
  out: { log: (s: string) => void; error: (s: string) => void } = console,
): Promise<number> {
  if (!isImportFormat(opts.format)) {
    out.error(`--format must be one of: ${IMPORT_FORMATS.join(', ')}`)
    return 2
  }
  let organisation = null
  if (opts.format === 'atrs') {
    if (!opts.organisation) {
      out.error('--organisation SLUG is required for --format atrs: the organisation the records are imported into')
      return 2
    }
    organisation = await services.organisations.bySlug(opts.organisation)
    if (!organisation) {
      out.error(t('interchange.cli.noOrganisation', { slug: opts.organisation.slice(0, 100) }))
      return 1
    }
  }
  let size: number
  try {
    size = (await stat(opts.file)).size
  } catch {
    out.error(`${opts.file}: ${t('interchange.cli.noFile')}`)
    return 1
  }
  const bytes = size > MAX_IMPORT_BYTES ? null : new Uint8Array(await readFile(opts.file))
  const report = await importFile(services.interchange, { format: opts.format, bytes, size, fileName: basename(opts.file), organisation })
  const text = reportText(report)
  if (hasProblems(report)) {
    out.error(text)
    return 1
  }
  out.log(text)
  return 0
}
