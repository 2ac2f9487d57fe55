// Public answers are the same for every resident (issue 11 §2): no cookie and no per-request
// nonce on public GETs, rendered as if nobody were signed in, an ETag and Cache-Control on each,
// 304 for a matching If-None-Match, and pages kept in the process until the next publish — a
// publish made through another app instance on the same database included.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../app.ts'
import { loadConfig } from '../../config.ts'
import { loadCatalogue } from '../../features/assessments/catalogue.ts'
import { seedPublicRecords } from '../../features/transparency/publicTestkit.ts'
import { createTestApp, signIn, type TestApp } from '../../../test/support/app.ts'
import { makeEntry, makeOrganisation, makeTeam, PASSWORD } from '../../../test/support/factories.ts'

let t: TestApp
/** A second app process on the same database (as behind a load balancer). */
let other: FastifyInstance
let signedIn: Awaited<ReturnType<typeof signIn>>

before(async () => {
  t = await createTestApp({ demo: false })
  await seedPublicRecords(t.db, { records: 60, organisations: 2, prefix: 'cache' })
  other = await buildApp({ config: { ...loadConfig({ NODE_ENV: 'test' }), databaseUrl: undefined }, db: t.db, questionSets: await loadCatalogue() })
  await other.ready()
  const team = await makeTeam(t, await makeOrganisation(t, { slug: 'cacheshire', name: 'Cacheshire Council' }))
  signedIn = await signIn(t.app, team.admin.email, PASSWORD)
})
after(async () => {
  await other?.close()
  await t?.close()
})

const PUBLIC_GETS = [
  '/public', '/public?q=seeded&nation=wales', '/public?lang=cy', '/public/cache-org-1', '/public/records.csv', '/public/records.json?q=tool',
  '/api/public/v1/records', '/api/public/v1/records/cache-org-1/tool-1', '/api/public/v1/organisations',
]

