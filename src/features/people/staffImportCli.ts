import { readFile, stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { t } from '../../platform/i18n/i18n.ts'
import type { Services } from '../../services.ts'
import { checkStaffCsv, decodeText, MAX_IMPORT_BYTES } from './staffCsv.ts'

/**
 * `aigov staff import --org SLUG FILE`: the same checks and the same service as the web import.
 * Returns the lines to print: the summary, or the report of what is wrong (nothing imported).
 */
export async function importStaffFile(
  services: Pick<Services, 'people'>, organisation: { id: string; name: string }, file: string,
): Promise<{ ok: true; summary: string } | { ok: false; report: string }> {
  const refuse = (key: string, vars?: Record<string, string | number>) => ({ ok: false as const, report: `${file}: ${t(key, vars)}` })
  let size: number
  try {
    size = (await stat(file)).size
  } catch {
    return refuse('people.import.cli.noFile')
  }
  if (size > MAX_IMPORT_BYTES) return refuse('people.import.errors.tooBig')
  const text = decodeText(await readFile(file))
  if (text === null) return refuse('people.import.errors.notText')
  const checked = checkStaffCsv(text)
  if (!checked.ok) {
    const lines = checked.problems.map((p) => `  ${t('people.import.cli.line', { line: p.line })}: ${t(p.key, p.vars)}`)
    return { ok: false, report: [`${file}: ${t('people.import.errors.rows', { count: checked.problems.length })}`, ...lines].join('\n') }
  }
  const s = await services.people.importStaffAsSystem(organisation, checked.rows, basename(file))
  return {
    ok: true,
    summary: t('people.import.cli.summary', {
      org: organisation.name,
      added: t('people.import.done.added', { count: s.added }),
      changed: t('people.import.done.changed', { count: s.changed }),
      unchanged: t('people.import.done.unchanged', { count: s.unchanged }),
    }),
  }
}
