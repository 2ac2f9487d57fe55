import type { FastifyInstance, FastifyReply } from 'fastify'
import { addPolicyDashboardMetrics } from './dashboardMetrics.ts'
import { can } from '../../platform/auth/permissions.ts'
import type { CurrentUser } from '../../platform/auth/store.ts'
import { requirePermission } from '../../platform/http/auth.ts'
import { formErrors, parseWith } from '../../platform/http/forms.ts'
import { csvLines } from '../../platform/csv.ts'
import { t } from '../../platform/i18n/i18n.ts'
import type { Services } from '../../services.ts'
import { AcknowledgementSuperseded } from './acknowledgements.ts'
import { acknowledgeInput, STAFF_KINDS } from './model.ts'

type Body = Record<string, unknown>
type Params = { id: string }

const SERVICE_AREA_MAX = 200

/**
 * The staff side of policies: the policies in force (`/policies-in-force`), reading one and
 * acknowledging it in two steps (tick, then confirm; no JavaScript needed), the home panel, and
 * for those who may read policies the coverage page and its CSV.
 */
export function staffPolicyRoutes(app: FastifyInstance, services: Services): void {
  const ack = services.policies.acknowledgements
  addPolicyDashboardMetrics(services.dashboard, ack)

  services.home.panels.add({
    id: 'policies-in-force',
    order: 10,
    template: 'policies/views/_home-panel.njk',
    async load(user) {
      if (!can(user.roles, 'policy:acknowledge')) return null
      const list = await ack.staffPolicies(user)
      if (!list.length) return null
      const outstanding = list.filter((s) => !s.acknowledged).length
      return { policies: list, outstanding, attention: outstanding }
    },
  })

  // On the policy page of a staff policy in force: how many have acknowledged it, and a link to the coverage.
  services.policies.policyPagePanels.signedIn.add({
    id: 'policy-acknowledgements',
    order: 10,
    template: 'policies/views/_coverage-panel.njk',
    async load(user, detail) {
      if (!detail.inForce || !STAFF_KINDS.includes(detail.policy.kind) || !can(user.roles, 'policy:coverage')) return null
      const coverage = await ack.coverage(user, detail.policy.id)
      return { policyId: detail.policy.id, overall: coverage.overall, label: coverage.version.label }
    },
  })

  app.get('/policies-in-force', async (request, reply) => {
    const user = requirePermission(request, 'policy:acknowledge')
    return reply.view('policies/views/staff-list.njk', { pageTitle: t('policies.staff.listTitle'), policies: await ack.staffPolicies(user) })
  })

  interface ShowOptions {
    errors?: Record<string, string>
    flash?: string | undefined
    superseded?: string | null
  }

  const renderShow = async (reply: FastifyReply, user: CurrentUser, id: string, opts: ShowOptions = {}) => {
    const found = await ack.staffPolicy(user, id)
    const errors = opts.errors ?? {}
    return reply.view('policies/views/staff-show.njk', {
      pageTitle: found.version.title, found, errors, errorList: formErrors(errors).errorList, flash: opts.flash, superseded: opts.superseded ?? null,
    })
  }

  app.get<{ Params: Params }>('/policies-in-force/:id', async (request, reply) => {
    const user = requirePermission(request, 'policy:acknowledge')
    const done = (request.query as Record<string, unknown> | undefined)?.done
    return renderShow(reply, user, request.params.id, { flash: done === 'acknowledged' ? t('policies.acknowledge.done') : undefined })
  })

  /** Reads the tick and the version; on a mistake the policy page again with the field's message. */
  const parseTick = (body: Body) => parseWith(acknowledgeInput, { versionId: body.versionId, read: body.read })

  /** Someone acknowledged a version that has since been replaced: the version in force, saying so (409). */
  const superseded = (reply: FastifyReply, user: CurrentUser, id: string, err: unknown) => {
    if (!(err instanceof AcknowledgementSuperseded)) throw err
    return renderShow(reply.code(409), user, id, { superseded: err.current.label })
  }

  // Step 1: the tick. Nothing is recorded yet; the confirmation page follows.
  app.post<{ Params: Params; Body: Body }>('/policies-in-force/:id/acknowledge', async (request, reply) => {
    const user = requirePermission(request, 'policy:acknowledge')
    const { id } = request.params
    const parsed = parseTick(request.body)
    if (!parsed.ok) {
      const fields = parsed.errors.fields
      // A missing or made-up version id is a stale page: show the version in force.
      if (fields.versionId && !fields.read) return renderShow(reply.code(409), user, id, { superseded: (await ack.staffPolicy(user, id)).version.label })
      return renderShow(reply.code(400), user, id, { errors: { read: fields.read ?? t('policies.errors.acknowledgeTick') } })
    }
    const found = await ack.staffPolicy(user, id)
    if (found.version.id !== parsed.data.versionId) return renderShow(reply.code(409), user, id, { superseded: found.version.label })
    return reply.view('policies/views/staff-confirm.njk', { pageTitle: t('policies.acknowledge.confirmTitle'), found })
  })

  // Step 2: the confirmation records the acknowledgement (again is harmless).
  app.post<{ Params: Params; Body: Body }>('/policies-in-force/:id/acknowledge/confirm', async (request, reply) => {
    const user = requirePermission(request, 'policy:acknowledge')
    const { id } = request.params
    const parsed = parseTick(request.body)
    if (!parsed.ok) {
      const fields = parsed.errors.fields
      if (fields.versionId && !fields.read) return renderShow(reply.code(409), user, id, { superseded: (await ack.staffPolicy(user, id)).version.label })
      return renderShow(reply.code(400), user, id, { errors: { read: fields.read ?? t('policies.errors.acknowledgeTick') } })
    }
    try {
      await ack.acknowledge(user, id, parsed.data.versionId)
    } catch (err) {
      return superseded(reply, user, id, err)
    }
    return reply.redirect(`/policies-in-force/${id}?done=acknowledged`, 303)
  })

  // --- coverage (admins and whoever may read policies) ------------------------------------------

  /** ?area= (absent: everyone; empty: people with no service area) and ?page=. */
  const coverageQuery = (query: unknown): { area: string | null | undefined; page: number } | null => {
    const q = (query ?? {}) as Record<string, unknown>
    const area = q.area === undefined ? undefined : typeof q.area === 'string' && q.area.length <= SERVICE_AREA_MAX ? (q.area.trim() || null) : false
    const page = q.page === undefined ? 1 : typeof q.page === 'string' && /^[1-9][0-9]{0,5}$/.test(q.page) ? Number(q.page) : 0
    if (area === false || page === 0) return null
    return { area, page }
  }

  app.get<{ Params: Params }>('/policies/:id/coverage', async (request, reply) => {
    const user = requirePermission(request, 'policy:coverage')
    const q = coverageQuery(request.query)
    const coverage = await ack.coverage(user, request.params.id, q ?? {})
    const errors: Record<string, string> = q ? {} : { area: t('policies.coverage.badFilter') }
    if (!q) reply.code(400)
    return reply.view('policies/views/coverage.njk', {
      pageTitle: t('policies.coverage.title', { title: coverage.version.title }), coverage, errors, errorList: formErrors(errors).errorList,
      filtered: coverage.area !== undefined,
      areaQuery: coverage.area === undefined ? '' : `area=${encodeURIComponent(coverage.area ?? '')}&`,
    })
  })

  app.get<{ Params: Params }>('/policies/:id/coverage.csv', async (request, reply) => {
    const user = requirePermission(request, 'policy:coverage')
    const { policy, version, rows } = await ack.coverageRows(user, request.params.id)
    const csv = csvLines([
      ['name', 'email', 'service_area', 'acknowledged', 'acknowledged_at'],
      ...rows.map((r) => [r.name, r.email, r.serviceArea ?? '', r.acknowledgedAt ? 'yes' : 'no', r.acknowledgedAt?.toISOString() ?? '']),
    ])
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${policy.slug}-v${version.label ?? version.number}-acknowledgements.csv"`)
      .send(csv)
  })
}
