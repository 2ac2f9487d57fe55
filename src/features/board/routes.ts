import type { FastifyInstance, FastifyReply } from 'fastify'
import { z } from 'zod'
import { requirePermission } from '../../platform/http/auth.ts'
import { type FormErrors, formErrors, formValue, parseWith } from '../../platform/http/forms.ts'
import { t } from '../../platform/i18n/i18n.ts'
import type { Services } from '../../services.ts'
import { can } from '../../platform/auth/permissions.ts'
import { dateFromParts } from '../../platform/http/forms.ts'
import type { RegisterEntry } from '../register/model.ts'
import { DECISION_OUTCOMES, decisionInput } from './model.ts'
import { DecisionRefused } from './service.ts'

type Params = { id: string }
type Body = Record<string, unknown>

function decisionFromForm(body: Body) {
  const conditions = String(body.conditions ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
  return {
    outcome: formValue.text(body.outcome),
    rationale: formValue.text(body.rationale),
    reviewDate: dateFromParts(body, 'reviewDate'),
    conditions,
  }
}

export function boardRoutes(app: FastifyInstance, services: Services): void {
  const { register, board } = services

  register.extensions.entryPanels.add({
    id: 'decisions',
    order: 20,
    template: 'board/views/_decisions.njk',
    load: async (user, entry) => ({ decisions: await board.decisionsFor(user, entry.id), canDecide: can(user.roles, 'decision:record') }),
  })

  const render = (reply: FastifyReply, entry: RegisterEntry, values: Body, errors?: FormErrors) =>
    reply.view('board/views/decide.njk', {
      pageTitle: t('board.decide.title', { name: entry.name }),
      entry,
      values,
      outcomes: DECISION_OUTCOMES,
      errors: errors?.fields ?? {},
      errorList: errors?.errorList ?? [],
    })

  app.get<{ Params: Params }>('/register/:id/decision', async (request, reply) => {
    const user = requirePermission(request, 'decision:record')
    const entry = await register.get(user, request.params.id)
    return render(reply, entry, {})
  })

  app.post<{ Params: Params; Body: Body }>('/register/:id/decision', async (request, reply) => {
    const user = requirePermission(request, 'decision:record')
    const entry = await register.get(user, request.params.id)
    const parsed = parseWith(decisionInput, decisionFromForm(request.body))
    if (!parsed.ok) {
      reply.code(400)
      return render(reply, entry, request.body, formErrors(parsed.errors.fields, (f) => (f === 'reviewDate' ? 'reviewDate-day' : f)))
    }
    try {
      await board.record(user, entry.id, parsed.data)
    } catch (err) {
      if (!(err instanceof DecisionRefused)) throw err
      reply.code(409)
      return render(reply, entry, request.body, formErrors({ outcome: t(err.reason) }))
    }
    return reply.redirect(`/register/${entry.id}?done=decided#decisions`, 303)
  })

  app.post<{ Params: Params & { conditionId: string }; Body: Body }>(
    '/register/:id/conditions/:conditionId',
    async (request, reply) => {
      const user = requirePermission(request, 'decision:record')
      const status = z.enum(['met', 'waived']).safeParse(request.body.status)
      const entry = await register.get(user, request.params.id)
      if (!status.success) return reply.redirect(`/register/${entry.id}#decisions`, 303)
      await board.closeCondition(user, entry.id, request.params.conditionId, status.data)
      return reply.redirect(`/register/${entry.id}?done=condition#decisions`, 303)
    },
  )
}
