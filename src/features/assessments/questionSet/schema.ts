/**
 * Question sets, the schema: the zod schema of a set file (content/assessments/<id>/v<version>.yaml)
 * and of the shared library (content/assessments/shared.yaml), and the types of a loaded set.
 * The schema checks each part's shape; `checks.ts` checks the references between parts and
 * `load.ts` reads the files (see content/assessments/README.md for the format).
 */
import { z } from 'zod'
import { parseNested } from '../../../platform/content/index.ts'
import { RISK_TIERS } from '../../register/model.ts'

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
  'system_architecture', 'maintenance', 'models', 'model_task', 'model_performance', 'datasets', 'dataset_purposes',
  'source_data_name', 'data_description', 'sensitive_attributes', 'data_completeness_and_representativeness',
  'data_collection', 'data_access_and_storage',
  // ATRS v4.0 Operational Data Specification (2.4.4): the data the tool uses and produces in use.
  'operational_data_access_and_storage',
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
  return parseNested(CONDITION_BRANCHES[op], input, ctx)
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
  return parseNested(schema, input, ctx)
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

/**
 * An action a rule asks for. `id` names an action that means the same wherever it is asked for
 * (one required action of the entry however many rules and sets ask for it); every declaration of
 * an id must give the same level and text. Actions without an id belong to their rule alone.
 */
export const ActionSchema = z.strictObject({ id: snakeId.optional(), level: z.enum(ACTION_LEVELS), text })
export type Action = z.infer<typeof ActionSchema>

/** `- use: <id>` in a rule's actions: the action of that id from the actions library in shared.yaml. */
export const UseActionSchema = z.strictObject({ use: snakeId })
export type UseAction = z.infer<typeof UseActionSchema>

/** A rule's action entry is a `use:` when it has a `use` key, otherwise an action written out. */
const RuleActionSchema = z.unknown().transform((input, ctx): Action | UseAction => {
  const schema = typeof input === 'object' && input !== null && Object.hasOwn(input, 'use') ? UseActionSchema : ActionSchema
  return parseNested(schema, input, ctx)
})

/** A library action in shared.yaml: always with an id. */
export const SharedActionSchema = z.strictObject({ id: snakeId, level: z.enum(ACTION_LEVELS), text })
export type SharedAction = z.infer<typeof SharedActionSchema>

export const RuleSchema = z.strictObject({
  id: snakeId,
  when: ConditionSchema,
  tier: z.enum(RISK_TIERS).optional(),
  flags: z.array(snakeId).default([]),
  actions: z.array(RuleActionSchema).default([]),
  reason: text,
  source: text,
})
/** A rule as written in a file: `use:` actions not yet resolved. */
export type RuleFile = z.infer<typeof RuleSchema>
/** A rule of a loaded set: every `use:` action replaced by the library action it names. */
export type Rule = Omit<RuleFile, 'actions'> & { actions: Action[] }

export const FlagSchema = z.strictObject({ id: snakeId, label: text })
export type Flag = z.infer<typeof FlagSchema>

/**
 * A consistency check between answers: whenever `when` holds, `require` must hold too, or the
 * answers contradict each other and are refused with `message` on every question either names
 * (e.g. "the contract is signed" ⇒ "the way it was awarded is decided").
 */
export const ConsistencySchema = z.strictObject({
  id: snakeId,
  when: ConditionSchema,
  require: ConditionSchema,
  message: text,
})
export type ConsistencyRule = z.infer<typeof ConsistencySchema>

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
  /** Answers that contradict each other, refused on every save. */
  consistency: z.array(ConsistencySchema).default([]),
  /** Whether an action this set asks for needs an owner named before it can be marked done. */
  actionsNeedOwner: z.boolean().optional(),
})

/** A set file as the schema returns it: `use:` entries not yet resolved. */
export type QuestionSetFile = z.output<typeof QuestionSetSchema>

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
  /** Answers that contradict each other (absent: none declared). */
  consistency?: ConsistencyRule[] | undefined
  actionsNeedOwner?: boolean | undefined
}

/** The library of shared questions, inside the question-set folder. Never loaded as a set. */
export const SHARED_FILE = 'shared.yaml'

/** shared.yaml: the questions many sets ask. Their conditions may only refer to other shared questions. */
export const SharedQuestionsSchema = z.strictObject({
  description: text.optional(),
  questions: z.array(QuestionSchema).min(1, 'must contain at least one question'),
  /** Actions several rules or sets ask for, each with an id; a rule includes one with `- use: <id>`. */
  actions: z.array(SharedActionSchema).default([]),
})

/** The loaded shared questions, by id, in file order. */
export interface SharedLibrary {
  /** How the library file is named in messages. */
  file: string
  questions: Map<string, QuestionDefinition>
  /** The library's actions, by id. */
  actions: Map<string, SharedAction>
}

/** Every question in the set, in the order they are asked. */
export function allQuestions(set: QuestionSet): Question[] {
  return set.sections.flatMap((s) => s.questions)
}

/** The ids of the set's questions that come from shared.yaml (answers kept once per register entry). */
export function sharedQuestionIds(set: QuestionSet): string[] {
  return allQuestions(set).filter((q) => q.shared).map((q) => q.id)
}

/** A YYYY-MM-DD string naming a day that exists (no 30 February). */
export function isRealDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value)
  if (!m) return false
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const date = new Date(Date.UTC(y, mo - 1, d))
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d
}
