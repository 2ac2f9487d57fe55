/**
 * Pure evaluation of question sets: which questions are asked, turning form input into typed
 * answers, what is still missing, and the outcome (risk tier, flags and actions) of the rules.
 * No I/O: everything here takes a validated QuestionSet and plain answers.
 */
import { RISK_TIERS } from '../register/model.ts'
import type { RiskTier } from '../register/model.ts'
import { ACTION_LEVELS, SCALE_MAX, SCALE_MIN, allQuestions, isRealDate } from './questionSet/schema.ts'
import type { ActionLevel, Condition, GroupField, Question, QuestionSet } from './questionSet/schema.ts'
import { t } from '../../platform/i18n/i18n.ts'

/** The answer to one field of one item of a repeating group. */
export type FieldValue = boolean | string | string[] | number
/** One item of a repeating group (a risk, a dataset…): field id → answer; blank fields are left out. */
export type GroupItem = Record<string, FieldValue>
export type AnswerValue = FieldValue | GroupItem[]
export type Answers = Record<string, AnswerValue | undefined>

export interface Outcome {
  tier: RiskTier
  flags: { id: string; label: string; reasons: string[] }[]
  actions: { level: ActionLevel; text: string; reason: string; source: string; ruleId: string }[]
  firedRules: { id: string; reason: string; source: string; tier?: RiskTier }[]
}

/** Longest answers we accept, so one form field cannot fill the database. */
export const TEXT_MAX_LENGTH = 1000
export const LONG_TEXT_MAX_LENGTH = 20000

function own<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined
}

/** An answer counts as given unless it is missing, an empty string or an empty list. */
export function isAnswered(value: AnswerValue | undefined): boolean {
  if (value === undefined) return false
  if (typeof value === 'string') return value.trim() !== ''
  if (Array.isArray(value)) return value.length > 0
  return true
}

function asList(value: AnswerValue | undefined): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string')
  return typeof value === 'string' ? [value] : []
}

