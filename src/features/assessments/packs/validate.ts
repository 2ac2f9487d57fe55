/**
 * An uploaded question set, checked exactly as a file under content/assessments is at start-up:
 * the same parser (lines kept), the same zod schema, the same checks and the same shared library
 * (content/assessments/shared.yaml), then the checks across sets (one kind per question id, a fact
 * two sets ask defined once in shared.yaml, one definition per id@version) against every built-in
 * set and every pack in force. Every problem is `<file>: <path>: <message> (line N)`.
 *
 * Before any of that the bytes must be text: not over the size limit, no NUL, valid UTF-8.
 * YAML bombs (aliases expanding exponentially) and deep nesting are refused by the parser.
 */
import { ContentError, type ContentIssue, formatIssue, parseYaml, type PathSegment } from '../../../platform/content/index.ts'
import type { QuestionSetCatalogue } from '../catalogue.ts'
import { createCrossSetCheck } from '../questionSet/checks.ts'
import { parseQuestionSet } from '../questionSet/load.ts'
import type { QuestionSet, SharedLibrary } from '../questionSet/schema.ts'

/** The largest YAML file a platform admin may upload. */
export const MAX_PACK_BYTES = 256 * 1024

/** A problem with an upload, as shown on the page: the file, the path inside it and the line. */
export interface PackProblem {
  file: string
  path: string
  line: number | null
  message: string
  /** The whole line, `<file>: <path>: <message> (line N)`. */
  text: string
}

export type PackCheck = { ok: true; set: QuestionSet; text: string } | { ok: false; problems: PackProblem[] }

const problem = (file: string, issue: ContentIssue): PackProblem => ({
  file, path: issue.path, line: issue.line ?? null, message: issue.message, text: formatIssue(file, issue),
})
const refused = (file: string, message: string): PackCheck => ({ ok: false, problems: [problem(file, { path: '', message })] })

/** How an uploaded file is named in messages: its base name, printable, at most 100 characters. */
export function uploadLabel(fileName: string | undefined, fallback: string): string {
  const base = (fileName ?? '').split(/[\\/]/).pop() ?? ''
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f-\u009f]/g, '').trim().slice(0, 100)
  return clean || fallback
}

/** The bytes as YAML text, or why they are not. */
export function textOf(bytes: Buffer, file: string): { ok: true; text: string } | { ok: false; check: PackCheck } {
  if (bytes.length > MAX_PACK_BYTES) {
    return { ok: false, check: refused(file, `the file is ${Math.ceil(bytes.length / 1024)} kB; a question set may be at most ${MAX_PACK_BYTES / 1024} kB`) }
  }
  if (bytes.includes(0)) return { ok: false, check: refused(file, 'the file is not text (it contains NUL bytes); upload the YAML file itself') }
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return { ok: false, check: refused(file, 'the file is not UTF-8 text; save it as UTF-8 and upload it again') }
  }
  if (text.startsWith('\uFEFF')) text = text.slice(1)
  if (text.trim() === '') return { ok: false, check: refused(file, 'the file is empty') }
  return { ok: true, text }
}

/** The sets an upload must agree with: labelled as their files are. */
export interface KnownSet {
  set: QuestionSet
  label: string
}

/** The built-in sets (every version the catalogue gives), labelled by their content file. */
export function builtInSets(catalogue: QuestionSetCatalogue): KnownSet[] {
  const out: KnownSet[] = []
  for (const latest of catalogue.all()) {
    for (let v = 1; v <= latest.version; v += 1) {
      const set = catalogue.get(latest.id, v)
      if (set) out.push({ set, label: `content/assessments/${set.id}/v${set.version}.yaml` })
    }
  }
  return out
}

/**
 * Checks YAML text as a question set: the loader's parse, schema and checks with the shared
 * library, then the checks across `known` sets (built-in first, then packs in force).
 */
export function checkPack(text: string, file: string, shared: SharedLibrary, known: readonly KnownSet[]): PackCheck {
  let set: QuestionSet
  try {
    set = parseQuestionSet(text, file, shared)
  } catch (err) {
    // A problem with the whole document (not a mapping, say) is at its start.
    if (err instanceof ContentError) return { ok: false, problems: err.issues.map((i) => problem(err.file, { ...i, line: i.line ?? (i.path === '' ? 1 : undefined) })) }
    // The parser met something it could not handle (a stack overflow on deep nesting, say): still the file's fault.
    return refused(file, `invalid YAML: ${(err as Error).message}`)
  }
  const acrossSets = createCrossSetCheck()
  for (const k of known) acrossSets(k.set, k.label)
  const issues = acrossSets(set, file)
  if (issues.length) {
    // The checks across sets name a path; the line is looked up in the file, as the loader does.
    const doc = parseYaml(text, file)
    return { ok: false, problems: issues.map((i) => problem(file, { ...i, line: i.line ?? doc.lineAt(segmentsOf(i.path)) ?? 1 })) }
  }
  return { ok: true, set, text }
}

/** `sections[0].questions[2].id` → ['sections', 0, 'questions', 2, 'id']. */
export function segmentsOf(path: string): PathSegment[] {
  const out: PathSegment[] = []
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]!)
  return out
}
