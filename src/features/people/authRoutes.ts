import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { Config } from '../../config.ts'
import type { CurrentUser } from '../../platform/auth/store.ts'
import { requireUser } from '../../platform/http/auth.ts'
import { forbidden, notFound } from '../../platform/http/errors.ts'
import { formErrors } from '../../platform/http/forms.ts'
import { SESSION_COOKIE, sessionIdFrom } from '../../platform/http/security.ts'
import { recordAudit } from '../../platform/audit.ts'
import type { Db } from '../../platform/db/db.ts'
import { t } from '../../platform/i18n/i18n.ts'
import { isUuid } from '../../platform/validation.ts'
import type { Services } from '../../services.ts'
import { knownDeviceFrom, rememberDevice } from './device.ts'
import { linkRoutes } from './linkRoutes.ts'

const loginForm = z.object({
  email: z.string().trim().min(1).max(320),
  password: z.string().min(1).max(1000),
})

const DEFAULT_NEXT = '/home'

/** Where someone goes after signing in with no other page asked for: Home, what needs them (issue 12). */
const landingFor = (_user: CurrentUser | null) => '/home'
const BASE = 'http://service.invalid'

/** A path on this site that a browser cannot read as another site's address. */
function isLocalPath(path: string): boolean {
  return path.startsWith('/') && !path.startsWith('//') && !path.startsWith('/\\')
}

/**
 * Only a path on this site may follow a login, so ?next= cannot send anyone elsewhere. The value
 * is normalised first (the URL parser, as a browser reads it: tabs and newlines dropped, dot
 * segments resolved, backslashes as slashes), then the result itself is checked, so the answer
 * is the same however many times it is applied: "/..//evil.example" normalises to
 * "//evil.example", which is another site, so it becomes the default.
 */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || next.length > 2000 || !isLocalPath(next)) return DEFAULT_NEXT
  let url: URL
  try {
    url = new URL(next, BASE)
  } catch {
    return DEFAULT_NEXT
  }
  if (url.origin !== BASE) return DEFAULT_NEXT
  const normalised = `${url.pathname}${url.search}${url.hash}`
  if (!isLocalPath(normalised)) return DEFAULT_NEXT
  // The normalised path must read as itself once more (a fixed point), or it is not used.
  const again = new URL(normalised, BASE)
  return again.origin === BASE && `${again.pathname}${again.search}${again.hash}` === normalised ? normalised : DEFAULT_NEXT
}

export function authRoutes(app: FastifyInstance, services: Services, config: Config, db: Db): void {
  const cookieOptions = {
    path: '/', httpOnly: true, sameSite: 'lax' as const, secure: config.secureCookies,
    maxAge: config.sessionTtlHours * 3600,
  }
  linkRoutes(app, services, config, db)

  app.get('/login', async (request, reply) =>
    reply.view('people/views/login.njk', {
      pageTitle: t('login.title'),
      values: {},
      next: safeNext((request.query as Record<string, unknown>).next),
    }),
  )

  app.post<{ Body: Record<string, unknown> }>('/login', async (request, reply) => {
    const next = safeNext(request.body.next)
    const parsed = loginForm.safeParse(request.body)
    const result = parsed.success
      ? await services.auth.signIn({ ...parsed.data, address: request.ip, device: knownDeviceFrom(request) })
      : null
    if (!result?.ok) {
      const throttled = result?.reason === 'throttled'
      const errors = formErrors({
        email: throttled ? t('login.errors.throttled', { count: services.auth.policy.windowMinutes }) : t('login.errors.invalid'),
      })
      return reply.code(!result ? 400 : throttled ? 429 : 401).view('people/views/login.njk', {
        pageTitle: t('login.title'),
        values: { email: typeof request.body.email === 'string' ? request.body.email : '' },
        next,
        errors: errors.fields,
        errorList: errors.errorList,
      })
    }
    // A session that existed before login (if any) is ended; the new one gets a fresh id.
    const previous = sessionIdFrom(request)
    if (previous) await services.auth.endSession(previous)
    const session = await services.auth.createSession(result.userId, result.organisationId)
    await recordAudit(db, {
      organisationId: result.organisationId, actorId: result.userId, entityType: 'user', entityId: result.userId, action: 'signed_in',
    })
    reply.setCookie(SESSION_COOKIE, session.sessionId, { ...cookieOptions, signed: true })
    rememberDevice(request, reply, result.userId, config.secureCookies)
    return reply.redirect(next === DEFAULT_NEXT ? landingFor(await services.auth.userForSession(session.sessionId)) : next, 303)
  })

  // Someone who works for several organisations moves between them (a new session each time).
  app.post<{ Body: Record<string, unknown> }>('/account/organisation', async (request, reply) => {
    const user = requireUser(request)
    const sid = sessionIdFrom(request)
    if (user.via !== 'session' || !sid) throw forbidden()
    const target = request.body.organisationId
    const switched = typeof target === 'string' && isUuid(target) ? await services.auth.switchOrganisation(user, sid, target) : null
    if (!switched) throw notFound()
    reply.setCookie(SESSION_COOKIE, switched.sessionId, { ...cookieOptions, signed: true })
    return reply.redirect(landingFor(await services.auth.userForSession(switched.sessionId)), 303)
  })

  app.post('/logout', async (request, reply) => {
    const sid = sessionIdFrom(request)
    if (sid) await services.auth.endSession(sid)
    if (request.user) {
      await recordAudit(db, {
        organisationId: request.user.organisationId, actorId: request.user.id, entityType: 'user', entityId: request.user.id,
        action: 'signed_out',
      })
    }
    reply.clearCookie(SESSION_COOKIE, { path: '/' })
    return reply.redirect('/login?signedOut=1', 303)
  })
}
