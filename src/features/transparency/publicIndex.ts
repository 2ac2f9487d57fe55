import { z } from 'zod'
import type { Queryable } from '../../platform/db/db.ts'
import { col, many, maybeOne } from '../../platform/db/rows.ts'
import type { PublishedRecordRow } from './atrs.ts'
import { FACETS, type Facet, MULTI_FACETS, PAGE_SIZE, type PublicFilters, queryString, type Sort } from './publicSearch.ts'
import { publicGeneration } from './repository.ts'

/**
 * Every query of the public register, over public_records (one narrow row per published record:
 * its latest version; see migrations/202612040100_public_register_index.sql). The search is
 * applied first, through the GIN index, and every list is bounded: pages of PAGE_SIZE, exports
 * in keyset batches, ranking over at most RANK_WINDOW matches. Counts per filter (the facets)
 * and the list of organisations cost a scan of the matched rows, so they are kept per
 * generation of the register: a publish anywhere (any process) moves the generation on and
 * they are counted afresh.
 */

/**
 * Relevance is worked out for the newest RANK_WINDOW matches; any further matches follow them,
 * newest first. ts_rank reads each match's whole tsvector, so ranking every match of a common
 * word (tens of thousands at national scale) would cost a second or more; this bounds it.
 */
export const RANK_WINDOW = 2000
/** Most values a filter lists (those with the most records; a chosen value is always listed). */
const FACET_VALUES_MAX = 500
/** Searches whose counts are kept (per generation). */
const FACET_CACHE_MAX = 200

/** The column each filter reads. */
const COLUMN: Record<Facet, string> = {
  organisation: 'organisation_slug', organisation_type: 'organisation_type', nation: 'nation', region: 'region',
  service_area: 'service_area', phase: 'phase', technique: 'technique', risk_tier: 'risk_tier', third_party: 'third_party',
}

/** The search and filters as SQL conditions with their parameters (numbered from 1), leaving out `omit`. */
function conditions(filters: PublicFilters, omit?: Facet): { where: string; params: unknown[] } {
  const params: unknown[] = []
  const and: string[] = []
  const param = (v: unknown) => {
    params.push(v)
    return `$${params.length}`
  }
  if (filters.q) and.push(`search @@ websearch_to_tsquery('english', ${param(filters.q)})`)
  if (filters.organisation && omit !== 'organisation') and.push(`organisation_slug = ${param(filters.organisation)}`)
  for (const f of MULTI_FACETS) {
    const vs = filters[f]
    if (vs?.length && omit !== f) and.push(`${COLUMN[f]} = any(${param(vs)}::text[])`)
  }
  if (filters.third_party && omit !== 'third_party') and.push(`third_party = ${param(filters.third_party === 'yes')}`)
  return { where: and.length ? `where ${and.join(' and ')}` : '', params }
}

export interface PublicListItem {
  publicId: string
  organisationSlug: string
  organisationName: string
  title: string
  summary: string
  /** Welsh title and summary where the record has them ('' otherwise). */
  titleCy: string
  summaryCy: string
  phase: string
  thirdParty: boolean
  versionNo: number
  publishedAt: Date
}

const LIST_COLUMNS = `p.public_id, p.organisation_slug, p.organisation_name, p.title, p.summary,
  coalesce(p.fields_cy ->> 'title', '') as title_cy, coalesce(p.fields_cy ->> 'one_sentence_description', '') as summary_cy,
  p.phase, p.third_party, p.version_no, p.published_at`

const listItem = z.object({
  public_id: col.text, organisation_slug: col.text, organisation_name: col.text, title: col.text, summary: col.text,
  title_cy: col.text, summary_cy: col.text, phase: col.text, third_party: col.bool, version_no: col.int, published_at: col.timestamp,
}).transform((r): PublicListItem => ({
  publicId: r.public_id, organisationSlug: r.organisation_slug, organisationName: r.organisation_name, title: r.title,
  summary: r.summary, titleCy: r.title_cy, summaryCy: r.summary_cy, phase: r.phase, thirdParty: r.third_party,
  versionNo: r.version_no, publishedAt: r.published_at,
}))

/**
 * One page of matches (offset = records before it), in the order asked for, as `columns` read
 * into `row`. Given the number of matches, a page in the second half is read from the other end
 * of the index (and turned round), so the last page costs what the first does.
 */
