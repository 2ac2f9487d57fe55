import { z } from 'zod'
import { dateFromParts, formValue } from '../../platform/http/forms.ts'
import { isoDate } from '../../platform/validation.ts'
import { ACTION_STATUSES } from './model.ts'
import { allQuestions, type QuestionSet } from './questionSet/schema.ts'

type Body = Record<string, unknown>

/** Form fields are q_<question id>; a repeating group's are q_<group>__<index>__<field>. */
export const FIELD_PREFIX = 'q_'
/** Ids start with a letter, so no form field can name __proto__, constructor or prototype's tricks. */
const PLAIN_FIELD = /^q_([a-z][a-z0-9_]*)$/
const GROUP_FIELD = /^q_([a-z][a-z0-9_]*?)__(\d{1,3})__([a-z][a-z0-9_]*)$/

/**
 * Reads a submitted assessment form into raw answers for parseAnswers: plain questions by id,
 * a repeating group's fields q_<group>__<index>__<field> as an array of items in index order.
 * Built on prototype-less objects: a hostile field name cannot reach Object.prototype.
 */
export function answersFromBody(body: Body): Record<string, unknown> {
  const raw: Record<string, unknown> = Object.create(null) as Record<string, unknown>
  const groups = new Map<string, Map<number, Record<string, unknown>>>()
  for (const [k, v] of Object.entries(body)) {
    const g = GROUP_FIELD.exec(k)
    if (g) {
      const [, group, index, field] = g as unknown as [string, string, string, string]
      if (!groups.has(group)) groups.set(group, new Map())
      const items = groups.get(group)!
      if (!items.has(Number(index))) items.set(Number(index), Object.create(null) as Record<string, unknown>)
      items.get(Number(index))![field] = v
      continue
    }
    const p = PLAIN_FIELD.exec(k)
    if (p) raw[p[1]!] = v
  }
  for (const [group, items] of groups) {
    raw[group] = [...items.keys()].sort((a, b) => a - b).map((i) => ({ ...items.get(i) }))
  }
  return raw
}

/** The id of the input an answer error (`<question>` or `<group>.<index>.<field>`) should link to. */
export function answerFieldId(set: QuestionSet, key: string): string {
  const [qid, index, field] = key.split('.')
  if (!allQuestions(set).some((q) => q.id === qid)) return 'main-content'
  return index !== undefined && field ? `${FIELD_PREFIX}${qid}__${index}__${field}` : `${FIELD_PREFIX}${qid}`
}

/** Longest owner name an action or a risk keeps. */
export const OWNER_MAX = 200

/** A required action's status, owner and due date as the results page's form sends them. Messages name the field. */
export const actionInput = z.object({
  status: z.enum(ACTION_STATUSES, { error: 'assessments.errors.actionStatus' }),
  owner: z.string({ error: 'assessments.errors.ownerText' }).max(OWNER_MAX, 'assessments.errors.ownerTooLong').nullable(),
  dueDate: isoDate('assessments.errors.dueDate').nullable(),
})

export function actionFromBody(body: Body): Record<string, unknown> {
  return {
    status: body.status,
    owner: formValue.text(body.owner) ?? null,
    dueDate: dateFromParts(body, 'dueDate') ?? null,
  }
}

/** What the person typed into an action's form, to show it again beside the errors. */
export function actionValuesFromBody(body: Body): Record<string, string> {
  const text = (v: unknown) => (typeof v === 'string' ? v : '')
  return {
    status: text(body.status), owner: text(body.owner),
    'dueDate-day': text(body['dueDate-day']), 'dueDate-month': text(body['dueDate-month']), 'dueDate-year': text(body['dueDate-year']),
  }
}

/** The input each action form error links to. */
export function actionFieldId(actionId: string, field: string): string {
  if (field === 'dueDate') return `due-${actionId}-day`
  if (field === 'owner') return `owner-${actionId}`
  return `status-${actionId}`
}

// --- Many actions in one form (the actions page) ---------------------------------------------

/** A field of one action in the actions form: actions[<id>].status, .owner, .dueDate-day/-month/-year. */
const ACTION_FIELD = /^actions\[([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\]\.status$/

/** The edits the actions form sends: one per action whose status field it carries, in form order. */
export function actionEditsFromBody(body: Body): { id: string; status: unknown; owner: unknown; dueDate: unknown }[] {
  const edits: { id: string; status: unknown; owner: unknown; dueDate: unknown }[] = []
  for (const key of Object.keys(body)) {
    const id = ACTION_FIELD.exec(key)?.[1]
    if (!id) continue
    const name = `actions[${id}]`
    edits.push({
      id,
      status: body[`${name}.status`],
      owner: formValue.text(body[`${name}.owner`]) ?? null,
      dueDate: dateFromParts(body, `${name}.dueDate`) ?? null,
    })
  }
  return edits
}

/** What was typed into each action of the actions form (id → field → text), to show it again beside the errors. */
export function actionEditValues(body: Body): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {}
  const text = (v: unknown) => (typeof v === 'string' ? v : '')
  for (const key of Object.keys(body)) {
    const id = ACTION_FIELD.exec(key)?.[1]
    if (!id) continue
    const name = `actions[${id}]`
    out[id] = {
      status: text(body[`${name}.status`]), owner: text(body[`${name}.owner`]),
      'dueDate-day': text(body[`${name}.dueDate-day`]), 'dueDate-month': text(body[`${name}.dueDate-month`]),
      'dueDate-year': text(body[`${name}.dueDate-year`]),
    }
  }
  return out
}

/** The input an actions-form error (`actions[<id>].<field>`) links to. */
export function actionEditFieldId(key: string): string {
  const m = /^actions\[([^\]]+)\]\.(status|owner|dueDate)$/.exec(key)
  if (!m) return 'main-content'
  return `action-${m[1]}-${m[2] === 'dueDate' ? 'dueDate-day' : m[2]}`
}
