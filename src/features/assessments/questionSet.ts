/**
 * Question sets: versioned YAML files under content/assessments/<id>/v<version>.yaml, plus one
 * library of shared questions, content/assessments/shared.yaml (see content/assessments/README.md).
 *
 * A question set holds sections of questions (each optionally asked only when a condition on
 * EARLIER answers holds), rules that derive a risk tier, flags and actions, and the flags it may
 * raise. A section may include a shared question with `- use: <id>`; the loader copies it in from
 * the library, so every set that asks it uses the same id, kind and options, and one stored answer
 * per register entry serves them all. The zod schema checks the shape; `checkSemantics` then
 * checks the references between parts (question ids, option values, group fields, flags). Every
 * problem is reported as `<file>: <path inside the file>: <message>`, so a content author can
 * find it.
 */
import { readFileSync } from 'node:fs'
import { readFile, readdir } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { LineCounter, parseDocument, isCollection } from 'yaml'
import { z } from 'zod'
import { RISK_TIERS } from '../register/model.ts'

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url))
/** Where question-set files live, resolved from this module (not from the working directory). */
export const QUESTION_SET_DIR = path.join(REPO_ROOT, 'content', 'assessments')

/** The library of shared questions, inside the question-set folder. Never loaded as a set. */
export const SHARED_FILE = 'shared.yaml'

/** Kinds a field of a repeating group may have: every kind except `group`. */
export const FIELD_KINDS = ['yes_no', 'single', 'multiple', 'text', 'long_text', 'number', 'date', 'scale'] as const
export type FieldKind = (typeof FIELD_KINDS)[number]
export const QUESTION_KINDS = [...FIELD_KINDS, 'group'] as const
export type QuestionKind = (typeof QUESTION_KINDS)[number]
export const CHOICE_KINDS: readonly QuestionKind[] = ['single', 'multiple']
export const SCALE_MIN = 0
export const SCALE_MAX = 5
export const ACTION_LEVELS = ['MUST', 'SHOULD', 'COULD'] as const
export type ActionLevel = (typeof ACTION_LEVELS)[number]

/**
 * Field keys of the Algorithmic Transparency Recording Standard (ATRS) v3.0 template that a
 * question may feed (`atrs: <key>`). See shared/research/atrs.md for what each one holds.
 */
export const ATRS_LINK_KEYS = [
  'title', 'organisation_name', 'phase', 'region', 'one_sentence_description',
  'name', 'description', 'website_url', 'contact_email',
  'organisation_or_department', 'team', 'senior_responsible_owner', 'external_supplier_involvement',
  'external_supplier', 'companies_house_number', 'external_supplier_role', 'procurement_procedure_type',
  'data_access_terms',
  'detailed_description', 'scope', 'benefit', 'previous_process', 'alternatives_considered',
  'process_integration', 'provided_information', 'frequency_and_scale_of_usage', 'human_decisions_and_review',
  'required_training', 'appeals_and_review',
  'system_architecture', 'maintenance', 'models', 'datasets', 'dataset_purposes', 'source_data_name',
  'data_description', 'sensitive_attributes', 'data_collection', 'data_access_and_storage',
  'impact_assessment', 'risks_and_mitigations',
] as const
export type AtrsLinkKey = (typeof ATRS_LINK_KEYS)[number]

// ---------------------------------------------------------------------------------------------
// Conditions
// ---------------------------------------------------------------------------------------------

export type ConditionValue = boolean | string | number

/** Bounds on how many items a repeating group has; at least one of the two. */
export interface CountBounds {
  gte?: number
  lte?: number
}

/**
 * The condition language. Exactly one operator per object. `anyItem` and `count` work on a
 * repeating group: `anyItem` holds when the inner condition (over the group's FIELD ids) holds
 * for at least one item; `count` bounds the number of items (an unanswered group has 0).
 */
