// The public JSON API (issue 11 §2): /api/public/v1/records (the same search and filters as
// /public, pages of 50 with links), one record by its public id, the publishing organisations;
// no sign-in, CORS open, JSON errors naming the field, and described in the OpenAPI document.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestApp, type TestApp } from '../../../test/support/app.ts'
import { PAGE_SIZE } from './publicSearch.ts'
import { seedPublicRecords } from './publicTestkit.ts'

const RECORDS = 120
const ORGS = 3

let t: TestApp
before(async () => {
  t = await createTestApp({ demo: false })
  await seedPublicRecords(t.db, {
    records: RECORDS, organisations: ORGS, prefix: 'api',
    fields: (n): Record<string, string> => (n === 17 ? { external_supplier: 'Frobnitz Systems Ltd' } : {}),
  })
})
after(() => t?.close())

const get = (url: string) => t.app.inject({ method: 'GET', url })
const json = async (url: string) => {
  const res = await get(url)
  return { res, body: JSON.parse(res.body) as Record<string, unknown> }
}

interface Page { items: Record<string, unknown>[]; total: number; page: number; pages: number; perPage: number; links: { self: string; first: string; last: string; prev?: string; next?: string } }

describe('GET /api/public/v1/records', () => {
  test('pages of records in the ATRS keys, with the total and links to the other pages', async () => {
    const { res, body } = await json('/api/public/v1/records')
    assert.equal(res.statusCode, 200)
    assert.equal(res.headers['access-control-allow-origin'], '*')
    assert.equal(res.headers['set-cookie'], undefined)
    const page = body as unknown as Page
    assert.equal(page.total, RECORDS)
    assert.equal(page.items.length, PAGE_SIZE)
    assert.equal(page.pages, 3)
    assert.equal(page.items[0]!.id, `api-org-${1 + ((RECORDS - 1) % ORGS)}/tool-${RECORDS}`, 'newest first, by public id')
    assert.equal(page.items[0]!.standard_version, '3.0')
    assert.deepEqual(page.links, { self: '/api/public/v1/records?sort=newest', first: '/api/public/v1/records?sort=newest', last: '/api/public/v1/records?sort=newest&page=3', next: '/api/public/v1/records?sort=newest&page=2' })
    const last = (await json(page.links.last)).body as unknown as Page
    assert.equal(last.items.length, RECORDS - 2 * PAGE_SIZE)
    assert.equal(last.links.next, undefined)
    assert.equal(last.links.prev, '/api/public/v1/records?sort=newest&page=2')
  })

  test('search and filters as on /public', async () => {
    const found = (await json('/api/public/v1/records?q=frobnitz')).body as unknown as Page
    assert.deepEqual(found.items.map((i) => i.id), [`api-org-${1 + (16 % ORGS)}/tool-17`])
    const some = (await json('/api/public/v1/records?organisation=api-org-2&risk_tier=low&risk_tier=high')).body as unknown as Page
    const expected = Array.from({ length: RECORDS }, (_, i) => i + 1).filter((n) => 1 + ((n - 1) % ORGS) === 2 && n % 3 !== 1).length
    assert.equal(some.total, expected)
    assert.ok(some.items.every((i) => String(i.id).startsWith('api-org-2/')))
    assert.equal(((await json('/api/public/v1/records?page=1000000000')).body as unknown as Page).page, 3, 'a page past the end: the last')
  })

  test('malformed input: a JSON 400 naming each field', async () => {
    for (const [qs, field] of [
      [`q=${'x'.repeat(10_000)}`, 'q'], ['nation=atlantis', 'nation'], ['third_party=maybe', 'third_party'],
      ['organisation=a&organisation=b', 'organisation'], ['organisation=NOT%20A%20SLUG', 'organisation'],
      [Array.from({ length: 21 }, (_, i) => `phase=p${i}`).join('&'), 'phase'], ['q=a&q=b', 'q'],
    ] as const) {
      const { res, body } = await json(`/api/public/v1/records?${qs}`)
      assert.equal(res.statusCode, 400, qs.slice(0, 60))
      assert.equal(typeof (body.fields as Record<string, string>)[field], 'string', `${qs.slice(0, 60)} names ${field}: ${JSON.stringify(body)}`)
    }
    const nul = await get('/api/public/v1/records?q=%00')
    assert.equal(nul.statusCode, 400)
    assert.ok(JSON.parse(nul.body).fields.q, 'a NUL names the field')
  })
})

describe('GET /api/public/v1/records/:org/:slug', () => {
  test('one record, its latest version; an unknown or malformed id is a JSON 404', async () => {
    const { res, body } = await json('/api/public/v1/records/api-org-2/tool-17')
    assert.equal(res.statusCode, 200)
    assert.equal(body.id, 'api-org-2/tool-17')
    assert.equal(body.external_supplier, 'Frobnitz Systems Ltd')
    for (const url of ['/api/public/v1/records/api-org-2/tool-9999', '/api/public/v1/records/API-ORG/x', '/api/public/v1/records/a/%00', `/api/public/v1/records/api-org-1/${'s'.repeat(300)}`]) {
      const r = await get(url)
      assert.equal(r.statusCode, 404, url)
      assert.match(String(r.headers['content-type']), /application\/json/, url)
    }
  })
})

describe('GET /api/public/v1/organisations', () => {
  test('every publishing organisation with how many records it has', async () => {
    const { body } = await json('/api/public/v1/organisations')
    const orgs = body.organisations as { slug: string; records: number; links: { page: string } }[]
    assert.equal(orgs.length, ORGS)
    assert.equal(orgs.reduce((s, o) => s + o.records, 0), RECORDS)
    assert.equal(orgs[0]!.links.page, `/public/${orgs[0]!.slug}`)
  })
})

describe('the OpenAPI document', () => {
  test('describes the public API, its parameters and that it needs no sign-in', async () => {
    const doc = JSON.parse((await get('/api/openapi.json')).body) as {
      paths: Record<string, { get: { security?: unknown[]; parameters?: { name: string }[] } }>
    }
    const list = doc.paths['/api/public/v1/records']?.get
    assert.ok(list, 'the list')
    assert.deepEqual(list.security, [], 'no sign-in')
    const names = (list.parameters ?? []).map((p) => p.name)
    for (const n of ['q', 'organisation', 'organisation_type', 'nation', 'region', 'service_area', 'phase', 'technique', 'risk_tier', 'third_party', 'sort', 'page']) {
      assert.ok(names.includes(n), `parameter ${n}`)
    }
    assert.ok(doc.paths['/api/public/v1/records/{org}/{slug}'], 'one record')
    assert.ok(doc.paths['/api/public/v1/organisations'], 'the organisations')
  })
})
