// The public register's search (issue 7, finding 12 and the hostile-input findings): a search over
// 200 characters is refused with a message and the text kept, never silently dropped; no search
// or filter of any shape is a server error.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { Client, createTestApp, type TestApp } from '../../../test/support/app.ts'
import { readPublicFilters, SEARCH_MAX } from './publicSearch.ts'

let t: TestApp
before(async () => {
  t = await createTestApp() // the demo councils' published records
})
after(() => t.close())

const anon = () => new Client(t.app)
const PUBLISHED = /Adaptive traffic signal control/

describe('a public search that is too long', () => {
  test('201 characters: refused with a message on the page, the box keeps the text, nothing listed', async () => {
    const typed = `traffic ${'x'.repeat(SEARCH_MAX + 1 - 'traffic '.length)}`
    assert.equal(typed.length, 201)
    const res = await anon().get(`/public?q=${encodeURIComponent(typed)}`)
    assert.equal(res.statusCode, 400)
    assert.match(res.body, /govuk-error-summary/)
    assert.match(res.body, /href="#q">Search records must be 200 characters or fewer/)
    assert.match(res.body, /id="q-error"/)
    assert.ok(res.body.includes(`value="${typed}"`), 'the box keeps what was typed')
    assert.doesNotMatch(res.body, PUBLISHED, 'the search is not silently dropped (which would list every record)')
    assert.match(res.body, /<title>Error: /)
  })

  test('200 characters is searched', async () => {
    const res = await anon().get(`/public?q=${encodeURIComponent(`traffic ${'y'.repeat(SEARCH_MAX - 8)}`)}`)
    assert.equal(res.statusCode, 200)
    assert.doesNotMatch(res.body, /govuk-error-summary/)
  })

  test('an ordinary search still finds records', async () => {
    const res = await anon().get('/public?q=traffic')
    assert.equal(res.statusCode, 200)
    assert.match(res.body, PUBLISHED)
  })
})

describe('hostile public search input is never a server error', () => {
  const queries = [
    'q=%00', 'q=a%00b', 'q=%ED%A0%80', 'q=%F0%9F%98%80', 'q=%E2%80%AE%E2%80%8F', 'q=%FF%FE', 'q=%', 'q=%%%',
    'q=a&q=b', 'q[]=x', 'q[a]=x', 'q=', 'q=%20%20%20',
    `q=${encodeURIComponent('!!! & | <-> :* \\ " ( ) \' ')}`, 'q=or%20or%20or', 'q=-', 'q=%22unterminated', 'q=a%3A*%20%26%20!b',
    `q=${'z'.repeat(100_000)}`, `q=${encodeURIComponent('<script>alert(1)</script>')}`,
    'organisation=%00', 'organisation[]=x', 'organisation=a&organisation=b', `organisation=${'o'.repeat(100)}`, 'organisation=..%2F..',
    'organisation=northmoor', 'organisation=no-such-council', '__proto__[polluted]=1', 'constructor[prototype][x]=1', 'q=traffic&organisation=%ED%A0%80',
  ]
  for (const qs of queries) {
    test(`/public?${qs.length > 60 ? `${qs.slice(0, 60)}…` : qs}`, async () => {
      const res = await anon().get(`/public?${qs}`)
      assert.ok(res.statusCode < 500, `${res.statusCode}: ${res.body.slice(0, 200)}`)
      if (res.statusCode === 400) assert.match(res.body, /govuk-error-summary/, 'a refusal says why')
    })
  }

  const paths = [
    '/public/records/%00/x', '/public/records/northmoor/%00', '/public/records/northmoor/a%ED%A0%80', '/public/records/NORTHMOOR/x',
    `/public/records/northmoor/${'s'.repeat(300)}`, '/public/records/northmoor/adaptive-traffic-signal-control?version=%00',
    '/public/records/northmoor/adaptive-traffic-signal-control?version[]=1', '/public/records/northmoor/adaptive-traffic-signal-control?version=1e3',
    '/public/records/northmoor/adaptive-traffic-signal-control?version=99999999999999999999',
  ]
  for (const path of paths) {
    test(path.length > 80 ? `${path.slice(0, 80)}…` : path, async () => {
      const res = await anon().get(path)
      assert.ok(res.statusCode < 500, `${res.statusCode}: ${res.body.slice(0, 200)}`)
    })
  }

  test('a search holding a NUL or a lone surrogate is refused with a message, not sent to the database', () => {
    for (const q of ['a\u0000b', 'x\ud800', '\udc00y']) {
      const { filters, errors } = readPublicFilters({ q })
      assert.equal(filters.q, undefined)
      assert.match(errors.q ?? '', /contains a character that cannot be searched for/)
    }
    assert.deepEqual(readPublicFilters({ q: ' emoji 😀 ' }).filters, { q: 'emoji 😀' })
    assert.match(readPublicFilters({ q: ['a', 'b'] }).errors.q ?? '', /one piece of text/)
    assert.match(readPublicFilters({ organisation: '\u0000' }).errors.organisation ?? '', /Select an organisation/)
  })
})