export type Condition =
  | { q: string; eq: ConditionValue }
  | { q: string; in: ConditionValue[] }
  | { q: string; includes: string }
  | { q: string; includesAny: string[] }
  | { q: string; answered: boolean }
  | { q: string; gte: number }
  | { q: string; lte: number }
  | { q: string; anyItem: Condition }
  | { q: string; count: CountBounds }
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
  anyItem: z.strictObject({ q: questionRef, anyItem: z.lazy(() => ConditionSchema) }),
  count: z.strictObject({
    q: questionRef,
    count: z
      .strictObject({
        gte: z.int().min(0, 'must be a whole number of 0 or more').optional(),
        lte: z.int().min(0, 'must be a whole number of 0 or more').optional(),
      })
      .refine((c) => c.gte !== undefined || c.lte !== undefined, 'must give gte, lte or both'),
  }),
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
/**
 * Parses `input` with `schema` inside a transform, passing any issues on already formatted (the
 * outer formatter only sees custom issues from a transform).
 */
function parseInto<S extends z.ZodType>(schema: S, input: unknown, ctx: z.RefinementCtx): z.output<S> {
  const result = schema.safeParse(input)
  if (result.success) return result.data
  for (const issue of result.error.issues) {
    const { path: p, message } = zodIssueMessage(issue, input)
    ctx.issues.push({ code: 'custom', input, path: p, message })
  }
  return z.NEVER
}

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
  return parseInto(CONDITION_BRANCHES[op], input, ctx)
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

/** One field of a repeating group: like a question, but not itself a group and without a condition. */
export const GroupFieldSchema = z.strictObject({
  id: snakeId,
  kind: z.enum(FIELD_KINDS),
  text,
  hint: text.optional(),
  options: z.array(OptionSchema).min(1, 'must list at least one option').optional(),
  required: z.boolean().default(true),
})
export type GroupField = z.infer<typeof GroupFieldSchema>

export const QuestionSchema = z.strictObject({
  id: snakeId,
  kind: z.enum(QUESTION_KINDS),
  text,
  hint: text.optional(),
  options: z.array(OptionSchema).min(1, 'must list at least one option').optional(),
  required: z.boolean().default(true),
  frameworks: z.array(FrameworkRefSchema).min(1, 'must cite at least one framework'),
  condition: ConditionSchema.optional(),
  /** For `group`: the fields of each item, what one item is called, and how many items are allowed. */
  fields: z.array(GroupFieldSchema).min(1, 'must list at least one field').optional(),
  itemLabel: text.optional(),
  minItems: z.int().min(0, 'must be a whole number of 0 or more').optional(),
  maxItems: z.int().min(1, 'must be a whole number of 1 or more').optional(),
  /** The ATRS v3.0 field this answer helps fill in. */
  atrs: z.enum(ATRS_LINK_KEYS).optional(),
})
/** A question as written in a file. */
export type QuestionDefinition = z.infer<typeof QuestionSchema>
/** A question of a loaded set. `shared` is true when it came from shared.yaml through `use:`. */
export type Question = QuestionDefinition & { shared?: boolean }

/** `- use: <id>` in a section: include a question from shared.yaml, optionally changing when it is asked. */
export const UseSchema = z.strictObject({
  use: snakeId,
  /** Replaces the shared question's condition; `null` asks it always. */
  condition: ConditionSchema.nullable().optional(),
  required: z.boolean().optional(),
})
export type UseEntry = z.infer<typeof UseSchema>

/** A section entry is a `use:` when it has a `use` key, otherwise an inline question. */
const SectionEntrySchema = z.unknown().transform((input, ctx): QuestionDefinition | UseEntry => {
  const schema = typeof input === 'object' && input !== null && Object.hasOwn(input, 'use') ? UseSchema : QuestionSchema
  return parseInto(schema, input, ctx)
})

