import { isCollection, LineCounter, parseDocument } from 'yaml'
import type { z } from 'zod'
import { ContentError, type ContentIssue, formatPath, type PathSegment } from './errors.ts'
import { authorMessage } from './issues.ts'

/** A problem found after parsing, located by its path in the data (the line is looked up). */
export interface LocatedProblem {
  segments: readonly PropertyKey[]
  message: string
}

/** A parsed YAML document that can say on which line any path of its data starts. */
export interface YamlContent {
  /** How the file is named in messages. */
  file: string
  /** The data, as plain JavaScript values. */
  data: unknown
  /** The line where the node at `segments` starts (or, if it is missing, its nearest enclosing mapping or list). */
  lineAt(segments: readonly PropertyKey[]): number | undefined
  /** An issue at a path, with its line. */
  issueAt(segments: readonly PropertyKey[], message: string): ContentIssue
  /** A ContentError for these problems, each with its path and line. */
  error(problems: readonly LocatedProblem[]): ContentError
}

export interface YamlOptions {
  /** Lines before the YAML in its file (front matter starts after the opening `---`). */
  lineOffset?: number
}

/**
 * Parses YAML text. Repeated keys, syntax errors and an empty document are ContentErrors naming
 * `file` and the line; anything else about the data is for a schema (see `validateContent`).
 */
export function parseYaml(text: string, file: string, options: YamlOptions = {}): YamlContent {
  const offset = options.lineOffset ?? 0
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true })
  if (doc.errors.length > 0) {
    throw new ContentError(
      file,
      doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0])
        return { path: '', message: `invalid YAML: ${e.message}`, line: pos.line + offset, column: pos.col }
      }),
    )
  }

  const lineAt = (segments: readonly PropertyKey[]): number | undefined => {
    try {
      for (let n = segments.length; n >= 1; n -= 1) {
        const node = doc.getIn(segments.slice(0, n) as PathSegment[], true)
        const start = (node as { range?: [number, number, number] } | null | undefined)?.range?.[0]
        // A path is precise; a missing key is reported at the mapping that should hold it.
        if (start !== undefined && (n === segments.length || isCollection(node))) return lineCounter.linePos(start).line + offset
      }
    } catch {
      // Aliases and scalars in the middle of a path: no line number, the path still says where.
    }
    return undefined
  }
  const issueAt = (segments: readonly PropertyKey[], message: string): ContentIssue => ({
    path: formatPath(segments), message, line: lineAt(segments),
  })

  let data: unknown
  try {
    data = doc.toJS({ maxAliasCount: 1000 })
  } catch (err) {
    throw new ContentError(file, [{ path: '', message: `invalid YAML: ${(err as Error).message}` }])
  }
  if (data === null || data === undefined) throw new ContentError(file, [{ path: '', message: 'the file is empty' }])
  return {
    file, data, lineAt, issueAt,
    error: (problems) => new ContentError(file, problems.map((p) => issueAt(p.segments, p.message))),
  }
}

/** Checks parsed content against a zod schema; every problem names its path and line. */
export function validateContent<S extends z.ZodType>(content: Pick<YamlContent, 'data' | 'error'>, schema: S): z.output<S> {
  const result = schema.safeParse(content.data)
  if (result.success) return result.data
  throw content.error(result.error.issues.map((issue) => {
    const { path, message } = authorMessage(issue, content.data)
    return { segments: path, message }
  }))
}

/** Parses YAML text and validates it with `schema`. */
export function parseYamlWith<S extends z.ZodType>(schema: S, text: string, file: string): z.output<S> {
  return validateContent(parseYaml(text, file), schema)
}
