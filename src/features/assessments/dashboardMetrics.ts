import { t } from '../../platform/i18n/i18n.ts'
import { todayIso } from '../../platform/validation.ts'
import type { DashboardService } from '../dashboard/service.ts'
import { ACTION_LEVELS } from './questionSet/schema.ts'
import type { AssessmentService } from './service.ts'

/** The assessments' figures on the organisation dashboard: what awaits sign-off, and the required actions still open. */
export function addAssessmentDashboardMetrics(dashboard: DashboardService, assessments: AssessmentService): void {
  dashboard.metrics.add({
    id: 'assessments',
    order: 30,
    async load(user, q) {
      const c = await assessments.dashboardCounts(user, todayIso(), q)
      const byLevel = new Map(c.actions.map((a) => [a.level, a]))
      const open = c.actions.reduce((n, a) => n + a.n, 0)
      const overdue = c.actions.reduce((n, a) => n + a.overdue, 0)
      return [
        {
          id: 'assessments-signoff', title: t('assessments.dashboard.signoff.title'), description: t('assessments.dashboard.signoff.description'), kind: 'figures',
          rows: [
            { label: t('assessments.dashboard.signoff.submitted'), value: c.submitted },
            { label: t('assessments.dashboard.signoff.needsReview'), value: c.needs_review },
            { label: t('assessments.dashboard.signoff.returned'), value: c.returned },
          ],
        },
        {
          id: 'assessments-actions', title: t('assessments.dashboard.actions.title'),
          description: t('assessments.dashboard.actions.description', { count: open, overdue }), kind: 'bar',
          rows: open ? ACTION_LEVELS.map((level) => ({ label: t(`assessments.dashboard.actions.level.${level}`), value: byLevel.get(level)?.n ?? 0 })) : [],
        },
      ]
    },
  })
}
