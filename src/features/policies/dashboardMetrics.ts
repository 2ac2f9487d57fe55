import { can } from '../../platform/auth/permissions.ts'
import { t } from '../../platform/i18n/i18n.ts'
import type { DashboardService, MetricView } from '../dashboard/service.ts'
import type { Acknowledgements } from './acknowledgements.ts'

/** Policies on the organisation dashboard: for each staff policy in force, the share of active people who have acknowledged it. */
export function addPolicyDashboardMetrics(dashboard: DashboardService, acknowledgements: Acknowledgements): void {
  dashboard.metrics.add({
    id: 'policies-coverage',
    order: 50,
    async load(user, q) {
      const figures = await acknowledgements.coverageFigures(user, q)
      if (!figures.length) {
        return [{ id: 'policies-coverage', title: t('policies.dashboard.title'), description: t('policies.dashboard.none'), kind: 'proportion', rows: [], total: 0 }]
      }
      return figures.map((f, i): MetricView => ({
        id: i === 0 ? 'policies-coverage' : `policies-coverage-${i + 1}`,
        title: t('policies.dashboard.policyTitle', { title: f.title }),
        description: t('policies.dashboard.description', { count: f.total }),
        kind: 'proportion',
        rows: [
          { label: t('policies.dashboard.acknowledged'), value: f.acknowledged },
          { label: t('policies.dashboard.notYet'), value: f.total - f.acknowledged },
        ],
        total: f.total,
        ...(can(user.roles, 'policy:coverage') ? { link: { href: `/policies/${f.policyId}/coverage`, text: t('policies.dashboard.link') } } : {}),
      }))
    },
  })
}
