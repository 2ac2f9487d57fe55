import { t } from '../../platform/i18n/i18n.ts'
import type { DashboardService } from '../dashboard/service.ts'
import type { TransparencyService } from './service.ts'

/** Transparency on the organisation dashboard: the share of live uses with a published ATRS record. */
export function addTransparencyDashboardMetrics(dashboard: DashboardService, transparency: TransparencyService): void {
  dashboard.metrics.add({
    id: 'transparency-published',
    order: 60,
    async load(user, q) {
      const c = await transparency.liveWithPublishedRecord(user, q)
      return [{
        id: 'transparency-published', title: t('transparency.dashboard.title'),
        description: t('transparency.dashboard.description', { count: c.total }), kind: 'proportion',
        rows: [
          { label: t('transparency.dashboard.published'), value: c.in_set },
          { label: t('transparency.dashboard.notPublished'), value: c.total - c.in_set },
        ],
        total: c.total,
        link: { href: `/public/${user.organisationSlug}`, text: t('transparency.dashboard.link') },
      }]
    },
  })
}
