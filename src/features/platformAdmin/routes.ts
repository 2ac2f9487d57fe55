import type { FastifyInstance, FastifyReply } from 'fastify'
import { requirePlatformAdmin } from '../../platform/http/auth.ts'
import { type FormErrors, formErrors, parseWith } from '../../platform/http/forms.ts'
import { t } from '../../platform/i18n/i18n.ts'
import type { Services } from '../../services.ts'
import { NATIONS, platformOrganisationInput, suspensionInput } from '../organisations/model.ts'
import { IdentifierTaken, OrganisationExists } from '../organisations/service.ts'
import { ACTIVITY_DAYS, OwnOrganisationRefused } from './service.ts'

type Body = Record<string, unknown>
type OrgParams = { organisationId: string }

/** A form field as typed, for showing back: one string, or '' (a repeated field is not one value). */
const typed = (v: unknown): string => (typeof v === 'string' ? v : '')

const FIELDS = ['name', 'slug', 'organisationType', 'nation', 'region', 'officialIdentifier', 'contactEmail'] as const

/** /platform: platform admins list and add organisations, suspend and reinstate them, and see usage. */
export function platformAdminRoutes(app: FastifyInstance, services: Services): void {
  const { platformAdmin } = services

  app.get('/platform', async (request, reply) => {
    requirePlatformAdmin(request)
    return reply.redirect('/platform/organisations', 303)
  })

  app.get('/platform/organisations', async (request, reply) => {
    const admin = requirePlatformAdmin(request)
    const rows = await platformAdmin.organisations(admin)
    const done = (request.query as Record<string, unknown>).done
    return reply.header('cache-control', 'no-store').view('platformAdmin/views/list.njk', {
      pageTitle: t('platformAdmin.list.title'), rows, activityDays: ACTIVITY_DAYS,
      suspendedCount: rows.filter((r) => r.organisation.suspendedAt).length,
      done: typeof done === 'string' && ['created'].includes(done) ? done : null,
    })
  })

  const renderNew = (reply: FastifyReply, values: Record<string, string> = {}, errors?: FormErrors) =>
    reply.view('platformAdmin/views/new.njk', {
      pageTitle: t('platformAdmin.new.title'), values, errors: errors?.fields ?? {}, errorList: errors?.errorList ?? [],
      nationItems: [
        { value: '', text: t('organisations.nation.none'), checked: !values.nation },
        ...NATIONS.map((n) => ({ value: n, text: t(`organisations.nation.${n}`), checked: values.nation === n })),
      ],
    })

  app.get('/platform/organisations/new', async (request, reply) => {
    requirePlatformAdmin(request)
    return renderNew(reply)
  })

  app.post<{ Body: Body }>('/platform/organisations', async (request, reply) => {
    const admin = requirePlatformAdmin(request)
    const body = request.body ?? {}
    const values = Object.fromEntries(FIELDS.map((f) => [f, typed(body[f])]))
    // Every field is one string: a repeated field is refused by the schema, naming it.
    const input = Object.fromEntries(FIELDS.map((f) => [f, body[f] === '' ? undefined : body[f]]))
    const parsed = parseWith(platformOrganisationInput, input)
    if (!parsed.ok) {
      reply.code(400)
      return renderNew(reply, values, parsed.errors)
    }
    try {
      const org = await platformAdmin.create(admin, parsed.data)
      return reply.redirect(`/platform/organisations/${org.id}?done=created`, 303)
    } catch (err) {
      if (err instanceof OrganisationExists) {
        reply.code(400)
        return renderNew(reply, values, formErrors({ slug: t('platformAdmin.errors.slugTaken') }))
      }
      if (err instanceof IdentifierTaken) {
        reply.code(400)
        return renderNew(reply, values, formErrors({ officialIdentifier: t('platformAdmin.errors.identifierTaken') }))
      }
      throw err
    }
  })

  const renderOne = async (reply: FastifyReply, id: string, opts: { reason?: string; errors?: FormErrors; done?: string | null } = {}) => {
    const admin = reply.request.user!
    const { organisation, usage } = await platformAdmin.organisation(admin, id)
    return reply.header('cache-control', 'no-store').view('platformAdmin/views/show.njk', {
      pageTitle: organisation.name, organisation, usage, activityDays: ACTIVITY_DAYS,
      nationText: organisation.nation ? t(`organisations.nation.${organisation.nation}`) : null,
      reason: opts.reason ?? '', errors: opts.errors?.fields ?? {}, errorList: opts.errors?.errorList ?? [], done: opts.done ?? null,
    })
  }

  app.get<{ Params: OrgParams }>('/platform/organisations/:organisationId', async (request, reply) => {
    requirePlatformAdmin(request)
    const done = (request.query as Record<string, unknown>).done
    return renderOne(reply, request.params.organisationId, {
      done: typeof done === 'string' && ['created', 'suspended', 'reinstated'].includes(done) ? done : null,
    })
  })

  app.post<{ Params: OrgParams; Body: Body }>('/platform/organisations/:organisationId/suspend', async (request, reply) => {
    const admin = requirePlatformAdmin(request)
    const id = request.params.organisationId
    const parsed = parseWith(suspensionInput, { reason: request.body?.reason })
    if (!parsed.ok) {
      reply.code(400)
      return renderOne(reply, id, { reason: typed(request.body?.reason), errors: parsed.errors })
    }
    try {
      await platformAdmin.suspend(admin, id, parsed.data.reason)
    } catch (err) {
      if (!(err instanceof OwnOrganisationRefused)) throw err
      reply.code(400)
      return renderOne(reply, id, { reason: parsed.data.reason, errors: formErrors({ reason: t('platformAdmin.errors.ownOrganisation') }) })
    }
    return reply.redirect(`/platform/organisations/${id}?done=suspended`, 303)
  })

  app.post<{ Params: OrgParams }>('/platform/organisations/:organisationId/reinstate', async (request, reply) => {
    const admin = requirePlatformAdmin(request)
    await platformAdmin.reinstate(admin, request.params.organisationId)
    return reply.redirect(`/platform/organisations/${request.params.organisationId}?done=reinstated`, 303)
  })
}