const SectionFileSchema = z.strictObject({
  id: snakeId,
  title: text,
  description: text.optional(),
  questions: z.array(SectionEntrySchema).min(1, 'must contain at least one question'),
})

export interface Section {
  id: string
  title: string
  description?: string | undefined
  questions: Question[]
}

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

/** The framework a whole set serves, e.g. `{ name: ICO DPIA guidance, url: https://… }`. */
export const SetFrameworkSchema = z.strictObject({
  name: text,
  url: z.url({ error: 'must be a web address starting http:// or https://', protocol: /^https?$/ }).optional(),
})
export type SetFramework = z.infer<typeof SetFrameworkSchema>

/** The shape of a set file, before `use:` entries are resolved. */
export const QuestionSetSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9]*([_-][a-z0-9]+)*$/, 'must be lower-case letters, digits, _ or -'),
  version: z.int().min(1, 'must be a whole number of 1 or more'),
  title: text,
  description: text.optional(),
  framework: SetFrameworkSchema.optional(),
  /** When a register entry needs this set, as a condition on shared questions (absent: always). */
  appliesWhen: ConditionSchema.optional(),
  sections: z.array(SectionFileSchema).min(1, 'must contain at least one section'),
  rules: z.array(RuleSchema).default([]),
  flags: z.array(FlagSchema).default([]),
})

/** A loaded, checked question set: every `use:` replaced by the shared question it names. */
export interface QuestionSet {
  id: string
  version: number
  title: string
  description?: string | undefined
  framework?: SetFramework | undefined
  appliesWhen?: Condition | undefined
  sections: Section[]
  rules: Rule[]
  flags: Flag[]
}

/** shared.yaml: the questions many sets ask. Their conditions may only refer to other shared questions. */
export const SharedQuestionsSchema = z.strictObject({
  description: text.optional(),
  questions: z.array(QuestionSchema).min(1, 'must contain at least one question'),
})

/** The loaded shared questions, by id, in file order. */
export interface SharedLibrary {
  /** How the library file is named in messages. */
  file: string
  questions: Map<string, QuestionDefinition>
}

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

const KIND_LABEL: Record<QuestionKind, string> = {
  yes_no: 'a yes/no question',
  single: 'a single-choice question',
  multiple: 'a multiple-choice question',
  text: 'a text question',
  long_text: 'a text question',
  number: 'a number question',
  date: 'a date question',
  scale: `a ${SCALE_MIN}-${SCALE_MAX} scale question`,
  group: 'a repeating group',
}

/** A YYYY-MM-DD string naming a day that exists (no 30 February). */
export function isRealDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value)
  if (!m) return false
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const date = new Date(Date.UTC(y, mo - 1, d))
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d
}

/** What a condition can point at: a question, or a field of a group (inside `anyItem`). */
interface Target {
  id: string
  kind: QuestionKind
  options?: QuestionOption[] | undefined
  fields?: GroupField[] | undefined
}

const GROUP_OPERATORS_HINT = 'use anyItem, count or answered'

/** Why `value` can never be an answer to `q` (for an eq/in comparison), or null if it can. */
function comparableValueProblem(q: Target, value: ConditionValue): string | null {
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
    case 'group':
      return `"${q.id}" is ${KIND_LABEL[q.kind]}; ${GROUP_OPERATORS_HINT}`
  }
}

interface RawIssue {
  segments: PathSegment[]
  message: string
}
type Report = (segments: PathSegment[], message: string) => void

