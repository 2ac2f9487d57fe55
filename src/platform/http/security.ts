import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { HttpError } from './errors.ts'

export const SESSION_COOKIE = 'aigov_session'
export const PRE_SESSION_CSRF_COOKIE = 'aigov_csrf'

/** Security headers on every response; a fresh CSP nonce per request for govuk's inline script. */
export function setUpSecurityHeaders(app: FastifyInstance, opts: { hsts?: boolean } = {}): void {
  app.addHook('onRequest', async (request, reply) => {
    applySecurityHeaders(request, reply)
    // Production is served over HTTPS only: browsers are told never to try plain HTTP.
    if (opts.hsts) reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains')
  })
}

/**
 * A GET of the public register (`/public…`, `/api/public/…`): the same answer for every resident,
 * so it sets no cookie, carries no per-request nonce and is rendered as if nobody were signed in
 * (so a CDN or the public cache may keep it). The "report a problem" form pages are not: they
 * hand out a CSRF token.
 */
export function isPublicGet(request: Pick<FastifyRequest, 'method' | 'url'>): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false
  const path = request.url.split('?')[0] ?? ''
  return ((path === '/public' || path.startsWith('/public/') || path.startsWith('/api/public/')) && !path.endsWith('/report')) ||
    PUBLIC_HUB_PAGES.test(path)
}

/**
 * The sector hub's reading pages, public the same way: the guidance library and glossary
 * (`/guidance`, `/guidance/<id>`) and the impact cases (`/cases`, `/cases/<id>`) — not the signed-in
 * pages under /guidance (sharing a contribution, one's own contributions, moderation).
 */
const PUBLIC_HUB_PAGES = /^\/cases(\/[^/]+)?$|^\/guidance(\/(?!(contribute|contributions|moderation)$)[^/]+)?$/

/**
 * The one inline script govuk-frontend's page template writes (it marks the body as having
 * JavaScript), allowed by its hash on public pages instead of a nonce; read from the template
 * itself so an upgrade cannot leave a stale hash. Without it, public pages work without JavaScript.
 */
const GOVUK_INLINE_SCRIPT_HASH = (() => {
  try {
    const template = readFileSync(join(dirname(fileURLToPath(import.meta.resolve('govuk-frontend'))), 'template.njk'), 'utf8')
    const script = /<script\b[^>]*>([^<]*js-enabled[^<]*)<\/script>/.exec(template)?.[1]
    return script ? `'sha256-${createHash('sha256').update(script).digest('base64')}'` : ''
  } catch {
    return ''
  }
})()

/** Also called for errors Fastify meets before the request's hooks run (a malformed URL). */
export function applySecurityHeaders(request: FastifyRequest, reply: FastifyReply): void {
    const samePage = isPublicGet(request)
    request.cspNonce = samePage ? '' : randomBytes(16).toString('base64')
    reply.headers({
      'content-security-policy': [
        "default-src 'self'",
        samePage ? `script-src 'self' ${GOVUK_INLINE_SCRIPT_HASH}`.trim() : `script-src 'self' 'nonce-${request.cspNonce}'`,
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
      ].join('; '),
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'same-origin',
      'cross-origin-opener-policy': 'same-origin',
    })
}

function same(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/**
 * CSRF: every unsafe request made with a session cookie must carry the session's token
 * (form field `_csrf`, or header `x-csrf-token` for the API). Forms shown before login use
 * a random token in a cookie of their own. Requests authenticated by an API token carry no
 * cookie, so they cannot be forged from another site and need no CSRF token.
 */
export function setUpCsrf(app: FastifyInstance, opts: { secureCookies: boolean }): void {
  app.decorateRequest('csrfToken', '')
  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    if (isPublicGet(request)) {
      // Nothing to post from these pages, and the same page for everyone: no token, no cookie, nobody signed in.
      request.user = null
      request.csrfToken = ''
      return
    }
    let expected = request.user?.csrfToken
    if (!expected && request.user?.via !== 'token') {
      expected = request.cookies[PRE_SESSION_CSRF_COOKIE]
      if (!expected) {
        expected = randomBytes(24).toString('base64url')
        reply.setCookie(PRE_SESSION_CSRF_COOKIE, expected, {
          path: '/', httpOnly: true, sameSite: 'lax', secure: opts.secureCookies,
        })
      }
    }
    request.csrfToken = expected ?? ''
    if (!UNSAFE.has(request.method) || request.user?.via === 'token') return
    const body = request.body as Record<string, unknown> | undefined
    const sent = (request.headers['x-csrf-token'] as string | undefined) ??
      (typeof body?._csrf === 'string' ? body._csrf : undefined)
    if (!same(sent, expected)) throw new HttpError(403, 'error.csrf')
  })
}

/**
 * The session id from its cookie, if the cookie carries a valid signature (SESSION_SECRET):
 * a tampered or made-up cookie is refused before any database lookup.
 */
export function sessionIdFrom(request: FastifyRequest): string | undefined {
  const raw = request.cookies[SESSION_COOKIE]
  if (!raw) return undefined
  const unsigned = request.unsignCookie(raw)
  return unsigned.valid && unsigned.value ? unsigned.value : undefined
}
