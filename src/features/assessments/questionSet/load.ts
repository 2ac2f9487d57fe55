/**
 * Question sets, the loading: versioned YAML files under content/assessments/<id>/v<version>.yaml,
 * plus one library of shared questions, content/assessments/shared.yaml (format in
 * content/assessments/README.md). A section may include a shared question with `- use: <id>`;
 * the loader copies it in from the library, so every set that asks it uses the same id, kind and
 * options, and one stored answer per register entry serves them all.
 *
 * Files are read and parsed by the platform's content module (which knows the lines); the schema
 * (`schema.ts`) checks each part's shape and `checks.ts` the references between parts. Every
 * problem is a ContentError line `<file>: <path inside the file>: <message> (line N)`.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import {
  ContentError, contentPath, fileLabel, listContentFiles, parseYaml, readContentFile, REPO_ROOT, validateContent,
} from '../../../platform/content/index.ts'
import { checkSemantics, checkSharedActions, checkSharedSemantics, createCrossSetCheck, misplacedFile, resolveSharedQuestions } from './checks.ts'
import { type QuestionSet, QuestionSetSchema, SHARED_FILE, type SharedLibrary, SharedQuestionsSchema } from './schema.ts'

export { SHARED_FILE } from './schema.ts'

/** Where question-set files live, resolved from the repository root (not from the working directory). */
export const QUESTION_SET_DIR = contentPath('content', 'assessments')

/** Parse and validate shared.yaml. `file` names the file in error messages. */
export function parseSharedQuestions(yamlText: string, file: string): SharedLibrary {
  const content = parseYaml(yamlText, file)
  const parsed = validateContent(content, SharedQuestionsSchema)
  const problems = [...checkSharedSemantics(parsed.questions), ...checkSharedActions(parsed.actions)]
  if (problems.length > 0) throw content.error(problems)
  return { file, questions: new Map(parsed.questions.map((q) => [q.id, q])), actions: new Map(parsed.actions.map((a) => [a.id, a])) }
}

/** An empty library, for a folder without shared.yaml. */
export function emptySharedLibrary(file = SHARED_FILE): SharedLibrary {
  return { file, questions: new Map(), actions: new Map() }
}

let defaultLibrary: SharedLibrary | undefined
/** content/assessments/shared.yaml, read once, for parseQuestionSet calls that do not pass a library. */
function defaultSharedLibrary(forFile: string): SharedLibrary {
  if (defaultLibrary) return defaultLibrary
  const absolute = path.join(QUESTION_SET_DIR, SHARED_FILE)
  const label = fileLabel(absolute)
  let yamlText: string
  try {
    yamlText = readFileSync(absolute, 'utf8')
  } catch (err) {
    throw new ContentError(forFile, [
      { path: '', message: `uses shared questions, but ${label} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})` },
    ])
  }
  defaultLibrary = parseSharedQuestions(yamlText, label)
  return defaultLibrary
}

/**
 * Parse and validate question-set YAML. `file` names the file in error messages.
 *
 * `shared` is the library `use:` entries refer to. loadQuestionSet(s) always pass one; when it is
 * left out, content/assessments/shared.yaml is used if the set needs a library (it has a `use:`
 * or an `appliesWhen`). Whenever a library is in force, an inline question may not reuse one of
 * its ids: a shared fact is defined once, in shared.yaml.
 */
export function parseQuestionSet(yamlText: string, file: string, shared?: SharedLibrary): QuestionSet {
  const content = parseYaml(yamlText, file)
  const parsed = validateContent(content, QuestionSetSchema)
  const needsLibrary = parsed.appliesWhen !== undefined || parsed.sections.some((s) => s.questions.some((q) => 'use' in q))
    || parsed.rules.some((r) => r.actions.some((a) => 'use' in a || a.id !== undefined))
  const library = shared ?? (needsLibrary ? defaultSharedLibrary(file) : undefined)
  const { set, issues, sharedCondition } = resolveSharedQuestions(parsed, library)
  issues.push(...checkSemantics(set, library, sharedCondition))
  if (issues.length > 0) throw content.error(issues)
  return set
}

/** Read shared.yaml from a question-set folder (default content/assessments); a folder without one has an empty library. */
export async function loadSharedLibrary(dir: string = QUESTION_SET_DIR): Promise<SharedLibrary> {
  const absolute = path.join(path.resolve(REPO_ROOT, dir), SHARED_FILE)
  const file = await readContentFile(absolute, { missingOk: true })
  return file ? parseSharedQuestions(file.text, file.label) : emptySharedLibrary(fileLabel(absolute))
}

/**
 * Read and validate one question-set file. A relative path is taken from the repository root.
 * Without `shared`, the library is the shared.yaml of the folder above the set's own folder
 * (for content/assessments/<id>/v1.yaml: content/assessments/shared.yaml).
 */
export async function loadQuestionSet(filePath: string, shared?: SharedLibrary): Promise<QuestionSet> {
  const file = await readContentFile(filePath)
  return parseQuestionSet(file.text, file.label, shared ?? (await loadSharedLibrary(path.dirname(path.dirname(file.absolute)))))
}

/**
 * Load every `*.yaml` file under `dir` (default: content/assessments), keyed `${id}@${version}`,
 * except the shared library `<dir>/shared.yaml`. Each file must be at `<id>/v<version>.yaml` so
 * that the path says which set and version it is, and the sets must agree with each other on
 * what each question id means (see createCrossSetCheck).
 */
export async function loadQuestionSets(dir: string = QUESTION_SET_DIR): Promise<Map<string, QuestionSet>> {
  const root = path.resolve(REPO_ROOT, dir)
  const files = (await listContentFiles(root, '.yaml')).filter((f) => f !== SHARED_FILE)
  const shared = await loadSharedLibrary(root)
  const acrossSets = createCrossSetCheck()
  const sets = new Map<string, QuestionSet>()
  for (const file of files) {
    const absolute = path.join(root, file)
    const label = fileLabel(absolute)
    const set = await loadQuestionSet(absolute, shared)
    const misplaced = misplacedFile(set, file)
    if (misplaced) throw new ContentError(label, [{ path: '', message: misplaced }])
    const issues = acrossSets(set, label)
    if (issues.length) throw new ContentError(label, issues)
    sets.set(`${set.id}@${set.version}`, set)
  }
  return sets
}
