import type { FastifyInstance, FastifyReply } from 'fastify'
import { requirePermission } from '../../platform/http/auth.ts'
import { type FormErrors, formErrors } from '../../platform/http/forms.ts'
import { uploadRoute } from '../../platform/http/upload.ts'
import { t } from '../../platform/i18n/i18n.ts'
import type { Services } from '../../services.ts'
import { requireSession } from './routes.ts'
import { checkStaffCsv, decodeText, EXAMPLE_CSV, looksLikeCsv, MAX_IMPORT_BYTES, type RowProblem } from './staffCsv.ts'

/** The file field of the import form, and how many report rows a page shows. */
const FILE_FIELD = 'file'
const REPORT_LIMIT = 1000

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

  uploadRoute(app, {
    path: '/people/import',
    maxBytes: MAX_IMPORT_BYTES,
    fileField: FILE_FIELD,
    // Who may upload is settled before a byte of the file is read.
    authorise: (request) => {
      requireSession(requirePermission(request, 'people:manage'))
    },
    handler: async (request, reply, upload) => {
      const user = requireSession(requirePermission(request, 'people:manage'))
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
    },
  })
}
