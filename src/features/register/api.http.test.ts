import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { as, type Client, createTestApp, entryId, signIn, type TestApp } from '../../../test/support/app.ts'

let t: TestApp
let contributor: Client
let token: string
let viewerToken: string
before(async () => {
  t = await createTestApp()
  contributor = await signIn(t.app, as.northmoor('contributor'))
  const ids = await t.db.query<{ id: string; email: string; organisation_id: string }>(
    `select u.id, u.email, m.organisation_id from users u join memberships m on m.user_id = u.id
     where u.email in ('contributor@northmoor.example', 'viewer@northmoor.example')`,
  )
  const c = ids.find((r) => r.email.startsWith('contributor'))!
  const v = ids.find((r) => r.email.startsWith('viewer'))!
  token = await t.services.auth.createApiToken(c.id, c.organisation_id, 'test')
  viewerToken = await t.services.auth.createApiToken(v.id, v.organisation_id, 'test')
})
after(() => t.close())

const bearer = (tok: string) => ({ authorization: `Bearer ${tok}` })
const body = {
  name: 'Parking permit chatbot', purpose: 'Answers permit questions.', serviceArea: 'Parking', owner: 'Parking Manager',
  technique: 'LLM', personalData: false, specialCategoryData: false, decisionRole: 'informs',
  peopleAffected: 'Permit holders', humanOversight: 'Staff review transcripts weekly.',
}

describe('JSON API', () => {
  test('without credentials: 401 with a JSON body', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/entries' })
    assert.equal(res.statusCode, 401)
    assert.deepEqual(res.json(), { error: 'Sign in to continue.' })
    const bad = await t.app.inject({ method: 'GET', url: '/api/v1/entries', headers: bearer('aigov_nonsense') })
    assert.equal(bad.statusCode, 401)
  })

  test('a token lists its own council’s entries, filtered', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/entries?stage=live', headers: bearer(token) })
    assert.equal(res.statusCode, 200)
    const names = res.json().entries.map((e: { name: string }) => e.name).sort()
    assert.deepEqual(names, ['Document translation for residents', 'Meeting notes and actions assistant'])
  })

  test('create → 201 with Location; get returns it', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/entries', headers: bearer(token), payload: body })
    assert.equal(res.statusCode, 201)
    const created = res.json()
    assert.equal(res.headers.location, `/api/v1/entries/${created.id}`)
    assert.equal(created.stage, 'proposed')
    assert.equal(created.version, 1)
    const got = await t.app.inject({ method: 'GET', url: `/api/v1/entries/${created.id}`, headers: bearer(token) })
    assert.equal(got.json().name, 'Parking permit chatbot')
  })

  test('invalid input: 400 naming each wrong field', async () => {
    const res = await t.app.inject({
      method: 'POST', url: '/api/v1/entries', headers: bearer(token),
      payload: { ...body, name: '', decisionRole: 'decides', personalData: 'maybe', nextReviewDate: '2027-02-30' },
    })
    assert.equal(res.statusCode, 400)
    const { fields } = res.json()
    assert.deepEqual(Object.keys(fields).sort(), ['decisionRole', 'name', 'nextReviewDate', 'personalData'])
    assert.equal(fields.name, 'Enter the name of the AI use')
  })

  test('a body that is not JSON gets a JSON 400, not a page', async () => {
    const res = await t.app.inject({
      method: 'POST', url: '/api/v1/entries', headers: { ...bearer(token), 'content-type': 'application/json' }, payload: '{not json',
    })
    assert.equal(res.statusCode, 400)
    assert.ok(res.json().error)
  })

  test('a viewer’s token may read but not write: 403', async () => {
    assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/entries', headers: bearer(viewerToken) })).statusCode, 200)
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/entries', headers: bearer(viewerToken), payload: body })
    assert.equal(res.statusCode, 403)
  })

  test('another council’s entry is 404 for get and update', async () => {
    const id = await entryId(t.db, 'Adaptive traffic signal control')
    assert.equal((await t.app.inject({ method: 'GET', url: `/api/v1/entries/${id}`, headers: bearer(token) })).statusCode, 404)
    const patch = await t.app.inject({ method: 'PATCH', url: `/api/v1/entries/${id}`, headers: bearer(token), payload: { version: 1, name: 'Hijacked' } })
    assert.equal(patch.statusCode, 404)
    const [row] = await t.db.query<{ name: string }>('select name from register_entries where id = $1', [id])
    assert.equal(row!.name, 'Adaptive traffic signal control')
  })

  test('update with the current version succeeds; a stale version gets 409 and the current entry', async () => {
    const id = await entryId(t.db, 'Website chatbot')
    const current = (await t.app.inject({ method: 'GET', url: `/api/v1/entries/${id}`, headers: bearer(token) })).json()
    const ok = await t.app.inject({ method: 'PATCH', url: `/api/v1/entries/${id}`, headers: bearer(token), payload: { version: current.version, owner: 'Head of Digital' } })
    assert.equal(ok.statusCode, 200)
    assert.equal(ok.json().owner, 'Head of Digital')
    assert.equal(ok.json().version, current.version + 1)
    const stale = await t.app.inject({ method: 'PATCH', url: `/api/v1/entries/${id}`, headers: bearer(token), payload: { version: current.version, owner: 'Someone else' } })
    assert.equal(stale.statusCode, 409)
    assert.equal(stale.json().current.owner, 'Head of Digital')
    const missing = await t.app.inject({ method: 'PATCH', url: `/api/v1/entries/${id}`, headers: bearer(token), payload: { owner: 'No version' } })
    assert.equal(missing.statusCode, 400)
    assert.ok(missing.json().fields.version)
  })

  test('a session may use the API, but changes need the x-csrf-token header', async () => {
    assert.equal((await contributor.api('GET', '/api/v1/entries')).statusCode, 200)
    const forged = await t.app.inject({
      method: 'POST', url: '/api/v1/entries',
      headers: { cookie: `aigov_session=${contributor.cookies.get('aigov_session')}`, 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    })
    assert.equal(forged.statusCode, 403)
    assert.equal((await contributor.api('POST', '/api/v1/entries', { ...body, name: 'Via session' })).statusCode, 201)
  })

  test('unknown API paths answer JSON 404', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/nothing', headers: bearer(token) })
    assert.equal(res.statusCode, 404)
    assert.ok(res.json().error)
  })

  test('the OpenAPI description names the entry paths and schemas', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' })
    assert.equal(res.statusCode, 200)
    const doc = res.json()
    assert.equal(doc.openapi, '3.1.0')
    assert.ok(doc.paths['/api/v1/entries'].post)
    assert.ok(doc.paths['/api/v1/entries/{id}'].patch)
    assert.deepEqual(doc.components.schemas.NewEntry.properties.decisionRole.enum, ['informs', 'assists', 'automates'])
  })

  test('/health answers 200 when the database answers', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health' })
    assert.equal(res.statusCode, 200)
    assert.equal(res.json().status, 'ok')
  })
})
