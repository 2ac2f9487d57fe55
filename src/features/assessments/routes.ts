import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { can } from '../../platform/auth/permissions.ts'
import type { CurrentUser } from '../../platform/auth/store.ts'
import { requirePermission } from '../../platform/http/auth.ts'
import { type FormErrors, formErrors, parseWith } from '../../platform/http/forms.ts'
import { t } from '../../platform/i18n/i18n.ts'
import type { Services } from '../../services.ts'
import { notFound } from '../../platform/http/errors.ts'
import { isUuid } from '../../platform/validation.ts'
import type { RegisterEntry } from '../register/model.ts'
import type { Answers } from './engine.ts'
import {
  actionFieldId, actionFromBody, actionInput, actionValuesFromBody, answerFieldId, answersFromBody, FIELD_PREFIX,
} from './forms.ts'
import type { QuestionSet } from './questionSet/schema.ts'
import { AssessmentRefused, SCREENING, StaleAssessmentError, type StoredAssessment } from './service.ts'

type Params = { id: string; setId: string }
type Body = Record<string, unknown>

/** An action form that could not be saved: what was typed, and each field's message. */
interface ActionForm {
  id: string
  values: Record<string, string>
  errors: Record<string, string>
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

  /** The set's form. `errors` are messages already in the reader's words (answer errors name their question). */
  const renderForm = (reply: FastifyReply, user: CurrentUser, entry: RegisterEntry, set: QuestionSet,
    assessment: StoredAssessment | null, answers: Answers, errors: Record<string, string> = {}, status = 200, flash?: string) => {
    const summary = formErrors(errors, (k) => answerFieldId(set, k))
    return reply.code(status).view('assessments/views/form.njk', {
      pageTitle: t('assessments.form.title', { set: set.title, name: entry.name }),
      entry, set, assessment, answers, errors, errorList: summary.errorList, prefix: FIELD_PREFIX,
      isScreening: set.id === SCREENING,
      statusColours: STATUS_COLOURS,
      canAnswer: can(user.roles, 'assessment:answer'),
      // The author of a submission never signs it off.
      canSignOff: can(user.roles, 'assessment:signoff') && assessment?.submittedBy !== user.id,
      signOffError: errors._signoff,
      flash,
    })
  }

  const load = async (request: FastifyRequest<{ Params: Params }>, permission: 'register:read' | 'assessment:answer' | 'assessment:signoff') => {
    const user = requirePermission(request, permission)
    const entry = await register.get(user, request.params.id)
    const set = assessments.setNamed(request.params.setId ?? SCREENING)
    return { user, entry, set }
  }

  /** The results page; with `actionForm`, one action's form comes back with what was typed and its errors. */
  const renderResults = async (reply: FastifyReply, user: CurrentUser, entry: RegisterEntry,
    options: { flash?: string | undefined; actionForm?: ActionForm } = {}) => {
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
    const { actionForm } = options
    return reply.code(actionForm ? 400 : 200).view('assessments/views/results.njk', {
      pageTitle: t('assessments.results.title', { name: entry.name }),
      entry, rows, actions, risks, panels, statusColours: STATUS_COLOURS,
      can: { answer: can(user.roles, 'assessment:answer'), risk: can(user.roles, 'risk:write') },
      flash: options.flash,
      actionForm,
      errorList: actionForm ? formErrors(actionForm.errors, (f) => actionFieldId(actionForm.id, f)).errorList : [],
    })
  }

  app.get<{ Params: Params }>('/register/:id/assessments', async (request, reply) => {
    const user = requirePermission(request, 'register:read')
    const entry = await register.get(user, request.params.id)
    const done = (request.query as Record<string, unknown>).done
    return renderResults(reply, user, entry, { flash: done === 'action' ? t('done.action') : undefined })
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
      return renderForm(reply, user, entry, set, assessment, raw as Answers, { _form: t('assessments.errors.stale') }, 409)
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
      return renderForm(reply, user, entry, set, assessment, await assessments.prefill(user, entry, set.id), { _signoff: t(err.reason) }, 409)
    }
    return reply.redirect(`/register/${entry.id}/assessments/${set.id}?done=signedOff`, 303)
  })

  app.post<{ Params: Params; Body: Body }>('/register/:id/assessments/:setId/return', async (request, reply) => {
    const { user, entry, set } = await load(request, 'assessment:signoff')
    const comment = z.string().trim().min(1).max(5000).safeParse(request.body.comment)
    const assessment = await assessments.assessmentFor(user, entry.id, set.id)
    const answers = await assessments.prefill(user, entry, set.id)
    if (!comment.success) return renderForm(reply, user, entry, set, assessment, answers, { comment: t('assessments.errors.comment') }, 400)
    try {
      await assessments.returnToAuthor(user, entry.id, set.id, comment.data)
    } catch (err) {
      if (!(err instanceof AssessmentRefused)) throw err
      return renderForm(reply, user, entry, set, assessment, answers, { _signoff: t(err.reason) }, 409)
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
    const { actionId } = request.params
    if (!isUuid(actionId)) throw notFound()
    const parsed = parseWith(actionInput, actionFromBody(request.body))
    if (!parsed.ok) {
      // The results page again, with what was typed and a message on each field that needs it.
      if (!(await assessments.actionsFor(user, entry.id)).some((a) => a.id === actionId)) throw notFound()
      return renderResults(reply, user, entry, { actionForm: actionFormFor(actionId, request.body, parsed.errors) })
    }
    await assessments.updateAction(user, entry.id, actionId, parsed.data)
    return reply.redirect(`/register/${entry.id}/assessments?done=action#actions`, 303)
  })
}

function actionFormFor(id: string, body: Body, errors: FormErrors): ActionForm {
  return { id, values: actionValuesFromBody(body), errors: errors.fields }
}
