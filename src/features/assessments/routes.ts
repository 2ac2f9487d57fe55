import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { can } from '../../platform/auth/permissions.ts'
import type { CurrentUser } from '../../platform/auth/store.ts'
import { requirePermission } from '../../platform/http/auth.ts'
import { formErrors, formValue } from '../../platform/http/forms.ts'
import { t } from '../../platform/i18n/i18n.ts'
import type { Services } from '../../services.ts'
import { dateFromParts } from '../../platform/http/forms.ts'
import { notFound } from '../../platform/http/errors.ts'
import { isoDate, isUuid } from '../../platform/validation.ts'
import type { RegisterEntry } from '../register/model.ts'
import type { Answers } from './engine.ts'
import { allQuestions, type QuestionSet } from './questionSet.ts'
import { AssessmentRefused, SCREENING, StaleAssessmentError, type StoredAssessment } from './service.ts'

type Params = { id: string; setId: string }
type Body = Record<string, unknown>

/** Form fields are q_<question id>; a repeating group's are q_<group>__<index>__<field>. */
const FIELD_PREFIX = 'q_'
/** Ids start with a letter, so no form field can name __proto__, constructor or prototype's tricks. */
const PLAIN_FIELD = /^q_([a-z][a-z0-9_]*)$/
const GROUP_FIELD = /^q_([a-z][a-z0-9_]*?)__(\d{1,3})__([a-z][a-z0-9_]*)$/

/**
 * Reads a submitted form into raw answers: plain questions by id, groups as arrays of items.
 * Built on prototype-less objects: a hostile field name cannot reach Object.prototype.
 */
