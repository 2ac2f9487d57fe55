// The server-drawn charts (issue 12 §7): text alternatives present, every figure in the words,
// escaping, and nothing drawn from nothing.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { barChart, percent, proportionBar } from './charts.ts'

const text = { id: 'stage', title: 'Register by stage', description: 'Entries at each stage:' }

describe('bar chart', () => {
  const svg = barChart(text, [{ label: 'Live', value: 3 }, { label: 'Idea', value: 0 }, { label: 'Pilot', value: 6 }])

  test('is an image named by its title and described by its desc, which gives every figure', () => {
    assert.match(svg, /^<svg [^>]*role="img" aria-labelledby="stage-title stage-desc"/)
    assert.ok(svg.includes('<title id="stage-title">Register by stage</title>'))
    assert.ok(svg.includes('<desc id="stage-desc">Entries at each stage: Live: 3; Idea: 0; Pilot: 6.</desc>'))
  })

  test('draws one bar per row, scaled to the largest, a zero as no bar, with the value written', () => {
    const widths = [...svg.matchAll(/<rect x="0" y="\d+" width="(\d+)"/g)].map((m) => Number(m[1]))
    assert.equal(widths.length, 3)
    assert.equal(widths[1], 0)
    assert.equal(widths[2], 344, 'the largest fills the room')
    assert.equal(widths[0], 172, 'half the largest, half the width')
    assert.ok(svg.includes('>6</text>') && svg.includes('>0</text>'))
  })

  test('needs no inline style (the CSP allows none) and no script', () => {
    assert.ok(!/style=|<script|on\w+=/i.test(svg))
  })

  test('escapes labels and titles', () => {
    const evil = barChart({ id: 'x"><script>', title: '<b>&', description: 'd' }, [{ label: '<img src=x onerror=alert(1)>', value: 1 }])
    assert.ok(!evil.includes('<img') && !evil.includes('<script') && !evil.includes('<b>'))
    assert.ok(evil.includes('&lt;img src=x onerror=alert(1)&gt;'))
    assert.match(evil, /aria-labelledby="x---script--title/, 'the id keeps only safe characters')
  })

  test('empty data draws nothing; bad numbers count as zero', () => {
    assert.equal(barChart(text, []), '')
    const odd = barChart(text, [{ label: 'A', value: Number.NaN }, { label: 'B', value: -4 }])
    assert.ok(odd.includes('A: 0; B: 0.'))
  })
})

describe('proportion bar', () => {
  test('says the percentage and both counts, in the picture and its description', () => {
    const svg = proportionBar({ id: 'p', title: 'Published', description: 'Live uses with a record.' }, { label: 'Published', value: 1 }, 3)
    assert.ok(svg.includes('<desc id="p-desc">Live uses with a record. Published: 33% (1 of 3).</desc>'))
    assert.ok(svg.includes('>33% (1 of 3)</text>'))
    assert.match(svg, /role="img"/)
  })

  test('nothing to count out of draws nothing; a part larger than the whole is capped', () => {
    assert.equal(proportionBar(text, { label: 'x', value: 0 }, 0), '')
    assert.ok(proportionBar(text, { label: 'x', value: 9 }, 4).includes('100% (4 of 4)'))
  })

  test('percent rounds, and has no answer out of nothing', () => {
    assert.equal(percent(1, 3), 33)
    assert.equal(percent(2, 3), 67)
    assert.equal(percent(0, 0), null)
    assert.equal(percent(5, 5), 100)
  })
})

