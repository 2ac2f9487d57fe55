import type { FastifyInstance, FastifyReply } from 'fastify'
import { can } from '../../platform/auth/permissions.ts'
import type { CurrentUser } from '../../platform/auth/store.ts'
import { requirePermission } from '../../platform/http/auth.ts'
import { type FormErrors, formErrors, parseWith } from '../../platform/http/forms.ts'
import { t } from '../../platform/i18n/i18n.ts'
import type { Services } from '../../services.ts'
import type { RegisterEntry } from '../register/model.ts'
import { APPROVED_FOR_MAX, approvalInput, askInput, INFORMATION_KINDS, withdrawalInput } from './model.ts'
import { ToolRefused } from './service.ts'

type Body = Record<string, unknown>
type EntryParams = { entryId: string }

/** The policies that list the approved tools: those written for staff. */
const STAFF_POLICY_KINDS: readonly string[] = ['acceptable_use', 'dos_and_donts']

/** A form field as typed, for showing back: one string, or '' (a repeated field is not one value). */
const typed = (v: unknown): string => (typeof v === 'string' ? v : '')
/** A form field for the schema: '' and missing are "not given"; anything else goes to the schema as it came. */
const given = (v: unknown): unknown => (v === '' ? undefined : v)

export function toolRoutes(app: FastifyInstance, services: Services): void {
  const { tools, register, home, policies } = services

  // --- where the tools show up on other features' pages ------------------------------------------

  register.extensions.entryPanels.add({
    id: 'staff-use',
    order: 40,
    template: 'tools/views/_entry.njk',
    load: async (user, entry) => ({
      approval: await tools.approvalOf(user, entry),
      live: entry.stage === 'live',
      canApprove: can(user.roles, 'tool:approve'),
    }),
  })

  home.panels.add({
    id: 'approved-tools',
    order: 20,
    template: 'tools/views/_home.njk',
    load: async (user) => {
      const [approved, requests] = await Promise.all([tools.approved(user), tools.myRequests(user)])
      return { tools: approved, requests }
    },
  })

  policies.policyPagePanels.signedIn.add({
    id: 'approved-tools',
    order: 20,
    template: 'tools/views/_policy.njk',
    load: async (user, detail) => (STAFF_POLICY_KINDS.includes(detail.policy.kind) ? { tools: await tools.approved(user) } : null),
  })

  policies.policyPagePanels.public.add({
    id: 'approved-tools',
    order: 10,
    template: 'tools/views/_policy.njk',
    load: async (p) => (STAFF_POLICY_KINDS.includes(p.policy.kind) ? { tools: await tools.publicApproved(p.organisation.id), public: true } : null),
  })

  // --- approving a live entry for general staff use, and withdrawing that ------------------------

  const renderApprove = async (reply: FastifyReply, user: CurrentUser, entry: RegisterEntry, opts: { values?: Body; errors?: FormErrors; refusal?: string } = {}) => {
    const approval = await tools.approvalOf(user, entry)
    return reply.view('tools/views/approve.njk', {
      pageTitle: t('tools.approve.title', { name: entry.name }),
      entry, approval,
      refusal: opts.refusal ?? (entry.stage === 'live' ? null : t('tools.refused.notLive')),
      values: opts.values ?? { publicName: approval?.publicName ?? entry.name, approvedFor: approval?.approvedFor ?? '' },
      approvedForMax: APPROVED_FOR_MAX,
      errors: opts.errors?.fields ?? {},
      errorList: opts.errors?.errorList ?? [],
    })
  }

  app.get<{ Params: EntryParams }>('/tools/entries/:entryId/approve', async (request, reply) => {
    const user = requirePermission(request, 'tool:approve')
    return renderApprove(reply, user, await register.get(user, request.params.entryId))
  })

  app.post<{ Params: EntryParams; Body: Body }>('/tools/entries/:entryId/approve', async (request, reply) => {
    const user = requirePermission(request, 'tool:approve')
    const entry = await register.get(user, request.params.entryId)
    const values = { publicName: typed(request.body.publicName), approvedFor: typed(request.body.approvedFor) }
    const parsed = parseWith(approvalInput, { publicName: given(request.body.publicName), approvedFor: given(request.body.approvedFor) })
    if (!parsed.ok) return renderApprove(reply.code(400), user, entry, { values, errors: parsed.errors })
    try {
      await tools.approve(user, entry.id, parsed.data)
    } catch (err) {
      if (!(err instanceof ToolRefused)) throw err
      return renderApprove(reply.code(409), user, entry, { values, refusal: t(err.reason) })
    }
    return reply.redirect(`/register/${entry.id}?done=toolApproved#staff-use`, 303)
  })

  const renderWithdraw = async (reply: FastifyReply, user: CurrentUser, entry: RegisterEntry, opts: { values?: Body; errors?: FormErrors; refusal?: string } = {}) => {
    const approval = await tools.approvalOf(user, entry)
    return reply.view('tools/views/withdraw.njk', {
      pageTitle: t('tools.withdraw.title', { name: entry.name }),
      entry, approval,
      refusal: opts.refusal ?? (approval ? null : t('tools.refused.notApproved')),
      values: opts.values ?? { reason: '' },
      errors: opts.errors?.fields ?? {},
      errorList: opts.errors?.errorList ?? [],
    })
  }

  app.get<{ Params: EntryParams }>('/tools/entries/:entryId/withdraw', async (request, reply) => {
    const user = requirePermission(request, 'tool:approve')
    return renderWithdraw(reply, user, await register.get(user, request.params.entryId))
  })

  app.post<{ Params: EntryParams; Body: Body }>('/tools/entries/:entryId/withdraw', async (request, reply) => {
    const user = requirePermission(request, 'tool:approve')
    const entry = await register.get(user, request.params.entryId)
    const values = { reason: typed(request.body.reason) }
    const parsed = parseWith(withdrawalInput, { reason: given(request.body.reason) })
    if (!parsed.ok) return renderWithdraw(reply.code(400), user, entry, { values, errors: parsed.errors })
    try {
      await tools.withdraw(user, entry.id, parsed.data.reason)
    } catch (err) {
      if (!(err instanceof ToolRefused)) throw err
      return renderWithdraw(reply.code(409), user, entry, { values, refusal: t(err.reason) })
    }
    return reply.redirect(`/register/${entry.id}?done=toolWithdrawn#staff-use`, 303)
  })

  // --- "Can I use this AI tool?" -----------------------------------------------------------------

  const renderAsk = async (reply: FastifyReply, user: CurrentUser, opts: { values?: Body; errors?: FormErrors } = {}) => {
    const values = opts.values ?? { toolName: '', purpose: '', information: '', detail: '' }
    return reply.view('tools/views/ask.njk', {
      pageTitle: t('tools.ask.title'),
      values,
      goesTo: t(`tools.ask.goesTo.${await tools.recipients(user)}`),
      informationItems: INFORMATION_KINDS.map((k) => ({
        value: k, text: t(`tools.information.${k}`), hint: { text: t(`tools.informationHint.${k}`) }, checked: values.information === k,
      })),
      errors: opts.errors?.fields ?? {},
      errorList: opts.errors?.errorList ?? [],
    })
  }

  app.get('/tools/ask', async (request, reply) => renderAsk(reply, requirePermission(request, 'policy:acknowledge')))

  app.post<{ Body: Body }>('/tools/ask', async (request, reply) => {
    const user = requirePermission(request, 'policy:acknowledge')
    const b = request.body
    const values = { toolName: typed(b.toolName), purpose: typed(b.purpose), information: typed(b.information), detail: typed(b.detail) }
    const parsed = parseWith(askInput, { toolName: given(b.toolName), purpose: given(b.purpose), information: given(b.information), detail: given(b.detail) })
    if (!parsed.ok) {
      // The radios' first item carries the group's id.
      const errors = formErrors(parsed.errors.fields, (f) => f)
      return renderAsk(reply.code(400), user, { values, errors })
    }
    const id = await tools.ask(user, parsed.data)
    return reply.redirect(`/tools/requests/${id}?done=sent`, 303)
  })

  app.get<{ Params: { id: string } }>('/tools/requests/:id', async (request, reply) => {
    const user = requirePermission(request, 'policy:acknowledge')
    const followed = await tools.followRequest(user, request.params.id)
    const done = (request.query as Record<string, unknown> | undefined)?.done
    return reply.view('tools/views/request.njk', {
      pageTitle: t('tools.request.title', { tool: followed.request.toolName }),
      ...followed,
      flash: done === 'sent' ? t(`tools.request.sent.${followed.request.notified}`) : undefined,
    })
  })
}
