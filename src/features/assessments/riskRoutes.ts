import type { FastifyInstance, FastifyReply } from 'fastify'
import { requirePermission } from '../../platform/http/auth.ts'
import { type FormErrors, formErrors, formValue, parseWith } from '../../platform/http/forms.ts'
import { t } from '../../platform/i18n/i18n.ts'
import type { Services } from '../../services.ts'
import { dateFromParts } from '../../platform/http/forms.ts'
import type { RegisterEntry } from '../register/model.ts'
import { RISK_CATEGORIES, riskInput } from './risks.ts'

type Params = { id: string }
type Body = Record<string, unknown>

export function riskRoutes(app: FastifyInstance, services: Services): void {
  const { register, risks } = services

  const render = (reply: FastifyReply, entry: RegisterEntry, values: Body, errors?: FormErrors) =>
    reply.view('assessments/views/risk-new.njk', {
      pageTitle: t('risks.new.title', { name: entry.name }),
      entry, values, categories: RISK_CATEGORIES,
      errors: errors?.fields ?? {}, errorList: errors?.errorList ?? [],
    })

  app.get<{ Params: Params }>('/register/:id/risks/new', async (request, reply) => {
    const user = requirePermission(request, 'risk:write')
    return render(reply, await register.get(user, request.params.id), {})
  })

  app.post<{ Params: Params; Body: Body }>('/register/:id/risks', async (request, reply) => {
    const user = requirePermission(request, 'risk:write')
    const entry = await register.get(user, request.params.id)
    const b = request.body
    const parsed = parseWith(riskInput, {
      category: formValue.text(b.category),
      description: formValue.text(b.description),
      likelihood: formValue.text(b.likelihood),
      impact: formValue.text(b.impact),
      residualLikelihood: formValue.text(b.residualLikelihood),
      residualImpact: formValue.text(b.residualImpact),
      owner: formValue.text(b.owner),
      mitigation: formValue.text(b.mitigation),
      reviewDate: dateFromParts(b, 'reviewDate'),
    })
    if (!parsed.ok) {
      reply.code(400)
      return render(reply, entry, b, formErrors(parsed.errors.fields, (f) => (f === 'reviewDate' ? 'reviewDate-day' : f)))
    }
    await risks.add(user, entry.id, parsed.data)
    return reply.redirect(`/register/${entry.id}/assessments#risks`, 303)
  })

  app.post<{ Params: Params & { riskId: string } }>('/register/:id/risks/:riskId/delete', async (request, reply) => {
    const user = requirePermission(request, 'risk:write')
    const entry = await register.get(user, request.params.id)
    await risks.remove(user, entry.id, request.params.riskId)
    return reply.redirect(`/register/${entry.id}/assessments#risks`, 303)
  })
}
