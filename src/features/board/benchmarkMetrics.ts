import { t } from '../../platform/i18n/i18n.ts'
import type { BenchmarkService } from '../benchmark/service.ts'
import type { BoardService } from './service.ts'

/** The board in the sector benchmark: the share of organisations that have set up a governance board (a count in SQL). */
export function addBoardBenchmarkMetrics(benchmark: BenchmarkService, board: BoardService): void {
  benchmark.metrics.add({
    id: 'board',
    order: 20,
    async load(ids, q) {
      return [{
        id: 'governance-board', title: t('board.benchmark.title'), description: t('board.benchmark.description'),
        aggregate: { kind: 'share', contributors: ids.length, count: await board.countWithBoard(ids, q) },
      }]
    },
  })
}
