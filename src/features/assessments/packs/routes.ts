import multipart, { type MultipartFile } from '@fastify/multipart'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { CurrentUser } from '../../../platform/auth/store.ts'
import { requirePlatformAdmin } from '../../../platform/http/auth.ts'
import { HttpError } from '../../../platform/http/errors.ts'
import { issuesToFields } from '../../../platform/http/forms.ts'
import { t } from '../../../platform/i18n/i18n.ts'
import type { Services } from '../../../services.ts'
import { FIELD_PREFIX } from '../forms.ts'
import { rulesSummary } from './describe.ts'
import { audienceInput, type PackRow } from './model.ts'
import type { PackProblem } from './validate.ts'
import { MAX_PACK_BYTES, uploadLabel } from './validate.ts'

type Body = Record<string, unknown>
type PackParams = { packId: string }

const FILE_FIELD = 'file'
const TEXT_FIELD = 'yaml'
const PASTED_FILE = 'pasted.yaml'
const BASE = '/platform/question-sets'

interface Upload {
  filename: string
  /** The bytes, or null when over the limit. */
  bytes: Buffer | null
}
const uploads = new WeakMap<FastifyRequest, Upload>()

async function readUpload(request: FastifyRequest, part: MultipartFile): Promise<void> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of part.file as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size <= MAX_PACK_BYTES) chunks.push(chunk)
  }
  if (part.fieldname === FILE_FIELD && !uploads.has(request)) {
    const tooBig = part.file.truncated || size > MAX_PACK_BYTES
    uploads.set(request, { filename: part.filename, bytes: tooBig ? null : Buffer.concat(chunks) })
  }
}

/** Reads a multipart body before the CSRF check: text fields into a prototype-less body, the file into `uploads`. */
async function readMultipart(request: FastifyRequest): Promise<void> {
  if (!request.isMultipart()) return
  const body = Object.create(null) as Record<string, string | true>
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') await readUpload(request, part)
      else if (typeof part.value === 'string' && !(part.fieldname in body)) body[part.fieldname] = part.valueTruncated ? true : part.value
    }
  } catch (err) {
    const status = (err as { statusCode?: unknown }).statusCode
    if (typeof status === 'number' && status >= 400 && status < 500) throw err
    throw new HttpError(400, 'error.badRequest')
  }
  request.body = body
}

const STATUS_COLOURS: Record<string, string> = { draft: 'grey', live: 'green', withdrawn: 'orange' }

/**
 * /platform/question-sets: platform admins upload a question set's YAML (framework packs),
 * preview it as assessors will see it, put it live for every organisation or chosen ones, and
 * withdraw it. Every request first makes sure this process has the packs now in force.
 */
