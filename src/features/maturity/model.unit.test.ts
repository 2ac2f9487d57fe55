// The maturity model's content checks (file, path and line in every error) and the score
// validation, as tables.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { ContentError } from '../../platform/content/index.ts'
import { historyChart } from './chart.ts'
import { loadMaturityModel, MATURITY_MODEL_FILE, parseMaturityModel } from './content.ts'
import { evidenceField, parseAssessment, scoreInput } from './model.ts'

const model = loadMaturityModel()
const real = readFileSync(MATURITY_MODEL_FILE, 'utf8')

describe('the maturity model (content/maturity/model.yaml)', () => {
  it('has the eight dimensions, each with levels 1 to 5 described', () => {
    assert.deepEqual(model.dimensions.map((d) => d.id), ['leadership', 'policy', 'governance', 'data', 'skills', 'transparency', 'procurement', 'security'])
    for (const d of model.dimensions) {
      assert.deepEqual(d.levels.map((l) => l.level), [1, 2, 3, 4, 5], d.id)
      assert.ok(d.levels.every((l) => l.description.length > 40), `${d.id}: every level is described`)
    }
  })

  const broken: [string, (text: string) => string, RegExp][] = [
    ['a repeated dimension id', (s) => s.replace('id: policy', 'id: leadership'), /model\.yaml: dimensions\[1\]\.id: "leadership" is used by another dimension \(line 2\d\)/],
    ['levels out of order', (s) => s.replace('      - level: 2\n        name: Emerging\n        description: A senior', '      - level: 3\n        name: Emerging\n        description: A senior'), /dimensions\[0\]\.levels\[1\]\.level: must be 2 .*\(line 1\d\)/],
    ['a level missing', (s) => s.replace(/ {6}- level: 5\n {8}name: Leading\n {8}description: Leaders set[^\n]*\n/, ''), /dimensions\[0\]\.levels: .*five levels.*\(line \d+\)/],
    ['an empty description', (s) => s.replace(/description: Nobody senior[^\n]*/, 'description: ""'), /dimensions\[0\]\.levels\[0\]\.description: .*\(line 1\d\)/],
    ['an unknown key', (s) => s.replace('    summary: Who owns AI', '    colour: red\n    summary: Who owns AI'), /dimensions\[0\]\.colour: unknown field \(line 9\)/],
    ['a bad id', (s) => s.replace('id: data', 'id: Data Quality'), /dimensions\[3\]\.id: must be lower-case.*\(line \d+\)/],
    ['invalid YAML', (s) => s.replace('version: 1', 'version: [1'), /invalid YAML/],
  ]
  for (const [what, change, expected] of broken) {
    it(`${what} stops start-up naming the file, path and line`, () => {
      assert.throws(() => parseMaturityModel(change(real), 'content/maturity/model.yaml'), (err: unknown) => {
        assert.ok(err instanceof ContentError, 'a ContentError')
        assert.match(err.message, expected)
        return true
      })
    })
  }
})

describe('a score', () => {
  const cases: [unknown, number | 'refused'][] = [
    ['1', 1], ['3', 3], ['5', 5], [' 4 ', 4], ['05', 5],
    ['0', 'refused'], ['6', 'refused'], ['-1', 'refused'], ['2.5', 'refused'], ['abc', 'refused'], ['', 'refused'],
    ['1e0', 'refused'], ['9999', 'refused'], [['3'], 'refused'], [['1', '2'], 'refused'], [3, 'refused'], [null, 'refused'], [undefined, 'refused'], [{}, 'refused'],
  ]
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input) ?? 'missing'} → ${expected}`, () => {
      const r = scoreInput.safeParse(input)
      if (expected === 'refused') assert.equal(r.success, false)
      else assert.equal(r.data, expected)
    })
  }
})

describe('the whole form', () => {
  const valid = () => Object.fromEntries(model.dimensions.flatMap((d, i) => [[d.id, String((i % 5) + 1)], [evidenceField(d.id), `Evidence ${i}`]]))

  it('a complete form gives every dimension in the model\'s order', () => {
    const r = parseAssessment(model, valid())
    assert.ok(r.ok, 'accepted')
    assert.deepEqual(r.scores.map((s) => [s.dimension, s.score]), model.dimensions.map((d, i) => [d.id, (i % 5) + 1]))
    assert.equal(r.scores[0]!.evidence, 'Evidence 0')
  })

  it('evidence is optional', () => {
    const form = valid()
    for (const d of model.dimensions) delete form[evidenceField(d.id)]
    const r = parseAssessment(model, form)
    assert.ok(r.ok && r.scores.every((s) => s.evidence === ''), 'accepted with empty evidence')
  })

  const bad: [string, Record<string, unknown>, [string, string][]][] = [
    ['out of range, text, an array and a missing score', { leadership: '6', policy: 'abc', data: ['1', '2'], security: undefined },
      [['leadership', 'Leadership and strategy'], ['policy', 'Policy'], ['data', 'Data'], ['security', 'Security']]],
    ['zero and empty', { governance: '0', skills: '' }, [['governance', 'Governance and compliance'], ['skills', 'Skills and culture']]],
    ['evidence too long and as an array', { 'transparency-evidence': 'x'.repeat(5001), 'procurement-evidence': ['a', 'b'] },
      [['transparency-evidence', 'Transparency'], ['procurement-evidence', 'Procurement']]],
  ]
  for (const [what, changes, expected] of bad) {
    it(`${what}: each field refused, naming its dimension`, () => {
      const r = parseAssessment(model, { ...valid(), ...changes })
      assert.ok(!r.ok, 'refused')
      assert.deepEqual(r.problems.map((p) => [p.field, p.dimension]), expected)
    })
  }

  it('an empty form names every dimension', () => {
    const r = parseAssessment(model, {})
    assert.ok(!r.ok, 'refused')
    assert.deepEqual(r.problems.map((p) => p.field), model.dimensions.map((d) => d.id))
  })
})

describe('the history chart', () => {
  const dims = model.dimensions.map((d) => ({ id: d.id, title: d.title }))
  it('is an image named by its title and described by its desc, with every level written in it', () => {
    const svg = historyChart({ id: 'h', title: 'Maturity <history>', description: 'Two assessments & more.' }, dims, [
      { label: '1 Jan 2026', scores: { leadership: 2, policy: 1 } }, { label: '1 Jun 2026', scores: { leadership: 4, policy: 5 } },
    ])
    assert.match(svg, /^<svg [^>]*role="img" aria-labelledby="h-title h-desc"/)
    assert.ok(svg.includes('<title id="h-title">Maturity &lt;history&gt;</title>'), 'title escaped')
    assert.ok(svg.includes('<desc id="h-desc">Two assessments &amp; more.</desc>'), 'desc escaped')
    for (const n of ['>2<', '>4<', '>5<', '>1 Jun 2026<']) assert.ok(svg.includes(n), n)
  })
  it('draws nothing without assessments, and at most the eight latest', () => {
    assert.equal(historyChart({ id: 'h', title: 'T', description: 'D' }, dims, []), '')
    const many = Array.from({ length: 12 }, (_, i) => ({ label: `col${i}`, scores: { leadership: 3 } }))
    const svg = historyChart({ id: 'h', title: 'T', description: 'D' }, dims, many)
    assert.ok(!svg.includes('>col3<') && svg.includes('>col4<') && svg.includes('>col11<'), 'the eight latest')
  })
})
