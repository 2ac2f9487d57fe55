import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { z } from 'zod'
import { ContentError } from './errors.ts'
import { parseFrontMatter, type FrontMatterContent } from './frontMatter.ts'
import { parseYaml, validateContent, type YamlContent } from './yaml.ts'

/** The repository root: content paths are given from here, whatever the working directory. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url))

/** A content folder or file, from the repository root (e.g. `contentPath('content', 'assessments')`). */
export const contentPath = (...parts: string[]): string => path.join(REPO_ROOT, ...parts)

/** How a file is named in messages: relative to the repository root when inside it, else absolute. */
export function fileLabel(absolutePath: string): string {
  const rel = path.relative(REPO_ROOT, absolutePath)
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return absolutePath
  return rel.split(path.sep).join('/')
}

const reason = (err: unknown) => (err as NodeJS.ErrnoException).code ?? String(err)

export interface ContentFile {
  absolute: string
  /** The name used in messages (see fileLabel). */
  label: string
  text: string
}

/**
 * Reads a content file (a relative path is taken from the repository root). A file that cannot
 * be read is a ContentError naming it; with `missingOk`, a missing file is null instead.
 */
export async function readContentFile(filePath: string, options: { missingOk: true }): Promise<ContentFile | null>
export async function readContentFile(filePath: string, options?: { missingOk?: false }): Promise<ContentFile>
export async function readContentFile(filePath: string, options: { missingOk?: boolean } = {}): Promise<ContentFile | null> {
  const absolute = path.resolve(REPO_ROOT, filePath)
  const label = fileLabel(absolute)
  try {
    return { absolute, label, text: await readFile(absolute, 'utf8') }
  } catch (err) {
    if (options.missingOk && (err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw new ContentError(label, [{ path: '', message: `cannot read the file (${reason(err)})` }])
  }
}

/** Reads and parses a YAML file, keeping its lines for later messages. */
export async function loadYaml(filePath: string): Promise<YamlContent & { absolute: string }> {
  const file = await readContentFile(filePath)
  return { ...parseYaml(file.text, file.label), absolute: file.absolute }
}

/** Reads a YAML file and validates it with `schema`. */
export async function loadYamlWith<S extends z.ZodType>(schema: S, filePath: string): Promise<z.output<S>> {
  return validateContent(await loadYaml(filePath), schema)
}

/** Reads a Markdown file with front matter and validates the front matter with `schema`. */
export async function loadMarkdownWith<S extends z.ZodType>(schema: S, filePath: string): Promise<FrontMatterContent<z.output<S>> & { label: string }> {
  const file = await readContentFile(filePath)
  return { ...parseFrontMatter(schema, file.text, file.label), label: file.label }
}

/**
 * Files under a content folder whose names end with `extension` (e.g. `.yaml`), as paths relative
 * to the folder with `/` separators, sorted. A folder that cannot be read is a ContentError.
 */
export async function listContentFiles(dir: string, extension: string): Promise<string[]> {
  const root = path.resolve(REPO_ROOT, dir)
  let entries: string[]
  try {
    entries = await readdir(root, { recursive: true })
  } catch (err) {
    throw new ContentError(fileLabel(root), [{ path: '', message: `cannot read the folder (${reason(err)})` }])
  }
  return entries.filter((e) => e.endsWith(extension)).map((e) => e.split(path.sep).join('/')).sort()
}