function isItem(value: unknown): value is GroupItem {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The items of a group answer (none for anything else). */
export function groupItems(value: AnswerValue | undefined): GroupItem[] {
  return Array.isArray(value) ? value.filter(isItem) : []
}

export function evaluateCondition(cond: Condition, answers: Answers): boolean {
  if ('all' in cond) return cond.all.every((c) => evaluateCondition(c, answers))
  if ('any' in cond) return cond.any.some((c) => evaluateCondition(c, answers))
  if ('not' in cond) return !evaluateCondition(cond.not, answers)
  if ('atLeast' in cond) {
    let count = 0
    for (const c of cond.of) {
      if (evaluateCondition(c, answers)) count += 1
      if (count >= cond.atLeast) return true
    }
    return false
  }

  const value = own(answers, cond.q)
  if ('eq' in cond) return value === cond.eq
  if ('in' in cond) return !Array.isArray(value) && value !== undefined && cond.in.includes(value)
  if ('includes' in cond) return asList(value).includes(cond.includes)
  if ('includesAny' in cond) {
    const list = asList(value)
    return cond.includesAny.some((v) => list.includes(v))
  }
  if ('answered' in cond) return isAnswered(value) === cond.answered
  if ('gte' in cond) return typeof value === 'number' && value >= cond.gte
  if ('lte' in cond) return typeof value === 'number' && value <= cond.lte
  if ('anyItem' in cond) {
    const inner = cond.anyItem
    return groupItems(value).some((item) => evaluateCondition(inner, item))
  }
  const n = groupItems(value).length
  return (cond.count.gte === undefined || n >= cond.count.gte) && (cond.count.lte === undefined || n <= cond.count.lte)
}

/**
 * Walk the questions in order, keeping only answers to questions that are asked. Conditions only
 * look at earlier questions (the loader checks this), so one pass is enough, and an answer left
 * over from a question that is no longer asked cannot switch a later question on.
 */
function visibleAnswers(set: QuestionSet, answers: Answers): { answers: Answers; asked: Question[] } {
  const visible: Answers = {}
  const asked: Question[] = []
  for (const question of allQuestions(set)) {
    if (question.condition && !evaluateCondition(question.condition, visible)) continue
    asked.push(question)
    const value = own(answers, question.id)
    if (value !== undefined) visible[question.id] = value
  }
  return { answers: visible, asked }
}

/** The questions to show for these answers, in order. */
export function askedQuestions(set: QuestionSet, answers: Answers): Question[] {
  return visibleAnswers(set, answers).asked
}

/** Whether the question is asked given these answers (true when it has no condition). */
export function isAsked(set: QuestionSet, questionId: string, answers: Answers): boolean {
  if (!allQuestions(set).some((q) => q.id === questionId)) {
    throw new Error(`Question set ${set.id}@${set.version} has no question "${questionId}"`)
  }
  return visibleAnswers(set, answers).asked.some((q) => q.id === questionId)
}

// ---------------------------------------------------------------------------------------------
// Parsing raw input (HTML form strings or JSON values)
// ---------------------------------------------------------------------------------------------

type Parsed = { value: FieldValue | undefined } | { error: string }

function isEmpty(raw: unknown): boolean {
  if (raw === undefined || raw === null) return true
  if (typeof raw === 'string') return raw.trim() === ''
  if (Array.isArray(raw)) return raw.every((item) => typeof item === 'string' && item.trim() === '')
  return false
}

function parseNumber(raw: unknown): number | undefined {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : undefined
  if (typeof raw !== 'string') return undefined
  const cleaned = raw.trim().replace(/[,\s]/g, '')
  return /^[-+]?(\d+(\.\d*)?|\.\d+)$/.test(cleaned) ? Number(cleaned) : undefined
}

/**
 * One answer from raw input. `label` is how messages name the field: the question's own words,
 * or a group field with its item ("Level (Risk 2)").
 */
function parseOne(question: Question | GroupField, raw: unknown, label: string = question.text): Parsed {
  if (isEmpty(raw)) return { value: undefined }
  const optionValues = question.options?.map((o) => o.value) ?? []

  switch (question.kind) {
    case 'yes_no': {
      if (typeof raw === 'boolean') return { value: raw }
      const word = typeof raw === 'string' ? raw.trim().toLowerCase() : ''
      if (word === 'yes' || word === 'true') return { value: true }
      if (word === 'no' || word === 'false') return { value: false }
      return { error: t('answers.errors.yesNo', { label }) }
    }
    case 'single': {
      const value = typeof raw === 'string' ? raw.trim() : undefined
      return value !== undefined && optionValues.includes(value) ? { value } : { error: t('answers.errors.single', { label }) }
    }
    case 'multiple': {
      const items = Array.isArray(raw) ? raw : [raw]
      if (!items.every((item): item is string => typeof item === 'string')) return { error: t('answers.errors.multiple', { label }) }
      const chosen = new Set(items.map((item) => item.trim()).filter((item) => item !== ''))
      if (![...chosen].every((item) => optionValues.includes(item))) return { error: t('answers.errors.multiple', { label }) }
      // An exclusive option ("None of these", "Not sure") rules out every other: name both.
      const exclusive = question.options?.find((o) => o.exclusive && chosen.has(o.value))
      const other = exclusive && question.options?.find((o) => o !== exclusive && chosen.has(o.value))
      if (exclusive && other) return { error: t('answers.errors.exclusiveBoth', { label, option: exclusive.label, other: other.label }) }
      // Keep the options' order, so equal selections are stored equally.
      return { value: optionValues.filter((v) => chosen.has(v)) }
    }
    case 'text':
    case 'long_text': {
      if (typeof raw !== 'string') return { error: t('answers.errors.text', { label }) }
      const value = raw.trim()
      const max = question.kind === 'text' ? TEXT_MAX_LENGTH : LONG_TEXT_MAX_LENGTH
      return value.length > max ? { error: t('answers.errors.tooLong', { label, max: max.toLocaleString('en-GB') }) } : { value }
    }
    case 'number': {
      const value = parseNumber(raw)
      return value === undefined ? { error: t('answers.errors.number', { label }) } : { value }
    }
    case 'scale': {
      const value = parseNumber(raw)
      return value !== undefined && Number.isInteger(value) && value >= SCALE_MIN && value <= SCALE_MAX
        ? { value }
        : { error: t('answers.errors.scale', { label, min: SCALE_MIN, max: SCALE_MAX }) }
    }
    case 'date': {
      if (typeof raw !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(raw.trim())) {
        return { error: t('answers.errors.dateFormat', { label }) }
      }
      const value = raw.trim()
      return isRealDate(value) ? { value } : { error: t('answers.errors.realDate', { label }) }
    }
    case 'group':
      return { error: t('answers.errors.list', { label }) } // groups are parsed by parseGroup
  }
}

/** Verb for an empty required field: choose for choice kinds, enter for the rest. */
function requiredFieldMessage(field: GroupField, itemLabel: string, n: number): string {
  const choice = ['yes_no', 'single', 'multiple', 'scale'].includes(field.kind)
  return t(choice ? 'answers.errors.groupSelect' : 'answers.errors.groupEnter', { field: field.text, item: itemLabel, n })
}

type GroupParsed = { value: GroupItem[] | undefined; errors: Record<string, string> }

/**
 * Parse a repeating group. The contract for `raw` (the same for JSON and for HTML forms):
 * an array of items in display order, each an object `{ <fieldId>: value }`. Form values are
 * strings or string arrays, as for questions; JSON values may be typed (true, 3, ["a"]).
 * A form names its inputs `q_<groupId>__<index>__<fieldId>`; the route collects them (see
 * answersFromBody in forms.ts) into `raw[groupId] = [{...}, {...}]` in index order before calling
 * parseAnswers. Unknown keys inside an item are ignored.
 *
 * - An item whose fields are all empty is dropped (the blank "add another" row).
 * - Errors are keyed `<groupId>.<index>.<fieldId>`, where index is the item's position in `raw`
 *   (so it matches the form field that needs fixing); errors about the whole group are keyed
 *   `<groupId>`. A group with any error is left out of the answers, like any question whose
 *   answer has an error, so the form is shown again from `raw`.
 * - Without errors the value keeps the non-blank items, renumbered from 0, each holding only
 *   its answered fields.
 */
function parseGroup(question: Question, raw: unknown): GroupParsed {
  const id = question.id
  if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) return { value: undefined, errors: {} }
  const label = question.itemLabel ?? 'item'
  if (!Array.isArray(raw)) return { value: undefined, errors: { [id]: t('answers.errors.groupRows', { item: label.toLowerCase() }) } }
  const fields = question.fields ?? []
  const errors: Record<string, string> = {}
  const items: GroupItem[] = []
  raw.forEach((rawItem: unknown, index) => {
    if (rawItem === undefined || rawItem === null) return
    if (!isItem(rawItem)) {
      errors[`${id}.${index}`] = t('answers.errors.groupRow', { item: label, n: index + 1 })
      return
    }
    if (fields.every((f) => isEmpty(own(rawItem as Record<string, unknown>, f.id)))) return
    const item: GroupItem = {}
    for (const field of fields) {
      const key = `${id}.${index}.${field.id}`
      const result = parseOne(field, own(rawItem as Record<string, unknown>, field.id),
        t('answers.fieldOfItem', { field: field.text, item: label, n: index + 1 }))
      if ('error' in result) errors[key] = result.error
      else if (result.value !== undefined) item[field.id] = result.value
      else if (field.required) errors[key] = requiredFieldMessage(field, label, index + 1)
    }
    items.push(item)
  })
  if (question.maxItems !== undefined && items.length > question.maxItems) {
    errors[id] = t('answers.errors.maxItems', { count: question.maxItems, max: question.maxItems, item: label })
  } else if (question.minItems !== undefined && items.length > 0 && items.length < question.minItems) {
    errors[id] = t('answers.errors.minItems', { count: question.minItems, min: question.minItems, item: label })
  }
  if (Object.keys(errors).length) return { value: undefined, errors }
  return { value: items.length ? items : undefined, errors }
}

