import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { AuthStore, CurrentUser } from '../auth/store.ts'
import { can, type Permission } from '../auth/permissions.ts'
import { forbidden, unauthorised } from './errors.ts'
import { sessionIdFrom } from './security.ts'

/** Finds who is asking: a personal API token (Authorization: Bearer) or a session cookie. */
export function setUpAuthentication(app: FastifyInstance, auth: AuthStore): void {
  app.decorateRequest('user', null)
  app.addHook('preHandler', async (request) => {
    const header = request.headers.authorization
    if (header?.startsWith('Bearer ')) {
      request.user = await auth.userForToken(header.slice(7).trim())
      if (!request.user) throw unauthorised()
      return
    }
    const sid = sessionIdFrom(request)
    if (sid) request.user = await auth.userForSession(sid)
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
