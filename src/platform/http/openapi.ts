import swagger from '@fastify/swagger'
import type { FastifyInstance } from 'fastify'
import { hasZodFastifySchemaValidationErrors, jsonSchemaTransform, jsonSchemaTransformObject, validatorCompiler } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { t } from '../i18n/i18n.ts'

/**
 * The API description is generated from the routes themselves: each feature's API routes carry
 * zod schemas (params, query, body, responses), which Fastify uses to validate requests and
 * @fastify/swagger turns into OpenAPI. The platform knows no feature: it only sets the
 * generator up and serves what the routes describe (docs/decisions/0006-openapi-from-routes.md).
 */

/** The body of every API error: a sentence, and for invalid input each wrong field. */
export const apiError = z.object({
  error: z.string(),
  fields: z.record(z.string(), z.string()).optional().describe('Field name → what is wrong with it'),
}).meta({ id: 'Error' })

/** Error responses for a route's `response` map, each described in words. */
export function errorResponses(described: Partial<Record<400 | 401 | 403 | 404 | 409 | 415, string>>) {
  return Object.fromEntries(Object.entries(described).map(([status, description]) => [status, apiError.describe(description)]))
}

export async function setUpOpenApi(app: FastifyInstance, info: { title: string; version: string; description: string }): Promise<void> {
  app.setValidatorCompiler(validatorCompiler)
  // Response schemas document the API and type-check each handler's return value against it;
  // answers are serialised as plain JSON.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data))
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info,
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'A personal API token (aigov_…) made on the Account page' },
          session: { type: 'apiKey', in: 'cookie', name: 'aigov_session', description: 'A signed-in session; changes also need the x-csrf-token header' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    // Only the versioned API belongs in the document; pages, assets and this route do not.
    transform: (input) =>
      input.url.startsWith('/api/v1/') || input.url.startsWith('/api/public/v1/')
        ? jsonSchemaTransform(input)
        : { schema: { ...(input.schema ?? {}), hide: true }, url: input.url },
    // Schemas with a .meta({ id }) become components that the paths refer to.
    transformObject: jsonSchemaTransformObject,
  })
  app.get('/api/openapi.json', async () => app.swagger())
}

/** A request that failed its route's zod schema, as field → message (schemas carry message keys). */
export function schemaValidationFields(error: unknown): Record<string, string> | null {
  if (!hasZodFastifySchemaValidationErrors(error)) return null
  const fields: Record<string, string> = {}
  for (const v of error.validation) {
    const issue = v.params.issue as { path?: PropertyKey[] } | undefined
    const path = v.instancePath.replace(/^\//, '').replaceAll('/', '.')
    const name = path || issue?.path?.map(String).join('.') || '_body'
    fields[name] ??= t(v.message ?? 'error.validation')
  }
  return fields
}