/**
 * Turn raw input into typed answers. Blank or missing answers are left out (see missingRequired);
 * unknown keys are ignored; answers and errors for questions that are not asked are dropped.
 * Errors are keyed by question id, or `<groupId>.<index>.<fieldId>` inside a group (see parseGroup).
 */
export function parseAnswers(
  set: QuestionSet,
  raw: Record<string, unknown>,
): { answers: Answers; errors: Record<string, string> } {
  const parsed: Answers = {}
  const allErrors = new Map<string, Record<string, string>>()
  for (const question of allQuestions(set)) {
    if (question.kind === 'group') {
      const result = parseGroup(question, own(raw, question.id))
      if (Object.keys(result.errors).length) allErrors.set(question.id, result.errors)
      else if (result.value !== undefined) parsed[question.id] = result.value
      continue
    }
    const result = parseOne(question, own(raw, question.id))
    if ('error' in result) allErrors.set(question.id, { [question.id]: result.error })
    else if (result.value !== undefined) parsed[question.id] = result.value
  }
  const { answers, asked } = visibleAnswers(set, parsed)
  const errors: Record<string, string> = {}
  for (const question of asked) Object.assign(errors, allErrors.get(question.id))
  return { answers, errors }
}

/**
 * Ids of required questions that are asked but not answered, in question order. A required
 * group needs at least max(1, minItems) items.
 */
