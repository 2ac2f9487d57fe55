import { t } from '../../platform/i18n/i18n.ts'
import type { BenchmarkService } from '../benchmark/service.ts'
import type { MaturityService } from './service.ts'

/** Maturity in the sector benchmark: for each dimension, how many organisations' latest assessment is at each level. */
export function addMaturityBenchmarkMetrics(benchmark: BenchmarkService, maturity: MaturityService): void {
  benchmark.metrics.add({
    id: 'maturity',
    order: 50,
    async load(ids, q) {
      const rows = await maturity.latestDistribution(ids, q)
      return rows.map((r) => ({
        id: `maturity-${r.dimension.id}`,
        title: t('maturity.benchmark.title', { dimension: r.dimension.title }),
        description: t('maturity.benchmark.description', { dimension: r.dimension.title }),
        aggregate: {
          kind: 'distribution' as const, contributors: r.contributors, counts: r.counts,
          levels: r.dimension.levels.map((l) => ({ value: l.level, label: t('maturity.levelName', { level: l.level, name: l.name }) })),
        },
      }))
    },
  })
}
