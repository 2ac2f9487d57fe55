import type { CurrentUser } from '../../platform/auth/store.ts'
import { createOrdered } from '../../platform/ordered.ts'
import type { Queryable } from '../../platform/db/db.ts'

/** One bar, or one part of a proportion: already in the reader's words. */
export interface MetricRow {
  label: string
  value: number
  /** Where the register (or the owning feature) lists what this bar counts. */
  href?: string
}

/**
 * What a metric shows: a bar chart of counts, a proportion (the first row's value out of
 * `total`), or a few headline figures. Titles and words come from the owning feature.
 */
export interface MetricView {
  /** Unique on the dashboard; also the id of its heading. */
  id: string
  title: string
  /** One sentence saying what the figures show: the chart's text description. */
  description: string
  kind: 'bar' | 'proportion' | 'figures'
  rows: MetricRow[]
  /** For a proportion: what the first row is counted out of. */
  total?: number
  /** The page with the detail, if there is one. */
  link?: { href: string; text: string }
}

/**
 * A feature's contribution to the organisation dashboard. `load` counts in SQL (count / group by)
 * for the person's organisation and returns its views, or none when it has nothing to show.
 */
export interface DashboardMetric {
  id: string
  /** Lower comes first. */
  order: number
  load(user: CurrentUser, q?: Queryable): Promise<MetricView[]>
}

/**
 * The organisation dashboard (`/dashboard`) and its printable summary. It names no feature: each
 * feature that owns some figures adds a metric (`dashboard.metrics.add`) from a small file of its own.
 */
export function createDashboardService() {
  const metrics = createOrdered<DashboardMetric>('dashboard metric')
  return {
    metrics: { add: metrics.add, ids: metrics.ids },
    /** Every metric's views for this person's organisation, in order. */
    async load(user: CurrentUser, q?: Queryable): Promise<MetricView[]> {
      const loaded = await Promise.all(metrics.all().map((m) => m.load(user, q)))
      return loaded.flat()
    },
  }
}
export type DashboardService = ReturnType<typeof createDashboardService>