export function missingRequired(set: QuestionSet, answers: Answers): string[] {
  const visible = visibleAnswers(set, answers)
  const answered = (q: Question) => {
    const value = own(visible.answers, q.id)
    return q.kind === 'group' ? groupItems(value).length >= Math.max(1, q.minItems ?? 0) : isAnswered(value)
  }
  return visible.asked.filter((q) => q.required && !answered(q)).map((q) => q.id)
}

/** Whether a register entry with these (shared) answers needs the set: its appliesWhen, or always. */
export function setApplies(set: QuestionSet, answers: Answers): boolean {
  return set.appliesWhen === undefined || evaluateCondition(set.appliesWhen, answers)
}

/** The ids of the questions a condition looks at, in order, once each. */
export function conditionQuestions(cond: Condition): string[] {
  const ids: string[] = []
  const walk = (c: Condition): void => {
    if ('all' in c) c.all.forEach(walk)
    else if ('any' in c) c.any.forEach(walk)
    else if ('not' in c) walk(c.not)
    else if ('atLeast' in c) c.of.forEach(walk)
    else if (!ids.includes(c.q)) ids.push(c.q)
  }
  walk(cond)
  return ids
}

/**
 * The answers that make a condition hold, in the condition's order: every part of an `all`, the
 * parts of an `any` or `atLeast` that hold, and the answered questions under a `not`. Empty when
 * the condition does not hold.
 */
export function holdingAnswers(cond: Condition, answers: Answers): string[] {
  if (!evaluateCondition(cond, answers)) return []
  const ids: string[] = []
  const add = (list: string[]) => list.forEach((id) => ids.includes(id) || ids.push(id))
  if ('all' in cond) cond.all.forEach((c) => add(holdingAnswers(c, answers)))
  else if ('any' in cond) cond.any.forEach((c) => add(holdingAnswers(c, answers)))
  else if ('atLeast' in cond) cond.of.forEach((c) => add(holdingAnswers(c, answers)))
  else if ('not' in cond) add(conditionQuestions(cond.not).filter((id) => isAnswered(own(answers, id))))
  else add([cond.q])
  return ids
}

/** One answer that makes a set needed: the question, its words, and the answer as shown. */
export interface AppliesReason {
  questionId: string
  text: string
  value: AnswerValue | undefined
  /** The answer in the reader's words (option labels, Yes or No). */
  valueText: string
}

/**
 * Why a register entry with these answers needs the set: the answers its appliesWhen rests on
 * (none when the set is needed for every entry, or is not needed). `questionOf` finds a question
 * appliesWhen names that the set itself does not ask (appliesWhen may use any shared question).
 */
export function appliesBecause(set: QuestionSet, answers: Answers, questionOf: (id: string) => Question | undefined = () => undefined): AppliesReason[] {
  if (set.appliesWhen === undefined) return []
  const inSet = new Map(allQuestions(set).map((q) => [q.id, q]))
  return holdingAnswers(set.appliesWhen, answers).map((id) => {
    const question = inSet.get(id) ?? questionOf(id)
    const value = own(answers, id)
    const valueText = value === undefined ? t('answers.notAnswered') : question ? answerText(question, value) : JSON.stringify(value)
    return { questionId: id, text: question?.text ?? id, value, valueText }
  })
}

/**
 * Answers that contradict each other under the set's consistency checks: for each check whose
 * `when` holds while its `require` does not (and every question `require` names is answered, so a
 * missing answer is left to the required-question check), its message on every asked question
 * either condition names. Only answers to asked questions count.
 */
export function inconsistencies(set: QuestionSet, answers: Answers): Record<string, string> {
  const { answers: visible, asked } = visibleAnswers(set, answers)
  const askedIds = new Set(asked.map((q) => q.id))
  const errors: Record<string, string> = {}
  for (const check of set.consistency ?? []) {
    if (!evaluateCondition(check.when, visible) || evaluateCondition(check.require, visible)) continue
    if (!conditionQuestions(check.require).every((id) => isAnswered(own(visible, id)))) continue
    for (const id of [...conditionQuestions(check.when), ...conditionQuestions(check.require)]) {
      if (askedIds.has(id)) errors[id] ??= check.message
    }
  }
  return errors
}

