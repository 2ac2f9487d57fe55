// Issue 7's findings 1–5 as regression tests: malformed input is a 4xx that names the field, never a 500.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { type Client, createTestApp, type TestApp } from '../../../test/support/app.ts'
import { entryForm, makeEntry, makeTeam, signInAs, type Team } from '../../../test/support/factories.ts'
import type { RegisterEntry } from '../../features/register/model.ts'

describe('the input boundary', () => {
  let t: TestApp
  let team: Team
  let contributor: Client
  let entry: RegisterEntry
  before(async () => {
    t = await createTestApp({ demo: false })
    team = await makeTeam(t)
    entry = await makeEntry(t, team, { name: 'Housing repairs triage' })
    contributor = await signInAs(t, team.contributor)
  })
  after(() => t.close())

  const rowCount = async () => (await t.db.query('select 1 from register_entries')).length

  test('a NUL byte in a public query or path is a 400 or 404 naming the field, without signing in', async () => {
    for (const url of ['/public?q=%00', '/public?organisation=%00']) {
      const res = await t.app.inject({ url })
      assert.equal(res.statusCode, 400, url)
      assert.match(res.body, /cannot be stored \(a NUL byte\)/, url)
      assert.match(res.body, /govuk-error-summary/, url)
    }
    assert.equal((await t.app.inject({ url: '/public/records/%00/x' })).statusCode, 404)
  })

  test('a NUL byte in the sign-in form, a signed-in search or an entry field is a 400 naming it; nothing is stored', async () => {
    const login = await t.app.inject({
      method: 'POST', url: '/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'email=%00&password=x',
    })
    assert.equal(login.statusCode, 400)
    assert.match(login.body, /‘email’ contains a character that cannot be stored/)
    const search = await contributor.get('/register?q=a%00b')
    assert.equal(search.statusCode, 400)
    assert.match(search.body, /‘q’ contains/)
    const before = await rowCount()
    const res = await contributor.post('/register', { ...entryForm({ name: 'Bad\u0000name' }) })
    assert.equal(res.statusCode, 400)
    assert.match(res.body, /‘name’ contains a character that cannot be stored/)
    assert.equal(await rowCount(), before)
  })

  test('a blank or zero year in a GOV.UK date is a field error, on the form and in the API', async () => {
    for (const year of ['', '0', '0000', '27', '99999']) {
      const res = await contributor.post('/register', {
        ...entryForm({ name: `Review date ${year || 'blank'}` }), 'nextReviewDate-day': '1', 'nextReviewDate-month': '1', 'nextReviewDate-year': year,
      })
      assert.equal(res.statusCode, 400, `year "${year}"`)
      assert.match(res.body, /Next review date must be a real date with a four-digit year/, `year "${year}"`)
      assert.match(res.body, new RegExp(`name="nextReviewDate-year"[^>]*value="${year}"|value="${year}"[^>]*name="nextReviewDate-year"`), 'the year typed is kept')
    }
    const api = await contributor.api('POST', '/api/v1/entries', { ...apiEntry(), nextReviewDate: '0000-01-01' })
    assert.equal(api.statusCode, 400)
    assert.ok(body(api).fields?.nextReviewDate, api.body)
  })

  test('a lone surrogate in JSON is a 400 naming the field', async () => {
    const res = await contributor.api('PATCH', `/api/v1/entries/${entry.id}`, { name: 'x\ud800y', version: entry.version })
    assert.equal(res.statusCode, 400)
    assert.match(body(res).fields?.name ?? '', /incomplete character/)
    assert.equal((await t.services.register.get(team.viewer.user, entry.id)).name, 'Housing repairs triage')
  })

  test('form routes take only web forms: JSON, even without signing in, is a 415', async () => {
    const login = await t.app.inject({
      method: 'POST', url: '/login', headers: { 'content-type': 'application/json' }, payload: '{"email":{"toString":1}}',
    })
    assert.equal(login.statusCode, 415)
    assert.match(login.body, /takes a web form/)
    const cookie = [...contributor.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
    const res = await t.app.inject({
      method: 'POST', url: '/register', headers: { cookie, 'content-type': 'application/json' },
      payload: JSON.stringify({ _csrf: contributor.csrf, name: { a: 1 } }),
    })
    assert.equal(res.statusCode, 415)
    const api = await t.app.inject({ method: 'POST', url: '/api/v1/entries', headers: { cookie, 'x-csrf-token': contributor.csrf, 'content-type': 'text/plain' }, payload: 'x' })
    assert.equal(api.statusCode, 415)
    assert.match(body(api).error, /takes JSON/)
  })

  test('odd characters and long ids in a path are the app’s own 404 page, never Fastify’s JSON', async () => {
    for (const id of ['%E2%82%AC', '%0D%0A', '%7F', 'a'.repeat(150), '..%2F..%2Fetc']) {
      const res = await contributor.post(`/register/${id}/stage`, { stage: 'retired' })
      assert.equal(res.statusCode, 404, id)
      assert.match(String(res.headers['content-type']), /text\/html/, id)
      assert.match(res.body, /Page not found/, id)
    }
    const bad = await t.app.inject({ url: '/register/%' })
    assert.equal(bad.statusCode, 400)
    assert.match(String(bad.headers['content-type']), /text\/html/)
    const api = await contributor.get(`/api/v1/entries/${'a'.repeat(150)}`)
    assert.equal(api.statusCode, 404)
    assert.match(String(api.headers['content-type']), /json/)
  })

  test('bad JSON and an empty JSON body are JSON 400s', async () => {
    const cookie = [...contributor.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/entries', headers: { cookie, 'x-csrf-token': contributor.csrf, 'content-type': 'application/json' }, payload: '{bad' })
    assert.equal(res.statusCode, 400)
    assert.match(body(res).error, /not valid JSON/)
  })
})

/** An API error body. */
const body = (res: { body: string }) => JSON.parse(res.body) as { error: string; fields?: Record<string, string> }

function apiEntry() {
  return {
    name: 'API entry', purpose: 'Sorts the post', serviceArea: 'Customer services', owner: 'Head of Customer Services',
    technique: 'Text classification', personalData: false, specialCategoryData: false, decisionRole: 'informs',
    peopleAffected: 'Residents who write in', humanOversight: 'Staff check each batch',
  }
}
