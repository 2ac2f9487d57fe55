/**
 * Question sets: versioned YAML files under content/assessments/<id>/v<version>.yaml.
 *
 * A question set holds sections of questions (each optionally asked only when a condition on
 * EARLIER answers holds), rules that derive a risk tier, flags and actions, and the flags it may
 * raise. The zod schema checks the shape; `checkSemantics` then checks the references between
 * parts (question ids, option values, flags). Every problem is reported as
 * `<file>: <path inside the file>: <message>`, so a content author can find it.
 */
import { readFile, readdir } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { LineCounter, parseDocument, isCollection } from 'yaml'
import { z } from 'zod'
import { RISK_TIERS } from '../register/model.ts'

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url))
/** Where question-set files live, resolved from this module (not from the working directory). */
export const QUESTION_SET_DIR = path.join(REPO_ROOT, 'content', 'assessments')

export const QUESTION_KINDS = ['yes_no', 'single', 'multiple', 'text', 'long_text', 'number', 'date', 'scale'] as const
export type QuestionKind = (typeof QUESTION_KINDS)[number]
export const CHOICE_KINDS: readonly QuestionKind[] = ['single', 'multiple']
export const SCALE_MIN = 0
export const SCALE_MAX = 5
export const ACTION_LEVELS = ['MUST', 'SHOULD', 'COULD'] as const
export type ActionLevel = (typeof ACTION_LEVELS)[number]

// ---------------------------------------------------------------------------------------------
// Conditions
// ---------------------------------------------------------------------------------------------

export type ConditionValue = boolean | string | number

/** The condition language. Exactly one operator per object. */
export type Condition =
  | { q: string; eq: ConditionValue }
  | { q: string; in: ConditionValue[] }
  | { q: string; includes: string }
  | { q: string; includesAny: string[] }
  | { q: string; answered: boolean }
  | { q: string; gte: number }
  | { q: string; lte: number }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | { atLeast: number; of: Condition[] }

const snakeId = z.string().regex(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/, 'must be snake_case (a-z, 0-9 and _)')
const questionRef = z.string().min(1, 'must name a question')
const conditionValue = z.union([z.boolean(), z.string(), z.number()], {
  error: 'must be true, false, a string or a number',
})
// Declared before use; `z.lazy` defers the reference so the schema can be recursive.
const conditionList: z.ZodType<Condition[]> = z.array(z.lazy(() => ConditionSchema)).min(1, 'must list at least one condition')

/** One branch per operator, keyed by the operator. The operator key is the discriminator. */
const CONDITION_BRANCHES = {
  eq: z.strictObject({ q: questionRef, eq: conditionValue }),
  in: z.strictObject({ q: questionRef, in: z.array(conditionValue).min(1, 'must list at least one value') }),
  includes: z.strictObject({ q: questionRef, includes: z.string() }),
  includesAny: z.strictObject({ q: questionRef, includesAny: z.array(z.string()).min(1, 'must list at least one value') }),
  answered: z.strictObject({ q: questionRef, answered: z.boolean() }),
  gte: z.strictObject({ q: questionRef, gte: z.number() }),
  lte: z.strictObject({ q: questionRef, lte: z.number() }),
  all: z.strictObject({ all: conditionList }),
  any: z.strictObject({ any: conditionList }),
  not: z.strictObject({ not: z.lazy(() => ConditionSchema) }),
  atLeast: z.strictObject({ atLeast: z.int().min(1, 'must be a whole number of 1 or more'), of: conditionList }),
} satisfies Record<string, z.ZodType<Condition>>
const CONDITION_OPERATORS = Object.keys(CONDITION_BRANCHES) as (keyof typeof CONDITION_BRANCHES)[]

/**
 * A condition, discriminated by which operator key it carries. Dispatching on the key ourselves
 * (rather than a plain z.union) lets us report the problem in the branch the author meant.
 */
export const ConditionSchema: z.ZodType<Condition> = z.unknown().transform((input, ctx): Condition => {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    ctx.issues.push({ code: 'custom', input, message: `must be a condition object with one of: ${CONDITION_OPERATORS.join(', ')}` })
    return z.NEVER
  }
  const ops = CONDITION_OPERATORS.filter((op) => Object.hasOwn(input, op))
  const [op] = ops
  if (op === undefined || ops.length > 1) {
    const found = ops.length ? `found ${ops.map((o) => `"${o}"`).join(' and ')}` : 'found none'
    ctx.issues.push({
      code: 'custom',
      input,
      message: `a condition needs exactly one operator (${CONDITION_OPERATORS.join(', ')}); ${found}`,
    })
    return z.NEVER
  }
  const result = CONDITION_BRANCHES[op].safeParse(input)
  if (!result.success) {
    for (const issue of result.error.issues) {
      // Pre-format here: the outer formatter only sees custom issues from this transform.
      const { path: p, message } = zodIssueMessage(issue, input)
      ctx.issues.push({ code: 'custom', input, path: p, message })
    }
    return z.NEVER
  }
  return result.data
})

