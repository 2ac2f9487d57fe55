/**
 * Pure evaluation of question sets: which questions are asked, turning form input into typed
 * answers, what is still missing, and the outcome (risk tier, flags and actions) of the rules.
 * No I/O: everything here takes a validated QuestionSet and plain answers.
 */
import { RISK_TIERS } from '../register/model.ts'
import type { RiskTier } from '../register/model.ts'
import { ACTION_LEVELS, SCALE_MAX, SCALE_MIN, allQuestions, isRealDate } from './questionSet.ts'
import type { ActionLevel, Condition, Question, QuestionSet } from './questionSet.ts'

export type AnswerValue = boolean | string | string[] | number
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
  if (Array.isArray(value)) return value
  return typeof value === 'string' ? [value] : []
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
  return typeof value === 'number' && value <= cond.lte
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

type Parsed = { value: AnswerValue | undefined } | { error: string }

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

function parseOne(question: Question, raw: unknown): Parsed {
  if (isEmpty(raw)) return { value: undefined }
  const optionValues = question.options?.map((o) => o.value) ?? []

  switch (question.kind) {
    case 'yes_no': {
      if (typeof raw === 'boolean') return { value: raw }
      const word = typeof raw === 'string' ? raw.trim().toLowerCase() : ''
      if (word === 'yes' || word === 'true') return { value: true }
      if (word === 'no' || word === 'false') return { value: false }
      return { error: 'Select yes or no' }
    }
    case 'single': {
      const value = typeof raw === 'string' ? raw.trim() : undefined
      return value !== undefined && optionValues.includes(value) ? { value } : { error: 'Select one of the options' }
    }
    case 'multiple': {
      const items = Array.isArray(raw) ? raw : [raw]
      if (!items.every((item): item is string => typeof item === 'string')) return { error: 'Select from the options shown' }
      const chosen = new Set(items.map((item) => item.trim()).filter((item) => item !== ''))
      if (![...chosen].every((item) => optionValues.includes(item))) return { error: 'Select from the options shown' }
      const exclusive = question.options?.find((o) => o.exclusive && chosen.has(o.value))
      if (exclusive && chosen.size > 1) return { error: `Select "${exclusive.label}" or other options, not both` }
      // Keep the options' order, so equal selections are stored equally.
      return { value: optionValues.filter((v) => chosen.has(v)) }
    }
    case 'text':
    case 'long_text': {
      if (typeof raw !== 'string') return { error: 'Enter your answer as text' }
      const value = raw.trim()
      const max = question.kind === 'text' ? TEXT_MAX_LENGTH : LONG_TEXT_MAX_LENGTH
      return value.length > max ? { error: `Answer must be ${max.toLocaleString('en-GB')} characters or fewer` } : { value }
    }
    case 'number': {
      const value = parseNumber(raw)
      return value === undefined ? { error: 'Enter a number' } : { value }
    }
    case 'scale': {
      const value = parseNumber(raw)
      return value !== undefined && Number.isInteger(value) && value >= SCALE_MIN && value <= SCALE_MAX
        ? { value }
        : { error: `Enter a whole number from ${SCALE_MIN} to ${SCALE_MAX}` }
    }
    case 'date': {
      if (typeof raw !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(raw.trim())) {
        return { error: 'Enter a date in the format YYYY-MM-DD' }
      }
      const value = raw.trim()
      return isRealDate(value) ? { value } : { error: 'Enter a real date' }
    }
  }
}

/**
 * Turn raw input into typed answers. Blank or missing answers are left out (see missingRequired);
 * unknown keys are ignored; answers and errors for questions that are not asked are dropped.
 */
export function parseAnswers(
  set: QuestionSet,
  raw: Record<string, unknown>,
): { answers: Answers; errors: Record<string, string> } {
  const parsed: Answers = {}
  const allErrors = new Map<string, string>()
  for (const question of allQuestions(set)) {
    const result = parseOne(question, own(raw, question.id))
    if ('error' in result) allErrors.set(question.id, result.error)
    else if (result.value !== undefined) parsed[question.id] = result.value
  }
  const { answers, asked } = visibleAnswers(set, parsed)
  const errors: Record<string, string> = {}
  for (const question of asked) {
    const error = allErrors.get(question.id)
    if (error !== undefined) errors[question.id] = error
  }
  return { answers, errors }
}

/** Ids of required questions that are asked but not answered, in question order. */
export function missingRequired(set: QuestionSet, answers: Answers): string[] {
  const visible = visibleAnswers(set, answers)
  return visible.asked.filter((q) => q.required && !isAnswered(own(visible.answers, q.id))).map((q) => q.id)
}

// ---------------------------------------------------------------------------------------------
// Outcome
// ---------------------------------------------------------------------------------------------

export function tierRank(tier: RiskTier): number {
  return RISK_TIERS.indexOf(tier)
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
