import multipart, { type MultipartFile } from '@fastify/multipart'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { HttpError } from './errors.ts'

/** One uploaded file as a form sent it. */
export interface Upload {
  filename: string
  mimetype: string
  /** Bytes sent, counting any over the limit. */
  size: number
  /** The file's bytes, or null when it was over the limit (the rest was read and thrown away). */
  bytes: Buffer | null
}

export interface UploadRouteOptions {
  /** The form's action. */
  path: string
  /** The most bytes kept; a bigger file arrives as `bytes: null` so the page can say so. */
  maxBytes: number
  /** The form's file field (other file fields are read and dropped). Default "file". */
  fileField?: string
  /** Who may upload, settled before a byte of the file is read (throw 401/403). */
  authorise(request: FastifyRequest): void
  /** The handler: the form's text fields are `request.body` (first value of each name), the file is `upload`. */
  handler(request: FastifyRequest<{ Body: Record<string, unknown> }>, reply: FastifyReply, upload: Upload | null): Promise<unknown>
}

/**
 * A POST route taking one file in a multipart form, in a scope of its own (so only it parses
 * multipart bodies). The body is read before the CSRF check, which needs its `_csrf` field: text
 * fields go into a prototype-less body, the file is kept off the body so no other code walks its
 * bytes. A malformed body is a 400; the parser's own limits (too many parts or files) keep their 413.
 */
export function uploadRoute(app: FastifyInstance, opts: UploadRouteOptions): void {
  const fileField = opts.fileField ?? 'file'
  const uploads = new WeakMap<FastifyRequest, Upload>()

  async function readUpload(request: FastifyRequest, part: MultipartFile): Promise<void> {
    const chunks: Buffer[] = []
    let size = 0
    for await (const chunk of part.file as AsyncIterable<Buffer>) {
      size += chunk.length
      if (size <= opts.maxBytes) chunks.push(chunk)
    }
    if (part.fieldname === fileField && !uploads.has(request)) {
      const tooBig = part.file.truncated || size > opts.maxBytes
      uploads.set(request, { filename: part.filename, mimetype: part.mimetype, size, bytes: tooBig ? null : Buffer.concat(chunks) })
    }
  }

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

  void app.register(async (scope) => {
    await scope.register(multipart, {
      throwFileSizeLimit: false,
      limits: { fileSize: opts.maxBytes, files: 1, fields: 5, parts: 8, fieldSize: 1000 },
    })
    scope.addHook('preValidation', readMultipart)
    scope.post<{ Body: Record<string, unknown> }>(opts.path, {
      config: { bodyTypes: ['multipart/form-data'] },
      onRequest: async (request) => opts.authorise(request),
    }, async (request, reply) => opts.handler(request, reply, uploads.get(request) ?? null))
  })
}
