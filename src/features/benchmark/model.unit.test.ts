// The threshold and aggregation rules of the sector benchmark, as tables: a figure is shown only
// when at least 5 organisations contribute (exactly 4: hidden; exactly 5: shown), and a hidden
// figure carries no number at all.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  type Aggregate, applyThreshold, type BenchmarkFigure, benchmarkFilters, filteredDimensions, groupsSafe, meetsThreshold, medianPercent, MIN_CONTRIBUTORS, participationInput, sharePercent,
} from './model.ts'

describe('the threshold rule', () => {
  it('is 5 organisations', () => assert.equal(MIN_CONTRIBUTORS, 5))

  const cases: [number, boolean][] = [
    [0, false], [1, false], [3, false], [4, false], [5, true], [6, true], [400, true],
    [-1, false], [4.5, false], [Number.NaN, false], [Number.POSITIVE_INFINITY, false],
  ]
  for (const [contributors, shown] of cases) {
    it(`${contributors} contributing organisations → ${shown ? 'shown' : 'hidden'}`, () => {
      assert.equal(meetsThreshold(contributors), shown)
    })
  }
})

describe('applying the threshold to each kind of figure', () => {
  const aggregates = (contributors: number): Aggregate[] => [
    { kind: 'share', contributors, count: Math.max(0, contributors - 1) },
    { kind: 'median', contributors, median: 0.8137 },
    { kind: 'distribution', contributors, levels: [1, 2, 3, 4, 5].map((v) => ({ value: v, label: `Level ${v}` })), counts: [0, 1, Math.max(0, contributors - 1), 0, 0] },
  ]
  const table: [number, boolean][] = [[0, false], [4, false], [5, true], [6, true]]
  for (const [contributors, shown] of table) {
    for (const aggregate of aggregates(contributors)) {
      it(`${aggregate.kind} from ${contributors} → ${shown ? 'shown with its aggregate' : 'words only, no number'}`, () => {
        const figure = { id: 'f', title: 'A figure', description: 'What it counts.', aggregate }
        const out = applyThreshold(figure)
        assert.equal(out.shown, shown)
        if (shown) {
          assert.deepEqual(out.shown && out.aggregate, aggregate)
        } else {
          assert.deepEqual(out, { id: 'f', title: 'A figure', description: 'What it counts.', shown: false, kind: aggregate.kind })
          assert.ok(!/\d/.test(JSON.stringify(out)), 'no digit anywhere in a hidden figure')
        }
      })
    }
  }
})

describe('percentages', () => {
  const shares: [number, number, number | null][] = [
    [0, 0, null], [0, 5, 0], [1, 5, 20], [2, 3, 67], [5, 5, 100], [7, 5, 100], [-1, 5, 0],
  ]
  for (const [count, contributors, percent] of shares) {
    it(`share ${count} of ${contributors} → ${percent}`, () => assert.equal(sharePercent(count, contributors), percent))
  }
  const medians: [number | null, number | null][] = [[null, null], [0, 0], [0.5, 50], [0.125, 13], [1, 100], [1.2, 100], [Number.NaN, null]]
  for (const [median, percent] of medians) {
    it(`median ${median} → ${percent}`, () => assert.equal(medianPercent(median), percent))
  }
})

describe('the filters and the opt-in form', () => {
  const filters: [unknown, { type: string | null; nation: string | null } | 'refused'][] = [
    [{}, { type: null, nation: null }],
    [{ type: 'District council', nation: 'wales' }, { type: 'District council', nation: 'wales' }],
    [{ type: '  Unitary  ', nation: '' }, { type: 'Unitary', nation: null }],
    [{ nation: 'france' }, 'refused'],
    [{ type: ['a', 'b'] }, 'refused'],
    [{ nation: ['wales'] }, 'refused'],
    [{ type: 'x'.repeat(201) }, 'refused'],
  ]
  for (const [input, expected] of filters) {
    it(`${JSON.stringify(input).slice(0, 60)} → ${JSON.stringify(expected)}`, () => {
      const r = benchmarkFilters.safeParse(input)
      if (expected === 'refused') assert.equal(r.success, false)
      else assert.deepEqual(r.data, expected)
    })
  }
  const participation: [unknown, boolean | 'refused'][] = [['yes', true], ['no', false], ['', 'refused'], [undefined, 'refused'], [['yes'], 'refused'], ['true', 'refused']]
  for (const [participate, expected] of participation) {
    it(`participate ${JSON.stringify(participate)} → ${expected}`, () => {
      const r = participationInput.safeParse({ participate })
      if (expected === 'refused') assert.equal(r.success, false)
      else assert.equal(r.data?.participate, expected)
    })
  }
})

describe('the group rule: no filtered figure lets a group under 5 be worked out by subtraction', () => {
  const cases: [number[], boolean][] = [
    [[], true], [[0], true], [[5], true], [[5, 0, 7], true], [[5, 5, 4], false], [[1], false], [[6, 9, 0, 5], true], [[5, 4, 0], false],
  ]
  for (const [groups, ok] of cases) {
    it(`groups contributing ${JSON.stringify(groups)} → ${ok ? 'safe' : 'hidden'}`, () => assert.equal(groupsSafe(groups), ok))
  }
  it('applyThreshold hides a figure that meets the threshold when its groups are not safe', () => {
    const fig: BenchmarkFigure = { id: 'x', title: 'X', description: 'X', aggregate: { kind: 'share', contributors: 10, count: 3 } }
    assert.equal(applyThreshold(fig, 5, true).shown, true)
    assert.equal(applyThreshold(fig, 5, false).shown, false)
    assert.ok(!('aggregate' in applyThreshold(fig, 5, false)), 'its numbers are dropped')
  })
  it('the dimensions a view is filtered by', () => {
    assert.deepEqual(filteredDimensions({ type: null, nation: null }), [])
    assert.deepEqual(filteredDimensions({ type: 'District council', nation: null }), ['type'])
    assert.deepEqual(filteredDimensions({ type: null, nation: 'wales' }), ['nation'])
    assert.deepEqual(filteredDimensions({ type: 'District council', nation: 'wales' }), ['type', 'nation'])
  })
})