/** Options only (and always) for choice kinds; fields only (and always) for groups. */
function checkQuestionShape(question: QuestionDefinition | GroupField, qPath: PathSegment[], report: Report): void {
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
  if (!('frameworks' in question)) return // a group field: nothing more to check

  if (question.kind === 'group') {
    if (!question.fields) report([...qPath, 'fields'], 'fields are required for a "group" question')
    if (!question.itemLabel) report([...qPath, 'itemLabel'], 'itemLabel is required for a "group" question (what one item is called, e.g. Risk)')
    if (question.minItems !== undefined && question.maxItems !== undefined && question.minItems > question.maxItems) {
      report([...qPath, 'minItems'], `is ${question.minItems}, more than maxItems (${question.maxItems})`)
    }
    const fieldIds = new Map<string, number>()
    question.fields?.forEach((field, fi) => {
      const first = fieldIds.get(field.id)
      if (first !== undefined) report([...qPath, 'fields', fi, 'id'], `duplicate field id "${field.id}" (first used at fields[${first}])`)
      else fieldIds.set(field.id, fi)
      checkQuestionShape(field, [...qPath, 'fields', fi], report)
    })
  } else {
    for (const key of ['fields', 'itemLabel', 'minItems', 'maxItems'] as const) {
      if (question[key] !== undefined) report([...qPath, key], `${key} is only allowed on a "group" question, not "${question.kind}"`)
    }
  }
}

interface Located {
  question: Question
  index: number
  path: PathSegment[]
}
type Lookup = (id: string) => { target: Target; index: number } | undefined

interface ConditionScope {
  lookup: Lookup
  /** Message for an id the lookup does not know. */
  unknown: (id: string) => string
  /** For a question's own condition: it may only look at questions asked before it. */
  askedBefore?: { index: number; id: string } | undefined
  /** Appended to every message (e.g. to say the condition came from shared.yaml). */
  note?: string | undefined
}

/** Check that a condition refers to known (and, for questions, earlier) targets, with values that fit. */
function checkCondition(cond: Condition, p: PathSegment[], scope: ConditionScope, report: Report): void {
  const say: Report = (segments, message) => report(segments, scope.note ? `${message}${scope.note}` : message)
  if ('all' in cond) return cond.all.forEach((c, i) => checkCondition(c, [...p, 'all', i], scope, report))
  if ('any' in cond) return cond.any.forEach((c, i) => checkCondition(c, [...p, 'any', i], scope, report))
  if ('not' in cond) return checkCondition(cond.not, [...p, 'not'], scope, report)
  if ('atLeast' in cond) {
    if (cond.atLeast > cond.of.length) {
      say([...p, 'atLeast'], `is ${cond.atLeast} but only ${cond.of.length} condition(s) are listed in "of"`)
    }
    return cond.of.forEach((c, i) => checkCondition(c, [...p, 'of', i], scope, report))
  }

  const found = scope.lookup(cond.q)
  if (!found) return say([...p, 'q'], scope.unknown(cond.q))
  const { askedBefore } = scope
  if (askedBefore && found.index >= askedBefore.index) {
    return say(
      [...p, 'q'],
      `question "${cond.q}" is not asked before "${askedBefore.id}", so "${askedBefore.id}" cannot depend on it`,
    )
  }
  const q = found.target
  const options = q.options?.map((o) => o.value) ?? []
  const notGroup = (key: string) => {
    if (q.kind === 'group') say([...p, key], `"${q.id}" is ${KIND_LABEL.group}; ${GROUP_OPERATORS_HINT}`)
    return q.kind !== 'group'
  }
  if ('eq' in cond) {
    const problem = comparableValueProblem(q, cond.eq)
    if (problem) say([...p, 'eq'], problem)
  } else if ('in' in cond) {
    if (q.kind === 'multiple' || q.kind === 'group') say([...p, 'in'], comparableValueProblem(q, '') as string)
    else {
      cond.in.forEach((v, i) => {
        const problem = comparableValueProblem(q, v)
        if (problem) say([...p, 'in', i], problem)
      })
    }
  } else if ('includes' in cond || 'includesAny' in cond) {
    const [key, values] = 'includes' in cond ? ['includes', [cond.includes]] : ['includesAny', cond.includesAny]
    if (!notGroup(key)) return
    if (q.kind !== 'multiple') {
      say([...p, key], `"${q.id}" is ${KIND_LABEL[q.kind]}; includes and includesAny only work on multiple-choice questions`)
    } else {
      values.forEach((v, i) => {
        if (!options.includes(v)) {
          say(key === 'includes' ? [...p, key] : [...p, key, i], `"${v}" is not an option of "${q.id}" (options: ${options.join(', ')})`)
        }
      })
    }
  } else if ('gte' in cond || 'lte' in cond) {
    const key = 'gte' in cond ? 'gte' : 'lte'
    if (notGroup(key) && q.kind !== 'number' && q.kind !== 'scale') {
      say([...p, key], `"${q.id}" is ${KIND_LABEL[q.kind]}; gte and lte only work on number and scale questions`)
    }
  } else if ('anyItem' in cond || 'count' in cond) {
    const key = 'anyItem' in cond ? 'anyItem' : 'count'
    if (q.kind !== 'group') {
      return say([...p, key], `"${q.id}" is ${KIND_LABEL[q.kind]}; ${key} only works on a repeating group`)
    }
    if ('count' in cond) {
      const { gte, lte } = cond.count
      if (gte !== undefined && lte !== undefined && gte > lte) say([...p, 'count'], `can never hold: gte (${gte}) is more than lte (${lte})`)
      return
    }
    const fields = q.fields ?? []
    checkCondition(
      cond.anyItem,
      [...p, 'anyItem'],
      {
        lookup: (id) => {
          const field = fields.find((f) => f.id === id)
          return field ? { target: field, index: 0 } : undefined
        },
        unknown: (id) => `"${id}" is not a field of group "${q.id}" (fields: ${fields.map((f) => f.id).join(', ') || 'none'})`,
        note: scope.note,
      },
      report,
    )
  }
  // `answered` works for every kind.
}

