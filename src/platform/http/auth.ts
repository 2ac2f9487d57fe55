import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { AuthStore, CurrentUser } from '../auth/store.ts'
import { can, type Permission } from '../auth/permissions.ts'
import { forbidden, HttpError, unauthorised } from './errors.ts'
import { sessionIdFrom } from './security.ts'

/** Methods a read-scoped API token may use. */
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Finds who is asking: a personal API token (Authorization: Bearer) or a session cookie.
 * An expired token is a 401 that says so; a read-scoped token asking to change anything is a
 * 403 that names the scope. Every answer to a signed-in person, and every API answer, is
 * `Cache-Control: no-store`, so no shared or browser cache keeps a council's data.
 */
export function setUpAuthentication(app: FastifyInstance, auth: AuthStore): void {
  app.decorateRequest('user', null)
  // On request, before the body is read or validated: a token that may not make this request
  // is refused before anything else is said about the request.
  app.addHook('onRequest', async (request) => {
    const header = request.headers.authorization
    if (header?.startsWith('Bearer ')) {
      const found = await auth.userForToken(header.slice(7).trim())
      if (found === 'expired') throw new HttpError(401, 'auth.errors.tokenExpired')
      if (!found) throw unauthorised()
      request.user = found
      if (found.tokenScope === 'read' && !READ_METHODS.has(request.method)) throw new HttpError(403, 'auth.errors.readScope')
      return
    }
    const sid = sessionIdFrom(request)
    if (sid) request.user = await auth.userForSession(sid)
  })
  app.addHook('onSend', async (request, reply, payload) => {
    const path = request.url.split('?')[0] ?? ''
    if (path.startsWith('/assets/')) return payload
    if (request.user || path.startsWith('/api/') || request.headers.authorization) reply.header('cache-control', 'no-store')
    return payload
  })
}

/** The signed-in user, or 401 (the error handler sends web visitors to the login page). */
export function requireUser(request: FastifyRequest): CurrentUser {
  if (!request.user) throw unauthorised()
  return request.user
}

/** The signed-in user holding a permission, or 403. */
export function requirePermission(request: FastifyRequest, permission: Permission): CurrentUser {
  const user = requireUser(request)
  if (!can(user.roles, permission)) throw forbidden()
  return user
}

/**
 * A platform admin (who runs the platform for every organisation) signed in with a session, or
 * 403: the platform's powers are not given to API tokens.
 */
export function requirePlatformAdmin(request: FastifyRequest): CurrentUser {
  const user = requireUser(request)
  if (user.platformAdmin !== true || user.via !== 'session') throw forbidden()
  return user
}
