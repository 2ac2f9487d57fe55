// API tokens: a scope (read, or read and change) and an expiry chosen when the token is made;
// Cache-Control: no-store on everything a signed-in person or the API gets; HSTS in production.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { buildApp } from '../../app.ts'
import { loadConfig } from '../../config.ts'
import { loadCatalogue } from '../assessments/catalogue.ts'
import { type Client, createTestApp, signIn, type TestApp } from '../../../test/support/app.ts'

const PASSWORD = 'a-long-enough-password'
let ta: TestApp
let email: string
let userId: string
let orgId: string

before(async () => {
  ta = await createTestApp({ demo: false })
  const org = await ta.services.organisations.create({ slug: 'westby', name: 'Westby Council', contactEmail: null, websiteUrl: null, region: null })
  orgId = org.id
  email = 'contributor@westby.example'
  userId = (await ta.services.people.createAccount({ organisationId: org.id, email, name: 'Cora Contributor', password: PASSWORD, roles: ['contributor'] })).id
})
after(async () => {
  await ta?.close()
})

const entry = {
  name: 'Parking permit chatbot', purpose: 'Answers permit questions.', serviceArea: 'Parking', owner: 'Parking Manager',
  technique: 'LLM', personalData: false, specialCategoryData: false, decisionRole: 'informs',
  peopleAffected: 'Permit holders', humanOversight: 'Staff review transcripts weekly.',
}

async function makeToken(c: Client, form: Record<string, string>) {
  await c.get('/account')
  const res = await c.post('/account/tokens', form)
  assert.equal(res.statusCode, 201, res.body.slice(0, 300))
  const m = /<pre class="app-code" id="new-token">(aigov_[A-Za-z0-9_-]+)<\/pre>/.exec(res.body)
  assert.ok(m)
  return m[1]!
}

const api = (token: string, method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, body?: unknown) =>
  ta.app.inject({
    method, url,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
  })