/** Lookup over questions by id, ignoring order (for rules, appliesWhen and the shared library). */
function lookupIn(questions: ReadonlyMap<string, { question: QuestionDefinition; index: number }>): Lookup {
  return (id) => {
    const found = questions.get(id)
    return found ? { target: found.question, index: found.index } : undefined
  }
}

function checkSemantics(set: QuestionSet, shared: SharedLibrary | undefined, sharedCondition: Set<string>): RawIssue[] {
  const issues: RawIssue[] = []
  const report: Report = (segments, message) => issues.push({ segments, message })

  // Questions and sections: unique ids and a shape that fits the kind.
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
        report([...qPath, question.shared ? 'use' : 'id'], `duplicate question id "${question.id}" (first used at ${formatPath(existing.path)})`)
      } else {
        questions.set(question.id, { question, index, path: qPath })
      }
      index += 1
      // A shared question's shape was checked with shared.yaml.
      if (!question.shared) checkQuestionShape(question, qPath, report)
    })
  })

  const unknownQuestion = (id: string) =>
    shared?.questions.has(id)
      ? `question "${id}" is not in this set (it is in ${shared.file}: include it with "- use: ${id}")`
      : `unknown question "${id}"`
  for (const located of questions.values()) {
    const { question } = located
    if (!question.condition) continue
    const fromShared = sharedCondition.has(question.id)
    checkCondition(
      question.condition,
      [...located.path, 'condition'],
      {
        lookup: lookupIn(questions),
        unknown: unknownQuestion,
        askedBefore: { index: located.index, id: question.id },
        note: fromShared ? ` (this condition comes from ${shared?.file ?? SHARED_FILE}; give the use: entry its own condition to change it)` : undefined,
      },
      report,
    )
  }

  // appliesWhen looks at answers the register entry already holds: shared questions only.
  if (set.appliesWhen) {
    const library = new Map([...(shared?.questions ?? new Map<string, QuestionDefinition>())].map(([id, question], i) => [id, { question, index: i }]))
    checkCondition(
      set.appliesWhen,
      ['appliesWhen'],
      { lookup: lookupIn(library), unknown: (id) => `"${id}" is not a shared question; appliesWhen may only use questions in ${shared?.file ?? SHARED_FILE}` },
      report,
    )
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
    checkCondition(rule.when, [...rPath, 'when'], { lookup: lookupIn(questions), unknown: unknownQuestion }, report)
    rule.flags.forEach((flag, f) => {
      if (!flagIds.has(flag)) report([...rPath, 'flags', f], `flag "${flag}" is not declared in flags`)
    })
    if (rule.tier === undefined && rule.flags.length === 0 && rule.actions.length === 0) {
      report(rPath, 'a rule must set a tier, raise a flag or give an action')
    }
  })

  return issues
}

