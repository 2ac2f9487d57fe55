import type { FastifyInstance, FastifyReply } from 'fastify'
import { z } from 'zod'
import { requirePermission } from '../../platform/http/auth.ts'
import { type FormErrors, formErrors, formValue, parseWith } from '../../platform/http/forms.ts'
import { t } from '../../platform/i18n/i18n.ts'
import type { Services } from '../../services.ts'
import type { CurrentUser } from '../../platform/auth/store.ts'
import { can } from '../../platform/auth/permissions.ts'
import { dateFromParts } from '../../platform/http/forms.ts'
import type { RegisterEntry } from '../register/model.ts'
import { DECISION_OUTCOMES, decisionInput } from './model.ts'
import { DecisionRefused, SeparationRefused } from './service.ts'

type Params = { id: string }
type Body = Record<string, unknown>

function decisionFromForm(body: Body) {
  const conditions = (typeof body.conditions === 'string' ? body.conditions : '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
  return {
    outcome: formValue.text(body.outcome),
    rationale: formValue.text(body.rationale),
    reviewDate: dateFromParts(body, 'reviewDate'),
    conditions,
    // Ticked open actions come as one value or several; anything else is refused by the schema.
    acceptedActions: body.acceptedActions === undefined ? [] : typeof body.acceptedActions === 'string' ? [body.acceptedActions] : body.acceptedActions,
    acceptanceReason: formValue.text(body.acceptanceReason),
  }
}

/** The ticked open actions, to tick them again when the form comes back. */
function tickedActions(body: Body): string[] {
  const v = body.acceptedActions
  return typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []
}

/** The input an error links to: the date's first box; the open-actions checkboxes for any of their items. */
const decisionFieldId = (f: string) => (f === 'reviewDate' ? 'reviewDate-day' : f)

/** One message per field, an item of the open-actions list reported on the list. */
function decisionFields(fields: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [f, message] of Object.entries(fields)) out[f.startsWith('acceptedActions') ? 'acceptedActions' : f] ??= message
  return out
}

export function boardRoutes(app: FastifyInstance, services: Services): void {
  const { register, board } = services

  register.extensions.entryPanels.add({
    id: 'decisions',
    order: 20,
    template: 'board/views/_decisions.njk',
    load: async (user, entry) => {
      const canDecide = can(user.roles, 'decision:record')
      return {
        decisions: await board.decisionsFor(user, entry.id),
        canDecide,
        // Separation of duties: whether this board member may decide / close conditions here.
        separation: canDecide ? await board.separationFor(user, entry) : null,
      }
    },
  })

  const render = async (reply: FastifyReply, user: CurrentUser, entry: RegisterEntry, values: Body, errors?: FormErrors) =>
    reply.view('board/views/decide.njk', {
      pageTitle: t('board.decide.title', { name: entry.name }),
      entry,
      values,
      outcomes: DECISION_OUTCOMES,
      separation: (await board.separationFor(user, entry)).decide,
      openActions: await board.openMustActions(user, entry.id),
      ticked: tickedActions(values),
      errors: errors?.fields ?? {},
      errorList: errors?.errorList ?? [],
    })

  app.get<{ Params: Params }>('/register/:id/decision', async (request, reply) => {
    const user = requirePermission(request, 'decision:record')
    const entry = await register.get(user, request.params.id)
    return render(reply, user, entry, {})
  })

  app.post<{ Params: Params; Body: Body }>('/register/:id/decision', async (request, reply) => {
    const user = requirePermission(request, 'decision:record')
    const entry = await register.get(user, request.params.id)
    const parsed = parseWith(decisionInput, decisionFromForm(request.body))
    if (!parsed.ok) {
      reply.code(400)
      return render(reply, user, entry, request.body, formErrors(decisionFields(parsed.errors.fields), decisionFieldId))
    }
    try {
      await board.record(user, entry.id, parsed.data)
    } catch (err) {
      if (err instanceof SeparationRefused) {
        reply.code(409)
        return render(reply, user, entry, request.body, formErrors({ _form: t(err.reason) }, () => 'separation'))
      }
      if (!(err instanceof DecisionRefused)) throw err
      reply.code(409)
      return render(reply, user, entry, request.body, formErrors({ [err.field]: t(err.reason) }, decisionFieldId))
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
      try {
        await board.closeCondition(user, entry.id, request.params.conditionId, status.data)
      } catch (err) {
        if (!(err instanceof SeparationRefused)) throw err
        // The entry page says why (the panel shows the same sentence in place of the buttons).
        return reply.code(409).view('board/views/refused.njk', {
          pageTitle: t('board.separation.title'), entry, reason: t(err.reason),
        })
      }
      return reply.redirect(`/register/${entry.id}?done=condition#decisions`, 303)
    },
  )
}
