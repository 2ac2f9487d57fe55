import { z } from 'zod'
import { t } from '../../platform/i18n/i18n.ts'
import { NATIONS, ORGANISATION_SLUG } from '../organisations/model.ts'
import { RISK_TIERS } from '../register/model.ts'

/**
 * The public register's query: search, filters, sort and page, read from any query string a
 * browser, a script or an attacker may send. One zod schema serves the pages, the downloads and
 * the public API (where it is also the documentation). Malformed input is refused with a
 * message naming the field; a page number of any shape is clamped instead (a stale or made-up
 * link still shows a page); a filter value nobody publishes simply matches nothing.
 */

/** The longest search the public register runs (in characters). */
export const SEARCH_MAX = 200
/** Records on one page of the list and of the API. */
export const PAGE_SIZE = 50
/** Values one filter may hold at once (ticked checkboxes). */
const VALUES_MAX = 20
/** The longest filter value (a register entry's technique may be long). */
const VALUE_MAX = 1000
/** Pages beyond this are clamped (a number, not a count: the real last page is applied later). */
const PAGE_MAX = 1_000_000

/** A NUL or an unpaired surrogate: text PostgreSQL cannot hold, so nothing can be searched for with it. */
const UNSEARCHABLE_SOURCE = '\\u0000|[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]'
const UNSEARCHABLE = new RegExp(UNSEARCHABLE_SOURCE)
const UNSEARCHABLE_ALL = new RegExp(UNSEARCHABLE_SOURCE, 'g')

export const SORTS = ['relevance', 'newest', 'name'] as const
export type Sort = (typeof SORTS)[number]

/** The filters, in the order the page shows them; each is also a query parameter of that name. */
export const FACETS = ['organisation', 'organisation_type', 'nation', 'region', 'service_area', 'phase', 'technique', 'risk_tier', 'third_party'] as const
export type Facet = (typeof FACETS)[number]
/** Filters that take several values at once (any of them matches). */
export const MULTI_FACETS = ['organisation_type', 'nation', 'region', 'service_area', 'phase', 'technique', 'risk_tier'] as const
export type MultiFacet = (typeof MULTI_FACETS)[number]

export interface PublicFilters {
  q?: string
  organisation?: string
  organisation_type?: string[]
  nation?: string[]
  region?: string[]
  service_area?: string[]
  phase?: string[]
  technique?: string[]
  risk_tier?: string[]
  third_party?: 'yes' | 'no'
}

const searchText = z.string({ error: 'public.errors.searchText' }).transform((raw, ctx) => {
  const s = raw.trim()
  if (UNSEARCHABLE.test(s)) ctx.addIssue({ code: 'custom', message: 'public.errors.searchCharacters' })
  else if ([...s].length > SEARCH_MAX) ctx.addIssue({ code: 'custom', message: 'public.errors.searchTooLong' })
  else return s || undefined
  return z.NEVER
})

const organisationSlug = z.string({ error: 'public.errors.organisation' }).transform((raw, ctx) => {
  const s = raw.trim()
  if (s !== '' && !ORGANISATION_SLUG.test(s)) {
    ctx.addIssue({ code: 'custom', message: 'public.errors.organisation' })
    return z.NEVER
  }
  return s || undefined
})

/** One value or several (repeated names), each at most VALUE_MAX characters; blanks dropped, repeats once. */
function values<T extends z.ZodType<string>>(item: T, key: string) {
  return z.preprocess(
    (v) => (v === undefined ? undefined : Array.isArray(v) ? v : [v]),
    z.array(item, { error: key }).max(VALUES_MAX, key),
  ).transform((list) => {
    const kept = [...new Set((list ?? []).map((s) => s.trim()).filter((s) => s !== ''))]
    return kept.length ? kept : undefined
  })
}
const freeText = (key: string) => z.string({ error: key }).max(VALUE_MAX, key).refine((s) => !UNSEARCHABLE.test(s), key)
const oneOf = <const V extends readonly [string, ...string[]]>(vocab: V, key: string) =>
  z.string({ error: key }).trim().refine((s) => s === '' || (vocab as readonly string[]).includes(s), key)

/** A page number as typed: anything that is not a whole number in range becomes the first or the last page. */
const pageNumber = z.preprocess((v) => {
  const s: unknown = Array.isArray(v) ? (v as unknown[])[0] : v
  const n = typeof s === 'number' ? s : typeof s === 'string' && /^\s*\d+\s*$/.test(s) ? Number(s) : 1
  return Number.isFinite(n) ? Math.min(Math.max(1, Math.trunc(n)), PAGE_MAX) : 1
}, z.number().int().min(1).max(PAGE_MAX))

/** Picked from a list: anything else is the default (it changes how the page looks, not what it finds). */
const picked = <const V extends readonly [string, ...string[]]>(vocab: V) =>
  z.preprocess((v) => (typeof v === 'string' && (vocab as readonly string[]).includes(v) ? v : undefined), z.enum(vocab).optional())