/** Checks on shared.yaml: unique ids, shapes, and conditions that refer to other shared questions. */
function checkSharedSemantics(questions: QuestionDefinition[]): RawIssue[] {
  const issues: RawIssue[] = []
  const report: Report = (segments, message) => issues.push({ segments, message })
  const byId = new Map<string, { question: QuestionDefinition; index: number }>()
  questions.forEach((question, i) => {
    const first = byId.get(question.id)
    if (first) report(['questions', i, 'id'], `duplicate question id "${question.id}" (first used at questions[${first.index}])`)
    else byId.set(question.id, { question, index: i })
    checkQuestionShape(question, ['questions', i], report)
  })
  questions.forEach((question, i) => {
    if (!question.condition) return
    const lookup = lookupIn(byId)
    checkCondition(
      question.condition,
      ['questions', i, 'condition'],
      {
        // Order does not matter here (each set orders its questions); only a question's own answer is out.
        lookup: (id) => (id === question.id ? undefined : lookup(id)),
        unknown: (id) => (id === question.id ? `a question cannot depend on itself ("${id}")` : `unknown shared question "${id}"`),
      },
      report,
    )
  })
  return issues
}

// ---------------------------------------------------------------------------------------------
// Parsing and loading
// ---------------------------------------------------------------------------------------------

/** Parse YAML text, with a helper that adds line numbers to issues. Throws on YAML errors. */
function readYaml(yamlText: string, fileLabel: string) {
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
  return { data, withLine }
}

function validate<T>(schema: z.ZodType<T>, data: unknown, fileLabel: string, withLine: ReturnType<typeof readYaml>['withLine']): T {
  const result = schema.safeParse(data)
  if (!result.success) {
    throw new QuestionSetError(
      fileLabel,
      result.error.issues.map((issue) => {
        const { path: p, message } = zodIssueMessage(issue, data)
        return withLine(p, message)
      }),
    )
  }
  return result.data
}

/** Parse and validate shared.yaml. `fileLabel` names the file in error messages. */
export function parseSharedQuestions(yamlText: string, fileLabel: string): SharedLibrary {
  const { data, withLine } = readYaml(yamlText, fileLabel)
  const parsed = validate(SharedQuestionsSchema, data, fileLabel, withLine)
  const semantic = checkSharedSemantics(parsed.questions)
  if (semantic.length > 0) throw new QuestionSetError(fileLabel, semantic.map((i) => withLine(i.segments, i.message)))
  return { file: fileLabel, questions: new Map(parsed.questions.map((q) => [q.id, q])) }
}

/** An empty library, for a folder without shared.yaml. */
export function emptySharedLibrary(file = SHARED_FILE): SharedLibrary {
  return { file, questions: new Map() }
}

let defaultLibrary: SharedLibrary | undefined
/** content/assessments/shared.yaml, read once, for parseQuestionSet calls that do not pass a library. */
function defaultSharedLibrary(forFile: string): SharedLibrary {
  if (defaultLibrary) return defaultLibrary
  const absolute = path.join(QUESTION_SET_DIR, SHARED_FILE)
  const label = fileLabelFor(absolute)
  let yamlText: string
  try {
    yamlText = readFileSync(absolute, 'utf8')
  } catch (err) {
    throw new QuestionSetError(forFile, [
      { path: '', message: `uses shared questions, but ${label} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})` },
    ])
  }
  defaultLibrary = parseSharedQuestions(yamlText, label)
  return defaultLibrary
}

