import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { requirePermission } from '../../platform/http/auth.ts'
import { HttpError } from '../../platform/http/errors.ts'
import { errorResponses } from '../../platform/http/openapi.ts'
import { t } from '../../platform/i18n/i18n.ts'
import type { Services } from '../../services.ts'
import { entrySchema, entryUpdate, listFilters, newEntryInput } from './model.ts'
import { StaleEntryError } from './service.ts'

const idParams = z.object({ id: z.uuid().describe('The entry id') })

/** JSON API for the register: same services and permissions as the web pages; the schemas are the description. */
export function registerApi(scope: FastifyInstance, services: Services): void {
  const app = scope.withTypeProvider<ZodTypeProvider>()
  const { register } = services

  app.get('/api/v1/entries', {
    schema: {
      summary: 'List register entries', tags: ['register'],
      querystring: listFilters,
      response: {
        200: z.object({ entries: z.array(entrySchema), total: z.number().int(), page: z.number().int(), perPage: z.number().int() }),
        ...errorResponses({ 400: 'A filter is invalid; `fields` names it', 401: 'Not signed in' }),
      },
    },
  }, async (request) => {
    const user = requirePermission(request, 'register:read')
    const filters = request.query
    const { entries, total } = await register.list(user, filters)
    return { entries, total, page: filters.page, perPage: filters.perPage }
  })

  app.get('/api/v1/entries/:id', {
    schema: {
      summary: 'One register entry', tags: ['register'], params: idParams,
      response: { 200: entrySchema, ...errorResponses({ 401: 'Not signed in', 404: 'No such entry in your organisation' }) },
    },
  }, async (request) => {
    const user = requirePermission(request, 'register:read')
    return register.get(user, request.params.id)
  })

  app.post('/api/v1/entries', {
    schema: {
      summary: 'Create a register entry', tags: ['register'], body: newEntryInput,
      response: {
        201: entrySchema,
        ...errorResponses({ 400: 'Invalid fields, each named in `fields`', 401: 'Not signed in', 403: 'Your role or token may not create entries' }),
      },
    },
  }, async (request, reply) => {
    const user = requirePermission(request, 'register:write')
    const entry = await register.create(user, request.body)
    return reply.code(201).header('location', `/api/v1/entries/${entry.id}`).send(entry)
  })

  app.patch('/api/v1/entries/:id', {
    schema: {
      summary: 'Update a register entry', tags: ['register'], params: idParams, body: entryUpdate,
      response: {
        200: entrySchema,
        409: z.object({ error: z.string(), current: entrySchema }).describe('Someone else changed the entry since `version`; `current` holds it now'),
        ...errorResponses({ 400: 'Invalid fields', 401: 'Not signed in', 403: 'Your role or token may not change entries', 404: 'No such entry in your organisation' }),
      },
    },
  }, async (request, reply) => {
    const user = requirePermission(request, 'register:write')
    try {
      return await register.update(user, request.params.id, request.body)
    } catch (err) {
      if (err instanceof StaleEntryError) {
        return reply.code(409).send({ error: t('register.errors.stale'), current: err.current })
      }
      throw err
    }
  })

  // Anything else under /api/v1 is JSON 404, never an HTML page.
  app.all('/api/v1/*', { schema: { hide: true } }, async () => {
    throw new HttpError(404, 'error.notFound')
  })
}
