/**
 * Question sets, the checks beyond the shape: the references between the parts of a set (question,
 * section, rule and flag ids; `use:` of shared questions; conditions that refer to known, earlier
 * questions with values that can be answers) and between sets (one definition and one kind per
 * question id; a file at the path its id and version give). Pure: each check returns problems
 * located by their path in the file; `load.ts` adds the line and the file's name.
 */
import { type ContentIssue, formatPath, type PathSegment } from '../../../platform/content/index.ts'
import {
  type Action, CHOICE_KINDS, type Condition, type ConditionValue, type GroupField, type Question, type QuestionDefinition, type QuestionKind,
  type QuestionOption, type QuestionSet, type QuestionSetFile, type Rule, SCALE_MAX, SCALE_MIN, type Section, SHARED_FILE, type SharedAction, type SharedLibrary,
  isRealDate,
} from './schema.ts'

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

/** A problem at a path in the file; the loader adds the line. */
export interface RawIssue {
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

/**
 * Checks between the parts of a resolved set: unique ids, shapes that fit each kind, conditions
 * on known (and earlier) questions with values that fit, appliesWhen on shared questions only,
 * declared flags, and rules with some effect. `sharedCondition` holds the questions whose
 * condition came from shared.yaml (to say so in messages).
 */
export function checkSemantics(set: QuestionSet, shared: SharedLibrary | undefined, sharedCondition: Set<string>): RawIssue[] {
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

  checkConsistency(set, { lookup: lookupIn(questions), unknown: unknownQuestion }, report)
  return issues
}

/** Consistency checks: unique ids, conditions on questions of the set with values that fit, and a check that can fail. */
function checkConsistency(set: QuestionSet, scope: ConditionScope, report: Report): void {
  const ids = new Map<string, number>()
  ;(set.consistency ?? []).forEach((check, i) => {
    const cPath: PathSegment[] = ['consistency', i]
    const first = ids.get(check.id)
    if (first !== undefined) report([...cPath, 'id'], `duplicate consistency check id "${check.id}" (first used at consistency[${first}])`)
    else ids.set(check.id, i)
    checkCondition(check.when, [...cPath, 'when'], scope, report)
    checkCondition(check.require, [...cPath, 'require'], scope, report)
    if (JSON.stringify(check.when) === JSON.stringify(check.require)) {
      report([...cPath, 'require'], 'is the same condition as "when", so the check can never fail')
    }
  })
}

/** Checks on shared.yaml: unique ids, shapes, and conditions that refer to other shared questions. */
export function checkSharedSemantics(questions: QuestionDefinition[]): RawIssue[] {
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
// `use:` of shared questions
// ---------------------------------------------------------------------------------------------

/**
 * Replaces each `use:` entry by the shared question it names (one question per entry, so paths
 * in later checks still fit the file), and checks that the set neither uses an unknown shared
 * question nor redefines one inline: a shared fact is defined once, in shared.yaml.
 */
export function resolveSharedQuestions(file: QuestionSetFile, library: SharedLibrary | undefined): {
  set: QuestionSet
  issues: RawIssue[]
  /** Questions whose condition came from shared.yaml. */
  sharedCondition: Set<string>
} {
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
    rules: resolveSharedActions(file, library, issues),
    flags: file.flags,
    ...(file.consistency.length ? { consistency: file.consistency } : {}),
    ...(file.actionsNeedOwner !== undefined ? { actionsNeedOwner: file.actionsNeedOwner } : {}),
  }
  return { set, issues, sharedCondition }
}

// ---------------------------------------------------------------------------------------------
// Actions: the library in shared.yaml, `use:` of it, and ids written out
// ---------------------------------------------------------------------------------------------

const quoteAction = (a: { level: string; text: string }) => `${a.level} "${a.text}"`

/** Checks on shared.yaml's actions: one declaration per id. */
export function checkSharedActions(actions: readonly SharedAction[]): RawIssue[] {
  const issues: RawIssue[] = []
  const first = new Map<string, number>()
  actions.forEach((action, i) => {
    const at = first.get(action.id)
    if (at !== undefined) issues.push({ segments: ['actions', i, 'id'], message: `duplicate action id "${action.id}" (first used at actions[${at}])` })
    else first.set(action.id, i)
  })
  return issues
}

/**
 * Replaces each `- use: <id>` in a rule's actions by the library action it names, and checks each
 * action id: known to the library, written out with the library's own level and text, and given
 * once per rule. Pushes problems to `issues`.
 */
function resolveSharedActions(file: QuestionSetFile, library: SharedLibrary | undefined, issues: RawIssue[]): Rule[] {
  const where = library?.file ?? SHARED_FILE
  return file.rules.map((rule, r) => {
    const seen = new Map<string, number>()
    const actions = rule.actions.map((entry, a): Action => {
      const aPath: PathSegment[] = ['rules', r, 'actions', a]
      const id = 'use' in entry ? entry.use : entry.id
      if (id === undefined) return entry as Action
      const declared = library?.actions.get(id)
      const at = seen.get(id)
      if (at !== undefined) issues.push({ segments: [...aPath, 'use' in entry ? 'use' : 'id'], message: `duplicate action id "${id}" in this rule (first used at actions[${at}])` })
      else seen.set(id, a)
      if (!declared) {
        issues.push({ segments: [...aPath, 'use' in entry ? 'use' : 'id'], message: `unknown action id "${id}" (not in the actions of ${where})` })
        return 'use' in entry ? { id, level: 'SHOULD', text: id } : entry
      }
      if (!('use' in entry) && (entry.level !== declared.level || entry.text !== declared.text)) {
        issues.push({
          segments: [...aPath, entry.level !== declared.level ? 'level' : 'text'],
          message: `action "${id}" is ${quoteAction(declared)} in ${where} but ${quoteAction(entry)} here; an action id means one action (include it with "- use: ${id}")`,
        })
      }
      return { id, level: declared.level, text: declared.text }
    })
    return { ...rule, actions }
  })
}

// ---------------------------------------------------------------------------------------------
// Across the sets of a folder
// ---------------------------------------------------------------------------------------------

/** Whether a set file sits at the path its id and version give (`<id>/v<version>.yaml`); the message if not. */
export function misplacedFile(set: QuestionSet, relativePath: string): string | null {
  const expected = `${set.id}/v${set.version}.yaml`
  return relativePath.split('/').slice(-2).join('/') === expected
    ? null
    : `a set with id "${set.id}" and version ${set.version} must be saved as ${expected}`
}

/**
 * What the sets of one folder must agree on, fed one set at a time in file order: one file per
 * id@version; an inline question defined in one set only (a fact two sets ask goes in
 * shared.yaml); and every question with the same id of the same kind, so one stored answer per
 * register entry fits every set that asks it.
 */
export function createCrossSetCheck() {
  const fileForKey = new Map<string, string>()
  /** Where each question id was first seen: by an inline definition, and by any definition. */
  const inline = new Map<string, { setId: string; label: string }>()
  const anyDefinition = new Map<string, { kind: QuestionKind; label: string }>()
  return (set: QuestionSet, label: string): ContentIssue[] => {
    const key = `${set.id}@${set.version}`
    const other = fileForKey.get(key)
    if (other) return [{ path: '', message: `${key} is also defined in ${other}` }]
    fileForKey.set(key, label)
    const issues: ContentIssue[] = []
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
    return issues
  }
}
