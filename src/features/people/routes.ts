import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AuditEvent } from '../../platform/audit.ts'
import { ROLES } from '../../platform/auth/permissions.ts'
import { type CurrentUser, TOKEN_LIFETIMES, TOKEN_SCOPES } from '../../platform/auth/store.ts'
import { requirePermission, requireUser } from '../../platform/http/auth.ts'
import { forbidden, notFound } from '../../platform/http/errors.ts'
import { type FormErrors, formErrors, formValue, parseWith } from '../../platform/http/forms.ts'
import { sessionIdFrom } from '../../platform/http/security.ts'
import { t } from '../../platform/i18n/i18n.ts'
import { isUuid } from '../../platform/validation.ts'
import type { Services } from '../../services.ts'
import { knownDeviceFrom } from './device.ts'
import {
  AlreadyMemberError, MIN_PASSWORD_LENGTH, newPersonInput, passwordChangeInput, type Person, rolesInput, SelfChangeRefused, serviceAreaInput,
  tokenInput,
} from './model.ts'
import { NotPendingError } from './service.ts'
import { staffImportRoutes } from './importRoutes.ts'

type Params = { id: string }
type Body = Record<string, unknown>

/** Banners a page may show after a redirect; anything else in ?done= is ignored. */
const DONE_MESSAGES = new Set(['roles', 'deactivated', 'reactivated', 'revoked', 'password', 'serviceArea', 'invitation'])

function doneMessage(request: FastifyRequest): string | undefined {
  const done = (request.query as Record<string, string | undefined>).done
  return done && DONE_MESSAGES.has(done) ? t(`people.done.${done}`) : undefined
}

/**
 * Changing people and minting tokens need a signed-in browser session: an API token must
 * not be able to create accounts or more tokens that would outlive it.
 */
export function requireSession(user: CurrentUser): CurrentUser {
  if (user.via !== 'session') throw forbidden()
  return user
}

/** A checkbox group arrives as nothing, one string or several. */
function listOf(v: unknown): unknown[] {
  return v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]
}

function personFromForm(body: Body) {
  return {
    name: formValue.text(body.name),
    email: formValue.text(body.email),
    roles: listOf(body.roles),
    serviceArea: formValue.text(body.serviceArea),
    password: body.password === '' ? undefined : body.password,
  }
}

function roleItems(selected: readonly unknown[]) {
  return ROLES.map((r) => ({
    value: r, text: t(`people.role.${r}`), hint: { text: t(`people.role.${r}.hint`) }, checked: selected.includes(r),
  }))
}

const roleNames = (roles: unknown) => (Array.isArray(roles) ? roles.map((r) => t(`people.role.${String(r)}`)).join(', ') : '')

/** The person's history as lines a reader understands. */
function historyRows(events: AuditEvent[]) {
  return events.map((e) => {
    const changes = e.changes as Record<string, { from?: unknown; to?: unknown } | undefined>
    const none = t('people.serviceArea.none')
    const text = (v: unknown) => (typeof v === 'string' && v ? v : none)
    const details: string[] = []
    if (e.action === 'roles_changed') details.push(t('people.audit.rolesChange', { from: roleNames(changes.roles?.from), to: roleNames(changes.roles?.to) }))
    else if (['created', 'membership_added', 'imported'].includes(e.action)) details.push(t('people.audit.rolesGiven', { roles: roleNames(changes.roles?.to) }))
    if (e.action === 'import_changed' && changes.name) details.push(t('people.audit.nameChange', { from: text(changes.name.from), to: text(changes.name.to) }))
    if (changes.serviceArea && e.action !== 'imported' && e.action !== 'created' && e.action !== 'membership_added') {
      details.push(t('people.audit.serviceAreaChange', { from: text(changes.serviceArea.from), to: text(changes.serviceArea.to) }))
    }
    const detail = details.join('; ')
    return { at: e.at, who: e.actorName ?? t('audit.system'), what: t(`people.audit.${e.action}`), detail }
  })
}

/** The token form's radios, with the choice kept (read and 90 days until someone picks otherwise). */
function tokenChoices(values: Body) {
  const scope = typeof values.scope === 'string' ? values.scope : 'read'
  const days = typeof values.days === 'string' ? values.days : '90'
  return {
    scopeItems: TOKEN_SCOPES.map((s) => ({
      value: s, text: t(`account.tokens.scope.${s}`), hint: { text: t(`account.tokens.scope.${s}.hint`) }, checked: s === scope,
    })),
    dayItems: TOKEN_LIFETIMES.map((d) => ({ value: String(d), text: t('account.tokens.days', { count: d }), checked: String(d) === days })),
  }
}

