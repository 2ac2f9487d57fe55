import type { FastifyInstance, FastifyReply } from 'fastify'
import { paginationFor } from '../../platform/http/pagination.ts'
import type { CurrentUser } from '../../platform/auth/store.ts'
import { requirePermission } from '../../platform/http/auth.ts'
import { formErrors, parseWith } from '../../platform/http/forms.ts'
import { t } from '../../platform/i18n/i18n.ts'
import { todayIso } from '../../platform/validation.ts'
import type { Services } from '../../services.ts'
import {
  LOG_FILTER_FIELDS, LOG_TIERS, type LogFilters, logFilters, membersText, sittingText, summaryYear,
} from './log.ts'
import { ALL_OUTCOMES } from './model.ts'

/**
 * The decision log (issue 10, item 9) for anyone who may read the register: the log with its
 * filters and pages, the same rows as CSV, and the annual summary for the audit committee. A
 * wrong filter is a 400 page naming the field and keeping what was typed, never a 500.
 */

type Query = Record<string, unknown>

/** The filters as typed (strings only), to put back in the form. */
function typedFilters(query: Query): Record<string, string> {
  const out: Record<string, string> = {}
  for (const f of LOG_FILTER_FIELDS) {
    const v = query[f]
    if (typeof v === 'string') out[f] = v
  }
  return out
}

/** The query string of a set of filters (empty ones left out), for links that keep them. */
function filterQuery(filters: Record<string, string | undefined>, extra: Record<string, string> = {}): string {
  const p = new URLSearchParams()
  for (const f of LOG_FILTER_FIELDS) {
    const v = filters[f]
    if (v) p.set(f, v)
  }
  for (const [k, v] of Object.entries(extra)) p.set(k, v)
  const s = p.toString()
  return s ? `?${s}` : ''
}

const asStrings = (f: LogFilters): Record<string, string | undefined> => ({
  board: f.board, outcome: f.outcome, from: f.from, to: f.to, serviceArea: f.serviceArea,
})

/** govukPagination for the log's pages, keeping the filters. */
function pagination(filters: LogFilters, page: number, pages: number) {
  return paginationFor(page, pages, (n) => `/board/decisions${filterQuery(asStrings(filters), { page: String(n) })}`, t('board.log.pages'))
}

function selectItems(anyText: string, options: readonly (readonly [string, string])[], selected: string | undefined) {
  return [{ value: '', text: anyText }, ...options.map(([value, text]) => ({ value, text, selected: value === selected }))]
}

/** The field an error names, in the form's order, with the input it links to. */
function filterErrors(fields: Record<string, string>) {
  const ordered: Record<string, string> = {}
  for (const f of LOG_FILTER_FIELDS) if (fields[f]) ordered[f] = fields[f]
  // Anything else wrong with the query (a page that is not a number) is about the list as a whole.
  const rest = Object.entries(fields).filter(([f]) => !(LOG_FILTER_FIELDS as readonly string[]).includes(f))
  if (rest.length && !Object.keys(ordered).length) ordered.board = rest[0]![1]
  return formErrors(ordered)
}

/** This year in the UK. */
const currentYear = () => Number(todayIso().slice(0, 4))

type Filtered = { ok: true; filters: LogFilters; page: number } | { ok: false; errors: ReturnType<typeof formErrors> }

