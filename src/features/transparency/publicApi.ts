import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { HttpError, ValidationError } from '../../platform/http/errors.ts'
import { errorResponses } from '../../platform/http/openapi.ts'
import type { Services } from '../../services.ts'
import { ORGANISATION_SLUG } from '../organisations/model.ts'
import { recordToJson } from './atrs.ts'
import { PAGE_SIZE, publicQuerySchema, queryString, readPublicFilters } from './publicSearch.ts'

/** A record's slug as drafting makes them (slugify): lower-case words joined by hyphens. */
const RECORD_SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/

/** One published record in the ATRS keys of the downloads (the standard's fields after the metadata). */
const publicRecord = z.looseObject({
  id: z.string().describe('Stable public id, "<organisation>/<record>"; also the record\'s address under /api/public/v1/records/'),
  standard_version: z.string(),
  date_updated: z.string().describe('YYYY-MM-DD: when this version was published'),
  version: z.number().int().describe('The published version, from 1'),
}).describe('A published record: metadata, then every field of the standard by its ATRS key').meta({ id: 'PublicRecord' })

const link = z.string().describe('A path on this server')

const recordsPage = z.object({
  items: z.array(publicRecord),
  total: z.number().int().describe('Records matching the search and filters'),
  page: z.number().int(),
  pages: z.number().int(),
  perPage: z.number().int(),
  links: z.object({ self: link, first: link, last: link, prev: link.optional(), next: link.optional() }),
})

const organisationSchema = z.object({
  slug: z.string(),
  name: z.string(),
  organisationType: z.string().nullable(),
  nation: z.string().nullable(),
  region: z.string().nullable(),
  records: z.number().int().describe('How many records it has published'),
  lastPublishedAt: z.string().describe('ISO timestamp of its latest publication'),
  links: z.object({ page: link, records: link }),
}).meta({ id: 'PublicOrganisation' })

const recordParams = z.object({
  org: z.string().max(100).describe('The organisation\'s slug'),
  slug: z.string().max(100).describe('The record\'s slug'),
})

/**
 * The public register as JSON: no sign-in, no cookie, the same answer for everyone (cached like
 * the pages until the next publish), CORS open. The query is the same as /public's.
 */
export function publicApi(scope: FastifyInstance, services: Services): void {
  const app = scope.withTypeProvider<ZodTypeProvider>()
  const index = services.transparency.publicIndex
  const cors = { 'access-control-allow-origin': '*' }

  app.get('/api/public/v1/records', {
    config: { publicCache: 'page' },
    // Checked again below, so a refusal names each field in the register's own words.
    attachValidation: true,
    schema: {
      summary: 'Search the published records', tags: ['public register'], security: [],
      description: `Ranked full-text search and filters over every published record (the latest version of each), ${PAGE_SIZE} per page. ` +
        'Repeat a filter for any of several values. The same query string gives the same set as /public and its downloads ' +
        '(/public/records.csv and /public/records.json, streamed).',
      querystring: publicQuerySchema,
      response: { 200: recordsPage, ...errorResponses({ 400: 'The search or a filter is malformed; `fields` names it' }) },
    },
  }, async (request, reply) => {
    // request.query is the schema's output when it passed (reading it again changes nothing), the raw query when not.
    const { filters, sort, page, errors } = readPublicFilters(request.query)
    if (Object.keys(errors).length) throw new ValidationError(errors)
    const result = await index.recordsPage(filters, sort, page)
    const at = (n: number) => {
      const qs = queryString(filters, { sort, page: n })
      return qs ? `/api/public/v1/records?${qs}` : '/api/public/v1/records'
    }
    reply.headers(cors)
    return {
      items: result.records.map((r) => recordToJson(r) as z.input<typeof publicRecord>),
      total: result.total, page: result.page, pages: result.pages, perPage: PAGE_SIZE,
      links: {
        self: at(result.page), first: at(1), last: at(result.pages),
        ...(result.page > 1 ? { prev: at(result.page - 1) } : {}),
        ...(result.page < result.pages ? { next: at(result.page + 1) } : {}),
      },
    }
  })

  app.get('/api/public/v1/records/:org/:slug', {
    config: { publicCache: 'page' },
    schema: {
      summary: 'One published record (its latest version)', tags: ['public register'], security: [], params: recordParams,
      response: { 200: publicRecord, ...errorResponses({ 404: 'No published record has this id' }) },
    },
  }, async (request, reply) => {
    const { org, slug } = request.params
    if (!ORGANISATION_SLUG.test(org) || !RECORD_SLUG.test(slug)) throw new HttpError(404, 'publicList.api.notFound')
    const row = await index.record(org, slug)
    if (!row) throw new HttpError(404, 'publicList.api.notFound')
    reply.headers(cors)
    return recordToJson(row) as z.input<typeof publicRecord>
  })

  app.get('/api/public/v1/organisations', {
    config: { publicCache: 'page' },
    schema: {
      summary: 'Organisations that have published records', tags: ['public register'], security: [],
      response: { 200: z.object({ organisations: z.array(organisationSchema) }) },
    },
  }, async (_request, reply) => {
    const list = await index.organisations()
    reply.headers(cors)
    return {
      organisations: list.map((o) => ({
        slug: o.slug, name: o.name, organisationType: o.organisationType, nation: o.nation, region: o.region, records: o.records,
        lastPublishedAt: o.lastPublishedAt.toISOString(),
        links: { page: `/public/${o.slug}`, records: `/api/public/v1/records?organisation=${o.slug}` },
      })),
    }
  })
}
