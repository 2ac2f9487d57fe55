import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { addAssessmentDashboardMetrics } from './dashboardMetrics.ts'
import { addAssessmentHomePanels } from './homePanel.ts'
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
  actionEditFieldId, actionEditsFromBody, actionEditValues, actionFieldId, actionFromBody, actionInput, actionValuesFromBody,
  answerFieldId, answersFromBody, FIELD_PREFIX,
} from './forms.ts'
import type { RequiredAction } from './model.ts'
import {
  actionCounts, actionFilter, type ActionFilter, answerRows, groupActions, sectionOf, sectionProgress, sectionsDone, sourcesOf, withSection,
} from './progress.ts'
import { allQuestions, type QuestionSet, type Section } from './questionSet/schema.ts'
import { AssessmentRefused, SCREENING, StaleAssessmentError } from './service.ts'

type Params = { id: string; setId: string }
type SectionParams = Params & { section: string }
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

/** Flash messages a redirect may ask a set's page for. */
const SET_FLASHES = ['saved', 'submitted', 'signedOff', 'returned', 'section']

/**
 * The assessment version the form was made from. A form without the field is not checked (older
 * clients of the whole-set post); a field that is present but not a version number matches no
 * stored version, so the save is refused as stale rather than written over someone else's.
 */
const version = (body: Body): number | undefined => {
  if (body.version === undefined) return undefined
  const v = typeof body.version === 'string' && /^\d{1,9}$/.test(body.version) ? Number(body.version) : NaN
  return Number.isInteger(v) ? v : -1
}

