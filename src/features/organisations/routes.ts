import type { FastifyInstance, FastifyReply } from 'fastify'
import { z } from 'zod'
import type { AuditEvent } from '../../platform/audit.ts'
import type { CurrentUser } from '../../platform/auth/store.ts'
import { requirePermission } from '../../platform/http/auth.ts'
import { forbidden } from '../../platform/http/errors.ts'
import { type FormErrors, parseWith } from '../../platform/http/forms.ts'
import { t } from '../../platform/i18n/i18n.ts'
import type { Services } from '../../services.ts'
import type { Organisation } from './model.ts'

type Body = Record<string, unknown>

const settingsInput = z.object({
  separationOfDuties: z.enum(['on', 'off'], { error: 'organisations.settings.errors.separation' }).transform((v) => v === 'on'),
})

/** The history of the settings as lines a reader understands. */
function historyRows(events: AuditEvent[]) {
  return events.map((e) => {
    const change = (e.changes as Record<string, { to?: unknown } | undefined>).separationOfDuties
    return {
      at: e.at,
      who: e.actorName ?? t('audit.system'),
      what: change ? t(change.to ? 'organisations.settings.audit.on' : 'organisations.settings.audit.off') : t('organisations.settings.audit.changed'),
    }
  })
}

/** The organisation's settings page: its details, and separation of duties for admins to turn off or on. */
export function organisationRoutes(app: FastifyInstance, services: Services): void {
  const { organisations } = services

  const render = async (reply: FastifyReply, user: CurrentUser, org: Organisation, opts: { errors?: FormErrors; flash?: string } = {}) =>
    reply.view('organisations/views/settings.njk', {
      pageTitle: t('organisations.settings.title'),
      org,
      separationItems: [
        { value: 'on', text: t('organisations.settings.separation.on'), hint: { text: t('organisations.settings.separation.onHint') },
          checked: org.separationOfDuties },
        { value: 'off', text: t('organisations.settings.separation.off'), hint: { text: t('organisations.settings.separation.offHint') },
          checked: !org.separationOfDuties },
      ],
      history: historyRows(await organisations.history(user)),
      errors: opts.errors?.fields ?? {},
      errorList: opts.errors?.errorList ?? [],
      flash: opts.flash,
    })

  app.get('/settings', async (request, reply) => {
    const user = requirePermission(request, 'organisation:manage')
    const saved = (request.query as Record<string, unknown>).done === 'saved'
    return render(reply, user, await organisations.get(user.organisationId), saved ? { flash: t('organisations.settings.saved') } : {})
  })

  app.post<{ Body: Body }>('/settings', async (request, reply) => {
    const user = requirePermission(request, 'organisation:manage')
    // Settings change only from a signed-in browser, never with an API token.
    if (user.via !== 'session') throw forbidden()
    const parsed = parseWith(settingsInput, { separationOfDuties: request.body.separationOfDuties })
    if (!parsed.ok) {
      reply.code(400)
      return render(reply, user, await organisations.get(user.organisationId), { errors: parsed.errors })
    }
    await organisations.setSeparationOfDuties(user, parsed.data.separationOfDuties)
    return reply.redirect('/settings?done=saved', 303)
  })
}
