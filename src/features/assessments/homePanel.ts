import { todayIso } from '../../platform/validation.ts'
import type { HomeService } from '../home/service.ts'
import type { AssessmentService } from './service.ts'

/**
 * Home: assessments waiting for this assessor's sign-off (submitted by someone else), and the
 * required actions this person owns, each due date marked, overdue ones first among the dated.
 */
export function addAssessmentHomePanels(home: HomeService, assessments: AssessmentService): void {
  home.panels.add({
    id: 'assessments-signoff',
    order: 5,
    template: 'assessments/views/_home-signoff.njk',
    async load(user) {
      const queue = await assessments.signOffQueue(user)
      return queue.total ? { ...queue, attention: queue.total } : null
    },
  })

  home.panels.add({
    id: 'assessments-actions',
    order: 12,
    template: 'assessments/views/_home-actions.njk',
    async load(user) {
      const owned = await assessments.actionsOwned(user)
      if (!owned.total) return null
      const today = todayIso()
      const items = owned.items.map((a) => ({ ...a, overdue: a.dueDate !== null && a.dueDate < today }))
      return { items, total: owned.total, overdue: items.filter((a) => a.overdue).length, attention: owned.total }
    },
  })
}