// ---------------------------------------------------------------------------------------------
// Question sets
// ---------------------------------------------------------------------------------------------

const text = z.string().trim().min(1, 'must not be empty')

export const OptionSchema = z.strictObject({
  value: z.string().regex(/^[a-z0-9]+(_[a-z0-9]+)*$/, 'must be lower-case letters, digits and _'),
  label: text,
  hint: text.optional(),
  /** For `multiple`: choosing this option rules out every other (e.g. "None of these"). */
  exclusive: z.boolean().optional(),
})
export type QuestionOption = z.infer<typeof OptionSchema>

export const FrameworkRefSchema = z.strictObject({ name: text, ref: text })
export type FrameworkRef = z.infer<typeof FrameworkRefSchema>

export const QuestionSchema = z.strictObject({
  id: snakeId,
  kind: z.enum(QUESTION_KINDS),
  text,
  hint: text.optional(),
  options: z.array(OptionSchema).min(1, 'must list at least one option').optional(),
  required: z.boolean().default(true),
  frameworks: z.array(FrameworkRefSchema).min(1, 'must cite at least one framework'),
  condition: ConditionSchema.optional(),
})
export type Question = z.infer<typeof QuestionSchema>

export const SectionSchema = z.strictObject({
  id: snakeId,
  title: text,
  description: text.optional(),
  questions: z.array(QuestionSchema).min(1, 'must contain at least one question'),
})
export type Section = z.infer<typeof SectionSchema>

export const ActionSchema = z.strictObject({ level: z.enum(ACTION_LEVELS), text })
export type Action = z.infer<typeof ActionSchema>

export const RuleSchema = z.strictObject({
  id: snakeId,
  when: ConditionSchema,
  tier: z.enum(RISK_TIERS).optional(),
  flags: z.array(snakeId).default([]),
  actions: z.array(ActionSchema).default([]),
  reason: text,
  source: text,
})
export type Rule = z.infer<typeof RuleSchema>

export const FlagSchema = z.strictObject({ id: snakeId, label: text })
export type Flag = z.infer<typeof FlagSchema>

export const QuestionSetSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9]*([_-][a-z0-9]+)*$/, 'must be lower-case letters, digits, _ or -'),
  version: z.int().min(1, 'must be a whole number of 1 or more'),
  title: text,
  description: text.optional(),
  sections: z.array(SectionSchema).min(1, 'must contain at least one section'),
  rules: z.array(RuleSchema).default([]),
  flags: z.array(FlagSchema).default([]),
})
export type QuestionSet = z.infer<typeof QuestionSetSchema>

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

export interface QuestionSetIssue {
  /** Path inside the file, e.g. `rules[3].when.all[1].q` (empty for the whole file). */
  path: string
  message: string
}

/** A question-set file that cannot be used. `message` has one line per problem, each naming the file and path. */
export class QuestionSetError extends Error {
  override name = 'QuestionSetError'
  readonly file: string
  readonly issues: QuestionSetIssue[]

  constructor(file: string, issues: QuestionSetIssue[]) {
    super(issues.map((i) => (i.path ? `${file}: ${i.path}: ${i.message}` : `${file}: ${i.message}`)).join('\n'))
    this.file = file
    this.issues = issues
  }
}

type PathSegment = string | number

