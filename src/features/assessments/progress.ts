/**
 * How far a person has got with a question set, a section at a time, and the shapes the task
 * list, the section pages, "check your answers" and the results summary show. Pure: everything
 * here takes a loaded QuestionSet and plain answers (or the entry's required actions).
 */
import { answerText, askedQuestions, type Answers, isAnswered, missingRequired } from './engine.ts'
import { ACTION_STATUSES, type ActionStatus, type RequiredAction } from './model.ts'
import { ACTION_LEVELS, type ActionLevel, type Question, type QuestionSet, type Section } from './questionSet/schema.ts'

export const SECTION_STATUSES = ['not_started', 'in_progress', 'completed', 'not_needed'] as const
export type SectionStatus = (typeof SECTION_STATUSES)[number]

export interface SectionProgress {
  section: Section
  status: SectionStatus
  /** Required questions of the section that are asked and not answered yet, in order. */
  missing: string[]
}

/** The section a question is asked in (undefined when the set has no such question). */
export function sectionOf(set: QuestionSet, questionId: string): Section | undefined {
  return set.sections.find((s) => s.questions.some((q) => q.id === questionId))
}

/**
 * Each section's status from the answers: not needed when none of its questions is asked, not
 * started when none of its asked questions is answered, in progress while an asked required one
 * is unanswered, completed otherwise.
 */
export function sectionProgress(set: QuestionSet, answers: Answers): SectionProgress[] {
  const asked = new Set(askedQuestions(set, answers).map((q) => q.id))
  const missing = new Set(missingRequired(set, answers))
  return set.sections.map((section) => {
    const askedHere = section.questions.filter((q) => asked.has(q.id))
    const missingHere = askedHere.filter((q) => missing.has(q.id)).map((q) => q.id)
    let status: SectionStatus
    if (!askedHere.length) status = 'not_needed'
    else if (!askedHere.some((q) => isAnswered(answers[q.id]))) status = 'not_started'
    else status = missingHere.length ? 'in_progress' : 'completed'
    return { section, status, missing: missingHere }
  })
}

/** How many sections are completed (or need nothing), of how many. */
export function sectionsDone(progress: readonly SectionProgress[]): { done: number; total: number } {
  return { done: progress.filter((p) => p.status === 'completed' || p.status === 'not_needed').length, total: progress.length }
}

/**
 * The raw answers a section page saves: every answer the set already has (so the outcome is
 * evaluated on the whole set, not on one page), with each of this section's questions taken from
 * the form; a question the form left blank (no box ticked) is blank, so unticking clears it.
 */
export function withSection(set: QuestionSet, section: Section, current: Answers, fromForm: Record<string, unknown>): Record<string, unknown> {
  const raw: Record<string, unknown> = Object.create(null) as Record<string, unknown>
  for (const [id, value] of Object.entries(current)) if (value !== undefined) raw[id] = value
  for (const q of section.questions) raw[q.id] = Object.hasOwn(fromForm, q.id) ? fromForm[q.id] : ''
  return raw
}

/** One row of "check your answers": the question and the answer as text (blank when unanswered). */
export interface AnswerRow {
  question: Question
  text: string
  /** Required, asked and unanswered. */
  missing: boolean
}

/** The asked questions of each section with their answers, for "check your answers". */
export function answerRows(set: QuestionSet, answers: Answers): { section: Section; rows: AnswerRow[] }[] {
  const asked = new Set(askedQuestions(set, answers).map((q) => q.id))
  const missing = new Set(missingRequired(set, answers))
  return set.sections
    .map((section) => ({
      section,
      rows: section.questions.filter((q) => asked.has(q.id)).map((q) => {
        const value = answers[q.id]
        return { question: q, text: value !== undefined && isAnswered(value) ? answerText(q, value) : '', missing: missing.has(q.id) }
      }),
    }))
    .filter((s) => s.rows.length)
}

// ---------------------------------------------------------------------------------------------
// Required actions, for the results summary and the actions page
// ---------------------------------------------------------------------------------------------

/** Where an action comes from: a rule of a set. */
export interface ActionOrigin {
  setId: string
  ruleId?: string
  reason: string
  source: string
}

/**
 * Every source of an action. An action that carries `sources` (one action required by several
 * frameworks) gives them all; one without gives its own set, reason and source.
 */
export function sourcesOf(action: object): ActionOrigin[] {
  const given = (action as { sources?: unknown }).sources
  if (Array.isArray(given) && given.length) return given as ActionOrigin[]
  const own = action as Partial<ActionOrigin>
  return own.setId ? [{ setId: own.setId, reason: own.reason ?? '', source: own.source ?? '' }] : []
}

export type ActionCounts = Record<ActionLevel, Record<ActionStatus, number> & { total: number }>

/** How many actions of each level are open, done or not applicable. */
export function actionCounts(actions: readonly Pick<RequiredAction, 'level' | 'status'>[]): ActionCounts {
  const counts = Object.fromEntries(ACTION_LEVELS.map((l) => [l, { open: 0, done: 0, not_applicable: 0, total: 0 }])) as ActionCounts
  for (const a of actions) {
    counts[a.level][a.status] += 1
    counts[a.level].total += 1
  }
  return counts
}

export interface ActionGroup<A> {
  level: ActionLevel
  status: ActionStatus
  actions: A[]
}

/** Actions grouped MUST, SHOULD, COULD and, within each, open, done, not applicable; empty groups left out. */
export function groupActions<A extends Pick<RequiredAction, 'level' | 'status'>>(actions: readonly A[]): ActionGroup<A>[] {
  return ACTION_LEVELS.flatMap((level) =>
    ACTION_STATUSES.map((status) => ({ level, status, actions: actions.filter((a) => a.level === level && a.status === status) })),
  ).filter((g) => g.actions.length)
}

export interface ActionFilter {
  level?: ActionLevel
  status?: ActionStatus
}

/** A filter from the query string (or a form): a level and a status, each only if it is one we know. */
export function actionFilter(query: Record<string, unknown>): ActionFilter {
  const level = ACTION_LEVELS.find((l) => l === query.level)
  const status = ACTION_STATUSES.find((s) => s === query.status)
  return { ...(level ? { level } : {}), ...(status ? { status } : {}) }
}
