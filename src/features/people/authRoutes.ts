import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { Config } from '../../config.ts'
import { formErrors } from '../../platform/http/forms.ts'
import { SESSION_COOKIE, sessionIdFrom } from '../../platform/http/security.ts'
import { recordAudit } from '../../platform/audit.ts'
import type { Db } from '../../platform/db/db.ts'
import { t } from '../../platform/i18n/i18n.ts'
import type { Services } from '../../services.ts'

const loginForm = z.object({
  email: z.string().trim().min(1).max(320),
  password: z.string().min(1).max(1000),
})

/**
 * Only a path on this site may follow a login, so ?next= cannot send anyone elsewhere. The URL
 * parser is the judge (it drops tabs and newlines as browsers do), not a pattern.
 */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || !next.startsWith('/') || next.length > 2000) return '/register'
  const base = 'http://service.invalid'
  let url: URL
  try {
    url = new URL(next, base)
  } catch {
    return '/register'
  }
  return url.origin === base ? `${url.pathname}${url.search}${url.hash}` : '/register'
}

export function authRoutes(app: FastifyInstance, services: Services, config: Config, db: Db): void {
  const cookieOptions = {
    path: '/', httpOnly: true, sameSite: 'lax' as const, secure: config.secureCookies,
    maxAge: config.sessionTtlHours * 3600,
  }

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
    const found = parsed.success ? await services.auth.checkCredentials(parsed.data.email, parsed.data.password) : null
    if (!found) {
      const errors = formErrors({ email: t('login.errors.invalid') })
      return reply.code(parsed.success ? 401 : 400).view('people/views/login.njk', {
        pageTitle: t('login.title'),
        values: { email: request.body.email },
        next,
        errors: errors.fields,
        errorList: errors.errorList,
      })
    }
    // A session that existed before login (if any) is ended; the new one gets a fresh id.
    const previous = sessionIdFrom(request)
    if (previous) await services.auth.endSession(previous)
    const session = await services.auth.createSession(found.userId, found.organisationId)
    await recordAudit(db, {
      organisationId: found.organisationId, actorId: found.userId, entityType: 'user', entityId: found.userId, action: 'signed_in',
    })
    reply.setCookie(SESSION_COOKIE, session.sessionId, { ...cookieOptions, signed: true })
    return reply.redirect(next, 303)
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
