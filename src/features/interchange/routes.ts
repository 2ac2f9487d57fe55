import type { FastifyInstance, FastifyReply } from 'fastify'
import type { CurrentUser } from '../../platform/auth/store.ts'
import { requirePermission } from '../../platform/http/auth.ts'
import { notFound } from '../../platform/http/errors.ts'
import { formErrors } from '../../platform/http/forms.ts'
import { paginationFor } from '../../platform/http/pagination.ts'
import { uploadRoute } from '../../platform/http/upload.ts'
import { t } from '../../platform/i18n/i18n.ts'
import type { Services } from '../../services.ts'
import { ORGANISATION_SLUG } from '../organisations/model.ts'
import { RECORD_SLUG } from './atrsImport.ts'
import { MAX_IMPORT_BYTES, type Problem, UNSTORABLE } from './csvFile.ts'
import { nlRegisterCsv, toEurocities, toNlRegister } from './exports.ts'
import { IMPORT_FORMATS, type ImportFormatName, importFile, isImportFormat, rejectedRows } from './importFile.ts'

/** The form's file field, and how many report rows a page shows. */
const FILE_FIELD = 'file'
const REPORT_LIMIT = 1000
/** The public list of records published on GOV.UK: its page size, longest search and last page. */
const PER_PAGE = 50
const SEARCH_MAX = 200
const PAGE_MAX = 100000

/**
 * The formats this person may upload: an organisation admin brings ATRS records into their own
 * organisation; the Dutch register (which makes organisations) and GOV.UK's index (shown to
 * everyone) change the whole platform, so only platform admins upload them.
 */
const formatsFor = (user: Pick<CurrentUser, 'platformAdmin'>): readonly ImportFormatName[] =>
  user.platformAdmin === true ? IMPORT_FORMATS : IMPORT_FORMATS.filter((f) => f === 'atrs')

const problemRow = (p: Problem) => ({ line: p.line > 0 ? p.line : '', field: p.field ?? '', reason: t(p.key, p.vars) })

/**
 * Imports for admins (/interchange/import: the Dutch register's export, ATRS records, GOV.UK's
 * index), the public list of records published on GOV.UK (/public/elsewhere), and each published
 * record in the Eurocities and Dutch standards.
 */