/**
 * Parse and validate question-set YAML. `fileLabel` names the file in error messages.
 *
 * `shared` is the library `use:` entries refer to. loadQuestionSet(s) always pass one; when it is
 * left out, content/assessments/shared.yaml is used if the set needs a library (it has a `use:`
 * or an `appliesWhen`). Whenever a library is in force, an inline question may not reuse one of
 * its ids: a shared fact is defined once, in shared.yaml.
 */
export function parseQuestionSet(yamlText: string, fileLabel: string, shared?: SharedLibrary): QuestionSet {
  const { data, withLine } = readYaml(yamlText, fileLabel)
  const file = validate(QuestionSetSchema, data, fileLabel, withLine)

  const needsLibrary = file.appliesWhen !== undefined || file.sections.some((s) => s.questions.some((q) => 'use' in q))
  const library = shared ?? (needsLibrary ? defaultSharedLibrary(fileLabel) : undefined)

  // Resolve `use:` entries, one question per entry, so paths in later checks still fit the file.
  const issues: RawIssue[] = []
  const sharedCondition = new Set<string>()
  const sections: Section[] = file.sections.map((section, s) => ({
    id: section.id,
    title: section.title,
    ...(section.description !== undefined ? { description: section.description } : {}),
    questions: section.questions.map((entry, qi): Question => {
      const qPath: PathSegment[] = ['sections', s, 'questions', qi]
      if (!('use' in entry)) {
        if (library?.questions.has(entry.id)) {
          issues.push({
            segments: [...qPath, 'id'],
            message: `"${entry.id}" is a shared question in ${library.file}: define it once in shared.yaml and include it here with "- use: ${entry.id}"`,
          })
        }
        return entry
      }
      const def = library?.questions.get(entry.use)
      if (!def) {
        issues.push({ segments: [...qPath, 'use'], message: `unknown shared question "${entry.use}" (not in ${library?.file ?? SHARED_FILE})` })
        // A stand-in, so later checks do not also report the id as unknown.
        return { id: entry.use, kind: 'text', text: entry.use, required: false, frameworks: [], shared: true }
      }
      const { condition: _ownCondition, ...rest } = def
      const condition = entry.condition === undefined ? def.condition : (entry.condition ?? undefined)
      if (entry.condition === undefined && def.condition) sharedCondition.add(def.id)
      return { ...rest, ...(condition ? { condition } : {}), required: entry.required ?? def.required, shared: true }
    }),
  }))

  const set: QuestionSet = {
    id: file.id,
    version: file.version,
    title: file.title,
    ...(file.description !== undefined ? { description: file.description } : {}),
    ...(file.framework !== undefined ? { framework: file.framework } : {}),
    ...(file.appliesWhen !== undefined ? { appliesWhen: file.appliesWhen } : {}),
    sections,
    rules: file.rules,
    flags: file.flags,
  }
  issues.push(...checkSemantics(set, library, sharedCondition))
  if (issues.length > 0) {
    throw new QuestionSetError(fileLabel, issues.map((i) => withLine(i.segments, i.message)))
  }
  return set
}

/** How a file is named in messages: relative to the repository root when inside it. */
function fileLabelFor(absolutePath: string): string {
  const rel = path.relative(REPO_ROOT, absolutePath)
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return absolutePath
  return rel.split(path.sep).join('/')
}

async function readText(absolute: string, label: string, what = 'the file'): Promise<string> {
  try {
    return await readFile(absolute, 'utf8')
  } catch (err) {
    throw new QuestionSetError(label, [{ path: '', message: `cannot read ${what} (${(err as NodeJS.ErrnoException).code ?? String(err)})` }])
  }
}

