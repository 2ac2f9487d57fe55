import multipart, { type MultipartFile } from '@fastify/multipart'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { requirePermission } from '../../platform/http/auth.ts'
import { HttpError, notFound } from '../../platform/http/errors.ts'
import { formErrors } from '../../platform/http/forms.ts'
import { paginationFor } from '../../platform/http/pagination.ts'
import { t } from '../../platform/i18n/i18n.ts'
import type { Services } from '../../services.ts'
import { ORGANISATION_SLUG } from '../organisations/model.ts'
import { RECORD_SLUG } from './atrsImport.ts'
import { MAX_IMPORT_BYTES, type Problem, UNSTORABLE } from './csvFile.ts'
import { nlRegisterCsv, toEurocities, toNlRegister } from './exports.ts'
import { IMPORT_FORMATS, importFile, isImportFormat, rejectedRows } from './importFile.ts'

/** The form's file field, and how many report rows a page shows. */
const FILE_FIELD = 'file'
const REPORT_LIMIT = 1000
/** The public list of records published on GOV.UK: its page size, longest search and last page. */
const PER_PAGE = 50
const SEARCH_MAX = 200
const PAGE_MAX = 100000

interface Upload {
  filename: string
  mimetype: string
  size: number
  /** The file's bytes, or null when it was over the limit (the rest was read and thrown away). */
  bytes: Buffer | null
}

/** Each request's uploaded file, kept off the body so no other code walks its bytes. */
const uploads = new WeakMap<FastifyRequest, Upload>()

async function readUpload(request: FastifyRequest, part: MultipartFile): Promise<void> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of part.file as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size <= MAX_IMPORT_BYTES) chunks.push(chunk)
  }
  if (part.fieldname === FILE_FIELD && !uploads.has(request)) {
    const tooBig = part.file.truncated || size > MAX_IMPORT_BYTES
    uploads.set(request, { filename: part.filename, mimetype: part.mimetype, size, bytes: tooBig ? null : Buffer.concat(chunks) })
  }
}

/**
 * Reads a multipart body before the CSRF check (which needs its `_csrf` field, sent before the
 * file): text fields into a prototype-less body, the file into `uploads`. A malformed body is a
 * 400; the parser's own limits (too many parts or files) keep their 413.
 */
async function readMultipart(request: FastifyRequest): Promise<void> {
  if (!request.isMultipart()) return
  const body = Object.create(null) as Record<string, string>
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') await readUpload(request, part)
      else if (typeof part.value === 'string' && !(part.fieldname in body)) body[part.fieldname] = part.value
    }
  } catch (err) {
    const status = (err as { statusCode?: unknown }).statusCode
    if (typeof status === 'number' && status >= 400 && status < 500) throw err
    throw new HttpError(400, 'error.badRequest')
  }
  request.body = body
}

const problemRow = (p: Problem) => ({ line: p.line > 0 ? p.line : '', field: p.field ?? '', reason: t(p.key, p.vars) })

/**
 * Imports for admins (/interchange/import: the Dutch register's export, ATRS records, GOV.UK's
 * index), the public list of records published on GOV.UK (/public/elsewhere), and each published
 * record in the Eurocities and Dutch standards.
 */
export function interchangeRoutes(app: FastifyInstance, services: Services, opts: { baseUrl: string }): void {
  const { interchange, organisations } = services

  const renderForm = (reply: FastifyReply, user: { organisationName: string }, opts: { format?: string; errors?: Record<string, string>; refused?: Problem[] } = {}) => {
    const errors = opts.errors ?? {}
    return reply.view('interchange/views/import.njk', {
      pageTitle: t('interchange.import.title'),
      errors,
      errorList: formErrors(errors, (f) => (f === 'format' ? 'format' : f)).errorList,
      refused: (opts.refused ?? []).map(problemRow),
      formatItems: IMPORT_FORMATS.map((f) => ({
        value: f, text: t(`interchange.import.format.${f}`), checked: opts.format === f,
        hint: { text: t(`interchange.import.format.${f}.hint`, { org: user.organisationName }) },
      })),
    })
  }

  app.get('/interchange/import', async (request, reply) => {
    const user = requirePermission(request, 'organisation:manage')
    return renderForm(reply, user)
  })

  // The upload has a scope of its own, so only this route parses multipart bodies.
  void app.register(async (scope) => {
    await scope.register(multipart, {
      throwFileSizeLimit: false,
      limits: { fileSize: MAX_IMPORT_BYTES, files: 1, fields: 5, parts: 8, fieldSize: 1000 },
    })
    scope.addHook('preValidation', readMultipart)

    scope.post<{ Body: Record<string, unknown> }>('/interchange/import', {
      config: { bodyTypes: ['multipart/form-data'] },
      // Who may upload is settled before a byte of the file is read.
      onRequest: async (request) => {
        requirePermission(request, 'organisation:manage')
      },
    }, async (request, reply) => {
      const user = requirePermission(request, 'organisation:manage')
      const format = request.body?.format
      const upload = uploads.get(request)
      const refuse = (errors: Record<string, string>, refused: Problem[] = []) => {
        reply.code(400)
        return renderForm(reply, user, { format: typeof format === 'string' ? format : undefined, errors, refused })
      }
      if (!isImportFormat(format)) return refuse({ format: t('interchange.import.errors.format') })
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
    })
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
