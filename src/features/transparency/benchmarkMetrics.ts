import { t } from '../../platform/i18n/i18n.ts'
import type { BenchmarkService } from '../benchmark/service.ts'
import type { TransparencyService } from './service.ts'

/** Transparency in the sector benchmark: the share of organisations with at least one published ATRS record (a count in SQL). */
export function addTransparencyBenchmarkMetrics(benchmark: BenchmarkService, transparency: TransparencyService): void {
  benchmark.metrics.add({
    id: 'transparency',
    order: 30,
    async load(ids, q) {
      return [{
        id: 'published-record', title: t('transparency.benchmark.title'), description: t('transparency.benchmark.description'),
        aggregate: { kind: 'share', contributors: ids.length, count: await transparency.countWithPublishedRecord(ids, q) },
      }]
    },
  })
}