// ---------------------------------------------------------------------------------------------
// ATRS
// ---------------------------------------------------------------------------------------------

function fieldText(field: Question | GroupField, value: FieldValue): string {
  const label = (v: string) => field.options?.find((o) => o.value === v)?.label ?? v
  if (typeof value === 'boolean') return value ? 'Yes' : 'No'
  if (Array.isArray(value)) return value.map(label).join('; ')
  if (typeof value === 'number') return field.kind === 'scale' ? `${value} out of ${SCALE_MAX}` : String(value)
  return field.kind === 'single' ? label(value) : value
}

/** One answer as readable text: labels for choices, Yes/No, one line per group item. */
export function answerText(question: Question, value: AnswerValue): string {
  if (question.kind !== 'group') return Array.isArray(value) && value.some(isItem) ? '' : fieldText(question, value as FieldValue)
  return groupItems(value)
    .map((item) =>
      (question.fields ?? [])
        .filter((f) => own(item, f.id) !== undefined)
        .map((f) => `${f.text}: ${fieldText(f, item[f.id] as FieldValue)}`)
        .join('; '),
    )
    .filter((line) => line !== '')
    .join('\n')
}

/**
 * Text for ATRS v3.0 fields (keys from ATRS_LINK_KEYS) from the answers to questions that carry
 * `atrs:` and are asked. Several questions feeding one field are joined with a blank line, in
 * question order. Pure.
 */
export function atrsFieldsFromAnswers(set: QuestionSet, answers: Answers): Record<string, string> {
  const visible = visibleAnswers(set, answers)
  const out: Record<string, string> = {}
  for (const question of visible.asked) {
    if (!question.atrs) continue
    const value = own(visible.answers, question.id)
    if (!isAnswered(value)) continue
    const textValue = answerText(question, value as AnswerValue)
    if (textValue === '') continue
    out[question.atrs] = out[question.atrs] === undefined ? textValue : `${out[question.atrs]}\n\n${textValue}`
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// Outcome
// ---------------------------------------------------------------------------------------------

export function tierRank(tier: RiskTier): number {
  return RISK_TIERS.indexOf(tier)
}

/** Whether two outcomes conclude the same: the same tier, flags, actions and fired rules (wording aside). */
export function sameOutcome(a: Outcome, b: Outcome): boolean {
  const key = (o: Outcome) => JSON.stringify([
    o.tier, o.flags.map((f) => f.id), o.actions.map((x) => `${x.level} ${x.ruleId} ${x.text}`), o.firedRules.map((r) => r.id),
  ])
  return key(a) === key(b)
}

/** Fire every rule whose condition holds on the asked questions' answers, and combine the results. */
export function evaluate(set: QuestionSet, answers: Answers): Outcome {
  const visible = visibleAnswers(set, answers).answers
  const fired = set.rules.filter((rule) => evaluateCondition(rule.when, visible))

  let tier: RiskTier = 'low'
  for (const rule of fired) if (rule.tier && tierRank(rule.tier) > tierRank(tier)) tier = rule.tier

  const flags = set.flags
    .map((flag) => ({
      id: flag.id,
      label: flag.label,
      reasons: fired.filter((rule) => rule.flags.includes(flag.id)).map((rule) => rule.reason),
    }))
    .filter((flag) => flag.reasons.length > 0)

  // Several rules may ask for the same action (e.g. "complete a DPIA"): list it once, with the
  // reason of the first rule that asked for it; MUST before SHOULD before COULD.
  const seen = new Set<string>()
  const actions: Outcome['actions'] = []
  for (const rule of fired) {
    for (const action of rule.actions) {
      const key = `${action.level}\u0000${action.text}`
      if (seen.has(key)) continue
      seen.add(key)
      actions.push({ level: action.level, text: action.text, reason: rule.reason, source: rule.source, ruleId: rule.id })
    }
  }
  actions.sort((a, b) => ACTION_LEVELS.indexOf(a.level) - ACTION_LEVELS.indexOf(b.level))

  const firedRules = fired.map((rule) => ({
    id: rule.id,
    reason: rule.reason,
    source: rule.source,
    ...(rule.tier ? { tier: rule.tier } : {}),
  }))

  return { tier, flags, actions, firedRules }
}