async function pageOf<S extends z.ZodType>(
  q: Queryable, row: S, columns: string, filters: PublicFilters, sort: Sort, offset: number, limit: number, total?: number,
): Promise<z.output<S>[]> {
  const { where, params } = conditions(filters)
  const n = params.length
  if (sort === 'relevance' && filters.q && offset < RANK_WINDOW) {
    // The newest RANK_WINDOW matches (an index scan that stops early for a common word, the GIN
    // index for a rare one), ranked; a page never crosses the window's end (PAGE_SIZE divides it).
    return many(q, row,
      `with matched as (
         select record_id, published_at, search from public_records ${where}
         order by published_at desc, record_id limit ${RANK_WINDOW}
       )
       select ${columns} from matched m join public_records p on p.record_id = m.record_id
       order by ts_rank(m.search, websearch_to_tsquery('english', $1)) desc, m.published_at desc, m.record_id
       limit $${n + 1} offset $${n + 2}`,
      [...params, Math.min(limit, RANK_WINDOW - offset), offset])
  }
  const backwards = total !== undefined && offset > total / 2 && offset < total
  const order = sort === 'name'
    ? (backwards ? 'lower(p.title) desc, p.record_id desc' : 'lower(p.title), p.record_id')
    : (backwards ? 'p.published_at, p.record_id desc' : 'p.published_at desc, p.record_id')
  const take = backwards ? Math.min(limit, total - offset) : limit
  const rows = await many(q, row, `select ${columns} from public_records p ${where} order by ${order} limit $${n + 1} offset $${n + 2}`,
    [...params, take, backwards ? total - offset - take : offset])
  return backwards ? rows.reverse() : rows
}

/** One page of matches for the list (offset = records before it). */
export const listPage = (q: Queryable, filters: PublicFilters, sort: Sort, offset: number, limit = PAGE_SIZE, total?: number): Promise<PublicListItem[]> =>
  pageOf(q, listItem, LIST_COLUMNS, filters, sort, offset, limit, total)

export interface FacetValue {
  value: string
  /** What a person reads: the organisation's name; otherwise the value itself. */
  label: string
  count: number
}
export interface Facets {
  total: number
  values: Record<Facet, FacetValue[]>
}

const facetRow = z.object({
  facet: col.text, value: z.union([col.text, col.bool]).nullable(), label: col.text.nullable(), n: col.int,
})

/**
 * How many matches each value of each filter has. A filter's own values are counted with the
 * other filters applied but not itself (so ticking "Wales" still shows how many Scotland has);
 * the filters that are not set share one pass over the matches (grouping sets).
 */
export async function countFacets(q: Queryable, filters: PublicFilters): Promise<Facets> {
  const active = FACETS.filter((f) => filters[f] !== undefined)
  const free = FACETS.filter((f) => !active.includes(f))
  const values = Object.fromEntries(FACETS.map((f) => [f, [] as FacetValue[]])) as Record<Facet, FacetValue[]>
  let total = 0
  const add = (rows: z.output<typeof facetRow>[]) => {
    for (const r of rows) {
      if (r.facet === '') { total = r.n; continue }
      if (r.value === null || r.value === '') continue
      const value = r.facet === 'third_party' ? (r.value === true || r.value === 'true' ? 'yes' : 'no') : String(r.value)
      values[r.facet as Facet].push({ value, label: r.label ?? value, count: r.n })
    }
  }
  const label = (f: Facet) => (f === 'organisation' ? 'organisation_name' : 'null::text')
  {
    const { where, params } = conditions(filters)
    const sets = [...free.map((f) => (f === 'organisation' ? '(organisation_slug, organisation_name)' : `(${COLUMN[f]})`)), '()']
    // Which set a row belongs to: the one column grouped in it (grouping() is 0 for it), or none for the total.
    const facet = free.length ? `case ${free.map((f) => `when grouping(${COLUMN[f]}) = 0 then '${f}'`).join(' ')} else '' end` : "''"
    const value = free.length ? `coalesce(${free.map((f) => `case when grouping(${COLUMN[f]}) = 0 then ${COLUMN[f]}::text end`).join(', ')})` : 'null::text'
    const rows = await many(q, facetRow,
      `select ${facet} as facet, ${value} as value,
         ${free.includes('organisation') ? 'case when grouping(organisation_slug) = 0 then organisation_name end' : 'null::text'} as label,
         count(*)::int as n
       from public_records ${where} group by grouping sets (${sets.join(', ')})`,
      params)
    add(rows)
  }
  for (const f of active) {
    const { where, params } = conditions(filters, f)
    add(await many(q, facetRow,
      `select '${f}' as facet, ${COLUMN[f]}::text as value, ${label(f)} as label, count(*)::int as n
       from public_records ${where} group by ${COLUMN[f]}${f === 'organisation' ? ', organisation_name' : ''}`,
      params))
  }
  for (const f of FACETS) {
    const chosen = new Set(f === 'organisation' || f === 'third_party' ? (filters[f] ? [filters[f]] : []) : (filters[f] ?? []))
    let list = values[f].sort((a, b) => b.count - a.count || a.label.localeCompare(b.label))
    if (list.length > FACET_VALUES_MAX) list = list.filter((v, i) => i < FACET_VALUES_MAX || chosen.has(v.value))
    // A chosen value nothing matches is still listed (with 0), so it can be unticked.
    for (const c of chosen) if (!list.some((v) => v.value === c)) list.push({ value: c, label: c, count: 0 })
    values[f] = list.sort((a, b) => a.label.localeCompare(b.label, 'en-GB'))
  }
  return { total, values }
}

