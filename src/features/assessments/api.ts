import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { requirePermission } from '../../platform/http/auth.ts'
import { ValidationError } from '../../platform/http/errors.ts'
import { errorResponses } from '../../platform/http/openapi.ts'
import { t } from '../../platform/i18n/i18n.ts'
import { RISK_TIERS } from '../register/model.ts'
import type { Services } from '../../services.ts'
import { ACTION_STATUSES } from './model.ts'
import { StaleAssessmentError } from './service.ts'

const STATUSES = ['not_started', 'draft', 'submitted', 'signed_off', 'returned', 'needs_review'] as const

const outcome = z.object({
  tier: z.enum(RISK_TIERS),
  flags: z.array(z.object({ id: z.string(), label: z.string(), reasons: z.array(z.string()) })),
  actions: z.array(z.object({ level: z.enum(['MUST', 'SHOULD', 'COULD']), text: z.string(), reason: z.string(), source: z.string(), ruleId: z.string() })),
  firedRules: z.array(z.object({ id: z.string(), reason: z.string(), source: z.string(), tier: z.enum(RISK_TIERS).optional() })),
}).meta({ id: 'Outcome', description: 'The derived tier, flags and required actions, each with its reason and source' })

const answers = z.record(z.string(), z.unknown(), { error: 'assessments.errors.answersObject' })
  .describe('Question id → answer (boolean, string, string[], number or, for a repeating group, an array of objects)')

const params = z.object({ id: z.uuid().describe('The entry id') })
const setParams = params.extend({ setId: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/).describe('Question set id, e.g. intake, screening, dpia') })

const actionSource = z.object({
  setId: z.string().describe('The question set whose rule asks for the action'),
  ruleId: z.string(), reason: z.string(), source: z.string().describe('The law or guidance the rule cites'),
})
const requiredAction = z.object({
  id: z.uuid(),
  key: z.string().describe('A shared action id (the same action from several frameworks), or <set>.<rule>.<n>'),
  level: z.enum(['MUST', 'SHOULD', 'COULD']),
  text: z.string(),
  sources: z.array(actionSource).describe('Every rule, in every set, that asks for the action now'),
  status: z.enum(ACTION_STATUSES),
  owner: z.string().nullable(),
  dueDate: z.string().nullable().describe('YYYY-MM-DD'),
  ownerRequired: z.boolean().describe('An owner must be named before the action is marked done'),
}).meta({ id: 'RequiredAction', description: 'One required action of an entry, with every framework that asks for it' })

const actionsPatchBody = z.object({
  actions: z.array(z.object({
    id: z.string().describe('The action id'),
    status: z.unknown().describe('open, done or not_applicable'),
    owner: z.unknown().optional().describe('Who does it (needed before done where ownerRequired)'),
    dueDate: z.unknown().optional().describe('YYYY-MM-DD, or null'),
  }), { error: 'assessments.errors.actionsList' }).min(1, 'assessments.errors.actionsList').max(500, 'assessments.errors.actionsList'),
})

const putBody = z.object({
  answers,
  submit: z.boolean({ error: 'assessments.errors.submitFlag' }).default(false),
  version: z.number({ error: 'assessments.errors.versionRequired' }).int('assessments.errors.versionRequired').min(0, 'assessments.errors.versionRequired')
    .describe('The assessment version the answers are based on (0 when there is none yet, from GET); a stale one gets 409'),
})

