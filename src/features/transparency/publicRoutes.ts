import { Readable } from 'node:stream'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { notFound, ValidationError } from '../../platform/http/errors.ts'
import { formErrors } from '../../platform/http/forms.ts'
import { paginationFor } from '../../platform/http/pagination.ts'
import { currentLang, hasMessage, t } from '../../platform/i18n/i18n.ts'
import type { Services } from '../../services.ts'
import { ORGANISATION_SLUG } from '../organisations/model.ts'
import { csvHeaderLine, csvRecordLine, recordToJson } from './atrs.ts'
import type { Facets, PublicIndex, PublicListItem } from './publicIndex.ts'
import {
  anyFilter, type Facet, MULTI_FACETS, PAGE_SIZE, type PublicFilters, queryString, readPublicFilters, type Sort, SORTS, type TypedFilters,
} from './publicSearch.ts'

/** A filter with this many values or fewer is a list of checkboxes; with more, a drop-down. */
const CHECKBOXES_MAX = 12

/** What a person reads for a filter's value: nations and risk tiers in words, the rest as published. */
function valueLabel(facet: Facet, value: string, label: string): string {
  if (facet === 'nation' && hasMessage(`organisations.nation.${value}`)) return t(`organisations.nation.${value}`)
  if (facet === 'risk_tier' && hasMessage(`tier.${value}`)) return t(`tier.${value}`)
  if (facet === 'third_party') return t(`publicList.thirdParty.${value === 'yes' ? 'yes' : 'no'}`)
  return label
}

interface FilterGroup {
  facet: Facet
  kind: 'checkboxes' | 'select' | 'radios'
  legend: string
  items: { value: string; text: string; checked?: boolean; selected?: boolean }[]
  error?: string
}

/** The filter panel: each filter with its values and how many records each has. */
function filterGroups(facets: Facets, typed: TypedFilters, errors: Record<string, string>): FilterGroup[] {
  const withCount = (facet: Facet, v: { value: string; label: string; count: number }) =>
    t('publicList.withCount', { label: valueLabel(facet, v.value, v.label), count: v.count })
  const groups: FilterGroup[] = []
  const chosenOrg = typed.organisation
  groups.push({
    facet: 'organisation', kind: 'select', legend: t('publicList.facet.organisation'), error: errors.organisation,
    items: [{ value: '', text: t('publicList.allOrganisations') },
      ...facets.values.organisation.map((v) => ({ value: v.value, text: withCount('organisation', v), selected: v.value === chosenOrg }))],
  })
  for (const facet of MULTI_FACETS) {
    const chosen = typed.multi[facet]
    const values = [...facets.values[facet]]
    for (const c of chosen) if (!values.some((v) => v.value === c)) values.push({ value: c, label: c, count: 0 })
    if (!values.length) continue
    const checkboxes = values.length <= CHECKBOXES_MAX || chosen.length > 1
    groups.push({
      facet, kind: checkboxes ? 'checkboxes' : 'select', legend: t(`publicList.facet.${facet}`), error: errors[facet],
      items: checkboxes
        ? values.map((v) => ({ value: v.value, text: withCount(facet, v), checked: chosen.includes(v.value) }))
        : [{ value: '', text: t('publicList.all') }, ...values.map((v) => ({ value: v.value, text: withCount(facet, v), selected: chosen.includes(v.value) }))],
    })
  }
  groups.push({
    facet: 'third_party', kind: 'radios', legend: t('publicList.facet.third_party'), error: errors.third_party,
    items: [
      { value: '', text: t('publicList.any'), checked: typed.third_party === '' },
      ...(['yes', 'no'] as const).map((value) => {
        const v = facets.values.third_party.find((x) => x.value === value) ?? { value, label: value, count: 0 }
        return { value, text: withCount('third_party', v), checked: typed.third_party === value }
      }),
    ],
  })
  return groups
}

/** A list item as the page shows it: Welsh title and summary where the record has them (English marked as such). */
function shownItem(item: PublicListItem, lang: 'en' | 'cy') {
  const welsh = lang === 'cy'
  const title = welsh && item.titleCy ? item.titleCy : item.title
  const summary = welsh && item.summaryCy ? item.summaryCy : item.summary
  return {
    href: `/public/records/${item.publicId}${welsh ? '?lang=cy' : ''}`,
    title, titleLang: welsh && !item.titleCy ? 'en' : undefined,
    summary, summaryLang: welsh && !item.summaryCy ? 'en' : undefined,
    organisationName: item.organisationName, organisationHref: `/public/${item.organisationSlug}${welsh ? '?lang=cy' : ''}`,
    phase: item.phase, thirdParty: item.thirdParty, publishedAt: item.publishedAt,
  }
}

/** A download of every match, written as it is read (memory holds one batch, whatever the number of records). */
function download(index: PublicIndex, filters: PublicFilters, format: 'csv' | 'json'): Readable {
  async function* lines(): AsyncGenerator<string> {
    let first = true
    yield format === 'csv' ? csvHeaderLine() : '['
    for await (const batch of index.exportBatches(filters)) {
      if (format === 'csv') {
        yield batch.map(csvRecordLine).join('')
      } else {
        yield (first ? '\n' : ',\n') + batch.map((r) => JSON.stringify(recordToJson(r))).join(',\n')
        first = false
      }
    }
    if (format === 'json') yield first ? ']\n' : '\n]\n'
  }
  return Readable.from(lines(), { objectMode: false })
}

