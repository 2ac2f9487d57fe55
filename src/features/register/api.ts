import type { FastifyInstance } from 'fastify'
import { requirePermission } from '../../platform/http/auth.ts'
import { HttpError, ValidationError } from '../../platform/http/errors.ts'
import { issuesToFields } from '../../platform/http/forms.ts'
import { t } from '../../platform/i18n/i18n.ts'
import type { Services } from '../../services.ts'
import { entryUpdate, listFilters, newEntryInput } from './model.ts'
import { StaleEntryError } from './service.ts'
import type { z } from 'zod'

function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input ?? {})
  if (!result.success) throw new ValidationError(issuesToFields(result.error.issues))
  return result.data
}

/** JSON API for the register: same services and permissions as the web pages. */
export function registerApi(app: FastifyInstance, services: Services): void {
  const { register } = services

  app.get('/api/v1/entries', async (request) => {
    const user = requirePermission(request, 'register:read')
    const filters = parseOrThrow(listFilters, request.query)
    const { entries, total } = await register.list(user, filters)
    return { entries, total, page: filters.page, perPage: filters.perPage }
  })

  app.get<{ Params: { id: string } }>('/api/v1/entries/:id', async (request) => {
    const user = requirePermission(request, 'register:read')
    return register.get(user, request.params.id)
  })

  app.post('/api/v1/entries', async (request, reply) => {
    const user = requirePermission(request, 'register:write')
    const entry = await register.create(user, parseOrThrow(newEntryInput, request.body))
    return reply.code(201).header('location', `/api/v1/entries/${entry.id}`).send(entry)
  })

  app.patch<{ Params: { id: string } }>('/api/v1/entries/:id', async (request, reply) => {
    const user = requirePermission(request, 'register:write')
    const update = parseOrThrow(entryUpdate, request.body)
    try {
      return await register.update(user, request.params.id, update)
    } catch (err) {
      if (err instanceof StaleEntryError) {
        return reply.code(409).send({ error: t('register.errors.stale'), current: err.current })
      }
      throw err
    }
  })

  // Anything else under /api/v1 is JSON 404, never an HTML page.
  app.all('/api/v1/*', async () => {
    throw new HttpError(404, 'error.notFound')
  })
}
