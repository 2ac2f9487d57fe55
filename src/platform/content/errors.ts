/**
 * Content errors: a file of content (a question set, a policy, a standard) that cannot be used.
 * Each problem names the file, the path inside it and, where it can be found, the line, so a
 * content author can open the file at the right place:
 *
 *   content/assessments/dpia/v1.yaml: rules[3].when.q: unknown question "x" (line 120)
 */

export interface ContentIssue {
  /** Path inside the file, e.g. `rules[3].when.all[1].q` (empty for the whole file). */
  path: string
  message: string
  /** 1-based line in the file, when known. */
  line?: number | undefined
  /** 1-based column, for problems the parser found at one spot (invalid YAML). */
  column?: number | undefined
}

/** `<file>: <path>: <message> (line N)`, or `<file>: line N, column C: <message>` for a parser error. */
export function formatIssue(file: string, issue: ContentIssue): string {
  const where = issue.path ? `${file}: ${issue.path}: ` : `${file}: `
  if (issue.line !== undefined && issue.column !== undefined) return `${where}line ${issue.line}, column ${issue.column}: ${issue.message}`
  return `${where}${issue.message}${issue.line !== undefined ? ` (line ${issue.line})` : ''}`
}

/** A content file that cannot be used. `message` has one line per problem, each naming the file and path. */
export class ContentError extends Error {
  override name = 'ContentError'
  readonly file: string
  readonly issues: ContentIssue[]

  constructor(file: string, issues: ContentIssue[]) {
    super(issues.map((i) => formatIssue(file, i)).join('\n'))
    this.file = file
    this.issues = issues
  }
}

export type PathSegment = string | number

/** `['rules', 3, 'when']` → `rules[3].when`. */
export function formatPath(segments: readonly PropertyKey[]): string {
  let out = ''
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`
    else out += out ? `.${String(s)}` : String(s)
  }
  return out
}
