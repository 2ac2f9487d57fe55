import type { FastifyInstance, FastifyReply } from 'fastify'
import type { CurrentUser } from '../../platform/auth/store.ts'
import { requirePermission } from '../../platform/http/auth.ts'
import { formErrors } from '../../platform/http/forms.ts'
import { t } from '../../platform/i18n/i18n.ts'
import type { Services } from '../../services.ts'
import type { RegisterEntry } from '../register/model.ts'
import type { Answers } from './engine.ts'
import { allQuestions } from './questionSet.ts'

type Params = { id: string }

/** Form fields are named q_<question id>, so no answer can collide with _csrf. */
const FIELD_PREFIX = 'q_'

function answersFromBody(body: Record<string, unknown>): Record<string, unknown> {
  const raw: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(body)) if (k.startsWith(FIELD_PREFIX)) raw[k.slice(FIELD_PREFIX.length)] = v
  return raw
}

export function screeningRoutes(app: FastifyInstance, services: Services): void {
  const { register, assessments } = services

  const render = (reply: FastifyReply, _user: CurrentUser, entry: RegisterEntry, answers: Answers, errors: Record<string, string> = {}) => {
    const set = assessments.screeningSet()
    const translated = Object.fromEntries(Object.entries(errors).map(([k, v]) => [k, t(v)]))
    const summary = formErrors(translated, (id) => fieldId(set, id))
    return reply.view('assessments/views/screening.njk', {
      pageTitle: t('screening.title', { name: entry.name }),
      entry,
      set,
      answers,
      errors: translated,
      errorList: summary.errorList,
      prefix: FIELD_PREFIX,
    })
  }

  app.get<{ Params: Params }>('/register/:id/screening', async (request, reply) => {
    const user = requirePermission(request, 'screening:answer')
    const entry = await register.get(user, request.params.id)
    return render(reply, user, entry, await assessments.prefill(user, entry))
  })

  app.post<{ Params: Params; Body: Record<string, unknown> }>('/register/:id/screening', async (request, reply) => {
    const user = requirePermission(request, 'screening:answer')
    const entry = await register.get(user, request.params.id)
    const result = await assessments.saveScreening(user, entry.id, answersFromBody(request.body))
    if (!result.ok) {
      reply.code(400)
      // Keep what was typed, including answers the parser could not accept.
      const kept: Answers = { ...result.answers }
      for (const [id, v] of Object.entries(answersFromBody(request.body))) {
        if (kept[id] === undefined && (typeof v === 'string' || Array.isArray(v))) kept[id] = v as string | string[]
      }
      return render(reply, user, entry, kept, result.errors)
    }
    return reply.redirect(`/register/${entry.id}?done=screened#screening`, 303)
  })
}

/** Radios and checkboxes give their first input the bare idPrefix, so every kind links to prefix + id. */
function fieldId(set: ReturnType<Services['assessments']['screeningSet']>, questionId: string): string {
  return allQuestions(set).some((x) => x.id === questionId) ? `${FIELD_PREFIX}${questionId}` : 'main-content'
}