export function assessmentRoutes(app: FastifyInstance, services: Services): void {
  const { register, assessments } = services
  addAssessmentHomePanels(services.home, assessments)
  addAssessmentDashboardMetrics(services.dashboard, assessments)

  register.extensions.entryPanels.add({
    id: 'screening',
    order: 10,
    template: 'assessments/views/_summary.njk',
    load: async (user, entry) => ({
      screening: await assessments.screeningFor(user, entry.id),
      canScreen: can(user.roles, 'assessment:answer'),
    }),
  })

  const base = (entry: RegisterEntry, set: QuestionSet) => `/register/${entry.id}/assessments/${set.id}`
  const sectionUrl = (entry: RegisterEntry, set: QuestionSet, section: Section) => `${base(entry, set)}/sections/${section.id}`

  /**
   * The error summary for answer errors: an error on this page links to its field; one about a
   * question in another section links to that section's page, at the question.
   */
  const answerErrorList = (entry: RegisterEntry, set: QuestionSet, errors: Record<string, string>, shown: Section | null) =>
    Object.entries(errors).map(([key, text]) => {
      const field = answerFieldId(set, key)
      const home = key.startsWith('_') ? undefined : sectionOf(set, key.split('.')[0]!)
      const here = !home || shown === null || home.id === shown.id
      return { text, href: here ? `#${field}` : `${sectionUrl(entry, set, home)}#${field}` }
    })

  const load = async (request: FastifyRequest<{ Params: Params }>, permission: 'register:read' | 'assessment:answer' | 'assessment:signoff') => {
    const user = requirePermission(request, permission)
    const entry = await register.get(user, request.params.id)
    const set = assessments.setNamed(request.params.setId ?? SCREENING, user)
    return { user, entry, set }
  }

  /** The set's page: its sections as a task list, what it concluded, and sign-off. */
  const renderTasks = async (reply: FastifyReply, user: CurrentUser, entry: RegisterEntry, set: QuestionSet,
    options: { errors?: Record<string, string>; status?: number; flash?: string | undefined } = {}) => {
    const [assessment, answers, need] = await Promise.all([
      assessments.assessmentFor(user, entry.id, set.id),
      assessments.prefill(user, entry, set.id),
      assessments.needOf(user, entry, set.id),
    ])
    const progress = sectionProgress(set, answers)
    const errors = options.errors ?? {}
    return reply.code(options.status ?? 200).view('assessments/views/set.njk', {
      pageTitle: t('assessments.form.title', { set: set.title, name: entry.name }),
      entry, set, assessment, progress, done: sectionsDone(progress),
      applies: need.applies, need,
      statusColours: STATUS_COLOURS,
      canAnswer: can(user.roles, 'assessment:answer'),
      // The author of a submission never signs it off.
      canSignOff: can(user.roles, 'assessment:signoff') && assessment?.submittedBy !== user.id,
      signOffError: errors._signoff, errors,
      errorList: formErrors(errors, (k) => (k === '_signoff' ? 'signoff' : k)).errorList,
      flash: options.flash,
    })
  }

  /** One section's form (or, with `section` null, every section: the whole-set form's errors). */
  const renderSection = async (reply: FastifyReply, user: CurrentUser, entry: RegisterEntry, set: QuestionSet, section: Section | null,
    answers: Answers, errors: Record<string, string> = {}, status = 200) => {
    const assessment = await assessments.assessmentFor(user, entry.id, set.id)
    const sections = section ? [section] : set.sections
    return reply.code(status).view('assessments/views/section.njk', {
      pageTitle: t('assessments.section.title', { section: section ? section.title : set.title, set: set.title, name: entry.name }),
      entry, set, section, sections, assessment, answers, errors, prefix: FIELD_PREFIX,
      // The guidance each question draws on, from the features that provide it (question id → links).
      guidance: Object.fromEntries(assessments.questionGuidance.flatMap((provide) => [...provide(set)])),
      number: section ? set.sections.indexOf(section) + 1 : null,
      action: section ? sectionUrl(entry, set, section) : base(entry, set),
      errorList: answerErrorList(entry, set, errors, section),
    })
  }

  /** "Check your answers": every asked question with its answer and a link to change it, then submit. */
  const renderCheck = async (reply: FastifyReply, user: CurrentUser, entry: RegisterEntry, set: QuestionSet,
    errors: Record<string, string> = {}, status = 200) => {
    const [assessment, answers] = await Promise.all([
      assessments.assessmentFor(user, entry.id, set.id),
      assessments.prefill(user, entry, set.id),
    ])
    const sections = answerRows(set, answers)
    return reply.code(status).view('assessments/views/check.njk', {
      pageTitle: t('assessments.check.title', { set: set.title, name: entry.name }),
      entry, set, assessment, sections, errors, prefix: FIELD_PREFIX,
      missing: sections.reduce((n, s) => n + s.rows.filter((r) => r.missing).length, 0),
      canAnswer: can(user.roles, 'assessment:answer'),
      errorList: answerErrorList(entry, set, errors, null),
    })
  }

  /** Actions with every source named by its set's title, for the pages that list them. */
  const describeActions = <A extends Pick<RequiredAction, 'id' | 'level' | 'status' | 'text'>>(actions: A[], user?: CurrentUser) => {
    const titles = new Map(assessments.allSets(user).map((s) => [s.id, s.title]))
    return actions.map((a) => {
      const sources = sourcesOf(a).map((s) => ({ ...s, title: titles.get(s.setId) ?? s.setId }))
      return { ...a, sources, requiredBy: [...new Set(sources.map((s) => s.title))].join('; ') }
    })
  }

  /** The results page: a summary first; the actions, the risk register and other panels behind links. */
  const renderResults = async (reply: FastifyReply, user: CurrentUser, entry: RegisterEntry, flash?: string) => {
    const [rows, actions, risks, panels] = await Promise.all([
      assessments.needs(user, entry),
      assessments.actionsFor(user, entry.id),
      services.risks.listFor(user, entry.id),
      assessments.resultsPanels.load(user, entry),
    ])
    const needed = rows.filter((r) => r.applies)
    return reply.view('assessments/views/results.njk', {
      pageTitle: t('assessments.results.title', { name: entry.name }),
      entry, rows, risks, panels, statusColours: STATUS_COLOURS,
      counts: actionCounts(actions),
      openMust: describeActions(actions.filter((a) => a.level === 'MUST' && a.status === 'open'), user),
      summary: {
        needed: needed.length, total: rows.length,
        finished: needed.filter((r) => r.assessment && ['submitted', 'signed_off'].includes(r.assessment.status)).length,
        attention: needed.filter((r) => r.assessment && ['returned', 'needs_review'].includes(r.assessment.status)).length,
      },
      can: { answer: can(user.roles, 'assessment:answer'), risk: can(user.roles, 'risk:write') },
      flash,
    })
  }

  app.get<{ Params: Params }>('/register/:id/assessments', async (request, reply) => {
    const user = requirePermission(request, 'register:read')
    const entry = await register.get(user, request.params.id)
    const done = (request.query as Record<string, unknown>).done
    return renderResults(reply, user, entry, done === 'action' ? t('done.action') : undefined)
  })

  /**
   * Every required action of the entry, grouped by level and status, in one form (for those who
   * may change them); a filter narrows the list. `edit` brings back what was typed and its errors.
   */
  const renderActions = async (reply: FastifyReply, user: CurrentUser, entry: RegisterEntry, filter: ActionFilter,
    options: { flash?: string | undefined; edit?: { values: Record<string, Record<string, string>>; errors: Record<string, string> } } = {}) => {
    const all = await assessments.actionsFor(user, entry.id)
    const shown = all.filter((a) => (!filter.level || a.level === filter.level) && (!filter.status || a.status === filter.status))
    const errors = options.edit?.errors ?? {}
    return reply.code(options.edit ? 400 : 200).view('assessments/views/actions.njk', {
      pageTitle: t('assessments.actionList.title', { name: entry.name }),
      entry, filter, total: all.length, groups: groupActions(describeActions(shown, user)), counts: actionCounts(all),
      canAnswer: can(user.roles, 'assessment:answer'),
      values: options.edit?.values ?? {}, errors,
      errorList: formErrors(errors, actionEditFieldId).errorList,
      flash: options.flash,
    })
  }

  app.get<{ Params: Params }>('/register/:id/assessments/actions', async (request, reply) => {
    const user = requirePermission(request, 'register:read')
    const entry = await register.get(user, request.params.id)
    const query = request.query as Record<string, unknown>
    const flash = query.done === 'action' ? t('done.action') : query.done === 'actions' ? t('done.actions') : undefined
    return renderActions(reply, user, entry, actionFilter(query), { flash })
  })

  // The actions form: every action's status, owner and due date at once; all saved, or none with field errors.
  app.post<{ Params: Params; Body: Body }>('/register/:id/assessments/actions', async (request, reply) => {
    const user = requirePermission(request, 'assessment:answer')
    const entry = await register.get(user, request.params.id)
    const filter = actionFilter(request.body)
    const result = await assessments.updateActions(user, entry.id, actionEditsFromBody(request.body))
    if (!result.ok) return renderActions(reply, user, entry, filter, { edit: { values: actionEditValues(request.body), errors: result.errors } })
    const query = new URLSearchParams({ ...filter, done: 'actions' })
    return reply.redirect(`/register/${entry.id}/assessments/actions?${query.toString()}`, 303)
  })

  app.get<{ Params: Params }>('/register/:id/assessments/:setId', async (request, reply) => {
    const { user, entry, set } = await load(request, 'register:read')
    const done = (request.query as Record<string, string>).done
    const flash = done && SET_FLASHES.includes(done) ? t(`done.assessment.${done}`) : undefined
    return renderTasks(reply, user, entry, set, { flash })
  })

  /** The section a path names, or 404. */
  const sectionNamed = (set: QuestionSet, id: string): Section => {
    const section = set.sections.find((s) => s.id === id)
    if (!section) throw notFound()
    return section
  }

  app.get<{ Params: SectionParams }>('/register/:id/assessments/:setId/sections/:section', async (request, reply) => {
    const { user, entry, set } = await load(request, 'assessment:answer')
    const section = sectionNamed(set, request.params.section)
    return renderSection(reply, user, entry, set, section, await assessments.prefill(user, entry, set.id))
  })

  // A section's answers are saved as a draft with the rest of the set's answers, then back to the task list.
  app.post<{ Params: SectionParams; Body: Body }>('/register/:id/assessments/:setId/sections/:section', async (request, reply) => {
    const { user, entry, set } = await load(request, 'assessment:answer')
    const section = sectionNamed(set, request.params.section)
    const typed = answersFromBody(request.body)
    const raw = withSection(set, section, await assessments.prefill(user, entry, set.id), typed)
    let result
    try {
      result = await assessments.save(user, entry.id, set.id, raw, 'save', version(request.body))
    } catch (err) {
      if (!(err instanceof StaleAssessmentError)) throw err
      // Keep what this person chose, show the conflict, and carry the stored version so a
      // deliberate second save goes through.
      return renderSection(reply, user, entry, set, section, raw as Answers, { _form: t('assessments.errors.stale') }, 409)
    }
    if (!result.ok) {
      const kept: Answers = { ...result.answers }
      for (const q of section.questions) if (kept[q.id] === undefined) kept[q.id] = raw[q.id] as Answers[string]
      return renderSection(reply, user, entry, set, section, kept, result.errors, 400)
    }
    return reply.redirect(`${base(entry, set)}?done=section`, 303)
  })

  app.get<{ Params: Params }>('/register/:id/assessments/:setId/check', async (request, reply) => {
    const { user, entry, set } = await load(request, 'register:read')
    return renderCheck(reply, user, entry, set)
  })

  // Submits the set's answers as they stand (the declaration on "check your answers").
  app.post<{ Params: Params; Body: Body }>('/register/:id/assessments/:setId/check', async (request, reply) => {
    const { user, entry, set } = await load(request, 'assessment:answer')
    const raw = await assessments.prefill(user, entry, set.id)
    let result
    try {
      result = await assessments.save(user, entry.id, set.id, raw, 'submit', version(request.body))
    } catch (err) {
      if (!(err instanceof StaleAssessmentError)) throw err
      return renderCheck(reply, user, entry, set, { _form: t('assessments.errors.staleCheck') }, 409)
    }
    if (!result.ok) return renderCheck(reply, user, entry, set, result.errors, 400)
    return reply.redirect(`${base(entry, set)}?done=submitted`, 303)
  })

  /** The whole set in one post (every section's fields): as a draft or submitted. */
  const save = async (request: FastifyRequest<{ Params: Params; Body: Body }>, reply: FastifyReply, setId: string, backToEntry = false) => {
    const user = requirePermission(request, 'assessment:answer')
    const entry = await register.get(user, request.params.id)
    const set = assessments.setNamed(setId, user)
    const intent = request.body.intent === 'save' ? 'save' : 'submit'
    const raw = withShownCleared(set, answersFromBody(request.body), request.body.shown)
    let result
    try {
      result = await assessments.save(user, entry.id, set.id, raw, intent, version(request.body))
    } catch (err) {
      if (!(err instanceof StaleAssessmentError)) throw err
      return renderSection(reply, user, entry, set, null, raw as Answers, { _form: t('assessments.errors.stale') }, 409)
    }
    if (!result.ok) {
      const kept: Answers = { ...result.answers }
      for (const [id, v] of Object.entries(raw)) if (kept[id] === undefined) kept[id] = v as Answers[string]
      return renderSection(reply, user, entry, set, null, kept, result.errors, 400)
    }
    if (backToEntry) {
      return reply.redirect(`/register/${entry.id}?done=screened#screening`, 303)
    }
    return reply.redirect(`${base(entry, set)}?done=${intent === 'submit' ? 'submitted' : 'saved'}`, 303)
  }

  app.post<{ Params: Params; Body: Body }>('/register/:id/assessments/:setId', (request, reply) => save(request, reply, request.params.setId))

  // The screening linked from every entry page: its task list.
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
      return renderTasks(reply, user, entry, set, { errors: { _signoff: t(err.reason) }, status: 409 })
    }
    return reply.redirect(`${base(entry, set)}?done=signedOff`, 303)
  })

  app.post<{ Params: Params; Body: Body }>('/register/:id/assessments/:setId/return', async (request, reply) => {
    const { user, entry, set } = await load(request, 'assessment:signoff')
    const comment = z.string().trim().min(1).max(5000).safeParse(request.body.comment)
    if (!comment.success) return renderTasks(reply, user, entry, set, { errors: { comment: t('assessments.errors.comment') }, status: 400 })
    try {
      await assessments.returnToAuthor(user, entry.id, set.id, comment.data)
    } catch (err) {
      if (!(err instanceof AssessmentRefused)) throw err
      return renderTasks(reply, user, entry, set, { errors: { _signoff: t(err.reason) }, status: 409 })
    }
    return reply.redirect(`${base(entry, set)}?done=returned`, 303)
  })

  app.get<{ Params: Params }>('/register/:id/assessments/:setId/history', async (request, reply) => {
    const { user, entry, set } = await load(request, 'register:read')
    return reply.view('assessments/views/history.njk', {
      pageTitle: t('assessments.history.title', { set: set.title }),
      entry, set, versions: await assessments.history(user, entry.id, set.id), statusColours: STATUS_COLOURS,
    })
  })

  /** One action's page: what it asks, every framework that requires it, and its status, owner and due date. */
  const renderAction = async (reply: FastifyReply, user: CurrentUser, entry: RegisterEntry, actionId: string, actionForm?: ActionForm) => {
    const action = (await assessments.actionsFor(user, entry.id)).find((a) => a.id === actionId)
    if (!action) throw notFound()
    const [described] = describeActions([action], user)
    return reply.code(actionForm ? 400 : 200).view('assessments/views/action.njk', {
      pageTitle: t('assessments.actionPage.title', { name: entry.name }),
      entry, action: described, actionForm,
      canAnswer: can(user.roles, 'assessment:answer'),
      errorList: actionForm ? formErrors(actionForm.errors, (f) => actionFieldId(actionForm.id, f)).errorList : [],
    })
  }

  app.get<{ Params: { id: string; actionId: string } }>('/register/:id/actions/:actionId', async (request, reply) => {
    const user = requirePermission(request, 'register:read')
    const entry = await register.get(user, request.params.id)
    return renderAction(reply, user, entry, request.params.actionId)
  })

  app.post<{ Params: { id: string; actionId: string }; Body: Body }>('/register/:id/actions/:actionId', async (request, reply) => {
    const user = requirePermission(request, 'assessment:answer')
    const entry = await register.get(user, request.params.id)
    const { actionId } = request.params
    if (!isUuid(actionId)) throw notFound()
    const parsed = parseWith(actionInput, actionFromBody(request.body))
    if (!parsed.ok) {
      // The action's page again, with what was typed and a message on each field that needs it.
      return renderAction(reply, user, entry, actionId, actionFormFor(actionId, request.body, parsed.errors))
    }
    const result = await assessments.updateAction(user, entry.id, actionId, parsed.data)
    if (!result.ok) {
      // The service's own checks (an owner before done, where the set needs one), on this form's fields.
      const fields = Object.fromEntries(Object.entries(result.errors).map(([k, v]) => [k.slice(k.lastIndexOf('.') + 1), v]))
      return renderAction(reply, user, entry, actionId, { id: actionId, values: actionValuesFromBody(request.body), errors: fields })
    }
    return reply.redirect(`/register/${entry.id}/assessments/actions?done=action#action-${actionId}`, 303)
  })
}

/**
 * A form says which questions it showed (`shown`, one per question): a shown question the post
 * leaves out (every box unticked sends nothing) is cleared, not kept. Questions it did not show,
 * and ids the set does not ask, are left alone.
 */
function withShownCleared(set: QuestionSet, raw: Record<string, unknown>, shown: unknown): Record<string, unknown> {
  const ids = new Set(allQuestions(set).map((q) => q.id))
  for (const id of Array.isArray(shown) ? shown : [shown]) {
    if (typeof id === 'string' && ids.has(id) && !Object.hasOwn(raw, id)) raw[id] = ''
  }
  return raw
}

function actionFormFor(id: string, body: Body, errors: FormErrors): ActionForm {
  return { id, values: actionValuesFromBody(body), errors: errors.fields }
}
