import type { FastifyInstance, FastifyReply } from 'fastify'
import { can } from '../../platform/auth/permissions.ts'
import { requirePermission } from '../../platform/http/auth.ts'
import { notFound } from '../../platform/http/errors.ts'
import { type FormErrors, parseWith } from '../../platform/http/forms.ts'
import { withLang } from '../../platform/http/views.ts'
import { currentLang, t } from '../../platform/i18n/i18n.ts'
import type { Services } from '../../services.ts'
import { ORGANISATION_SLUG } from '../organisations/model.ts'
import { atomFeed, FEED_SIZE } from './feed.ts'
import { HEADING_KEYS, localised, recordChanges, shownSections } from './publicRecord.ts'
import { problemReportInput, REPORT_BODY_MAX, type ReportTarget, REPORTS_PER_DAY } from './reports.ts'

type RecordParams = { org: string; slug: string }
type Body = Record<string, unknown>

/** A record's slug as drafting makes them (slugify): lower-case words joined by hyphens. */
const RECORD_SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/

/** The record named by the path, or a 404 before any lookup when the path cannot name one. */
function recordParams(p: RecordParams): RecordParams {
  if (!ORGANISATION_SLUG.test(p.org) || p.slug.length > 100 || !RECORD_SLUG.test(p.slug)) throw notFound()
  return p
}

/** A version number from the query: absent → undefined; anything but one whole number 1…999999999 → null. */
function versionParam(raw: unknown): number | undefined | null {
  if (raw === undefined) return undefined
  return typeof raw === 'string' && /^[1-9]\d{0,8}$/.test(raw) ? Number(raw) : null
}

const recordPath = (org: string, slug: string) => `/public/records/${encodeURIComponent(org)}/${encodeURIComponent(slug)}`

/** A form field as typed, for showing back: one string, or '' (a repeated field is not one value). */
const typed = (v: unknown): string => (typeof v === 'string' ? v : '')
/** A form field for the schema: '' and missing are "not given"; anything else goes to the schema as it came. */
const given = (v: unknown): unknown => (v === '' ? undefined : v)

/**
 * The public record page, what changed between two versions, the Atom feed of new and changed
 * records, and "report a problem with this record" (the public form, and the list the owning
 * organisation's admins work through). Public pages speak Welsh with ?lang=cy.
 */
