import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { notFound } from '../../platform/http/errors.ts'
import { t } from '../../platform/i18n/i18n.ts'
import type { Services } from '../../services.ts'
import { recordsToCsv, recordsToJson } from './atrs.ts'
import { fieldSections } from './routes.ts'

const publicFilters = z.object({
  q: z.string().trim().max(200).optional().catch(undefined).transform((s) => s || undefined),
  organisation: z.string().trim().max(63).optional().catch(undefined).transform((s) => s || undefined),
})

/** The public register: no login, published versions only, every organisation. */
export function publicRoutes(app: FastifyInstance, services: Services): void {
  const { transparency } = services

  app.get('/public', async (request, reply) => {
    const filters = publicFilters.parse(request.query)
    const [records, organisations] = await Promise.all([
      transparency.listPublished(filters),
      transparency.publishingOrganisations(),
    ])
    return reply.view('transparency/views/public-list.njk', {
      pageTitle: t('public.list.title'),
      publicPage: true,
      records,
      filters,
      organisationItems: [
        { value: '', text: t('public.list.allOrganisations') },
        ...organisations.map((o) => ({ value: o.slug, text: o.name, selected: o.slug === filters.organisation })),
      ],
    })
  })

  app.get('/public/records.json', async (_request, reply) => {
    const rows = transparency.toExportRows(await transparency.listPublished())
    return reply.header('access-control-allow-origin', '*').send(recordsToJson(rows))
  })

  app.get('/public/records.csv', async (_request, reply) => {
    const rows = transparency.toExportRows(await transparency.listPublished())
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="atrs-records.csv"')
      .header('access-control-allow-origin', '*')
      .send(recordsToCsv(rows))
  })

  app.get<{ Params: { org: string; slug: string }; Querystring: { version?: string } }>(
    '/public/records/:org/:slug',
    async (request, reply) => {
      const version = request.query.version === undefined ? undefined : Number(request.query.version)
      if (version !== undefined && !(Number.isInteger(version) && version > 0)) throw notFound()
      const found = await transparency.getPublished(request.params.org, request.params.slug, version)
      if (!found) throw notFound()
      return reply.view('transparency/views/public-record.njk', {
        pageTitle: found.record.fields.title || found.record.fields.name,
        publicPage: true,
        ...found,
        sections: fieldSections(),
      })
    },
  )
}
