// What the dashboard draws for each metric: a bar chart, a proportion bar, or figures only.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { escapeXml } from '../../platform/http/charts.ts'
import { chartFor } from './routes.ts'

describe('chartFor (what the page draws for a metric)', () => {
  test('a bar metric with rows gets a chart; with none it is empty', () => {
    assert.ok(chartFor({ id: 'a', title: 'A', description: 'd', kind: 'bar', rows: [{ label: 'x', value: 1 }] }).svg.startsWith('<svg'))
    const empty = chartFor({ id: 'a', title: 'A', description: 'd', kind: 'bar', rows: [] })
    assert.equal(empty.svg, '')
    assert.equal(empty.empty, true)
  })

  test('a proportion gets its percentage; figures get no chart', () => {
    const p = chartFor({ id: 'p', title: 'P', description: 'd', kind: 'proportion', rows: [{ label: 'y', value: 2 }, { label: 'n', value: 2 }], total: 4 })
    assert.equal(p.percent, 50)
    assert.equal(p.empty, false)
    assert.equal(chartFor({ id: 'p', title: 'P', description: 'd', kind: 'proportion', rows: [], total: 0 }).empty, true)
    const f = chartFor({ id: 'f', title: 'F', description: 'd', kind: 'figures', rows: [{ label: 'z', value: 0 }] })
    assert.equal(f.svg, '')
    assert.equal(f.empty, false)
  })

  test('escapeXml', () => {
    assert.equal(escapeXml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;')
  })
})