export function packRoutes(app: FastifyInstance, services: Services): void {
  const { packs } = services

  // Packs another process put live or withdrew reach this one within PACK_REFRESH_MS.
  app.addHook('onRequest', async (request) => {
    try {
      await packs.refreshIfStale()
    } catch (err) {
      request.log.error({ err }, 'could not refresh the question-set packs')
    }
  })

  const organisationNames = async (admin: CurrentUser) => new Map((await packs.organisations(admin)).map((o) => [o.id, o.name]))
  const publishedTo = (pack: PackRow, names: Map<string, string>) =>
    pack.audience === 'all' ? t('packs.audience.all') : pack.organisationIds.map((id) => names.get(id) ?? id).join(', ')

  app.get(BASE, async (request, reply) => {
    const admin = requirePlatformAdmin(request)
    const [{ packs: rows, builtIn }, names] = await Promise.all([packs.list(admin), organisationNames(admin)])
    const done = (request.query as Record<string, unknown>).done
    return reply.view('assessments/packs/views/list.njk', {
      pageTitle: t('packs.list.title'),
      rows: rows.map((r) => ({ ...r, publishedTo: r.pack.status === 'draft' ? '' : publishedTo(r.pack, names) })),
      builtIn, statusColours: STATUS_COLOURS,
      flash: typeof done === 'string' && ['withdrawn', 'discarded'].includes(done) ? t(`packs.done.${done}`) : undefined,
    })
  })

  const renderUpload = (reply: FastifyReply, opts: { problems?: PackProblem[]; errors?: Record<string, string>; yaml?: string } = {}) => {
    const errors = opts.errors ?? {}
    const problems = opts.problems ?? []
    return reply.view('assessments/packs/views/upload.njk', {
      pageTitle: t('packs.upload.title'),
      errors, problems, yaml: opts.yaml ?? '', maxKb: MAX_PACK_BYTES / 1024,
      errorList: [
        ...Object.entries(errors).map(([f, text]) => ({ text, href: `#${f}` })),
        ...problems.map((p) => ({ text: p.text, href: '#problems' })),
      ],
    })
  }

  app.get(`${BASE}/upload`, async (request, reply) => {
    requirePlatformAdmin(request)
    return renderUpload(reply)
  })

  // The upload has a scope of its own, so only this route parses multipart bodies.
  void app.register(async (scope) => {
    await scope.register(multipart, {
      throwFileSizeLimit: false,
      limits: { fileSize: MAX_PACK_BYTES + 1, files: 1, fields: 4, parts: 6, fieldSize: MAX_PACK_BYTES + 1 },
    })
    scope.addHook('preValidation', readMultipart)

    scope.post<{ Body: Body }>(`${BASE}/upload`, {
      config: { bodyTypes: ['multipart/form-data'] },
      // Who may upload is settled before a byte of the file is read.
      onRequest: async (request) => {
        requirePlatformAdmin(request)
      },
    }, async (request, reply) => {
      const admin = requirePlatformAdmin(request)
      const body = request.body ?? {}
      const upload = uploads.get(request)
      const pasted = body[TEXT_FIELD]
      const typed = typeof pasted === 'string' ? pasted : ''
      const refuse = (opts: { problems?: PackProblem[]; errors?: Record<string, string> }) => {
        reply.code(400)
        return renderUpload(reply, { ...opts, yaml: typed.length <= MAX_PACK_BYTES ? typed : '' })
      }
      let input: { fileName: string; bytes: Buffer }
      if (upload && (upload.filename !== '' || upload.bytes === null || upload.bytes.length > 0)) {
        const fileName = uploadLabel(upload.filename, 'upload.yaml')
        if (!upload.bytes) return refuse({ errors: { [FILE_FIELD]: t('packs.errors.tooBig', { kb: MAX_PACK_BYTES / 1024 }) } })
        if (upload.bytes.length === 0) return refuse({ errors: { [FILE_FIELD]: t('packs.errors.emptyFile') } })
        input = { fileName, bytes: upload.bytes }
      } else if (pasted === true || typed.length > MAX_PACK_BYTES) {
        return refuse({ errors: { [TEXT_FIELD]: t('packs.errors.tooBig', { kb: MAX_PACK_BYTES / 1024 }) } })
      } else if (pasted !== undefined && typeof pasted !== 'string') {
        return refuse({ errors: { [TEXT_FIELD]: t('packs.errors.nothing') } })
      } else if (typed.trim() === '') {
        return refuse({ errors: { [FILE_FIELD]: t('packs.errors.nothing') } })
      } else {
        input = { fileName: PASTED_FILE, bytes: Buffer.from(typed, 'utf8') }
      }
      const result = await packs.upload(admin, input)
      if (!result.ok) return refuse({ problems: result.problems, errors: { [input.fileName === PASTED_FILE ? TEXT_FIELD : FILE_FIELD]: t('packs.errors.refused', { count: result.problems.length }) } })
      return reply.redirect(`${BASE}/${result.pack.id}?done=${result.replaced ? 'replaced' : 'uploaded'}`, 303)
    })
  })

  const renderPreview = async (reply: FastifyReply, admin: CurrentUser, packId: string,
    opts: { errors?: Record<string, string>; problems?: PackProblem[]; values?: { audience?: string; organisations?: string[] }; done?: string | null } = {}) => {
    const [{ pack, check }, orgs, history, shared] = await Promise.all([
      packs.get(admin, packId), packs.organisations(admin), packs.history(admin, packId), packs.sharedLibrary(),
    ])
    const errors = opts.errors ?? {}
    const values = opts.values ?? { audience: pack.status === 'live' ? pack.audience : undefined, organisations: pack.organisationIds }
    const chosen = new Set(values.organisations ?? [])
    const names = new Map(orgs.map((o) => [o.id, o.name]))
    return reply.view('assessments/packs/views/preview.njk', {
      pageTitle: t('packs.preview.title', { title: pack.title, version: pack.setVersion }),
      pack, set: check.ok ? check.set : null, problems: [...(check.ok ? [] : check.problems), ...(opts.problems ?? [])],
      summary: check.ok ? rulesSummary(check.set, shared) : null,
      prefix: FIELD_PREFIX, answers: {}, answerErrors: {},
      statusColours: STATUS_COLOURS, publishedTo: pack.status === 'draft' ? '' : publishedTo(pack, names),
      history, errors,
      errorList: [
        ...Object.entries(errors).map(([f, text]) => ({ text, href: f === '_form' ? '#go-live' : `#${f}` })),
        ...(opts.problems ?? []).map((p) => ({ text: p.text, href: '#problems' })),
      ],
      orgItems: orgs.map((o) => ({ value: o.id, text: o.name, checked: chosen.has(o.id) })),
      audience: values.audience,
      flash: opts.done ? t(`packs.done.${opts.done}`) : undefined,
    })
  }

  app.get<{ Params: PackParams }>(`${BASE}/:packId`, async (request, reply) => {
    const admin = requirePlatformAdmin(request)
    const done = (request.query as Record<string, unknown>).done
    return renderPreview(reply, admin, request.params.packId, {
      done: typeof done === 'string' && ['uploaded', 'replaced', 'live'].includes(done) ? done : null,
    })
  })

  // The YAML as uploaded (to start the next version from).
  app.get<{ Params: PackParams }>(`${BASE}/:packId/download`, async (request, reply) => {
    const admin = requirePlatformAdmin(request)
    const { pack } = await packs.get(admin, request.params.packId)
    return reply.type('text/plain; charset=utf-8')
      .header('content-disposition', `attachment; filename="${pack.setId}-v${pack.setVersion}.yaml"`)
      .send(pack.yaml)
  })

  app.post<{ Params: PackParams; Body: Body }>(`${BASE}/:packId/live`, async (request, reply) => {
    const admin = requirePlatformAdmin(request)
    const body = request.body ?? {}
    const orgs = body.organisations === undefined ? [] : Array.isArray(body.organisations) ? body.organisations : [body.organisations]
    const values = {
      audience: typeof body.audience === 'string' ? body.audience : undefined,
      organisations: orgs.filter((o): o is string => typeof o === 'string'),
    }
    const parsed = audienceInput.safeParse(body.audience === 'selected' ? { audience: 'selected', organisations: orgs } : { audience: body.audience })
    if (!parsed.success) {
      const fields = issuesToFields(parsed.error.issues)
      const errors: Record<string, string> = {}
      for (const [k, v] of Object.entries(fields)) errors[k.startsWith('organisations') ? 'organisations' : 'audience'] ??= v
      reply.code(400)
      return renderPreview(reply, admin, request.params.packId, { errors, values })
    }
    const result = await packs.goLive(admin, request.params.packId,
      parsed.data.audience === 'all' ? { kind: 'all' } : { kind: 'selected', organisationIds: parsed.data.organisations })
    if (!result.ok) {
      reply.code(result.errors._form ? 409 : 400)
      const errors = Object.fromEntries(Object.entries(result.errors).map(([k, v]) => [k, t(v)]))
      return renderPreview(reply, admin, request.params.packId, { errors, values, problems: result.problems ?? [] })
    }
    return reply.redirect(`${BASE}/${request.params.packId}?done=live`, 303)
  })

  app.post<{ Params: PackParams }>(`${BASE}/:packId/withdraw`, async (request, reply) => {
    const admin = requirePlatformAdmin(request)
    if (!(await packs.withdraw(admin, request.params.packId))) {
      reply.code(409)
      return renderPreview(reply, admin, request.params.packId, { errors: { _form: t('packs.errors.notLive') } })
    }
    return reply.redirect(`${BASE}?done=withdrawn`, 303)
  })

  app.post<{ Params: PackParams }>(`${BASE}/:packId/discard`, async (request, reply) => {
    const admin = requirePlatformAdmin(request)
    if (!(await packs.discard(admin, request.params.packId))) {
      reply.code(409)
      return renderPreview(reply, admin, request.params.packId, { errors: { _form: t('packs.errors.notDraft') } })
    }
    return reply.redirect(`${BASE}?done=discarded`, 303)
  })
}
