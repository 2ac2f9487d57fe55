import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { entryUpdate, newEntryInput, STAGES, RISK_TIERS } from '../../features/register/model.ts'

function schemaOf(s: z.ZodType) {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>
  return rest
}

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
})

/** The OpenAPI description, built from the same zod schemas that check requests. */
export function openApiDocument() {
  const entry = {
    type: 'object',
    properties: {
      id: { type: 'string', format: 'uuid' },
      organisationId: { type: 'string', format: 'uuid' },
      ...((schemaOf(newEntryInput).properties as object) ?? {}),
      stage: { type: 'string', enum: [...STAGES] },
      riskTier: { anyOf: [{ type: 'string', enum: [...RISK_TIERS] }, { type: 'null' }] },
      version: { type: 'integer', description: 'Send this back with an update; a stale version gets 409.' },
      createdAt: { type: 'string', format: 'date-time' },
      updatedAt: { type: 'string', format: 'date-time' },
    },
  }
  const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }
  const setParam = { name: 'setId', in: 'path', required: true, schema: { type: 'string' }, description: 'Question set id, e.g. intake, screening, dpia' }
  const assessment = {
    type: 'object',
    properties: {
      set: { type: 'string' }, setVersion: { type: 'integer' },
      status: { type: 'string', enum: ['not_started', 'draft', 'submitted', 'signed_off', 'returned', 'needs_review'] },
      answers: { type: 'object', additionalProperties: true, description: 'Question id → answer (boolean, string, string[], number or, for a repeating group, an array of objects)' },
      outcome: { description: 'Derived tier, flags and required actions with reasons, or null' },
    },
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'AI Governance Hub API',
      version: '1',
      description:
        'The register of AI uses. Authenticate with a personal API token (Authorization: Bearer …) made on the ' +
        'Account page, or with a signed-in session plus the x-csrf-token header for changes. Another ' +
        "organisation's entries answer 404.",
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, session: { type: 'apiKey', in: 'cookie', name: 'aigov_session' } },
      schemas: {
        Entry: entry,
        NewEntry: schemaOf(newEntryInput),
        EntryUpdate: schemaOf(entryUpdate),
        Error: {
          type: 'object',
          properties: {
            error: { type: 'string' },
            fields: { type: 'object', additionalProperties: { type: 'string' }, description: 'Field name → what is wrong with it' },
          },
          required: ['error'],
        },
      },
    },
    security: [{ bearer: [] }, { session: [] }],
    paths: {
      '/api/v1/entries': {
        get: {
          summary: 'List register entries',
          parameters: [
            { name: 'q', in: 'query', schema: { type: 'string' }, description: 'Full-text search' },
            { name: 'stage', in: 'query', schema: { type: 'string', enum: [...STAGES] } },
            { name: 'serviceArea', in: 'query', schema: { type: 'string' } },
            { name: 'tier', in: 'query', schema: { type: 'string', enum: [...RISK_TIERS, 'unscreened'] } },
          ],
          responses: {
            200: { description: 'Entries', content: { 'application/json': { schema: { type: 'object', properties: { entries: { type: 'array', items: { $ref: '#/components/schemas/Entry' } } } } } } },
            400: errorResponse('A filter is invalid'),
            401: errorResponse('Not signed in'),
          },
        },
        post: {
          summary: 'Create a register entry',
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/NewEntry' } } } },
          responses: {
            201: { description: 'Created', content: { 'application/json': { schema: { $ref: '#/components/schemas/Entry' } } } },
            400: errorResponse('Invalid fields, each named in `fields`'),
            401: errorResponse('Not signed in'),
            403: errorResponse('Your role may not create entries'),
          },
        },
      },
      '/api/v1/entries/{id}/assessments': {
        get: {
          summary: "An entry's assessments and its derived risk tier",
          parameters: [idParam],
          responses: { 200: { description: 'Assessments' }, 401: errorResponse('Not signed in'), 404: errorResponse('No such entry in your organisation') },
        },
      },
      '/api/v1/entries/{id}/assessments/{setId}': {
        get: {
          summary: 'One assessment, with answers prefilled from every other set',
          parameters: [idParam, setParam],
          responses: { 200: { description: 'The assessment', content: { 'application/json': { schema: assessment } } }, 404: errorResponse('No such entry or question set') },
        },
        put: {
          summary: 'Save answers (merged with the answers the entry has), as a draft or submitted',
          parameters: [idParam, setParam],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { type: 'object', required: ['answers'], properties: { answers: { type: 'object', additionalProperties: true }, submit: { type: 'boolean', default: false } } } } },
          },
          responses: {
            200: { description: 'Saved; the outcome', content: { 'application/json': { schema: assessment } } },
            400: errorResponse('Wrong answers, or unanswered required questions when submitting; `fields` names each question'),
            403: errorResponse('Your role may not answer assessments'),
            404: errorResponse('No such entry or question set'),
          },
        },
      },
      '/api/v1/entries/{id}': {
        get: {
          summary: 'One register entry',
          parameters: [idParam],
          responses: {
            200: { description: 'The entry', content: { 'application/json': { schema: { $ref: '#/components/schemas/Entry' } } } },
            401: errorResponse('Not signed in'),
            404: errorResponse('No such entry in your organisation'),
          },
        },
        patch: {
          summary: 'Update a register entry',
          parameters: [idParam],
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/EntryUpdate' } } } },
          responses: {
            200: { description: 'Updated', content: { 'application/json': { schema: { $ref: '#/components/schemas/Entry' } } } },
            400: errorResponse('Invalid fields'),
            401: errorResponse('Not signed in'),
            403: errorResponse('Your role may not change entries'),
            404: errorResponse('No such entry in your organisation'),
            409: errorResponse('Someone else changed the entry since `version`; `current` holds it now'),
          },
        },
      },
    },
  }
}

export function openApiRoutes(app: FastifyInstance): void {
  const doc = openApiDocument()
  app.get('/api/openapi.json', async () => doc)
}