export const publicQuerySchema = z.object({
  q: searchText.optional().describe(`Words to search every published field for (web search syntax: "a phrase", or, -not), at most ${SEARCH_MAX} characters`),
  organisation: organisationSlug.optional().describe('The publishing organisation’s slug'),
  organisation_type: values(freeText('publicList.errors.organisationType'), 'publicList.errors.organisationType').optional().describe('Organisation type (repeat for any of several)'),
  nation: values(oneOf(NATIONS, 'publicList.errors.nation'), 'publicList.errors.nation').optional().describe(`Nation: ${NATIONS.join(', ')} (repeat for any of several)`),
  region: values(freeText('publicList.errors.region'), 'publicList.errors.region').optional().describe('Region (repeat for any of several)'),
  service_area: values(freeText('publicList.errors.serviceArea'), 'publicList.errors.serviceArea').optional().describe('Service area (repeat for any of several)'),
  phase: values(freeText('publicList.errors.phase'), 'publicList.errors.phase').optional().describe('ATRS phase, such as Production (repeat for any of several)'),
  technique: values(freeText('publicList.errors.technique'), 'publicList.errors.technique').optional().describe('Technique (repeat for any of several)'),
  risk_tier: values(oneOf(RISK_TIERS, 'publicList.errors.riskTier'), 'publicList.errors.riskTier').optional().describe(`Risk tier: ${RISK_TIERS.join(', ')} (repeat for any of several)`),
  third_party: z.string({ error: 'publicList.errors.thirdParty' }).trim()
    .refine((s) => s === '' || s === 'yes' || s === 'no', 'publicList.errors.thirdParty')
    .transform((s): 'yes' | 'no' | undefined => (s === 'yes' || s === 'no' ? s : undefined)).optional()
    .describe('yes: a third party (supplier) helped build or run the tool; no: none did'),
  sort: picked(SORTS).describe('relevance (the default with a search), newest (the default without) or name'),
  page: pageNumber.optional().describe(`Page of ${PAGE_SIZE} records, from 1 (past the last page: the last page)`),
  lang: picked(['en', 'cy']).describe('cy: Welsh text where the record has it'),
})

export interface PublicQuery {
  filters: PublicFilters
  sort: Sort
  page: number
  lang: 'en' | 'cy'
}

/** What goes back in the form: as typed, so a refused search can be corrected. */
export interface TypedFilters {
  q: string
  organisation: string
  third_party: string
  sort: string
  multi: Record<MultiFacet, string[]>
}

/**
 * The query string read: the search and filters, the sort (relevance only with a search) and
 * the page asked for; errors maps each malformed field to a message; typed is what to show in
 * the form again.
 */
export function readPublicFilters(query: unknown): PublicQuery & { typed: TypedFilters; errors: Record<string, string> } {
  const raw = (query !== null && typeof query === 'object' ? query : {}) as Record<string, unknown>
  const typed = typedFrom(raw)
  const parsed = publicQuerySchema.safeParse(raw)
  if (!parsed.success) {
    const errors: Record<string, string> = {}
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? 'q')
      errors[field] ??= t(issue.message.includes('.') ? issue.message : 'publicList.errors.value', { max: SEARCH_MAX })
    }
    return { filters: {}, sort: 'newest', page: 1, lang: 'en', typed, errors }
  }
  const d = parsed.data
  const filters: PublicFilters = {}
  if (d.q) filters.q = d.q
  if (d.organisation) filters.organisation = d.organisation
  for (const f of MULTI_FACETS) if (d[f]) filters[f] = d[f]
  if (d.third_party) filters.third_party = d.third_party
  const sort: Sort = d.sort === 'relevance' && !filters.q ? 'newest' : (d.sort ?? (filters.q ? 'relevance' : 'newest'))
  return { filters, sort, page: d.page ?? 1, lang: d.lang ?? 'en', typed, errors: {} }
}

function typedFrom(raw: Record<string, unknown>): TypedFilters {
  const one = (v: unknown) => (typeof v === 'string' ? v.replace(UNSEARCHABLE_ALL, '\uFFFD') : '')
  const list = (v: unknown) => (Array.isArray(v) ? v : [v]).filter((s): s is string => typeof s === 'string').slice(0, VALUES_MAX).map(one)
  return {
    q: one(raw.q),
    organisation: one(raw.organisation).trim(),
    third_party: one(raw.third_party).trim(),
    sort: one(raw.sort),
    multi: Object.fromEntries(MULTI_FACETS.map((f) => [f, list(raw[f])])) as Record<MultiFacet, string[]>,
  }
}

/**
 * The query string of a search, in a fixed order, without the page: the links of the list and
 * its pagination, the downloads of the same set, and the keys of the caches.
 */
export function queryString(filters: PublicFilters, extra: { sort?: Sort; lang?: 'en' | 'cy'; page?: number } = {}): string {
  const p = new URLSearchParams()
  if (filters.q) p.append('q', filters.q)
  if (filters.organisation) p.append('organisation', filters.organisation)
  for (const f of MULTI_FACETS) for (const v of filters[f] ?? []) p.append(f, v)
  if (filters.third_party) p.append('third_party', filters.third_party)
  if (extra.sort) p.append('sort', extra.sort)
  if (extra.lang === 'cy') p.append('lang', 'cy')
  if (extra.page && extra.page > 1) p.append('page', String(extra.page))
  return p.toString()
}

/** Whether any filter (not only a search) is set. */
export function anyFilter(filters: PublicFilters): boolean {
  return FACETS.some((f) => filters[f] !== undefined)
}
