import type { FastifyInstance, FastifyReply } from 'fastify'
import { z } from 'zod'
import type { AuditEvent } from '../../platform/audit.ts'
import type { CurrentUser } from '../../platform/auth/store.ts'
import { requirePermission } from '../../platform/http/auth.ts'
import { forbidden } from '../../platform/http/errors.ts'
import { type FormErrors, parseWith } from '../../platform/http/forms.ts'
import { t } from '../../platform/i18n/i18n.ts'
import type { Services } from '../../services.ts'
import { DETAIL_FIELDS, NATIONS, type Organisation, organisationDetailsInput, POLICY_APPROVERS } from './model.ts'

type Body = Record<string, unknown>

const settingsInput = z.object({
  separationOfDuties: z.enum(['on', 'off'], { error: 'organisations.settings.errors.separation' }).transform((v) => v === 'on'),
})

/** The history of the settings as lines a reader understands. */
function historyRows(events: AuditEvent[]) {
  return events.map((e) => {
    const changes = e.changes as Record<string, { to?: unknown } | undefined>
    const change = changes.separationOfDuties
    const fields = DETAIL_FIELDS.filter((f) => f in changes).map((f) => t(`organisations.field.${f}`))
    return {
      at: e.at,
      who: e.actorName ?? t('audit.system'),
      what: change
        ? t(change.to ? 'organisations.settings.audit.on' : 'organisations.settings.audit.off')
        : fields.length ? t('organisations.settings.audit.fields', { fields: fields.join(', ') }) : t('organisations.settings.audit.changed'),
    }
  })
}

/** The details form's values: what is stored, or what was typed. */
function detailValues(org: Organisation): Record<string, unknown> {
  return Object.fromEntries(DETAIL_FIELDS.map((f) => [f, org[f] ?? '']))
}

/** A form field as typed: one string, or '' (a repeated field cannot be shown back as one value). */
const typed = (v: unknown): string => (typeof v === 'string' ? v : '')

/** The organisation's settings page: its details, and separation of duties for admins to turn off or on. */
export function organisationRoutes(app: FastifyInstance, services: Services): void {
  const { organisations } = services

  const render = async (reply: FastifyReply, user: CurrentUser, org: Organisation,
    opts: { errors?: FormErrors; detailErrors?: FormErrors; values?: Record<string, unknown>; flash?: string } = {}) => {
    const values = opts.values ?? detailValues(org)
    return reply.view('organisations/views/settings.njk', {
      pageTitle: t('organisations.settings.title'),
      org,
      values,
      nationItems: [
        { value: '', text: t('organisations.nation.none'), checked: !values.nation },
        ...NATIONS.map((n) => ({ value: n, text: t(`organisations.nation.${n}`), checked: values.nation === n })),
      ],
      approverItems: POLICY_APPROVERS.map((a) => ({
        value: a, text: t(`organisations.approvers.${a}`), checked: values.policyApprovers === a,
      })),
      detailErrors: opts.detailErrors?.fields ?? {},
      separationItems: [
        { value: 'on', text: t('organisations.settings.separation.on'), hint: { text: t('organisations.settings.separation.onHint') },
          checked: org.separationOfDuties },
        { value: 'off', text: t('organisations.settings.separation.off'), hint: { text: t('organisations.settings.separation.offHint') },
          checked: !org.separationOfDuties },
      ],
      history: historyRows(await organisations.history(user)),
      errors: opts.errors?.fields ?? {},
      errorList: [...(opts.detailErrors?.errorList ?? []), ...(opts.errors?.errorList ?? [])],
      flash: opts.flash,
    })
  }

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

  app.post<{ Body: Body }>('/settings/details', async (request, reply) => {
    const user = requirePermission(request, 'organisation:manage')
    if (user.via !== 'session') throw forbidden()
    const b = request.body
    const input = Object.fromEntries(DETAIL_FIELDS.map((f) => [f, b[f] === '' ? undefined : b[f]]))
    const parsed = parseWith(organisationDetailsInput, input)
    if (!parsed.ok) {
      reply.code(400)
      const values = Object.fromEntries(DETAIL_FIELDS.map((f) => [f, typed(b[f])]))
      return render(reply, user, await organisations.get(user.organisationId), { detailErrors: parsed.errors, values })
    }
    await organisations.setDetails(user, parsed.data)
    return reply.redirect('/settings?done=saved#details', 303)
  })
}
