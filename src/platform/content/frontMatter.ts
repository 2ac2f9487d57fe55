import type { z } from 'zod'
import { ContentError } from './errors.ts'
import { parseYaml, validateContent, type YamlContent } from './yaml.ts'

/** A Markdown file with YAML front matter: the checked front matter, and the body below it. */
export interface FrontMatterContent<T> {
  data: T
  /** The Markdown after the closing `---`. */
  body: string
  /** The file's line where the body starts (for messages about the body). */
  bodyLine: number
  /** The parsed front matter, to report later problems at a path with its file line. */
  frontMatter: YamlContent
}

const FENCE = /^---\s*$/
const CLOSE = /^(---|\.\.\.)\s*$/

/**
 * Splits a Markdown file that starts with front matter
 *
 *   ---
 *   title: Acceptable use of generative AI
 *   ---
 *   # Body…
 *
 * and validates the front matter with `schema`. Line numbers in messages are the file's own.
 */
export function parseFrontMatter<S extends z.ZodType>(schema: S, text: string, file: string): FrontMatterContent<z.output<S>> {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/)
  if (!FENCE.test(lines[0] ?? '')) {
    throw new ContentError(file, [{ path: '', message: 'must start with front matter: a line "---", the YAML fields, then another "---"', line: 1 }])
  }
  const close = lines.findIndex((l, i) => i > 0 && CLOSE.test(l))
  if (close === -1) {
    throw new ContentError(file, [{ path: '', message: 'the front matter is not closed: add a line "---" after its fields', line: 1 }])
  }
  const yamlText = lines.slice(1, close).join('\n')
  if (yamlText.trim() === '') throw new ContentError(file, [{ path: '', message: 'the front matter is empty', line: 2 }])
  const frontMatter = parseYaml(yamlText, file, { lineOffset: 1 })
  const data = validateContent(frontMatter, schema)
  return { data, body: lines.slice(close + 1).join('\n'), bodyLine: close + 2, frontMatter }
}
