import type { FastifyInstance } from 'fastify'
import { requirePermission } from '../../platform/http/auth.ts'
import { t } from '../../platform/i18n/i18n.ts'
import { todayIso } from '../../platform/validation.ts'
import type { Services } from '../../services.ts'
import { barChart, percent, proportionBar } from '../../platform/http/charts.ts'
import type { MetricView } from './service.ts'

/** A metric as the page draws it: its SVG chart (empty when there is nothing to draw) and, for a proportion, the percentage. */
export function chartFor(view: MetricView, idPrefix = 'chart') {
  const text = { id: `${idPrefix}-${view.id}`, title: view.title, description: view.description }
  const svg = view.kind === 'bar' ? barChart(text, view.rows)
    : view.kind === 'proportion' && view.rows[0] ? proportionBar(text, view.rows[0], view.total ?? 0)
      : ''
  const pc = view.kind === 'proportion' && view.rows[0] ? percent(view.rows[0].value, view.total ?? 0) : null
  const empty = view.kind === 'proportion' ? pc === null : view.kind === 'bar' ? view.rows.length === 0 : false
  return { ...view, svg, percent: pc, empty }
}

/**
 * GET /dashboard: the organisation's governance at a glance, each figure from the feature that
 * owns it (dashboard.metrics). GET /dashboard/summary: the same on one printable A4 page for a
 * scrutiny committee. Both for anyone who may read the register.
 */
export function dashboardRoutes(app: FastifyInstance, services: Services): void {
  app.get('/dashboard', async (request, reply) => {
    const user = requirePermission(request, 'register:read')
    const metrics = (await services.dashboard.load(user)).map((v) => chartFor(v))
    return reply.view('dashboard/views/dashboard.njk', { pageTitle: t('dashboard.title'), metrics, today: todayIso() })
  })

  app.get('/dashboard/summary', async (request, reply) => {
    const user = requirePermission(request, 'register:read')
    const metrics = (await services.dashboard.load(user)).map((v) => chartFor(v, 'summary'))
    return reply.view('dashboard/views/summary.njk', { pageTitle: t('dashboard.summary.title', { organisation: user.organisationName }), metrics, today: todayIso() })
  })
}