/** Read shared.yaml from a question-set folder (default content/assessments); a folder without one has an empty library. */
export async function loadSharedLibrary(dir: string = QUESTION_SET_DIR): Promise<SharedLibrary> {
  const absolute = path.join(path.resolve(REPO_ROOT, dir), SHARED_FILE)
  const label = fileLabelFor(absolute)
  let yamlText: string
  try {
    yamlText = await readFile(absolute, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptySharedLibrary(label)
    throw new QuestionSetError(label, [{ path: '', message: `cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)})` }])
  }
  return parseSharedQuestions(yamlText, label)
}

/**
 * Read and validate one question-set file. A relative path is taken from the repository root.
 * Without `shared`, the library is the shared.yaml of the folder above the set's own folder
 * (for content/assessments/<id>/v1.yaml: content/assessments/shared.yaml).
 */
export async function loadQuestionSet(filePath: string, shared?: SharedLibrary): Promise<QuestionSet> {
  const absolute = path.resolve(REPO_ROOT, filePath)
  const label = fileLabelFor(absolute)
  const yamlText = await readText(absolute, label)
  return parseQuestionSet(yamlText, label, shared ?? (await loadSharedLibrary(path.dirname(path.dirname(absolute)))))
}

/**
 * Load every `*.yaml` file under `dir` (default: content/assessments), keyed `${id}@${version}`,
 * except the shared library `<dir>/shared.yaml`. Each file must be at `<id>/v<version>.yaml` so
 * that the path says which set and version it is. Across sets, a question id means one thing:
 * an inline question may be defined in one set only (a fact two sets ask goes in shared.yaml),
 * and every question with the same id has the same kind, so one stored answer fits them all.
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
  const shared = await loadSharedLibrary(root)
  const files = entries.filter((e) => e.endsWith('.yaml') && e !== SHARED_FILE).sort()
  const sets = new Map<string, QuestionSet>()
  const fileForKey = new Map<string, string>()
  /** Where each question id was first seen: by an inline definition, and by any definition. */
  const inline = new Map<string, { setId: string; label: string }>()
  const anyDefinition = new Map<string, { kind: QuestionKind; label: string }>()
  for (const file of files) {
    const absolute = path.join(root, file)
    const label = fileLabelFor(absolute)
    const set = await loadQuestionSet(absolute, shared)
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

    const issues: QuestionSetIssue[] = []
    set.sections.forEach((section, s) => {
      section.questions.forEach((question, qi) => {
        const qPath = formatPath(['sections', s, 'questions', qi, question.shared ? 'use' : 'id'])
        const firstKind = anyDefinition.get(question.id)
        if (firstKind && firstKind.kind !== question.kind) {
          issues.push({
            path: qPath,
            message: `question "${question.id}" is ${KIND_LABEL[question.kind]} here but ${KIND_LABEL[firstKind.kind]} in ${firstKind.label}; a question whose meaning changes needs a new id`,
          })
        } else if (!firstKind) anyDefinition.set(question.id, { kind: question.kind, label })
        if (question.shared) return
        const first = inline.get(question.id)
        if (first && first.setId !== set.id) {
          issues.push({
            path: qPath,
            message: `question "${question.id}" is also defined in ${first.label}; define it once in shared.yaml and include it in both sets with "- use: ${question.id}"`,
          })
        } else if (!first) inline.set(question.id, { setId: set.id, label })
      })
    })
    if (issues.length) throw new QuestionSetError(label, issues)
    sets.set(key, set)
  }
  return sets
}

/** Every question in the set, in the order they are asked. */
export function allQuestions(set: QuestionSet): Question[] {
  return set.sections.flatMap((s) => s.questions)
}

/** The ids of the set's questions that come from shared.yaml (answers kept once per register entry). */
export function sharedQuestionIds(set: QuestionSet): string[] {
  return allQuestions(set).filter((q) => q.shared).map((q) => q.id)
}