const EXPORT_COLUMNS = 'p.record_id, p.public_id, p.organisation_name, p.version_no, p.published_at, p.first_published_at, p.standard_version, p.fields'
const exportRow = z.object({
  record_id: col.uuid, public_id: col.text, organisation_name: col.text, version_no: col.int, published_at: col.timestamp,
  first_published_at: col.timestamp, standard_version: col.text,
  // ATRS fields are text; anything else (a future structured field) is exported as its JSON.
  fields: z.record(z.string(), z.unknown()).transform((f) =>
    Object.fromEntries(Object.entries(f).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v) ?? '']))),
})

/**
 * Every match as export rows, read in keyset batches of `size` by public id ("<organisation>/<record>"):
 * memory holds one batch whatever the number of records; a record published again while a download
 * runs is neither repeated nor skipped (its public id does not move, as a date would); and the
 * order is the same in every database holding the same records, so an export imported elsewhere
 * and exported again is the same file.
 */
export async function* exportBatches(q: Queryable, filters: PublicFilters, size = 500): AsyncGenerator<PublishedRecordRow[]> {
  const { where, params } = conditions(filters)
  let after: string | null = null
  for (;;) {
    const keyset: string = after === null ? '' : `${where ? ' and' : 'where'} p.public_id > $${params.length + 1}`
    const rows: z.output<typeof exportRow>[] = await many(q, exportRow,
      `select ${EXPORT_COLUMNS} from public_records p ${where}${keyset} order by p.public_id limit ${Math.trunc(size)}`,
      after === null ? params : [...params, after])
    if (!rows.length) return
    yield rows.map(toExportRow)
    if (rows.length < size) return
    after = rows.at(-1)!.public_id
  }
}

/** One page of matches as export rows (the public API's list). */
export async function recordsPage(q: Queryable, filters: PublicFilters, sort: Sort, offset: number, limit = PAGE_SIZE, total?: number): Promise<PublishedRecordRow[]> {
  return (await pageOf(q, exportRow, EXPORT_COLUMNS, filters, sort, offset, limit, total)).map(toExportRow)
}

const toExportRow = (r: z.output<typeof exportRow>): PublishedRecordRow => ({
  organisationName: r.organisation_name, slug: r.public_id, version: r.version_no, publishedAt: r.published_at.toISOString(), fields: r.fields,
  standardVersion: r.standard_version, firstPublishedAt: r.first_published_at.toISOString(),
})

/** One record's latest published version by its public id ("<organisation>/<record>"), as export row. */
export async function exportRecord(q: Queryable, publicId: string): Promise<PublishedRecordRow | null> {
  const r = await maybeOne(q, exportRow,
    `select ${EXPORT_COLUMNS} from public_records p where p.public_id = $1`,
    [publicId])
  return r ? toExportRow(r) : null
}