/** The public register: no login, published versions only, every organisation. */
export function publicRoutes(app: FastifyInstance, services: Services): void {
  const { transparency, organisations } = services
  const index = transparency.publicIndex

  /** The links of a search: the same filters, sort and language, another page or format. */
  const link = (path: string, filters: PublicFilters, extra: { sort?: Sort; page?: number } = {}) => {
    const qs = queryString(filters, { ...extra, lang: currentLang() })
    return qs ? `${path}?${qs}` : path
  }

  app.get('/public', { config: { publicCache: 'page' } }, async (request, reply) => {
    const { filters, sort, page, typed, errors } = readPublicFilters(request.query)
    const refused = Object.keys(errors).length > 0
    const lang = currentLang()
    // A refused search lists nothing, but the panel still offers every filter.
    const result = refused ? null : await index.search(filters, sort, page)
    const facets = result?.facets ?? await index.facets({})
    if (refused) reply.code(400)
    const total = result?.total ?? 0
    const shownPage = result?.page ?? 1
    return reply.view('transparency/views/public-list.njk', {
      pageTitle: t('publicList.title'),
      publicPage: true,
      lang,
      refused,
      typed,
      errors,
      errorList: formErrors(errors).errorList,
      groups: filterGroups(facets, typed, errors),
      sortItems: SORTS.filter((s) => s !== 'relevance' || filters.q).map((s) => ({ value: s, text: t(`publicList.sort.${s}`), selected: s === sort })),
      items: (result?.items ?? []).map((i) => shownItem(i, lang)),
      total,
      q: filters.q,
      filtered: anyFilter(filters),
      from: (shownPage - 1) * PAGE_SIZE + 1,
      to: Math.min(total, shownPage * PAGE_SIZE),
      clamped: result?.clamped ? result.pages : 0,
      pagination: result ? paginationFor(result.page, result.pages, (n) => link('/public', filters, { sort, page: n }), t('publicList.paginationLabel')) : null,
      csvHref: link('/public/records.csv', filters),
      jsonHref: link('/public/records.json', filters),
      clearHref: lang === 'cy' ? '/public?lang=cy' : '/public',
    })
  })

  /** A download of all records or of the set /public shows for the same query string. */
  const downloadRoute = (format: 'csv' | 'json') => async (request: { query: unknown }, reply: FastifyReply) => {
    const { filters, errors } = readPublicFilters(request.query)
    if (Object.keys(errors).length) throw new ValidationError(errors)
    reply.header('access-control-allow-origin', '*')
    if (format === 'csv') {
      reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="atrs-records.csv"')
    } else {
      reply.type('application/json; charset=utf-8')
    }
    return reply.send(download(index, filters, format))
  }
  app.get('/public/records.csv', { config: { publicCache: 'stream', publicCacheSalt: csvHeaderLine() } }, downloadRoute('csv'))
  app.get('/public/records.json', { config: { publicCache: 'stream', publicCacheSalt: csvHeaderLine() } }, downloadRoute('json'))

  // The record page, what changed, its report form and the Atom feed: publicRecordRoutes.ts.

  /**
   * An organisation's public page: who they are, how to contact them, what they have published
   * (paged) and its published policies. Its contact and policies change without a publish, so it
   * is not kept in memory; its ETag still saves sending it again.
   */
  app.get<{ Params: { organisation: string }; Querystring: Record<string, unknown> }>(
    '/public/:organisation', { config: { publicCache: 'etag' } }, async (request, reply) => {
      const slug = request.params.organisation
      const organisation = ORGANISATION_SLUG.test(slug) ? await organisations.bySlug(slug) : null
      if (!organisation) throw notFound()
      const lang = currentLang()
      // Only the page and language are read here: a search of this organisation's records goes to /public.
      const { page } = readPublicFilters({ page: request.query.page })
      const filters: PublicFilters = { organisation: organisation.slug }
      const [result, panels] = await Promise.all([
        index.search(filters, 'newest', page),
        transparency.publicOrganisationPanels.load(organisation),
      ])
      const self = `/public/${organisation.slug}`
      return reply.view('transparency/views/public-organisation.njk', {
        pageTitle: organisation.name,
        publicPage: true,
        lang,
        organisation: { name: organisation.name, slug: organisation.slug, contactEmail: organisation.contactEmail, websiteUrl: organisation.websiteUrl },
        items: result.items.map((i) => shownItem(i, lang)),
        total: result.total,
        clamped: result.clamped ? result.pages : 0,
        pagination: paginationFor(result.page, result.pages,
          (n) => `${self}?${new URLSearchParams({ ...(n > 1 ? { page: String(n) } : {}), ...(lang === 'cy' ? { lang } : {}) }).toString()}`.replace(/\?$/, ''),
          t('publicList.paginationLabel')),
        searchHref: link('/public', filters),
        csvHref: link('/public/records.csv', filters),
        jsonHref: link('/public/records.json', filters),
        panels,
      })
    })
}