describe('public GETs are the same for everyone', () => {
  for (const url of PUBLIC_GETS) {
    test(`${url}: no cookie, no nonce, an ETag and Cache-Control`, async () => {
      const res = await t.app.inject({ method: 'GET', url })
      assert.equal(res.statusCode, 200, url)
      assert.equal(res.headers['set-cookie'], undefined, 'no cookie')
      assert.equal(res.headers['cache-control'], 'public, max-age=60')
      assert.ok(res.headers.etag, 'an ETag')
      const csp = String(res.headers['content-security-policy'])
      assert.doesNotMatch(csp, /nonce-/, 'no nonce in the policy')
      assert.doesNotMatch(res.body, /nonce="/, 'no nonce on the page')
      if (String(res.headers['content-type']).startsWith('text/html')) {
        assert.match(csp, /script-src 'self' 'sha256-[A-Za-z0-9+/=]+'/, "govuk's inline script allowed by its hash")
        assert.doesNotMatch(res.body, /name="_csrf"/, 'no CSRF token')
      }
    })
  }

  test("the hash in the policy is the inline script's", async () => {
    const res = await t.app.inject({ method: 'GET', url: '/public' })
    const script = /<script>([^<]*)<\/script>/.exec(res.body)?.[1]
    assert.ok(script, 'the inline script')
    const { createHash } = await import('node:crypto')
    const hash = createHash('sha256').update(script).digest('base64')
    assert.ok(String(res.headers['content-security-policy']).includes(`'sha256-${hash}'`), 'the same hash')
  })

  test('a signed-in person gets the same page as anyone, and the same ETag', async () => {
    const anon = await t.app.inject({ method: 'GET', url: '/public?sort=name' })
    const mine = await signedIn.get('/public?sort=name')
    assert.equal(mine.statusCode, 200)
    assert.equal(mine.body, anon.body)
    assert.equal(mine.headers.etag, anon.headers.etag)
    assert.equal(mine.headers['set-cookie'], undefined)
    assert.equal(mine.headers['cache-control'], 'public, max-age=60', 'cacheable although signed in: nothing personal on it')
    assert.doesNotMatch(mine.body, /Sign out/, 'nobody is signed in on a public page')
  })

  test('other pages keep their nonce and their cookie', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/login' })
    assert.match(String(res.headers['content-security-policy']), /'nonce-[^']+'/)
    assert.match(res.body, /nonce="/)
    assert.ok(res.headers['set-cookie'], 'the sign-in form hands out its CSRF cookie')
    const api = await signedIn.get('/register')
    assert.equal(api.headers['cache-control'], 'no-store', 'signed-in pages are never cached')
  })
})

describe('conditional requests and the in-process cache', () => {
  test('304 for a matching If-None-Match; a second request comes from memory', async () => {
    const first = await t.app.inject({ method: 'GET', url: '/public?organisation=cache-org-2' })
    assert.equal(first.headers['x-cache'], 'miss')
    const etag = String(first.headers.etag)
    const second = await t.app.inject({ method: 'GET', url: '/public?organisation=cache-org-2' })
    assert.equal(second.headers['x-cache'], 'hit')
    assert.equal(second.body, first.body)
    assert.equal(second.headers.etag, etag)
    const cond = await t.app.inject({ method: 'GET', url: '/public?organisation=cache-org-2', headers: { 'if-none-match': etag } })
    assert.equal(cond.statusCode, 304)
    assert.equal(cond.body, '')
    assert.equal(cond.headers['cache-control'], 'public, max-age=60')
    const stale = await t.app.inject({ method: 'GET', url: '/public?organisation=cache-org-2', headers: { 'if-none-match': '"something-else"' } })
    assert.equal(stale.statusCode, 200)
    const api = await t.app.inject({ method: 'GET', url: '/api/public/v1/organisations' })
    const apiAgain = await t.app.inject({ method: 'GET', url: '/api/public/v1/organisations', headers: { 'if-none-match': String(api.headers.etag) } })
    assert.equal(apiAgain.statusCode, 304, 'the API too')
  })

  test('Welsh and English are kept apart', async () => {
    const en = await t.app.inject({ method: 'GET', url: '/public' })
    const cy = await t.app.inject({ method: 'GET', url: '/public?lang=cy' })
    assert.notEqual(en.headers.etag, cy.headers.etag)
    assert.match(cy.body, /<html lang="cy"/)
  })

  test('a refusal is not cached', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/public?nation=atlantis' })
    assert.equal(res.statusCode, 400)
    assert.equal(res.headers.etag, undefined)
    assert.notEqual(res.headers['cache-control'], 'public, max-age=60')
  })

  test('a publish through another app instance on the same database shows at once in both', async () => {
    const url = '/public?q=invalidation'
    for (const app of [t.app, other]) {
      const warm = await app.inject({ method: 'GET', url })
      assert.ok(warm.body.includes('0 records'), 'nothing yet')
      assert.equal((await app.inject({ method: 'GET', url })).headers['x-cache'], 'hit', 'kept')
    }
    const before = await t.app.inject({ method: 'GET', url })
    // Published through the services of a third party on the same database (neither app's own).
    const team = await makeTeam(t, await makeOrganisation(t, { slug: 'invalidshire' }))
    await makeEntry(t, team, { stage: 'live', name: 'Invalidation tester', record: 'published' })
    for (const app of [t.app, other]) {
      const res = await app.inject({ method: 'GET', url, headers: { 'if-none-match': String(before.headers.etag) } })
      assert.equal(res.statusCode, 200, 'the old ETag no longer matches')
      assert.equal(res.headers['x-cache'], 'miss', 'rendered afresh')
      assert.ok(res.body.includes('Invalidation tester'), 'the new record is listed')
    }
    const csv = await other.inject({ method: 'GET', url: '/public/records.csv?q=invalidation' })
    assert.ok(csv.body.includes('invalidshire/invalidation-tester'), 'and downloaded')
  })
})
