import { t } from '../../platform/i18n/i18n.ts'
import { todayIso } from '../../platform/validation.ts'
import type { DashboardService, MetricRow } from '../dashboard/service.ts'
import { RISK_TIERS, STAGES } from './model.ts'
import type { RegisterService } from './service.ts'

/** Service areas drawn one bar each; the rest are counted together. */
const AREA_BARS = 12
const SOON_DAYS = 30

const addDays = (iso: string, days: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86400_000).toISOString().slice(0, 10)

/**
 * The register's figures on the organisation dashboard: entries by lifecycle stage, by risk tier
 * and by service area, and reviews overdue and coming due. One SQL statement counts them all.
 */
export function addRegisterDashboardMetrics(dashboard: DashboardService, register: RegisterService): void {
  dashboard.metrics.add({
    id: 'register',
    order: 10,
    async load(user, q) {
      const today = todayIso()
      const c = await register.dashboardCounts(user, today, addDays(today, SOON_DAYS), q)
      const stageCount = new Map(c.stages.map((s) => [s.stage, s.n]))
      const tierCount = new Map(c.tiers.map((s) => [s.tier, s.n]))
      const total = c.stages.reduce((n, s) => n + s.n, 0)
      const byStage: MetricRow[] = total ? STAGES.map((s) => ({ label: t(`stage.${s}`), value: stageCount.get(s) ?? 0, href: `/register?stage=${s}` })) : []
      const byTier: MetricRow[] = total
        ? [...RISK_TIERS.map((r) => ({ label: t(`tier.${r}`), value: tierCount.get(r) ?? 0, href: `/register?tier=${r}` })),
          { label: t('tier.unscreened'), value: tierCount.get(null) ?? 0, href: '/register?tier=unscreened' }]
        : []
      const shown = c.areas.slice(0, AREA_BARS)
      const rest = c.areas.slice(AREA_BARS).reduce((n, a) => n + a.n, 0)
      const byArea: MetricRow[] = [
        ...shown.map((a) => ({ label: a.area, value: a.n, href: `/register?serviceArea=${encodeURIComponent(a.area)}` })),
        ...(rest ? [{ label: t('register.dashboard.otherAreas', { count: c.areas.length - AREA_BARS }), value: rest }] : []),
      ]
      return [
        { id: 'register-stage', title: t('register.dashboard.stage.title'), description: t('register.dashboard.stage.description', { count: total }), kind: 'bar', rows: byStage },
        { id: 'register-tier', title: t('register.dashboard.tier.title'), description: t('register.dashboard.tier.description'), kind: 'bar', rows: byTier },
        { id: 'register-area', title: t('register.dashboard.area.title'), description: t('register.dashboard.area.description'), kind: 'bar', rows: byArea },
        {
          id: 'register-reviews', title: t('register.dashboard.reviews.title'), description: t('register.dashboard.reviews.description', { days: SOON_DAYS }), kind: 'figures',
          rows: [
            { label: t('register.dashboard.reviews.overdue'), value: c.overdue },
            { label: t('register.dashboard.reviews.dueSoon', { days: SOON_DAYS }), value: c.due_soon },
          ],
        },
      ]
    },
  })
}