export function formatPath(segments: readonly PropertyKey[]): string {
  let out = ''
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`
    else out += out ? `.${String(s)}` : String(s)
  }
  return out
}

function describeType(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'a mapping'
  if (typeof value === 'number') return Number.isInteger(value) ? 'a whole number' : 'a decimal number'
  return `a ${typeof value}`
}

const EXPECTED_LABEL: Record<string, string> = { array: 'a list', object: 'a mapping', int: 'a whole number' }

function valueAt(root: unknown, segments: readonly PropertyKey[]): unknown {
  let node = root
  for (const s of segments) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, s)) return undefined
    node = (node as Record<PropertyKey, unknown>)[s]
  }
  return node
}

/** A zod issue in the words of a content author. `root` is the value that was parsed. */
function zodIssueMessage(issue: z.core.$ZodIssue, root: unknown): { path: PropertyKey[]; message: string } {
  const p = [...issue.path]
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.length === 1
        ? { path: [...p, issue.keys[0] as string], message: 'unknown field' }
        : { path: p, message: `unknown fields ${issue.keys.map((k) => `"${k}"`).join(', ')}` }
    case 'invalid_type': {
      const value = valueAt(root, p)
      if (value === undefined) return { path: p, message: 'is required' }
      const expected = EXPECTED_LABEL[issue.expected] ?? `a ${issue.expected}`
      return { path: p, message: `must be ${expected}, not ${describeType(value)}` }
    }
    case 'invalid_value':
      return { path: p, message: `must be one of: ${issue.values.map((v) => String(v)).join(', ')}` }
    default:
      return { path: p, message: issue.message }
  }
}

// ---------------------------------------------------------------------------------------------
// Checks beyond the shape
// ---------------------------------------------------------------------------------------------

interface Located {
  question: Question
  index: number
  path: PathSegment[]
}

const KIND_LABEL: Record<QuestionKind, string> = {
  yes_no: 'a yes/no question',
  single: 'a single-choice question',
  multiple: 'a multiple-choice question',
  text: 'a text question',
  long_text: 'a text question',
  number: 'a number question',
  date: 'a date question',
  scale: `a ${SCALE_MIN}-${SCALE_MAX} scale question`,
}

/** A YYYY-MM-DD string naming a day that exists (no 30 February). */
export function isRealDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value)
  if (!m) return false
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const date = new Date(Date.UTC(y, mo - 1, d))
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d
}

/** Why `value` can never be an answer to `q` (for an eq/in comparison), or null if it can. */
function comparableValueProblem(q: Question, value: ConditionValue): string | null {
  const options = q.options?.map((o) => o.value) ?? []
  const listed = options.length ? options.join(', ') : 'none'
  switch (q.kind) {
    case 'yes_no':
      return typeof value === 'boolean' ? null : `"${q.id}" is ${KIND_LABEL[q.kind]}, so compare it with true or false`
    case 'single':
      return typeof value === 'string' && options.includes(value)
        ? null
        : `${JSON.stringify(value)} is not an option of "${q.id}" (options: ${listed})`
    case 'multiple':
      return `"${q.id}" is ${KIND_LABEL[q.kind]}, so use includes or includesAny`
    case 'number':
      return typeof value === 'number' ? null : `"${q.id}" is ${KIND_LABEL[q.kind]}, so compare it with a number`
    case 'scale':
      return Number.isInteger(value) && (value as number) >= SCALE_MIN && (value as number) <= SCALE_MAX
        ? null
        : `"${q.id}" is ${KIND_LABEL[q.kind]}, so compare it with a whole number from ${SCALE_MIN} to ${SCALE_MAX}`
    case 'date':
      return typeof value === 'string' && isRealDate(value)
        ? null
        : `"${q.id}" is ${KIND_LABEL[q.kind]}, so compare it with a date written YYYY-MM-DD`
    case 'text':
    case 'long_text':
      return typeof value === 'string' ? null : `"${q.id}" is ${KIND_LABEL[q.kind]}, so compare it with a string`
  }
}

interface RawIssue {
  segments: PathSegment[]
  message: string
}

function checkSemantics(set: QuestionSet): RawIssue[] {
  const issues: RawIssue[] = []
  const report = (segments: PathSegment[], message: string) => issues.push({ segments, message })

  // Questions and sections: unique ids, options only (and always) for choice kinds.
  const questions = new Map<string, Located>()
  const sectionIds = new Map<string, number>()
  let index = 0
  set.sections.forEach((section, s) => {
    const first = sectionIds.get(section.id)
    if (first !== undefined) report(['sections', s, 'id'], `duplicate section id "${section.id}" (first used at sections[${first}])`)
    else sectionIds.set(section.id, s)

    section.questions.forEach((question, qi) => {
      const qPath: PathSegment[] = ['sections', s, 'questions', qi]
      const existing = questions.get(question.id)
      if (existing) {
        report([...qPath, 'id'], `duplicate question id "${question.id}" (first used at ${formatPath(existing.path)})`)
      } else {
        questions.set(question.id, { question, index, path: qPath })
      }
      index += 1

      const isChoice = CHOICE_KINDS.includes(question.kind)
      if (isChoice && !question.options) {
        report([...qPath, 'options'], `options are required for a "${question.kind}" question`)
      }
      if (!isChoice && question.options) {
        report([...qPath, 'options'], `options are only allowed for single and multiple questions, not "${question.kind}"`)
      }
      const seen = new Set<string>()
      question.options?.forEach((option, oi) => {
        if (seen.has(option.value)) report([...qPath, 'options', oi, 'value'], `duplicate option value "${option.value}"`)
        seen.add(option.value)
        if (option.exclusive && question.kind !== 'multiple') {
          report([...qPath, 'options', oi, 'exclusive'], 'exclusive is only allowed on options of a multiple question')
        }
      })
    })
  })

  // Conditions: refer to known (and, for questions, earlier) questions, with values that fit.
  const checkCondition = (cond: Condition, p: PathSegment[], askedBefore?: { index: number; id: string }) => {
    if ('all' in cond) return cond.all.forEach((c, i) => checkCondition(c, [...p, 'all', i], askedBefore))
    if ('any' in cond) return cond.any.forEach((c, i) => checkCondition(c, [...p, 'any', i], askedBefore))
    if ('not' in cond) return checkCondition(cond.not, [...p, 'not'], askedBefore)
    if ('atLeast' in cond) {
      if (cond.atLeast > cond.of.length) {
        report([...p, 'atLeast'], `is ${cond.atLeast} but only ${cond.of.length} condition(s) are listed in "of"`)
      }
      return cond.of.forEach((c, i) => checkCondition(c, [...p, 'of', i], askedBefore))
    }

    const target = questions.get(cond.q)
    if (!target) return report([...p, 'q'], `unknown question "${cond.q}"`)
    if (askedBefore && target.index >= askedBefore.index) {
      return report(
        [...p, 'q'],
        `question "${cond.q}" is not asked before "${askedBefore.id}", so "${askedBefore.id}" cannot depend on it`,
      )
    }
    const q = target.question
    const options = q.options?.map((o) => o.value) ?? []
    if ('eq' in cond) {
      const problem = comparableValueProblem(q, cond.eq)
      if (problem) report([...p, 'eq'], problem)
    } else if ('in' in cond) {
      if (q.kind === 'multiple') report([...p, 'in'], comparableValueProblem(q, '') as string)
      else {
        cond.in.forEach((v, i) => {
          const problem = comparableValueProblem(q, v)
          if (problem) report([...p, 'in', i], problem)
        })
      }
    } else if ('includes' in cond || 'includesAny' in cond) {
      const [key, values] = 'includes' in cond ? ['includes', [cond.includes]] : ['includesAny', cond.includesAny]
      if (q.kind !== 'multiple') {
        report([...p, key], `"${q.id}" is ${KIND_LABEL[q.kind]}; includes and includesAny only work on multiple-choice questions`)
      } else {
        values.forEach((v, i) => {
          if (!options.includes(v)) {
            report(key === 'includes' ? [...p, key] : [...p, key, i], `"${v}" is not an option of "${q.id}" (options: ${options.join(', ')})`)
          }
        })
      }
    } else if ('gte' in cond || 'lte' in cond) {
      if (q.kind !== 'number' && q.kind !== 'scale') {
        report([...p, 'gte' in cond ? 'gte' : 'lte'], `"${q.id}" is ${KIND_LABEL[q.kind]}; gte and lte only work on number and scale questions`)
      }
    }
    // `answered` works for every kind.
  }

  for (const located of questions.values()) {
    if (located.question.condition) {
      checkCondition(located.question.condition, [...located.path, 'condition'], { index: located.index, id: located.question.id })
    }
  }

  // Flags: unique, and every flag a rule raises is declared.
  const flagIds = new Set<string>()
  set.flags.forEach((flag, i) => {
    if (flagIds.has(flag.id)) report(['flags', i, 'id'], `duplicate flag id "${flag.id}"`)
    flagIds.add(flag.id)
  })

  // Rules: unique ids, valid conditions, declared flags, and some effect.
  const ruleIds = new Map<string, number>()
  set.rules.forEach((rule, r) => {
    const rPath: PathSegment[] = ['rules', r]
    const first = ruleIds.get(rule.id)
    if (first !== undefined) report([...rPath, 'id'], `duplicate rule id "${rule.id}" (first used at rules[${first}])`)
    else ruleIds.set(rule.id, r)
    checkCondition(rule.when, [...rPath, 'when'])
    rule.flags.forEach((flag, f) => {
      if (!flagIds.has(flag)) report([...rPath, 'flags', f], `flag "${flag}" is not declared in flags`)
    })
    if (rule.tier === undefined && rule.flags.length === 0 && rule.actions.length === 0) {
      report(rPath, 'a rule must set a tier, raise a flag or give an action')
    }
  })

  return issues
}

// ---------------------------------------------------------------------------------------------
// Parsing and loading
// ---------------------------------------------------------------------------------------------

/** Parse and validate question-set YAML. `fileLabel` names the file in error messages. */
export function parseQuestionSet(yamlText: string, fileLabel: string): QuestionSet {
  const lineCounter = new LineCounter()
  const doc = parseDocument(yamlText, { lineCounter, prettyErrors: false, uniqueKeys: true })
  if (doc.errors.length > 0) {
    throw new QuestionSetError(
      fileLabel,
      doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0])
        return { path: '', message: `line ${pos.line}, column ${pos.col}: invalid YAML: ${e.message}` }
      }),
    )
  }

  // Append the line number where we can find the node: a path is precise, a line is quick to open.
  const withLine = (segments: readonly PropertyKey[], message: string): QuestionSetIssue => {
    let line: number | undefined
    try {
      for (let n = segments.length; n >= 1 && line === undefined; n -= 1) {
        const node = doc.getIn(segments.slice(0, n) as PathSegment[], true)
        const start = (node as { range?: [number, number, number] } | null | undefined)?.range?.[0]
        if (start !== undefined && (n === segments.length || isCollection(node))) line = lineCounter.linePos(start).line
      }
    } catch {
      // Aliases and scalars in the middle of a path: no line number, the path still says where.
    }
    return { path: formatPath(segments), message: line === undefined ? message : `${message} (line ${line})` }
  }

  let data: unknown
  try {
    data = doc.toJS({ maxAliasCount: 1000 })
  } catch (err) {
    throw new QuestionSetError(fileLabel, [{ path: '', message: `invalid YAML: ${(err as Error).message}` }])
  }
  if (data === null || data === undefined) {
    throw new QuestionSetError(fileLabel, [{ path: '', message: 'the file is empty' }])
  }

  const result = QuestionSetSchema.safeParse(data)
  if (!result.success) {
    throw new QuestionSetError(
      fileLabel,
      result.error.issues.map((issue) => {
        const { path: p, message } = zodIssueMessage(issue, data)
        return withLine(p, message)
      }),
    )
  }
  const semantic = checkSemantics(result.data)
  if (semantic.length > 0) {
    throw new QuestionSetError(
      fileLabel,
      semantic.map((i) => withLine(i.segments, i.message)),
    )
  }
  return result.data
}

/** How a file is named in messages: relative to the repository root when inside it. */
function fileLabelFor(absolutePath: string): string {
  const rel = path.relative(REPO_ROOT, absolutePath)
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return absolutePath
  return rel.split(path.sep).join('/')
}

/** Read and validate one question-set file. A relative path is taken from the repository root. */
export async function loadQuestionSet(filePath: string): Promise<QuestionSet> {
  const absolute = path.resolve(REPO_ROOT, filePath)
  const label = fileLabelFor(absolute)
  let yamlText: string
  try {
    yamlText = await readFile(absolute, 'utf8')
  } catch (err) {
    throw new QuestionSetError(label, [{ path: '', message: `cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)})` }])
  }
  return parseQuestionSet(yamlText, label)
}

/**
 * Load every `*.yaml` file under `dir` (default: content/assessments), keyed `${id}@${version}`.
 * Each file must be at `<id>/v<version>.yaml` so that the path says which set and version it is.
 */
export async function loadQuestionSets(dir: string = QUESTION_SET_DIR): Promise<Map<string, QuestionSet>> {
  const root = path.resolve(REPO_ROOT, dir)
  let entries: string[]
  try {
    entries = await readdir(root, { recursive: true })
  } catch (err) {
    throw new QuestionSetError(fileLabelFor(root), [
      { path: '', message: `cannot read the question-set folder (${(err as NodeJS.ErrnoException).code ?? String(err)})` },
    ])
  }
  const files = entries.filter((e) => e.endsWith('.yaml')).sort()
  const sets = new Map<string, QuestionSet>()
  const fileForKey = new Map<string, string>()
  for (const file of files) {
    const absolute = path.join(root, file)
    const label = fileLabelFor(absolute)
    const set = await loadQuestionSet(absolute)
    const expected = `${set.id}/v${set.version}.yaml`
    if (file.split(path.sep).slice(-2).join('/') !== expected) {
      throw new QuestionSetError(label, [
        { path: '', message: `a set with id "${set.id}" and version ${set.version} must be saved as ${expected}` },
      ])
    }
    const key = `${set.id}@${set.version}`
    const other = fileForKey.get(key)
    if (other) throw new QuestionSetError(label, [{ path: '', message: `${key} is also defined in ${other}` }])
    fileForKey.set(key, label)
    sets.set(key, set)
  }
  return sets
}

/** Every question in the set, in the order they are asked. */
export function allQuestions(set: QuestionSet): Question[] {
  return set.sections.flatMap((s) => s.questions)
}
