import { createHash } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

/**
 * Public answers are the same for every resident, so they can be cached: by browsers and CDNs
 * (an ETag and Cache-Control on each, 304 for a matching If-None-Match) and in this process
 * until the data behind them changes. The cache knows no feature: it is given a `generation()`
 * that moves on whenever the public data changes, asks it once per request (one tiny query, so
 * a change made by another process is seen at once), and answers from memory only what was
 * rendered at the current generation. Routes opt in with `config: { publicCache: mode }`:
 *
 * - 'page': a rendered answer (string or Buffer) kept in a bounded LRU (entries and bytes),
 *   ETag = hash of the body. For answers that depend only on the generation's data.
 * - 'stream': a streamed download, never held in memory; ETag = generation + address, so a
 *   conditional GET costs the generation query and nothing else.
 * - 'etag': not kept (the answer depends on more than the generation); ETag = hash of the body.
 *
 * Only 200 answers are cached; refusals and errors pass through untouched.
 */
export type PublicCacheMode = 'page' | 'stream' | 'etag'

declare module 'fastify' {
  interface FastifyContextConfig {
    publicCache?: PublicCacheMode
    /** Part of a 'stream' ETag, to be changed when the format changes without the data (the CSV columns). */
    publicCacheSalt?: string
  }
  interface FastifyRequest {
    publicGeneration?: number
  }
}

export interface PublicCacheOptions {
  generation: () => Promise<number>
  /** Entries kept (default 500). */
  maxEntries?: number
  /** Bytes of bodies kept (default 64 MiB). */
  maxBytes?: number
  /**
   * Seconds a browser or CDN may reuse an answer without asking (default 60): a publish shows
   * everywhere within a minute, and after that each revalidation is a cheap 304.
   */
  maxAge?: number
}

interface Entry {
  generation: number
  body: string | Buffer
  bytes: number
  etag: string
  headers: Record<string, string>
}

/** Headers a cached answer keeps (the security headers are set afresh on every request). */
const KEPT_HEADERS = ['content-type', 'content-disposition', 'access-control-allow-origin', 'content-language']

const hash = (data: string | Buffer) => createHash('sha256').update(data).digest('base64url').slice(0, 27)

/** Whether the request's If-None-Match names this ETag (or is `*`). */
function matches(request: FastifyRequest, etag: string): boolean {
  const header = request.headers['if-none-match']
  if (!header) return false
  const weak = (s: string) => s.trim().replace(/^W\//, '')
  return header.split(',').some((tag) => tag.trim() === '*' || weak(tag) === weak(etag))
}

export interface PublicCache {
  /** What is held now (for tests and the benchmark). */
  stats(): { entries: number; bytes: number; hits: number; misses: number }
  clear(): void
}

export function setUpPublicCache(app: FastifyInstance, opts: PublicCacheOptions): PublicCache {
  const maxEntries = opts.maxEntries ?? 500
  const maxBytes = opts.maxBytes ?? 64 * 1024 * 1024
  const cacheControl = `public, max-age=${opts.maxAge ?? 60}`
  const entries = new Map<string, Entry>()
  let bytes = 0
  let hits = 0
  let misses = 0

  /**
   * The generation, read once for all the requests that ask while a read is under way (under
   * load, one query serves many requests; each still sees a generation read after it arrived
   * or at most one query's time before).
   */
  let reading: Promise<number> | null = null
  const generation = (): Promise<number> => (reading ??= opts.generation().finally(() => { reading = null }))

  const keyOf = (request: FastifyRequest) => `${request.method === 'HEAD' ? 'GET' : request.method} ${request.url}`
  const modeOf = (request: FastifyRequest): PublicCacheMode | undefined =>
    request.method === 'GET' || request.method === 'HEAD' ? request.routeOptions.config?.publicCache : undefined

  function forget(key: string) {
    const e = entries.get(key)
    if (!e) return
    entries.delete(key)
    bytes -= e.bytes
  }

  function keep(key: string, entry: Entry) {
    forget(key)
    if (entry.bytes > maxBytes / 4) return // one answer may not push out most of the others
    entries.set(key, entry)
    bytes += entry.bytes
    while (entries.size > maxEntries || bytes > maxBytes) forget(entries.keys().next().value!)
  }

  function answer(request: FastifyRequest, reply: FastifyReply, etag: string): boolean {
    reply.header('etag', etag).header('cache-control', cacheControl)
    if (!matches(request, etag)) return false
    reply.code(304)
    return true
  }

  app.addHook('onRequest', async (request, reply) => {
    const mode = modeOf(request)
    if (!mode) return
    const current = await generation()
    request.publicGeneration = current
    if (mode === 'stream') {
      const etag = `W/"g${current}-${hash(`${keyOf(request)} ${request.routeOptions.config?.publicCacheSalt ?? ''}`)}"`
      if (answer(request, reply, etag)) return reply.send()
      return
    }
    if (mode !== 'page') return
    const key = keyOf(request)
    const hit = entries.get(key)
    if (!hit || hit.generation !== current) {
      if (hit) forget(key)
      misses++
      reply.header('x-cache', 'miss')
      return
    }
    hits++
    entries.delete(key)
    entries.set(key, hit) // most recently used last
    reply.headers(hit.headers).header('x-cache', 'hit')
    if (answer(request, reply, hit.etag)) return reply.send()
    return reply.code(200).send(hit.body)
  })

  app.addHook('onSend', async (request, reply, payload) => {
    const mode = modeOf(request)
    if (!mode) return payload
    if (reply.statusCode !== 200 && reply.statusCode !== 304) {
      reply.header('cache-control', 'no-cache')
      return payload
    }
    // Set again here: an earlier onSend hook (the API's no-store for signed-in answers) must not win.
    reply.header('cache-control', cacheControl)
    if (reply.statusCode === 304 || mode === 'stream') return payload
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload
    if (reply.getHeader('x-cache') === 'hit') return payload
    const etag = `"${hash(payload)}"`
    if (mode === 'page' && request.publicGeneration !== undefined) {
      const headers: Record<string, string> = {}
      for (const h of KEPT_HEADERS) {
        const v = reply.getHeader(h)
        if (v !== undefined) headers[h] = String(v)
      }
      keep(keyOf(request), { generation: request.publicGeneration, body: payload, bytes: Buffer.byteLength(payload), etag, headers })
    }
    if (answer(request, reply, etag)) {
      reply.removeHeader('content-length')
      return ''
    }
    return payload
  })

  return {
    stats: () => ({ entries: entries.size, bytes, hits, misses }),
    clear() {
      entries.clear()
      bytes = 0
    },
  }
}