export function decisionLogRoutes(app: FastifyInstance, services: Services): void {
  // Until the board service returns it, `services.board.log` is read through this type.
  const log = services.board.log

  /** The filters of a request: parsed, and the board (if any) one of the organisation's own. */
  function filtersOf(query: Query, boards: { id: string }[]): Filtered {
    const parsed = parseWith(logFilters, query)
    if (!parsed.ok) return { ok: false, errors: filterErrors(parsed.errors.fields) }
    const { page, ...filters } = parsed.data
    if (filters.board && !boards.some((b) => b.id === filters.board)) {
      return { ok: false, errors: formErrors({ board: t('board.log.errors.board') }) }
    }
    return { ok: true, filters, page }
  }

  /** The log page: the rows of one page, or (400) the form again naming what is wrong, as typed. */
  async function logPage(reply: FastifyReply, user: CurrentUser, query: Query, boards: { id: string; name: string }[], filtered: Filtered) {
    const typed = filtered.ok ? asStrings(filtered.filters) : typedFilters(query)
    const data: Record<string, unknown> = {
      pageTitle: t('board.log.title'),
      user,
      values: typed,
      boardItems: selectItems(t('board.log.anyBoard'), boards.map((b) => [b.id, b.name] as const), typed.board),
      outcomeItems: selectItems(t('board.log.anyOutcome'), ALL_OUTCOMES.map((o) => [o, t(`board.log.outcome.${o}`)] as const), typed.outcome),
      summaryYear: currentYear(),
      filtering: LOG_FILTER_FIELDS.some((f) => typed[f]),
    }
    if (!filtered.ok) {
      reply.code(400)
      return reply.view('board/views/log.njk', {
        ...data, refused: true, rows: [], errors: filtered.errors.fields, errorList: filtered.errors.errorList,
      })
    }
    const result = await log.page(user, filtered.filters, filtered.page)
    return reply.view('board/views/log.njk', {
      ...data,
      refused: false,
      errors: {},
      errorList: [],
      total: result.total,
      rows: result.rows.map((r) => ({ ...r, sitting: sittingText(r), members: membersText(r.membersPresent) })),
      pagination: pagination(filtered.filters, result.page, result.pages),
      csvHref: `/board/decisions.csv${filterQuery(asStrings(filtered.filters))}`,
    })
  }

  app.get('/board/decisions', async (request, reply) => {
    const user = requirePermission(request, 'register:read')
    const query = (request.query ?? {}) as Query
    const boards = await log.boards(user)
    return logPage(reply, user, query, boards, filtersOf(query, boards))
  })

  app.get('/board/decisions.csv', async (request, reply) => {
    const user = requirePermission(request, 'register:read')
    const query = (request.query ?? {}) as Query
    const boards = await log.boards(user)
    const filtered = filtersOf(query, boards)
    // The link comes from the page; a wrong filter shows the page saying what is wrong.
    if (!filtered.ok) return logPage(reply, user, query, boards, filtered)
    const csv = await log.csv(user, filtered.filters)
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${user.organisationSlug}-decision-log.csv"`)
      .send(csv)
  })

  app.get('/board/decisions/summary', async (request, reply) => {
    const user = requirePermission(request, 'register:read')
    const raw = ((request.query ?? {}) as Query).year
    const thisYear = currentYear()
    const parsed = raw === undefined || raw === '' ? { success: true as const, data: thisYear } : summaryYear.safeParse(raw)
    const years = [...new Set([thisYear, ...(await log.years(user))])].sort((a, b) => b - a)
    if (!parsed.success) {
      const errors = formErrors({ year: t('board.log.errors.year') })
      reply.code(400)
      return reply.view('board/views/summary.njk', {
        pageTitle: t('board.log.summary.title', { year: typeof raw === 'string' ? raw : '' }),
        user, summary: null, typedYear: typeof raw === 'string' ? raw : '', years,
        errors: errors.fields, errorList: errors.errorList,
      })
    }
    const summary = await log.summary(user, parsed.data)
    return reply.view('board/views/summary.njk', {
      pageTitle: t('board.log.summary.title', { year: summary.year }),
      user, summary, typedYear: String(summary.year), years: years.filter((y) => y !== summary.year),
      outcomes: ALL_OUTCOMES, tiers: LOG_TIERS,
      logHref: `/board/decisions?from=${summary.year}-01-01&to=${summary.year}-12-31`,
      errors: {}, errorList: [],
    })
  })
}