/** JSON API for assessments: the same service, permissions and checks as the pages. */
export function assessmentApi(scope: FastifyInstance, services: Services): void {
  const app = scope.withTypeProvider<ZodTypeProvider>()
  const { register, assessments } = services

  app.get('/api/v1/entries/:id/assessments', {
    schema: {
      summary: "An entry's assessments and its derived risk tier", tags: ['assessments'], params,
      response: {
        200: z.object({
          riskTier: z.enum(RISK_TIERS).nullable(),
          assessments: z.array(z.object({ set: z.string(), setVersion: z.number().int(), status: z.enum(STATUSES), outcome: outcome.nullable(), updatedAt: z.date() })),
        }),
        ...errorResponses({ 401: 'Not signed in', 404: 'No such entry in your organisation' }),
      },
    },
  }, async (request) => {
    const user = requirePermission(request, 'register:read')
    const entry = await register.get(user, request.params.id)
    const stored = await assessments.all(user, entry.id)
    return {
      riskTier: entry.riskTier,
      assessments: stored.map((a) => ({ set: a.setId, setVersion: a.setVersion, status: a.status, outcome: a.outcome, updatedAt: a.updatedAt })),
    }
  })

  app.get('/api/v1/entries/:id/assessments/:setId', {
    schema: {
      summary: 'One assessment, with answers prefilled from every other set', tags: ['assessments'], params: setParams,
      response: {
        200: z.object({
          set: z.string(), setVersion: z.number().int(), status: z.enum(STATUSES),
          version: z.number().int().describe('Send this back with PUT'), answers, outcome: outcome.nullable(),
        }),
        ...errorResponses({ 401: 'Not signed in', 404: 'No such entry or question set' }),
      },
    },
  }, async (request) => {
    const user = requirePermission(request, 'register:read')
    const entry = await register.get(user, request.params.id)
    const set = assessments.setNamed(request.params.setId, user)
    const a = await assessments.assessmentFor(user, entry.id, set.id)
    return {
      set: set.id, setVersion: a?.setVersion ?? set.version, status: a?.status ?? ('not_started' as const), version: a?.version ?? 0,
      answers: await assessments.prefill(user, entry, set.id), outcome: a?.outcome ?? null,
    }
  })

  app.put('/api/v1/entries/:id/assessments/:setId', {
    schema: {
      summary: 'Save answers (merged with the answers the entry has), as a draft or submitted', tags: ['assessments'],
      params: setParams, body: putBody,
      response: {
        200: z.object({ set: z.string(), setVersion: z.number().int(), status: z.enum(STATUSES), version: z.number().int(), outcome }),
        409: z.object({ error: z.string(), version: z.number().int() }).describe('Someone saved the assessment since `version`; `version` is the one stored now'),
        ...errorResponses({
          400: 'Wrong answers, or unanswered required questions when submitting, or no `version`; `fields` names each',
          401: 'Not signed in', 403: 'Your role or token may not answer assessments', 404: 'No such entry or question set',
        }),
      },
    },
  }, async (request, reply) => {
    const user = requirePermission(request, 'assessment:answer')
    const entry = await register.get(user, request.params.id)
    const set = assessments.setNamed(request.params.setId, user)
    // The API merges: questions the request leaves out keep the answers the entry already has.
    const merged = { ...(await assessments.prefill(user, entry, set.id)), ...request.body.answers }
    let result
    try {
      result = await assessments.save(user, entry.id, set.id, merged, request.body.submit ? 'submit' : 'save', request.body.version)
    } catch (err) {
      if (err instanceof StaleAssessmentError) {
        return reply.code(409).send({ error: t('assessments.errors.stale'), version: err.version })
      }
      throw err
    }
    if (!result.ok) throw new ValidationError(Object.fromEntries(Object.entries(result.errors).map(([k, v]) => [k, t(v)])))
    const saved = await assessments.assessmentFor(user, entry.id, set.id)
    return { set: set.id, setVersion: set.version, status: result.status, version: saved?.version ?? 0, outcome: result.outcome }
  })

  app.get('/api/v1/entries/:id/actions', {
    schema: {
      summary: "An entry's required actions, one per action, each with every framework that asks for it", tags: ['assessments'], params,
      response: {
        200: z.object({ actions: z.array(requiredAction) }),
        ...errorResponses({ 401: 'Not signed in', 404: 'No such entry in your organisation' }),
      },
    },
  }, async (request) => {
    const user = requirePermission(request, 'register:read')
    const entry = await register.get(user, request.params.id)
    return { actions: await assessments.actionsFor(user, entry.id) }
  })

  app.patch('/api/v1/entries/:id/actions', {
    schema: {
      summary: "Change many actions' status, owner and due date at once: all of them, or none", tags: ['assessments'],
      params, body: actionsPatchBody,
      response: {
        200: z.object({ updated: z.number().int(), actions: z.array(requiredAction) }),
        ...errorResponses({
          400: 'A status, owner or due date is wrong, or done without a required owner; `fields` names each as actions[<id>].<field>',
          401: 'Not signed in', 403: 'Your role or token may not change actions', 404: 'No such entry, or an id that is not one of its actions',
        }),
      },
    },
  }, async (request) => {
    const user = requirePermission(request, 'assessment:answer')
    const entry = await register.get(user, request.params.id)
    const result = await assessments.updateActions(user, entry.id, request.body.actions.map((a) => ({
      id: a.id, status: a.status, owner: a.owner ?? null, dueDate: a.dueDate ?? null,
    })))
    if (!result.ok) throw new ValidationError(result.errors)
    return { updated: result.updated, actions: await assessments.actionsFor(user, entry.id) }
  })
}