export function publicRecordRoutes(app: FastifyInstance, services: Services, opts: { baseUrl: string }): void {
  const { transparency, problemReports } = services

  /** The record and its versions, or a 404 for an unknown record or version. */
  const load = async (params: RecordParams, version?: number) => {
    const { org, slug } = recordParams(params)
    const found = await transparency.getPublished(org, slug, version)
    if (!found) throw notFound()
    return found
  }

  app.get<{ Params: RecordParams; Querystring: { version?: unknown } }>('/public/records/:org/:slug', { config: { publicCache: 'page' } }, async (request, reply) => {
    const version = versionParam(request.query.version)
    if (version === null) throw notFound()
    const found = await load(request.params, version)
    const { record } = found
    const lang = currentLang()
    const fieldsCy = record.fieldsCy ?? {}
    const base = recordPath(record.organisationSlug, record.slug)
    const title = localised(record.fields, fieldsCy, 'title', lang)
    const name = localised(record.fields, fieldsCy, 'name', lang)
    const heading = title.text ? title : name
    return reply.view('transparency/views/public-record.njk', {
      pageTitle: heading.text || record.slug,
      publicPage: true,
      bodyClasses: 'app-public-record',
      heading,
      summary: localised(record.fields, fieldsCy, 'one_sentence_description', lang),
      phase: localised(record.fields, fieldsCy, 'phase', lang),
      record,
      latestVersion: found.latestVersion,
      versions: found.versions.map((v) => ({
        ...v,
        href: withLang(`${base}?version=${v.versionNo}`),
        changesHref: v.versionNo > 1 ? withLang(`${base}/changes?from=${v.versionNo - 1}&to=${v.versionNo}`) : null,
        current: v.versionNo === record.versionNo,
      })),
      sections: shownSections(record.fields, fieldsCy, lang, { skip: HEADING_KEYS, standardVersion: record.standardVersion, redactions: record.redactions }),
      links: {
        organisation: withLang(`/public/${encodeURIComponent(record.organisationSlug)}`),
        latest: withLang(base),
        json: `/api/public/v1/records/${encodeURIComponent(record.organisationSlug)}/${encodeURIComponent(record.slug)}`,
        report: withLang(`${base}/report${record.versionNo === found.latestVersion ? '' : `?version=${record.versionNo}`}`),
        list: withLang('/public'),
      },
    })
  })

  app.get<{ Params: RecordParams; Querystring: { from?: unknown; to?: unknown } }>('/public/records/:org/:slug/changes', { config: { publicCache: 'page' } }, async (request, reply) => {
    const { org, slug } = recordParams(request.params)
    const from = versionParam(request.query.from)
    const to = versionParam(request.query.to)
    if (from === null || to === null) throw notFound()
    const history = await transparency.publishedHistory(org, slug)
    if (!history.length) throw notFound()
    const latest = history[0]!
    const byNo = new Map(history.map((v) => [v.versionNo, v]))
    const toNo = to ?? latest.versionNo
    const fromNo = from ?? toNo - 1
    const base = recordPath(latest.organisationSlug, latest.slug)
    const context = {
      pageTitle: t('publicRecord.changes.title', { title: latest.fields.title || latest.fields.name || latest.slug }),
      publicPage: true,
      record: latest,
      recordTitle: latest.fields.title || latest.fields.name || latest.slug,
      links: { record: withLang(base), changes: `${base}/changes` },
      versionItems: (selected: number) => history.map((v) => ({
        value: String(v.versionNo), text: t('publicRecord.versionOption', { version: v.versionNo }), selected: v.versionNo === selected,
      })),
    }
    // Only one version, or two that are the same: a normal page saying there is nothing to compare.
    if (history.length < 2 || fromNo === toNo || fromNo < 1) {
      return reply.view('transparency/views/public-changes.njk', { ...context, message: t(history.length < 2 ? 'publicRecord.changes.onlyOne' : 'publicRecord.changes.same'), from: fromNo, to: toNo })
    }
    const [older, newer] = fromNo < toNo ? [byNo.get(fromNo), byNo.get(toNo)] : [byNo.get(toNo), byNo.get(fromNo)]
    if (!older || !newer) throw notFound()
    return reply.view('transparency/views/public-changes.njk', {
      ...context,
      older, newer,
      from: older.versionNo, to: newer.versionNo,
      changes: recordChanges(older.fields, newer.fields, newer.standardVersion),
      olderHref: withLang(`${base}?version=${older.versionNo}`),
      newerHref: withLang(`${base}?version=${newer.versionNo}`),
    })
  })

  // ---- Report a problem with this record ----

  /** The record being reported on: the version the reader was looking at (the latest unless named). */
  const reportTarget = async (params: RecordParams, rawVersion: unknown) => {
    const version = versionParam(rawVersion)
    if (version === null) throw notFound()
    const found = await load(params, version)
    const r = found.record
    const target: ReportTarget = {
      recordId: r.recordId, organisationId: r.organisationId, organisationSlug: r.organisationSlug, slug: r.slug,
      title: r.fields.title || r.fields.name || r.slug, versionNo: r.versionNo,
    }
    return { target, found }
  }

  const renderReport = (reply: FastifyReply, target: ReportTarget, found: Awaited<ReturnType<typeof load>>,
    o: { values?: Record<string, string>; errors?: FormErrors; refusal?: string } = {}) => {
    const base = recordPath(target.organisationSlug, target.slug)
    const lang = currentLang()
    return reply.header('cache-control', 'no-store').view('transparency/views/report.njk', {
      pageTitle: t('publicRecord.report.title'),
      publicPage: true,
      heading: localised(found.record.fields, found.record.fieldsCy ?? {}, 'title', lang),
      organisationName: found.record.organisationName,
      action: withLang(`${base}/report${target.versionNo === found.latestVersion ? '' : `?version=${target.versionNo}`}`),
      recordHref: withLang(found.latestVersion === target.versionNo ? base : `${base}?version=${target.versionNo}`),
      values: o.values ?? {},
      errors: o.errors?.fields ?? {},
      errorList: [...(o.refusal ? [{ text: o.refusal, href: '#body' }] : []), ...(o.errors?.errorList ?? [])],
      bodyMax: REPORT_BODY_MAX,
    })
  }

  // The form hands out a CSRF token (the pre-session cookie): never cached, never shared.
  app.get<{ Params: RecordParams; Querystring: { version?: unknown } }>('/public/records/:org/:slug/report', async (request, reply) => {
    const { target, found } = await reportTarget(request.params, request.query.version)
    return renderReport(reply, target, found)
  })

  app.post<{ Params: RecordParams; Querystring: { version?: unknown }; Body: Body }>('/public/records/:org/:slug/report', async (request, reply) => {
    const { target, found } = await reportTarget(request.params, request.query.version)
    const b = request.body
    const values = { body: typed(b.body), email: typed(b.email), name: typed(b.name) }
    const parsed = parseWith(problemReportInput, { body: given(b.body), email: given(b.email), name: given(b.name) })
    if (!parsed.ok) return renderReport(reply.code(400), target, found, { values, errors: parsed.errors })
    const result = await problemReports.report(target, parsed.data)
    if (!result.ok) return renderReport(reply.code(429), target, found, { values, refusal: t('publicRecord.report.errors.rateLimited', { max: REPORTS_PER_DAY }) })
    return reply.redirect(withLang(`${recordPath(target.organisationSlug, target.slug)}/report/sent`), 303)
  })

  app.get<{ Params: RecordParams }>('/public/records/:org/:slug/report/sent', { config: { publicCache: 'page' } }, async (request, reply) => {
    const found = await load(request.params)
    const base = recordPath(found.record.organisationSlug, found.record.slug)
    return reply.view('transparency/views/report-sent.njk', {
      pageTitle: t('publicRecord.reportSent.title'),
      publicPage: true,
      organisationName: found.record.organisationName,
      recordHref: withLang(base),
      listHref: withLang('/public'),
    })
  })

  // ---- The Atom feed of new and changed records ----

  const feed = async (reply: FastifyReply, orgSlug?: string) => {
    const rows = await transparency.newestPublications(FEED_SIZE, orgSlug)
    // An organisation that has published nothing yet has an empty feed; one that does not exist has none.
    const organisationName = orgSlug === undefined ? '' : rows[0]?.organisationName ?? (await services.organisations.bySlug(orgSlug))?.name
    if (organisationName === undefined) throw notFound()
    const self = orgSlug === undefined ? '/public/feed.atom' : `/public/${encodeURIComponent(orgSlug)}/feed.atom`
    const lang = currentLang()
    return reply.type('application/atom+xml; charset=utf-8').header('access-control-allow-origin', '*').send(atomFeed({
      baseUrl: opts.baseUrl,
      id: `${opts.baseUrl}${self}`,
      title: orgSlug === undefined ? t('publicRecord.feed.title') : t('publicRecord.feed.organisationTitle', { organisation: organisationName }),
      selfPath: withLang(self),
      alternatePath: withLang(orgSlug === undefined ? '/public' : `/public/${encodeURIComponent(orgSlug)}`),
      author: t('public.serviceName'),
      lang,
      entries: rows.map((r) => {
        // A Welsh feed: each record's Welsh title and summary where it has them, its English (marked) where not.
        const title = localised(r.fields, r.fieldsCy, r.fields.title ? 'title' : 'name', lang)
        const summary = localised(r.fields, r.fieldsCy, 'one_sentence_description', lang)
        const vars = { title: title.text || r.slug, organisation: r.organisationName, version: r.versionNo }
        const path = `${recordPath(r.organisationSlug, r.slug)}?version=${r.versionNo}`
        return {
          path,
          linkPath: withLang(path),
          title: t(r.versionNo === 1 ? 'publicRecord.feed.entryNew' : 'publicRecord.feed.entryChanged', vars),
          updated: r.publishedAt,
          summary: summary.text,
          author: r.organisationName,
          ...(title.lang ? { titleLang: title.lang } : {}),
          ...(summary.lang ? { summaryLang: summary.lang } : {}),
        }
      }),
    }))
  }

  app.get('/public/feed.atom', { config: { publicCache: 'page' } }, async (_request, reply) => feed(reply))
  app.get<{ Params: { organisation: string } }>('/public/:organisation/feed.atom', { config: { publicCache: 'page' } }, async (request, reply) => {
    if (!ORGANISATION_SLUG.test(request.params.organisation)) throw notFound()
    return feed(reply, request.params.organisation)
  })

  // ---- The organisation's admins: the reports about its records ----

  // On the admins' home page: how many reports wait, and the way to the list.
  services.home.panels.add({
    id: 'problem-reports',
    order: 50,
    template: 'transparency/views/_reportsHome.njk',
    load: async (user) => (can(user.roles, 'transparency:reports') ? { open: await problemReports.openCount(user) } : null),
  })

  app.get<{ Querystring: { done?: unknown } }>('/transparency/reports', async (request, reply) => {
    const user = requirePermission(request, 'transparency:reports')
    const reports = await problemReports.list(user)
    return reply.view('transparency/views/reports.njk', {
      pageTitle: t('publicRecord.reports.title'),
      reports: reports.map((r) => ({ ...r, recordHref: `${recordPath(user.organisationSlug, r.recordSlug)}?version=${r.versionNo}` })),
      flash: request.query.done === 'dealt' ? t('publicRecord.reports.dealtFlash') : undefined,
    })
  })

  app.post<{ Params: { id: string } }>('/transparency/reports/:id/dealt-with', async (request, reply) => {
    const user = requirePermission(request, 'transparency:reports')
    await problemReports.markDealtWith(user, request.params.id)
    return reply.redirect('/transparency/reports?done=dealt', 303)
  })
}