export interface PublishingOrganisation {
  slug: string
  name: string
  organisationType: string | null
  nation: string | null
  region: string | null
  records: number
  lastPublishedAt: Date
}

/** Every organisation with a published record, by name, with how many it has published. */
export const publishingOrganisations = (q: Queryable): Promise<PublishingOrganisation[]> =>
  many(q, z.object({
    slug: col.text, name: col.text, organisation_type: col.text.nullable(), nation: col.text.nullable(), region: col.text.nullable(),
    records: col.int, last_published_at: col.timestamp,
  }).transform((r): PublishingOrganisation => ({
    slug: r.slug, name: r.name, organisationType: r.organisation_type, nation: r.nation, region: r.region,
    records: r.records, lastPublishedAt: r.last_published_at,
  })),
  `select organisation_slug as slug, organisation_name as name, organisation_type, nation, region,
     count(*)::int as records, max(published_at) as last_published_at
   from public_records group by organisation_slug, organisation_name, organisation_type, nation, region
   order by lower(organisation_name), organisation_slug`)

/** A page of matches with the counts for the page: the page asked for, or the last one if it is past the end. */
export interface SearchResult {
  items: PublicListItem[]
  facets: Facets
  total: number
  page: number
  pages: number
  /** The page asked for lay past the last page (this is the last page instead). */
  clamped: boolean
}

/**
 * The public register's reads for the routes: counts and organisations kept per generation
 * (checked with one tiny query per call), pages read fresh.
 */
export function createPublicIndex(db: Queryable) {
  let generation = -1
  const facetCache = new Map<string, Facets>()
  let organisations: Promise<PublishingOrganisation[]> | null = null

  /** Reads the generation and forgets what an earlier one counted. */
  async function current(): Promise<number> {
    const g = await publicGeneration(db)
    if (g !== generation) {
      generation = g
      facetCache.clear()
      organisations = null
    }
    return g
  }

  async function facets(filters: PublicFilters): Promise<Facets> {
    await current()
    const key = queryString(filters)
    const hit = facetCache.get(key)
    if (hit) {
      facetCache.delete(key)
      facetCache.set(key, hit)
      return hit
    }
    const counted = await countFacets(db, filters)
    facetCache.set(key, counted)
    if (facetCache.size > FACET_CACHE_MAX) facetCache.delete(facetCache.keys().next().value!)
    return counted
  }

  return {
    generation: (): Promise<number> => publicGeneration(db),
    facets,

    async search(filters: PublicFilters, sort: Sort, page: number): Promise<SearchResult> {
      // The first pages are read while the counts are (in parallel on PostgreSQL's pool); a page
      // further on waits for the total, to be read from the nearer end or clamped to the last.
      const early = page <= 2 ? listPage(db, filters, sort, (page - 1) * PAGE_SIZE) : null
      early?.catch(() => undefined)
      const counted = await facets(filters)
      const pages = Math.max(1, Math.ceil(counted.total / PAGE_SIZE))
      const shown = Math.min(page, pages)
      const items = !counted.total ? [] : early && shown === page ? await early
        : await listPage(db, filters, sort, (shown - 1) * PAGE_SIZE, PAGE_SIZE, counted.total)
      return { items, facets: counted, total: counted.total, page: shown, pages, clamped: page > pages }
    },

    /** A page of whole records (the API): the total, and the page clamped to the last one. */
    async recordsPage(filters: PublicFilters, sort: Sort, page: number) {
      const { total } = await facets(filters)
      const pages = Math.max(1, Math.ceil(total / PAGE_SIZE))
      const shown = Math.min(page, pages)
      const records = total ? await recordsPage(db, filters, sort, (shown - 1) * PAGE_SIZE, PAGE_SIZE, total) : []
      return { records, total, page: shown, pages }
    },

    exportBatches: (filters: PublicFilters, size?: number) => exportBatches(db, filters, size),
    record: (orgSlug: string, slug: string) => exportRecord(db, `${orgSlug}/${slug}`),

    async organisations(): Promise<PublishingOrganisation[]> {
      await current()
      organisations ??= publishingOrganisations(db).catch((e: unknown) => {
        organisations = null
        throw e
      })
      return organisations
    },
  }
}
export type PublicIndex = ReturnType<typeof createPublicIndex>