export function peopleRoutes(app: FastifyInstance, services: Services): void {
  const { people, auth } = services
  staffImportRoutes(app, services)

  // ---- People admin: the organisation's admins manage who may use the service.

  app.get('/people', async (request, reply) => {
    const user = requirePermission(request, 'people:manage')
    return reply.view('people/views/list.njk', {
      pageTitle: t('people.list.title'),
      people: await people.list(user),
      flash: doneMessage(request),
    })
  })

  const renderNew = (reply: FastifyReply, values: Body, errors?: FormErrors) =>
    reply.view('people/views/new.njk', {
      pageTitle: t('people.new.title'),
      values,
      roleItems: roleItems(listOf(values.roles)),
      minPasswordLength: MIN_PASSWORD_LENGTH,
      errors: errors?.fields ?? {},
      errorList: errors?.errorList ?? [],
    })

  app.get('/people/new', async (request, reply) => {
    requirePermission(request, 'people:manage')
    return renderNew(reply, { roles: ['viewer'] })
  })

  app.post<{ Body: Body }>('/people/new', async (request, reply) => {
    const user = requireSession(requirePermission(request, 'people:manage'))
    // The password is never sent back to the browser in a re-shown form.
    const { password: _password, ...kept } = request.body
    const parsed = parseWith(newPersonInput, personFromForm(request.body))
    if (!parsed.ok) {
      reply.code(400)
      return renderNew(reply, kept, parsed.errors)
    }
    try {
      const added = await people.add(user, parsed.data)
      // The same page whether or not the address already had a sign-in; only the password part
      // differs, and it says nothing about where else they work.
      return reply.code(201).header('cache-control', 'no-store').view('people/views/added.njk', {
        pageTitle: t('people.added.title', { name: added.person.name }),
        person: added.person,
        roles: roleNames(added.person.roles),
        existingAccount: added.existingAccount,
        password: !added.existingAccount && added.generated ? added.password : undefined,
      })
    } catch (err) {
      if (!(err instanceof AlreadyMemberError)) throw err
      reply.code(400)
      return renderNew(reply, kept, formErrors({ email: t('people.errors.alreadyMember', { org: user.organisationName }) }))
    }
  })

  const renderPerson = async (
    reply: FastifyReply, user: CurrentUser, person: Person, opts: { values?: Body; errors?: FormErrors; flash?: string } = {},
  ) =>
    reply.view('people/views/person.njk', {
      pageTitle: person.name,
      person,
      roles: roleNames(person.roles),
      roleItems: roleItems(opts.values ? listOf(opts.values.roles) : person.roles),
      serviceAreaValue: opts.values && 'serviceArea' in opts.values ? opts.values.serviceArea : person.serviceArea ?? '',
      isSelf: person.id === user.id,
      history: historyRows(await people.audit(user, person.id)),
      errors: opts.errors?.fields ?? {},
      errorList: opts.errors?.errorList ?? [],
      flash: opts.flash,
    })

  app.get<{ Params: Params }>('/people/:id', async (request, reply) => {
    const user = requirePermission(request, 'people:manage')
    const person = await people.get(user, request.params.id)
    return renderPerson(reply, user, person, { flash: doneMessage(request) })
  })

  app.post<{ Params: Params; Body: Body }>('/people/:id', async (request, reply) => {
    const user = requireSession(requirePermission(request, 'people:manage'))
    const person = await people.get(user, request.params.id)
    const parsed = parseWith(rolesInput, { roles: listOf(request.body.roles) })
    if (!parsed.ok) {
      reply.code(400)
      return renderPerson(reply, user, person, { values: request.body, errors: parsed.errors })
    }
    try {
      await people.changeRoles(user, person.id, parsed.data.roles)
    } catch (err) {
      if (!(err instanceof SelfChangeRefused)) throw err
      reply.code(409)
      return renderPerson(reply, user, person, { values: request.body, errors: formErrors({ roles: t(err.reason) }) })
    }
    return reply.redirect(`/people/${person.id}?done=roles`, 303)
  })

  app.post<{ Params: Params; Body: Body }>('/people/:id/service-area', async (request, reply) => {
    const user = requireSession(requirePermission(request, 'people:manage'))
    const person = await people.get(user, request.params.id)
    const parsed = parseWith(serviceAreaInput, { serviceArea: formValue.text(request.body.serviceArea) })
    if (!parsed.ok) {
      reply.code(400)
      return renderPerson(reply, user, person, { values: { serviceArea: request.body.serviceArea }, errors: parsed.errors })
    }
    await people.changeServiceArea(user, person.id, parsed.data.serviceArea)
    return reply.redirect(`/people/${person.id}?done=serviceArea`, 303)
  })

  app.post<{ Params: Params }>('/people/:id/invitation', async (request, reply) => {
    const user = requireSession(requirePermission(request, 'people:manage'))
    const person = await people.get(user, request.params.id)
    try {
      await people.resendInvitation(user, person.id)
    } catch (err) {
      if (!(err instanceof NotPendingError)) throw err
      reply.code(409)
      return renderPerson(reply, user, person, { errors: formErrors({ invitation: t('people.errors.notPending') }) })
    }
    return reply.redirect(`/people/${person.id}?done=invitation`, 303)
  })

  for (const action of ['deactivate', 'reactivate'] as const) {
    app.post<{ Params: Params }>(`/people/:id/${action}`, async (request, reply) => {
      const user = requireSession(requirePermission(request, 'people:manage'))
      const person = await people.get(user, request.params.id)
      try {
        await people[action](user, person.id)
      } catch (err) {
        if (!(err instanceof SelfChangeRefused)) throw err
        reply.code(409)
        return renderPerson(reply, user, person, { errors: formErrors({ status: t(err.reason) }) })
      }
      return reply.redirect(`/people/${person.id}?done=${action}d`, 303)
    })
  }

  // ---- Your account: anyone signed in sees who they are, changes their password and manages
  // their own API tokens.

  const renderAccount = async (
    reply: FastifyReply, user: CurrentUser,
    opts: { values?: Body; errors?: FormErrors; passwordErrors?: FormErrors; newToken?: { name: string; token: string }; flash?: string } = {},
  ) => {
    const values = opts.values ?? {}
    const errors = opts.errors ?? opts.passwordErrors
    return reply.view('people/views/account.njk', {
      pageTitle: t('account.title'),
      roles: roleNames(user.roles),
      tokens: await auth.listApiTokens(user.id, user.organisationId),
      otherOrganisations: (await auth.organisationsOf(user.id)).filter((o) => o.id !== user.organisationId),
      values,
      ...tokenChoices(values),
      newToken: opts.newToken,
      minPasswordLength: MIN_PASSWORD_LENGTH,
      errors: opts.errors?.fields ?? {},
      passwordErrors: opts.passwordErrors?.fields ?? {},
      errorList: errors?.errorList ?? [],
      flash: opts.flash,
    })
  }

  app.get('/account', async (request, reply) => {
    const user = requireUser(request)
    return renderAccount(reply, user, { flash: doneMessage(request) })
  })

  app.post<{ Body: Body }>('/account/password', async (request, reply) => {
    const user = requireSession(requireUser(request))
    const body = request.body
    const parsed = parseWith(passwordChangeInput, {
      currentPassword: body.currentPassword, newPassword: body.newPassword, confirmPassword: body.confirmPassword,
    })
    // Passwords are never sent back to the browser in a re-shown form.
    if (!parsed.ok) {
      reply.code(400)
      return renderAccount(reply, user, { passwordErrors: parsed.errors })
    }
    const outcome = await auth.changePassword(user, {
      current: parsed.data.currentPassword, next: parsed.data.newPassword,
      keepSessionId: sessionIdFrom(request) ?? '', address: request.ip, device: knownDeviceFrom(request),
    })
    if (outcome === 'wrong') {
      reply.code(400)
      return renderAccount(reply, user, { passwordErrors: formErrors({ currentPassword: t('account.password.errors.wrong') }) })
    }
    if (outcome === 'throttled') {
      reply.code(429)
      return renderAccount(reply, user, {
        passwordErrors: formErrors({ currentPassword: t('login.errors.throttled', { count: auth.policy.windowMinutes }) }),
      })
    }
    return reply.redirect('/account?done=password', 303)
  })

  app.post<{ Body: Body }>('/account/tokens', async (request, reply) => {
    const user = requireSession(requireUser(request))
    const body = request.body
    // A browser always sends the radios (one of each is checked); a client that leaves them out
    // gets the form's defaults, the least a token can do.
    const parsed = parseWith(tokenInput, {
      name: formValue.text(body.name), scope: body.scope ?? 'read', days: body.days ?? '90',
    })
    if (!parsed.ok) {
      reply.code(400)
      return renderAccount(reply, user, { values: body, errors: parsed.errors })
    }
    const token = await auth.createApiToken(user.id, user.organisationId, parsed.data.name, { scope: parsed.data.scope, days: parsed.data.days })
    // Only the token's hash is stored: this response is the one time it can be seen.
    reply.code(201).header('cache-control', 'no-store')
    return renderAccount(reply, user, { newToken: { name: parsed.data.name, token } })
  })

  app.post<{ Params: Params }>('/account/tokens/:id/revoke', async (request, reply) => {
    const user = requireSession(requireUser(request))
    if (!isUuid(request.params.id) || !(await auth.revokeApiToken(user.id, request.params.id))) throw notFound()
    return reply.redirect('/account?done=revoked', 303)
  })
}
