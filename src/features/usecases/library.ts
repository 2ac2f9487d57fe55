import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { ContentError, contentPath, fileLabel, parseYaml, validateContent } from '../../platform/content/index.ts'
import { type LibraryUse, type UseCaseFile, useCaseFile } from './model.ts'

/**
 * The library's own uses are content: `content/usecases/<id>.yaml`, one use a file, checked
 * with `useCaseFile` when the service is made (so at start-up); a mistake stops start-up naming
 * the file, the path inside it and the line.
 */
export const USE_CASES_DIR = contentPath('content', 'usecases')

/** Checks one file's text; `relative` is its name under the folder (`<id>.yaml`). */
export function parseUseCase(text: string, label: string, relative: string): UseCaseFile {
  const content = parseYaml(text, label)
  const data = validateContent(content, useCaseFile)
  const expected = relative.replace(/\.yaml$/, '')
  if (data.id !== expected) throw content.error([{ segments: ['id'], message: `must be "${expected}", the file's name` }])
  return data
}

export function toLibraryUse(u: UseCaseFile): LibraryUse {
  return {
    id: u.id, kind: 'library', title: u.title, summary: u.summary, description: u.description, theme: u.theme,
    typicalData: u.typicalData, risks: u.risks, controls: u.controls, riskTier: u.riskTier, tierReason: u.tierReason,
    intake: u.intake, sharedBy: null,
  }
}

const cache = new Map<string, LibraryUse[]>()

/** Every use under `dir`, by title (once per folder per process). */
export function loadUseCases(dir: string = USE_CASES_DIR): LibraryUse[] {
  const cached = cache.get(dir)
  if (cached) return cached
  let files: string[]
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()
  } catch (err) {
    throw new ContentError(fileLabel(dir), [{ path: '', message: `cannot read the folder (${(err as NodeJS.ErrnoException).code ?? String(err)})` }])
  }
  const uses = files.map((f) => {
    const absolute = path.join(dir, f)
    return toLibraryUse(parseUseCase(readFileSync(absolute, 'utf8'), fileLabel(absolute), f))
  }).sort((a, b) => a.title.localeCompare(b.title, 'en-GB'))
  cache.set(dir, uses)
  return uses
}
