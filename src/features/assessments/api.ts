import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { requirePermission } from '../../platform/http/auth.ts'
import { ValidationError } from '../../platform/http/errors.ts'
import { t } from '../../platform/i18n/i18n.ts'
import type { Services } from '../../services.ts'
import { StaleAssessmentError } from './service.ts'

const putBody = z.object({
  answers: z.record(z.string(), z.unknown(), { error: 'assessments.errors.answersObject' }),
  submit: z.boolean().default(false),
  /** Optional: the assessment version the answers were based on; a stale one gets 409. */
  version: z.number().int().min(0).optional(),
})

/** JSON API for assessments: the same service, permissions and checks as the pages. */
export function assessmentApi(app: FastifyInstance, services: Services): void {
  const { register, assessments } = services

  app.get<{ Params: { id: string } }>('/api/v1/entries/:id/assessments', async (request) => {
    const user = requirePermission(request, 'register:read')
    const entry = await register.get(user, request.params.id)
    const stored = await assessments.all(user, entry.id)
    return {
      riskTier: entry.riskTier,
      assessments: stored.map((a) => ({ set: a.setId, setVersion: a.setVersion, status: a.status, outcome: a.outcome, updatedAt: a.updatedAt })),
    }
  })

  app.get<{ Params: { id: string; setId: string } }>('/api/v1/entries/:id/assessments/:setId', async (request) => {
    const user = requirePermission(request, 'register:read')
    const entry = await register.get(user, request.params.id)
    const set = assessments.setNamed(request.params.setId)
    const a = await assessments.assessmentFor(user, entry.id, set.id)
    return {
      set: set.id, setVersion: a?.setVersion ?? set.version, status: a?.status ?? 'not_started', version: a?.version ?? 0,
      answers: await assessments.prefill(user, entry, set.id), outcome: a?.outcome ?? null,
    }
  })

  app.put<{ Params: { id: string; setId: string } }>('/api/v1/entries/:id/assessments/:setId', async (request, reply) => {
    const user = requirePermission(request, 'assessment:answer')
    const entry = await register.get(user, request.params.id)
    const set = assessments.setNamed(request.params.setId)
    const body = putBody.safeParse(request.body ?? {})
    if (!body.success) throw new ValidationError({ answers: t('assessments.errors.answersObject') })
    // The API merges: questions the request leaves out keep the answers the entry already has.
    const merged = { ...(await assessments.prefill(user, entry, set.id)), ...body.data.answers }
    let result
    try {
      result = await assessments.save(user, entry.id, set.id, merged, body.data.submit ? 'submit' : 'save', body.data.version)
    } catch (err) {
      if (err instanceof StaleAssessmentError) {
        return reply.code(409).send({ error: t('assessments.errors.stale'), version: err.version })
      }
      throw err
    }
    if (!result.ok) throw new ValidationError(Object.fromEntries(Object.entries(result.errors).map(([k, v]) => [k, t(v)])))
    return { set: set.id, setVersion: set.version, status: result.status, outcome: result.outcome }
  })
}