describe('API token scope and expiry', () => {
  test('the form offers the scope and the expiry, and the account page shows both for each token', async () => {
    const c = await signIn(ta.app, email, PASSWORD)
    const page = await c.get('/account')
    assert.match(page.body, /name="scope" type="radio" value="read" checked/)
    assert.match(page.body, /name="scope" type="radio" value="read_write"/)
    for (const d of ['30', '90', '365']) assert.match(page.body, new RegExp(`name="days" type="radio" value="${d}"`))
    await makeToken(c, { name: 'Dashboard', scope: 'read', days: '30' })
    await makeToken(c, { name: 'Importer', scope: 'read_write', days: '365' })
    const [row] = await ta.db.query<{ days: number }>(
      `select round(extract(epoch from expires_at - created_at) / 86400)::int as days from api_tokens where name = 'Importer'`)
    assert.equal(row!.days, 365)
    const shown = await c.get('/account')
    const dashboard = /<tr class="govuk-table__row">\s*<td class="govuk-table__cell">Dashboard<\/td>([\s\S]*?)<\/tr>/.exec(shown.body)
    assert.ok(dashboard)
    assert.match(dashboard[1]!, /Read only/)
    const in30 = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' })
      .format(new Date(Date.now() + 30 * 86400_000))
    assert.match(dashboard[1]!, new RegExp(in30), 'its expiry date')
    assert.match(shown.body, /Importer<\/td>\s*<td class="govuk-table__cell">Read and change/)
  })

  test('a scope or expiry that is not offered is a field error, and no token is made', async () => {
    const c = await signIn(ta.app, email, PASSWORD)
    await c.get('/account')
    const bad = await c.post('/account/tokens', { name: 'Forever', scope: 'admin', days: '10000' })
    assert.equal(bad.statusCode, 400)
    assert.match(bad.body, /href="#scope">Select what the token can do/)
    assert.match(bad.body, /href="#days">Select when the token expires/)
    assert.equal((await ta.db.query(`select 1 from api_tokens where name = 'Forever'`)).length, 0)
  })

  test('a read token reads but every change is 403 naming the scope; a read-write token changes', async () => {
    const c = await signIn(ta.app, email, PASSWORD)
    const read = await makeToken(c, { name: 'read only', scope: 'read', days: '90' })
    const write = await makeToken(c, { name: 'read write', scope: 'read_write', days: '90' })

    assert.equal((await api(read, 'GET', '/api/v1/entries')).statusCode, 200)
    const created = await api(write, 'POST', '/api/v1/entries', entry)
    assert.equal(created.statusCode, 201, created.body)
    const id = created.json<{ id: string; version: number }>().id

    for (const [method, url, body] of [
      ['POST', '/api/v1/entries', entry],
      ['PATCH', `/api/v1/entries/${id}`, { version: 1, name: 'Renamed' }],
      ['PUT', `/api/v1/entries/${id}/assessments/screening`, { answers: {}, submit: false }],
      ['DELETE', `/api/v1/entries/${id}`, undefined],
      ['POST', '/api/v1/entries', { not: 'even valid' }],
    ] as const) {
      const res = await api(read, method, url, body)
      assert.equal(res.statusCode, 403, `${method} ${url}`)
      assert.match(res.json<{ error: string }>().error, /read scope/, `${method} ${url} names the scope`)
    }
    const [row] = await ta.db.query<{ n: number }>('select count(*)::int as n from register_entries')
    assert.equal(row!.n, 1, 'nothing was made with the read token')
  })

  test('an expired token is refused with 401 and a JSON message saying so; an unknown one with the usual 401', async () => {
    const token = await ta.services.auth.createApiToken(userId, orgId, 'short-lived', { scope: 'read', days: 30 })
    assert.equal((await api(token, 'GET', '/api/v1/entries')).statusCode, 200)
    await ta.db.query(`update api_tokens set expires_at = now() - interval '1 minute' where name = 'short-lived'`)
    const res = await api(token, 'GET', '/api/v1/entries')
    assert.equal(res.statusCode, 401)
    assert.match(res.json<{ error: string }>().error, /has expired/)
    const unknown = await api('aigov_not-a-real-token', 'GET', '/api/v1/entries')
    assert.equal(unknown.statusCode, 401)
    assert.doesNotMatch(unknown.json<{ error: string }>().error, /expired/)

    const c = await signIn(ta.app, email, PASSWORD)
    assert.match((await c.get('/account')).body, /short-lived<\/td>[\s\S]*?Expired/, 'the account page marks it expired')
  })
})

describe('headers', () => {
  test('every signed-in page and every API answer is Cache-Control: no-store; public pages are not', async () => {
    const c = await signIn(ta.app, email, PASSWORD)
    for (const url of ['/register', '/account', '/register/new']) {
      assert.equal((await c.get(url)).headers['cache-control'], 'no-store', url)
    }
    // The public register answers everyone alike, signed in or not, so a cache may keep it (issue 11).
    assert.equal((await c.get('/public')).headers['cache-control'], 'public, max-age=60', '/public')
    const token = await ta.services.auth.createApiToken(userId, orgId, 'cache', { scope: 'read', days: 30 })
    assert.equal((await api(token, 'GET', '/api/v1/entries')).headers['cache-control'], 'no-store')
    assert.equal((await ta.app.inject({ url: '/api/v1/entries' })).headers['cache-control'], 'no-store', 'a 401 from the API too')
    assert.notEqual((await ta.app.inject({ url: '/public' })).headers['cache-control'], 'no-store')
    assert.equal((await ta.app.inject({ url: '/login' })).headers['strict-transport-security'], undefined, 'no HSTS outside production')
  })

  test('in production every answer carries HSTS', async () => {
    const config = { ...loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40) }), databaseUrl: undefined }
    const prod = await buildApp({ config, db: ta.db, questionSets: await loadCatalogue() })
    try {
      for (const url of ['/login', '/public', '/no-such-page', '/api/v1/entries']) {
        const res = await prod.inject({ url })
        assert.equal(res.headers['strict-transport-security'], 'max-age=31536000; includeSubDomains', url)
      }
    } finally {
      await prod.close()
    }
  })
})
