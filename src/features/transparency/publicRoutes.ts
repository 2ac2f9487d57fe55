import type { FastifyInstance } from 'fastify'
import { notFound } from '../../platform/http/errors.ts'
import { formErrors } from '../../platform/http/forms.ts'
import { t } from '../../platform/i18n/i18n.ts'
import type { Services } from '../../services.ts'
import { ORGANISATION_SLUG } from '../organisations/model.ts'
import { recordsToCsv, recordsToJson } from './atrs.ts'
import { fieldSections } from './routes.ts'

/** The longest search the public register runs (in characters). */
export const SEARCH_MAX = 200

/** A NUL or an unpaired surrogate: text PostgreSQL cannot hold, so nothing can be searched for with it. */
const UNSEARCHABLE_SOURCE = '\\u0000|[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]'
const UNSEARCHABLE = new RegExp(UNSEARCHABLE_SOURCE)
const UNSEARCHABLE_ALL = new RegExp(UNSEARCHABLE_SOURCE, 'g')

/** A record's slug as drafting makes them (slugify): lower-case words joined by hyphens. */
const RECORD_SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/

export interface PublicFilters {
  q?: string
  organisation?: string
}

/**
 * The public register's search and organisation filter, read from any query string a browser or
 * an attacker may send: a search that is too long, not one piece of text or holds characters
 * that cannot be searched for is refused with a message naming the field (never dropped), and
 * what was typed goes back in the box.
 */
export function readPublicFilters(query: unknown): { filters: PublicFilters; typed: { q: string; organisation: string }; errors: Record<string, string> } {
  const raw = (query !== null && typeof query === 'object' ? query : {}) as Record<string, unknown>
  const errors: Record<string, string> = {}
  const filters: PublicFilters = {}
  const typed = { q: '', organisation: '' }

  const q = raw.q
  if (q !== undefined) {
    if (typeof q !== 'string') {
      errors.q = t('public.errors.searchText')
    } else {
      typed.q = q.replace(UNSEARCHABLE_ALL, '\uFFFD')
      const s = q.trim()
      if (UNSEARCHABLE.test(s)) errors.q = t('public.errors.searchCharacters')
      else if ([...s].length > SEARCH_MAX) errors.q = t('public.errors.searchTooLong', { max: SEARCH_MAX })
      else if (s) filters.q = s
    }
  }

  const organisation = raw.organisation
  if (organisation !== undefined) {
    const s = typeof organisation === 'string' ? organisation.trim() : null
    if (s === null || (s !== '' && !ORGANISATION_SLUG.test(s))) errors.organisation = t('public.errors.organisation')
    else if (s) filters.organisation = typed.organisation = s
  }
  return { filters, typed, errors }
}

/** The public register: no login, published versions only, every organisation. */
export function publicRoutes(app: FastifyInstance, services: Services): void {
  const { transparency, organisations } = services

  app.get('/public', async (request, reply) => {
    const { filters, typed, errors } = readPublicFilters(request.query)
    const refused = Object.keys(errors).length > 0
    const [records, organisations] = await Promise.all([
      refused ? Promise.resolve([]) : transparency.listPublished(filters),
      transparency.publishingOrganisations(),
    ])
    if (refused) reply.code(400)
    return reply.view('transparency/views/public-list.njk', {
      pageTitle: t('public.list.title'),
      publicPage: true,
      records,
      refused,
      filters: typed,
      errors,
      errorList: formErrors(errors).errorList,
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

  app.get<{ Params: { org: string; slug: string }; Querystring: { version?: unknown } }>(
    '/public/records/:org/:slug',
    async (request, reply) => {
      const { org, slug } = request.params
      if (!ORGANISATION_SLUG.test(org) || slug.length > 100 || !RECORD_SLUG.test(slug)) throw notFound()
      const raw = request.query.version
      const version = raw === undefined ? undefined : typeof raw === 'string' && /^[1-9]\d{0,8}$/.test(raw) ? Number(raw) : NaN
      if (version !== undefined && Number.isNaN(version)) throw notFound()
      const found = await transparency.getPublished(org, slug, version)
      if (!found) throw notFound()
      return reply.view('transparency/views/public-record.njk', {
        pageTitle: found.record.fields.title || found.record.fields.name,
        publicPage: true,
        ...found,
        sections: fieldSections(),
      })
    },
  )

  /** An organisation's public page: who they are, how to contact them, what they have published. */
  app.get<{ Params: { organisation: string } }>('/public/:organisation', async (request, reply) => {
    const slug = request.params.organisation
    const organisation = ORGANISATION_SLUG.test(slug) ? await organisations.bySlug(slug) : null
    if (!organisation) throw notFound()
    const [records, panels] = await Promise.all([
      transparency.listPublished({ organisation: organisation.slug }),
      transparency.publicOrganisationPanels.load(organisation),
    ])
    return reply.view('transparency/views/public-organisation.njk', {
      pageTitle: organisation.name,
      publicPage: true,
      organisation: { name: organisation.name, slug: organisation.slug, contactEmail: organisation.contactEmail, websiteUrl: organisation.websiteUrl },
      records,
      panels,
    })
  })
}
