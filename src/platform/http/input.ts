import type { FastifyInstance, FastifyRequest } from 'fastify'
import { isUuid } from '../validation.ts'
import { HttpError, notFound, ValidationError } from './errors.ts'
import { t } from '../i18n/i18n.ts'

/**
 * The one input boundary every request passes (issue: no bad input is a server error).
 *
 * - Page routes take only web forms: an unsafe request outside /api/ with any other body type is
 *   a 415, so a form handler only ever sees strings and lists of strings (what a browser sends).
 *   The API takes only JSON.
 * - Path parameters are checked before any handler runs: `id` and `…Id` parameters must be UUIDs,
 *   other parameters short slugs; anything else is a 404 (the route exists, that thing does not).
 * - Text anywhere in the query, form or JSON body may not hold a NUL byte (PostgreSQL cannot
 *   store it) or half of a UTF-16 surrogate pair (not valid Unicode); a 400 names each field.
 */

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
const FORM = 'application/x-www-form-urlencoded'

export function isApiRequest(url: string): boolean {
  const path = url.split('?')[0] ?? ''
  return path.startsWith('/api/') || path.endsWith('.json') || path.endsWith('.csv')
}

/** Routes may opt in to other body types (file uploads) with `config: { bodyTypes: [...] }`. */
declare module 'fastify' {
  interface FastifyContextConfig {
    bodyTypes?: readonly string[]
  }
}

function mediaType(request: FastifyRequest): string | undefined {
  const header = request.headers['content-type']
  return header ? header.split(';')[0]!.trim().toLowerCase() : undefined
}

/** A parameter named `id` or ending in `Id` is a UUID, except a question set's id, which is a slug. */
const SLUG_PARAMS = new Set(['setId'])
const isIdParam = (name: string) => !SLUG_PARAMS.has(name) && (name === 'id' || /[a-z]Id$/.test(name))
const SLUG = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/

/** Why a string cannot be stored, as a message key, or null when it is fine. */
export function badText(s: string): string | null {
  if (s.includes('\u0000')) return 'input.errors.nul'
  // A high surrogate not followed by a low one, or a low one not preceded by a high one.
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s)) return 'input.errors.surrogate'
  return null
}

/** Every string in a parsed body or query that cannot be stored, as field path → message key. */
export function findBadText(value: unknown, path = '', out: Record<string, string> = {}, depth = 0): Record<string, string> {
  if (depth > 50 || Object.keys(out).length >= 20) return out
  if (typeof value === 'string') {
    const bad = badText(value)
    if (bad) out[path || '_form'] = bad
  } else if (Array.isArray(value)) {
    value.forEach((v) => findBadText(v, path, out, depth + 1))
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const bad = badText(k)
      if (bad) out[path || '_form'] = bad
      else findBadText(v, path ? `${path}.${k}` : k, out, depth + 1)
    }
  }
  return out
}

/** The name a person would recognise for a form field (its label is not known here). */
function fieldLabel(field: string): string {
  return field.replace(/^q_/, '').replace(/__\d+__/g, ' ').replace(/[-_.]/g, ' ').trim() || field
}

export function setUpInputBoundary(app: FastifyInstance): void {
  // Before the body is read: refuse body types the route does not take.
  app.addHook('onRequest', async (request) => {
    if (!UNSAFE.has(request.method)) return
    const type = mediaType(request)
    const allowed = request.routeOptions.config?.bodyTypes
    if (type === undefined) return // an empty body: the handler's own validation answers
    if (allowed?.includes(type)) return
    if (isApiRequest(request.url)) {
      if (type !== 'application/json') throw new HttpError(415, 'error.unsupportedMedia.api')
    } else if (type !== FORM) {
      throw new HttpError(415, 'error.unsupportedMedia.form')
    }
  })

  // Path parameters: checked before authentication, so a malformed id costs no database work.
  app.addHook('preValidation', async (request) => {
    const params = (request.params ?? {}) as Record<string, unknown>
    for (const [name, value] of Object.entries(params)) {
      if (name === '*') continue
      const s = typeof value === 'string' ? value : ''
      if (isIdParam(name) ? !isUuid(s) : !SLUG.test(s)) throw notFound()
    }
    const bad = { ...findBadText(request.query), ...findBadText(request.body) }
    if (Object.keys(bad).length) {
      throw new ValidationError(Object.fromEntries(
        Object.entries(bad).map(([field, key]) => [field, t(key, { field: fieldLabel(field) })]),
      ))
    }
  })
}