export function interchangeRoutes(app: FastifyInstance, services: Services, opts: { baseUrl: string }): void {
  const { interchange, organisations } = services

  const renderForm = (reply: FastifyReply, user: CurrentUser, opts: { format?: string; errors?: Record<string, string>; refused?: Problem[] } = {}) => {
    const errors = opts.errors ?? {}
    return reply.view('interchange/views/import.njk', {
      pageTitle: t('interchange.import.title'),
      errors,
      errorList: formErrors(errors, (f) => (f === 'format' ? 'format' : f)).errorList,
      refused: (opts.refused ?? []).map(problemRow),
      formatItems: formatsFor(user).map((f) => ({
        value: f, text: t(`interchange.import.format.${f}`), checked: opts.format === f,
        hint: { text: t(`interchange.import.format.${f}.hint`, { org: user.organisationName }) },
      })),
    })
  }

  app.get('/interchange/import', async (request, reply) => {
    const user = requirePermission(request, 'organisation:manage')
    return renderForm(reply, user)
  })

  uploadRoute(app, {
    path: '/interchange/import',
    maxBytes: MAX_IMPORT_BYTES,
    fileField: FILE_FIELD,
    authorise: (request) => {
      requirePermission(request, 'organisation:manage')
    },
    handler: async (request, reply, upload) => {
      const user = requirePermission(request, 'organisation:manage')
      const format = request.body?.format
      const refuse = (errors: Record<string, string>, refused: Problem[] = []) => {
        reply.code(400)
        return renderForm(reply, user, { format: typeof format === 'string' ? format : undefined, errors, refused })
      }
      if (!isImportFormat(format)) return refuse({ format: t('interchange.import.errors.format') })
      if (!formatsFor(user).includes(format)) return refuse({ format: t('interchange.import.errors.platformFormat') })
      if (!upload || (upload.filename === '' && upload.size === 0)) return refuse({ [FILE_FIELD]: t('interchange.import.errors.noFile') })
      const organisation = format === 'atrs' ? await organisations.get(user.organisationId) : null
      const report = await importFile(interchange, {
        format, bytes: upload.bytes, size: upload.size, fileName: upload.filename.slice(0, 200), mimetype: upload.mimetype, organisation,
      })
      if (report.refused.length) return refuse({ [FILE_FIELD]: t('interchange.import.errors.refused') }, report.refused)
      const problems = [...report.rejected, ...(report.counts?.notPublished ?? [])]
      if (report.rejected.length) reply.code(422)
      return reply.view('interchange/views/report.njk', {
        pageTitle: t('interchange.import.done.title'),
        report: { ...report, rejectedRows: rejectedRows(report), seconds: (report.ms / 1000).toFixed(1) },
        rejected: report.rejected.slice(0, REPORT_LIMIT).map(problemRow),
        notPublished: (report.counts?.notPublished ?? []).slice(0, REPORT_LIMIT).map(problemRow),
        more: Math.max(0, problems.length - 2 * REPORT_LIMIT),
      })
    },
  })

  // ---- Public: no login, the same answer for everyone. ----

  app.get<{ Querystring: Record<string, unknown> }>('/public/elsewhere', { config: { publicCache: 'etag' } }, async (request, reply) => {
    const raw = request.query
    const errors: Record<string, string> = {}
    const qRaw = raw.q
    const q = typeof qRaw === 'string' ? qRaw.trim() : ''
    if (qRaw !== undefined && typeof qRaw !== 'string') errors.q = t('interchange.elsewhere.errors.search', { max: SEARCH_MAX })
    else if ([...q].length > SEARCH_MAX || UNSTORABLE.test(q)) errors.q = t('interchange.elsewhere.errors.search', { max: SEARCH_MAX })
    const pageRaw = raw.page
    let page = 1
    if (pageRaw !== undefined && pageRaw !== '') {
      if (typeof pageRaw === 'string' && /^[1-9]\d{0,5}$/.test(pageRaw) && Number(pageRaw) <= PAGE_MAX) page = Number(pageRaw)
      else errors.page = t('interchange.elsewhere.errors.page')
    }
    const refused = Object.keys(errors).length > 0
    const result = refused ? { rows: [], total: 0 } : await interchange.listExternal({ q: q || undefined, page, perPage: PER_PAGE })
    const pages = Math.max(1, Math.ceil(result.total / PER_PAGE))
    if (refused) reply.code(400)
    const link = (n: number) => `/public/elsewhere?${new URLSearchParams({ ...(q ? { q } : {}), ...(n > 1 ? { page: String(n) } : {}) }).toString()}`.replace(/\?$/, '')
    return reply.view('interchange/views/elsewhere.njk', {
      pageTitle: t('interchange.elsewhere.title'),
      publicPage: true,
      q: typeof qRaw === 'string' ? [...qRaw.slice(0, 1000)].map((c) => (UNSTORABLE.test(c) ? '\uFFFD' : c)).join('') : '',
      errors,
      errorList: formErrors(errors.q ? { q: errors.q } : {}).errorList,
      refused,
      records: result.rows,
      total: result.total,
      pagination: page <= pages ? paginationFor(page, pages, link, t('interchange.elsewhere.pagination')) : null,
    })
  })

  // ---- Each published record in other standards (JSON answers; errors as JSON). ----

  const exportSource = async (params: { org: string; slug: string }) => {
    if (!ORGANISATION_SLUG.test(params.org) || params.slug.length > 100 || !RECORD_SLUG.test(params.slug)) throw notFound()
    const src = await interchange.exportSource(params.org, params.slug, opts.baseUrl)
    if (!src) throw notFound()
    return src
  }

  app.get<{ Params: { org: string; slug: string } }>('/public/records/:org/:slug/eurocities.json', { config: { publicCache: 'etag' } },
    async (request, reply) => reply.header('access-control-allow-origin', '*').send(toEurocities(await exportSource(request.params))))

  app.get<{ Params: { org: string; slug: string } }>('/public/records/:org/:slug/nl-register.json', { config: { publicCache: 'etag' } },
    async (request, reply) => reply.header('access-control-allow-origin', '*').send(toNlRegister(await exportSource(request.params))))

  app.get<{ Params: { org: string; slug: string } }>('/public/records/:org/:slug/nl-register.csv', { config: { publicCache: 'etag' } },
    async (request, reply) => {
      const src = await exportSource(request.params)
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${src.publicId.replace('/', '--')}-nl-register.csv"`)
        .header('access-control-allow-origin', '*')
        .send(nlRegisterCsv(src))
    })
}
