import multipart, { type MultipartFile } from '@fastify/multipart'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { requirePermission } from '../../platform/http/auth.ts'
import { HttpError } from '../../platform/http/errors.ts'
import { type FormErrors, formErrors } from '../../platform/http/forms.ts'
import { t } from '../../platform/i18n/i18n.ts'
import type { Services } from '../../services.ts'
import { requireSession } from './routes.ts'
import { checkStaffCsv, decodeText, EXAMPLE_CSV, looksLikeCsv, MAX_IMPORT_BYTES, type RowProblem } from './staffCsv.ts'

/** The file field of the import form, and how many report rows a page shows. */
const FILE_FIELD = 'file'
const REPORT_LIMIT = 1000

interface Upload {
  filename: string
  mimetype: string
  /** The file's bytes, or null when it was over the limit (the rest was read and thrown away). */
  bytes: Buffer | null
}

/** Each request's uploaded file, kept off the body so no other code walks its bytes. */
const uploads = new WeakMap<FastifyRequest, Upload>()

/**
 * Reads the one file part: at most MAX_IMPORT_BYTES are kept; a bigger file is marked and the
 * rest discarded, so the page can say so instead of the request failing.
 */
async function readUpload(request: FastifyRequest, part: MultipartFile): Promise<void> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of part.file as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size <= MAX_IMPORT_BYTES) chunks.push(chunk)
  }
  if (part.fieldname === FILE_FIELD && !uploads.has(request)) {
    const tooBig = part.file.truncated || size > MAX_IMPORT_BYTES
    uploads.set(request, { filename: part.filename, mimetype: part.mimetype, bytes: tooBig ? null : Buffer.concat(chunks) })
  }
}

/**
 * Reads a multipart body before the CSRF check (which needs its `_csrf` field): text fields into
 * a prototype-less body (first value of each name), the file into `uploads`. A malformed body is
 * a 400; the parser's own limits (too many parts or files) keep their 413.
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

export function problemText(p: RowProblem): string {
  return t(p.key, p.vars)
}

/** /people/import: an admin uploads a staff CSV; /people/import/example.csv is the example file. */
export function staffImportRoutes(app: FastifyInstance, services: Services): void {
  const { people } = services

  const renderForm = (reply: FastifyReply, opts: { errors?: FormErrors; problems?: RowProblem[] } = {}) => {
    const problems = opts.problems ?? []
    return reply.view('people/views/import.njk', {
      pageTitle: t('people.import.title'),
      errors: opts.errors?.fields ?? {},
      errorList: opts.errors?.errorList ?? [],
      report: problems.slice(0, REPORT_LIMIT).map((p) => ({ line: p.line, reason: problemText(p) })),
      more: Math.max(0, problems.length - REPORT_LIMIT),
    })
  }

  app.get('/people/import', async (request, reply) => {
    requirePermission(request, 'people:manage')
    return renderForm(reply)
  })

  app.get('/people/import/example.csv', async (request, reply) => {
    requirePermission(request, 'people:manage')
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="staff-import-example.csv"')
      .send(EXAMPLE_CSV)
  })

  // The upload has a scope of its own, so only this route parses multipart bodies.
  void app.register(async (scope) => {
    await scope.register(multipart, {
      throwFileSizeLimit: false,
      limits: { fileSize: MAX_IMPORT_BYTES, files: 1, fields: 5, parts: 8, fieldSize: 1000 },
    })
    scope.addHook('preValidation', readMultipart)

    scope.post<{ Body: Record<string, unknown> }>('/people/import', {
      config: { bodyTypes: ['multipart/form-data'] },
      // Who may upload is settled before a byte of the file is read.
      onRequest: async (request) => {
        requireSession(requirePermission(request, 'people:manage'))
      },
    }, async (request, reply) => {
      const user = requireSession(requirePermission(request, 'people:manage'))
      const upload = uploads.get(request)
      const refuse = (key: string) => {
        reply.code(400)
        return renderForm(reply, { errors: formErrors({ [FILE_FIELD]: t(key) }) })
      }
      if (!upload || (upload.filename === '' && upload.bytes?.length === 0)) return refuse('people.import.errors.noFile')
      if (!upload.bytes) return refuse('people.import.errors.tooBig')
      if (!looksLikeCsv(upload.filename, upload.mimetype)) return refuse('people.import.errors.notCsv')
      const text = decodeText(upload.bytes)
      if (text === null) return refuse('people.import.errors.notText')
      const checked = checkStaffCsv(text)
      if (!checked.ok) {
        reply.code(400)
        return renderForm(reply, {
          errors: formErrors({ [FILE_FIELD]: t('people.import.errors.rows', { count: checked.problems.length }) }),
          problems: checked.problems,
        })
      }
      const summary = await people.importStaff(user, checked.rows, upload.filename)
      return reply.view('people/views/imported.njk', { pageTitle: t('people.import.done.title'), summary })
    })
  })
}
