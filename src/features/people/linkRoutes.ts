import type { FastifyInstance, FastifyReply } from 'fastify'
import type { Config } from '../../config.ts'
import { recordAudit } from '../../platform/audit.ts'
import type { Db } from '../../platform/db/db.ts'
import { type FormErrors, parseWith } from '../../platform/http/forms.ts'
import { SESSION_COOKIE, sessionIdFrom } from '../../platform/http/security.ts'
import { t } from '../../platform/i18n/i18n.ts'
import type { Services } from '../../services.ts'
import { rememberDevice } from './device.ts'
import { linkRequestInput, MIN_PASSWORD_LENGTH, setPasswordInput } from './model.ts'

type Body = Record<string, unknown>
type Params = { token: string }

/** A link token as the service makes them; anything else is not looked up. */
const TOKEN = /^[0-9a-f]{64}$/

/** Where someone goes once a link has signed them in. */
const AFTER_LINK = '/home'

/**
 * Routes whose URL carries a link token log only warnings and errors, so the token never reaches
 * the request log ("incoming request" lines name the URL).
 */
const QUIET = { logLevel: 'warn' as const }

/**
 * The e-mailed links: "Forgotten your password?" (always the same answer), the link page that
 * sets a password and signs in, and the page for a used or expired link that offers a new one.
 */
export function linkRoutes(app: FastifyInstance, services: Services, config: Config, db: Db): void {
  const { people, auth } = services
  const cookieOptions = {
    path: '/', httpOnly: true, sameSite: 'lax' as const, secure: config.secureCookies, maxAge: config.sessionTtlHours * 3600, signed: true,
  }

  const renderRequest = (reply: FastifyReply, values: Body, errors?: FormErrors) =>
    reply.view('people/views/forgotten.njk', {
      pageTitle: t('links.request.title'), values, errors: errors?.fields ?? {}, errorList: errors?.errorList ?? [],
    })

  const renderInvalid = (reply: FastifyReply) =>
    reply.code(410).header('cache-control', 'no-store').view('people/views/linkInvalid.njk', { pageTitle: t('links.invalid.title') })

  app.get('/password/forgotten', async (_request, reply) => renderRequest(reply, {}))

  app.post<{ Body: Body }>('/password/forgotten', async (request, reply) => {
    const email = typeof request.body.email === 'string' ? request.body.email : ''
    const parsed = parseWith(linkRequestInput, { email })
    if (!parsed.ok) {
      reply.code(400)
      return renderRequest(reply, { email: email.slice(0, 320) }, parsed.errors)
    }
    // The same page whether or not the address has an account, and whether or not it was throttled.
    await people.requestLink(parsed.data.email, request.ip)
    return reply.header('cache-control', 'no-store').view('people/views/linkSent.njk', {
      pageTitle: t('links.sent.title'), email: parsed.data.email,
    })
  })

  const renderSet = (reply: FastifyReply, token: string, link: { purpose: string; name: string; email: string }, errors?: FormErrors) =>
    reply.header('cache-control', 'no-store').view('people/views/setPassword.njk', {
      pageTitle: t(link.purpose === 'invitation' ? 'links.set.invitation.title' : 'links.set.reset.title'),
      token, link, minPasswordLength: MIN_PASSWORD_LENGTH, errors: errors?.fields ?? {}, errorList: errors?.errorList ?? [],
    })

  app.get<{ Params: Params }>('/account/link/:token', QUIET, async (request, reply) => {
    const token = request.params.token
    const link = TOKEN.test(token) ? await people.usableLink(token) : null
    return link ? renderSet(reply, token, link) : renderInvalid(reply)
  })

  app.post<{ Params: Params; Body: Body }>('/account/link/:token', QUIET, async (request, reply) => {
    const token = request.params.token
    const link = TOKEN.test(token) ? await people.usableLink(token) : null
    if (!link) return renderInvalid(reply)
    // Passwords are never sent back to the browser in a re-shown form.
    const parsed = parseWith(setPasswordInput, { password: request.body.password, confirmPassword: request.body.confirmPassword })
    if (!parsed.ok) {
      reply.code(400)
      return renderSet(reply, token, link, parsed.errors)
    }
    const signedIn = await people.setPasswordFromLink(token, parsed.data.password)
    if (!signedIn) return renderInvalid(reply)
    const previous = sessionIdFrom(request)
    if (previous) await auth.endSession(previous)
    const session = await auth.createSession(signedIn.userId, signedIn.organisationId)
    await recordAudit(db, {
      organisationId: signedIn.organisationId, actorId: signedIn.userId, entityType: 'user', entityId: signedIn.userId, action: 'signed_in',
    })
    reply.setCookie(SESSION_COOKIE, session.sessionId, cookieOptions)
    rememberDevice(request, reply, signedIn.userId, config.secureCookies)
    return reply.redirect(AFTER_LINK, 303)
  })
}
