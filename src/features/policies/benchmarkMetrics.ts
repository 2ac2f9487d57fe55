import { t } from '../../platform/i18n/i18n.ts'
import type { BenchmarkService } from '../benchmark/service.ts'
import type { PolicyService } from './service.ts'

/**
 * Policies in the sector benchmark: the share of organisations with an AI policy in force, and
 * the median share of staff who acknowledged the staff policies in force. Counted in SQL over
 * the ids the benchmark gives; nothing but counts leaves this feature.
 */
export function addPolicyBenchmarkMetrics(benchmark: BenchmarkService, policies: PolicyService): void {
  benchmark.metrics.add({
    id: 'policies',
    order: 10,
    async load(ids, q) {
      const inForce = await policies.countWithPolicyInForce(ids, q)
      const ack = await policies.acknowledgements.benchmarkMedian(ids, q)
      return [
        {
          id: 'policy-in-force', title: t('policies.benchmark.inForce.title'), description: t('policies.benchmark.inForce.description'),
          aggregate: { kind: 'share', contributors: ids.length, count: inForce },
        },
        {
          id: 'policy-acknowledgement', title: t('policies.benchmark.acknowledgement.title'), description: t('policies.benchmark.acknowledgement.description'),
          aggregate: { kind: 'median', contributors: ack.contributors, median: ack.median },
        },
      ]
    },
  })
}
