import { t } from '../../platform/i18n/i18n.ts'
import { todayIso } from '../../platform/validation.ts'
import type { DashboardService } from '../dashboard/service.ts'
import type { BoardService } from './service.ts'

/** The board's figures on the organisation dashboard: conditions of its decisions still open. */
export function addBoardDashboardMetrics(dashboard: DashboardService, board: BoardService): void {
  dashboard.metrics.add({
    id: 'board-conditions',
    order: 40,
    async load(user, q) {
      const c = await board.dashboardConditionCounts(user, todayIso(), q)
      return [{
        id: 'board-conditions', title: t('board.dashboard.conditions.title'), description: t('board.dashboard.conditions.description'), kind: 'figures',
        rows: [
          { label: t('board.dashboard.conditions.open'), value: c.open },
          { label: t('board.dashboard.conditions.submitted'), value: c.submitted },
          { label: t('board.dashboard.conditions.overdue'), value: c.overdue },
        ],
        link: { href: '/board', text: t('board.dashboard.conditions.link') },
      }]
    },
  })
}
