// The public register's query (publicSearch.ts): one schema for the pages, the downloads and the
// API. The API reads the schema's own output again, so reading must change nothing the second time.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { publicQuerySchema, queryString, readPublicFilters } from './publicSearch.ts'

describe('readPublicFilters', () => {
  test('repeated names are several values, blanks and repeats dropped; the rest as given', () => {
    const r = readPublicFilters({ q: '  zebra  ', nation: ['wales', 'wales', ''], phase: 'Production', third_party: 'yes', organisation: 'northmoor' })
    assert.deepEqual(r.filters, { q: 'zebra', organisation: 'northmoor', nation: ['wales'], phase: ['Production'], third_party: 'yes' })
    assert.equal(r.sort, 'relevance', 'a search sorts by relevance')
    assert.deepEqual(r.errors, {})
  })

  test('reading the schema’s output again gives the same query', () => {
    for (const raw of [
      { q: 'a b', nation: 'wales', page: '3', sort: 'name', lang: 'cy' },
      { risk_tier: ['low', 'high'], third_party: 'no', page: '99999999999999999999' },
      {},
    ]) {
      const once = publicQuerySchema.parse(raw)
      const a = readPublicFilters(raw)
      const b = readPublicFilters(once)
      assert.deepEqual(b, { ...a, typed: b.typed }, JSON.stringify(raw))
    }
  })

  test('pages: whole numbers from 1; anything else the first page; huge ones clamped', () => {
    assert.equal(readPublicFilters({ page: '7' }).page, 7)
    for (const p of ['0', '-3', 'abc', '1.5', ['x'], '']) assert.equal(readPublicFilters({ page: p }).page, 1, JSON.stringify(p))
    assert.equal(readPublicFilters({ page: '1e9' }).page, 1)
    assert.equal(readPublicFilters({ page: '999999999999' }).page, 1_000_000)
  })

  test('relevance needs a search; an unknown sort is the default', () => {
    assert.equal(readPublicFilters({ sort: 'relevance' }).sort, 'newest')
    assert.equal(readPublicFilters({ sort: 'evil' }).sort, 'newest')
    assert.equal(readPublicFilters({ sort: 'evil', q: 'x' }).sort, 'relevance')
  })

  test('malformed values name their field', () => {
    const r = readPublicFilters({ nation: 'atlantis', risk_tier: 'extreme', third_party: 'maybe', region: 'r'.repeat(1001), phase: Array.from({ length: 21 }, (_, i) => `p${i}`) })
    assert.deepEqual(Object.keys(r.errors).sort(), ['nation', 'phase', 'region', 'risk_tier', 'third_party'])
    assert.deepEqual(r.filters, {}, 'nothing is searched for')
  })
})

describe('queryString', () => {
  test('a fixed order, the default language left out, page 1 left out', () => {
    assert.equal(queryString({ third_party: 'no', q: 'x y', nation: ['wales', 'scotland'] }, { sort: 'name', lang: 'en', page: 1 }),
      'q=x+y&nation=wales&nation=scotland&third_party=no&sort=name')
    assert.equal(queryString({}, { lang: 'cy', page: 2 }), 'lang=cy&page=2')
  })
})