export function answersFromBody(body: Body): Record<string, unknown> {
  const raw: Record<string, unknown> = Object.create(null)
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

/** The id of the input an error should link to. */
function fieldId(set: QuestionSet, key: string): string {
  const [qid, index, field] = key.split('.')
  if (!allQuestions(set).some((q) => q.id === qid)) return 'main-content'
  return index !== undefined && field ? `${FIELD_PREFIX}${qid}__${index}__${field}` : `${FIELD_PREFIX}${qid}`
}

const STATUS_COLOURS: Record<string, string> = {
  draft: 'grey', submitted: 'blue', signed_off: 'green', returned: 'orange', needs_review: 'red',
}

export function assessmentRoutes(app: FastifyInstance, services: Services): void {
  const { register, assessments } = services

  register.extensions.entryPanels.add({
    id: 'screening',
    order: 10,
    template: 'assessments/views/_summary.njk',
    load: async (user, entry) => ({
      screening: await assessments.screeningFor(user, entry.id),
      canScreen: can(user.roles, 'assessment:answer'),
    }),
  })

  const renderForm = (reply: FastifyReply, user: CurrentUser, entry: RegisterEntry, set: QuestionSet,
    assessment: StoredAssessment | null, answers: Answers, errors: Record<string, string> = {}, status = 200, flash?: string) => {
    const translated = Object.fromEntries(Object.entries(errors).map(([k, v]) => [k, t(v)]))
    const summary = formErrors(translated, (k) => fieldId(set, k))
    return reply.code(status).view('assessments/views/form.njk', {
      pageTitle: t('assessments.form.title', { set: set.title, name: entry.name }),
      entry, set, assessment, answers, errors: translated, errorList: summary.errorList, prefix: FIELD_PREFIX,
      isScreening: set.id === SCREENING,
      statusColours: STATUS_COLOURS,
      canAnswer: can(user.roles, 'assessment:answer'),
      // The author of a submission never signs it off.
      canSignOff: can(user.roles, 'assessment:signoff') && assessment?.submittedBy !== user.id,
      signOffError: errors._signoff ? t(errors._signoff) : undefined,
      flash,
    })
  }

  const load = async (request: FastifyRequest<{ Params: Params }>, permission: 'register:read' | 'assessment:answer' | 'assessment:signoff') => {
    const user = requirePermission(request, permission)
    const entry = await register.get(user, request.params.id)
    const set = assessments.setNamed(request.params.setId ?? SCREENING)
    return { user, entry, set }
  }

  app.get<{ Params: Params }>('/register/:id/assessments', async (request, reply) => {
    const user = requirePermission(request, 'register:read')
    const entry = await register.get(user, request.params.id)
    const [stored, answers, actions, risks, panels] = await Promise.all([
      assessments.all(user, entry.id),
      assessments.answersFor(user, entry.id),
      assessments.actionsFor(user, entry.id),
      services.risks.listFor(user, entry.id),
      assessments.resultsPanels.load(user, entry),
    ])
    const bySet = new Map(stored.map((a) => [a.setId, a]))
    const rows = assessments.allSets().map((set) => ({
      set, assessment: bySet.get(set.id) ?? null, applies: assessments.applies(set, answers),
    }))
    return reply.view('assessments/views/results.njk', {
      pageTitle: t('assessments.results.title', { name: entry.name }),
      entry, rows, actions, risks, panels, statusColours: STATUS_COLOURS,
      can: { answer: can(user.roles, 'assessment:answer'), risk: can(user.roles, 'risk:write') },
      flash: (request.query as Record<string, string>).done === 'action' ? t('done.action') : undefined,
      // An action form that could not be saved: say so at the top and beside that action.
      invalidAction: actions.find((a) => a.id === (request.query as Record<string, string>).invalid)?.id,
      errorList: actions.some((a) => a.id === (request.query as Record<string, string>).invalid)
        ? [{ text: t('assessments.errors.action'), href: `#status-${(request.query as Record<string, string>).invalid}` }]
        : [],
    })
  })

  app.get<{ Params: Params }>('/register/:id/assessments/:setId', async (request, reply) => {
    const { user, entry, set } = await load(request, 'register:read')
    const assessment = await assessments.assessmentFor(user, entry.id, set.id)
    const answers = await assessments.prefill(user, entry, set.id)
    const done = (request.query as Record<string, string>).done
    const flash = done && ['saved', 'submitted', 'signedOff', 'returned'].includes(done) ? t(`done.assessment.${done}`) : undefined
    return renderForm(reply, user, entry, set, assessment, answers, {}, 200, flash)
  })

  const save = async (request: FastifyRequest<{ Params: Params; Body: Body }>, reply: FastifyReply, setId: string, backToEntry = false) => {
    const user = requirePermission(request, 'assessment:answer')
    const entry = await register.get(user, request.params.id)
    const set = assessments.setNamed(setId)
    const intent = request.body.intent === 'save' ? 'save' : 'submit'
    const raw = answersFromBody(request.body)
    const version = Number(request.body.version)
    let result
    try {
      result = await assessments.save(user, entry.id, set.id, raw, intent, Number.isInteger(version) && version >= 0 ? version : undefined)
    } catch (err) {
      if (!(err instanceof StaleAssessmentError)) throw err
      // Keep what this person chose, show the conflict, and carry the stored version so a
      // deliberate second save goes through.
      const assessment = await assessments.assessmentFor(user, entry.id, set.id)
      return renderForm(reply, user, entry, set, assessment, raw as Answers, { _form: 'assessments.errors.stale' }, 409)
    }
    if (!result.ok) {
      const kept: Answers = { ...result.answers }
      for (const [id, v] of Object.entries(raw)) if (kept[id] === undefined) kept[id] = v as Answers[string]
      const assessment = await assessments.assessmentFor(user, entry.id, set.id)
      return renderForm(reply, user, entry, set, assessment, kept, result.errors, 400)
    }
    if (backToEntry) {
      return reply.redirect(`/register/${entry.id}?done=screened#screening`, 303)
    }
    return reply.redirect(`/register/${entry.id}/assessments/${set.id}?done=${intent === 'submit' ? 'submitted' : 'saved'}`, 303)
  }

  app.post<{ Params: Params; Body: Body }>('/register/:id/assessments/:setId', (request, reply) => save(request, reply, request.params.setId))

  // The short screening form linked from every entry page.
  app.get<{ Params: Params }>('/register/:id/screening', async (request, reply) => {
    const user = requirePermission(request, 'assessment:answer')
    const entry = await register.get(user, request.params.id)
    return reply.redirect(`/register/${entry.id}/assessments/${SCREENING}`, 303)
  })
  app.post<{ Params: Params; Body: Body }>('/register/:id/screening', (request, reply) => save(request, reply, SCREENING, true))

  app.post<{ Params: Params; Body: Body }>('/register/:id/assessments/:setId/signoff', async (request, reply) => {
    const { user, entry, set } = await load(request, 'assessment:signoff')
    try {
      await assessments.signOff(user, entry.id, set.id)
    } catch (err) {
      if (!(err instanceof AssessmentRefused)) throw err
      const assessment = await assessments.assessmentFor(user, entry.id, set.id)
      return renderForm(reply, user, entry, set, assessment, await assessments.prefill(user, entry, set.id), { _signoff: err.reason }, 409)
    }
    return reply.redirect(`/register/${entry.id}/assessments/${set.id}?done=signedOff`, 303)
  })

  app.post<{ Params: Params; Body: Body }>('/register/:id/assessments/:setId/return', async (request, reply) => {
    const { user, entry, set } = await load(request, 'assessment:signoff')
    const comment = z.string().trim().min(1).max(5000).safeParse(request.body.comment)
    const assessment = await assessments.assessmentFor(user, entry.id, set.id)
    const answers = await assessments.prefill(user, entry, set.id)
    if (!comment.success) return renderForm(reply, user, entry, set, assessment, answers, { comment: 'assessments.errors.comment' }, 400)
    try {
      await assessments.returnToAuthor(user, entry.id, set.id, comment.data)
    } catch (err) {
      if (!(err instanceof AssessmentRefused)) throw err
      return renderForm(reply, user, entry, set, assessment, answers, { _signoff: err.reason }, 409)
    }
    return reply.redirect(`/register/${entry.id}/assessments/${set.id}?done=returned`, 303)
  })

  app.get<{ Params: Params }>('/register/:id/assessments/:setId/history', async (request, reply) => {
    const { user, entry, set } = await load(request, 'register:read')
    return reply.view('assessments/views/history.njk', {
      pageTitle: t('assessments.history.title', { set: set.title }),
      entry, set, versions: await assessments.history(user, entry.id, set.id), statusColours: STATUS_COLOURS,
    })
  })

  app.post<{ Params: { id: string; actionId: string }; Body: Body }>('/register/:id/actions/:actionId', async (request, reply) => {
    const user = requirePermission(request, 'assessment:answer')
    const entry = await register.get(user, request.params.id)
    const parsed = z.object({
      status: z.enum(['open', 'done', 'not_applicable']),
      owner: z.string().trim().max(200).nullable(),
      dueDate: isoDate('assessments.errors.dueDate').nullable(),
    }).safeParse({
      status: request.body.status,
      owner: (formValue.text(request.body.owner) as string | undefined) ?? null,
      dueDate: dateFromParts(request.body, 'dueDate') ?? null,
    })
    if (!isUuid(request.params.actionId)) throw notFound()
    if (!parsed.success) return reply.redirect(`/register/${entry.id}/assessments?invalid=${request.params.actionId}#actions`, 303)
    await assessments.updateAction(user, entry.id, request.params.actionId, parsed.data)
    return reply.redirect(`/register/${entry.id}/assessments?done=action#actions`, 303)
  })
}
