import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { type Client, createTestApp, type TestApp } from '../../../test/support/app.ts'
import { entryInput, makeEntry, makeOrganisation, makePerson, makeTeam, reload, signInAs, type Team } from '../../../test/support/factories.ts'

let t: TestApp
let team: Team
let contributor: Client
let token: string
let viewerToken: string
before(async () => {
  t = await createTestApp({ demo: false })
  team = await makeTeam(t)
  contributor = await signInAs(t, team.contributor)
  token = await t.services.auth.createApiToken(team.contributor.id, team.org.id, 'test')
  viewerToken = await t.services.auth.createApiToken(team.viewer.id, team.org.id, 'test')
})
after(() => t.close())

const bearer = (tok: string) => ({ authorization: `Bearer ${tok}` })
const { stage: _stage, ...body } = entryInput({ name: 'Parking permit chatbot', serviceArea: 'Parking', personalData: false })

describe('JSON API', () => {
  test('without credentials: 401 with a JSON body', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/entries' })
    assert.equal(res.statusCode, 401)
    assert.deepEqual(res.json(), { error: 'Sign in to continue.' })
    const bad = await t.app.inject({ method: 'GET', url: '/api/v1/entries', headers: bearer('aigov_nonsense') })
    assert.equal(bad.statusCode, 401)
  })

  test('a token lists its own organisation’s entries, filtered', async () => {
    const live = await makeEntry(t, team, { name: 'Document translation', stage: 'live' })
    const pilot = await makeEntry(t, team, { name: 'Call wrap-up', stage: 'pilot' })
    const other = await makeTeam(t, await makeOrganisation(t))
    await makeEntry(t, other, { name: 'Traffic signals', stage: 'live' })
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/entries?stage=live', headers: bearer(token) })
    assert.equal(res.statusCode, 200)
    assert.deepEqual(res.json().entries.map((e: { id: string }) => e.id), [live.id])
    assert.equal(res.json().total, 1)
    const all = await t.app.inject({ method: 'GET', url: '/api/v1/entries', headers: bearer(token) })
    const ids = all.json().entries.map((e: { id: string }) => e.id)
    assert.ok(ids.includes(live.id) && ids.includes(pilot.id), 'both entries listed')
    assert.ok(all.json().entries.every((e: { organisationId: string }) => e.organisationId === team.org.id), 'only this organisation’s entries')
  })

  test('create → 201 with Location; get returns it', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/entries', headers: bearer(token), payload: body })
    assert.equal(res.statusCode, 201)
    const created = res.json()
    assert.equal(res.headers.location, `/api/v1/entries/${created.id}`)
    assert.equal(created.stage, 'proposed')
    assert.equal(created.version, 1)
    assert.equal(created.createdBy, team.contributor.id)
    const got = await t.app.inject({ method: 'GET', url: `/api/v1/entries/${created.id}`, headers: bearer(token) })
    assert.equal(got.json().name, 'Parking permit chatbot')
  })

  test('invalid input: 400 naming each wrong field, nothing saved', async () => {
    const res = await t.app.inject({
      method: 'POST', url: '/api/v1/entries', headers: bearer(token),
      payload: { ...body, name: '', purpose: 'Not saved', decisionRole: 'decides', personalData: 'maybe', nextReviewDate: '2027-02-30' },
    })
    assert.equal(res.statusCode, 400)
    const { fields } = res.json()
    assert.deepEqual(Object.keys(fields).sort(), ['decisionRole', 'name', 'nextReviewDate', 'personalData'])
    assert.equal(fields.name, 'Enter the name of the AI use')
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/entries?perPage=500', headers: bearer(token) })
    assert.ok(!list.json().entries.some((e: { purpose: string }) => e.purpose === 'Not saved'), 'nothing saved')
  })

  test('a body that is not JSON gets a JSON 400, not a page', async () => {
    const res = await t.app.inject({
      method: 'POST', url: '/api/v1/entries', headers: { ...bearer(token), 'content-type': 'application/json' }, payload: '{not json',
    })
    assert.equal(res.statusCode, 400)
    assert.match(String(res.headers['content-type']), /application\/json/)
    assert.ok(res.json().error, 'an error sentence')
  })

  test('a viewer’s token may read but not write: 403', async () => {
    assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/entries', headers: bearer(viewerToken) })).statusCode, 200)
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/entries', headers: bearer(viewerToken), payload: { ...body, name: 'By a viewer' } })
    assert.equal(res.statusCode, 403)
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/entries?perPage=500', headers: bearer(token) })
    assert.ok(!list.json().entries.some((e: { name: string }) => e.name === 'By a viewer'), 'nothing saved')
  })

  test('another organisation’s entry is 404 for get and update', async () => {
    const otherOrg = await makeOrganisation(t)
    const theirs = await makeEntry(t, team, { name: 'Their tool', by: { proposer: await makePerson(t, otherOrg, ['contributor']) } })
    assert.equal((await t.app.inject({ method: 'GET', url: `/api/v1/entries/${theirs.id}`, headers: bearer(token) })).statusCode, 404)
    const patch = await t.app.inject({ method: 'PATCH', url: `/api/v1/entries/${theirs.id}`, headers: bearer(token), payload: { version: 1, name: 'Hijacked' } })
    assert.equal(patch.statusCode, 404)
    const [row] = await t.db.query<{ name: string; version: number }>('select name, version from register_entries where id = $1', [theirs.id])
    assert.deepEqual(row, { name: 'Their tool', version: 1 })
  })

  test('update with the current version succeeds; a stale version gets 409 and the current entry', async () => {
    const entry = await makeEntry(t, team, { owner: 'Digital Services Manager' })
    const ok = await t.app.inject({ method: 'PATCH', url: `/api/v1/entries/${entry.id}`, headers: bearer(token), payload: { version: entry.version, owner: 'Head of Digital' } })
    assert.equal(ok.statusCode, 200)
    assert.equal(ok.json().owner, 'Head of Digital')
    assert.equal(ok.json().version, entry.version + 1)
    const stale = await t.app.inject({ method: 'PATCH', url: `/api/v1/entries/${entry.id}`, headers: bearer(token), payload: { version: entry.version, owner: 'Someone else' } })
    assert.equal(stale.statusCode, 409)
    assert.equal(stale.json().current.owner, 'Head of Digital')
    const missing = await t.app.inject({ method: 'PATCH', url: `/api/v1/entries/${entry.id}`, headers: bearer(token), payload: { owner: 'No version' } })
    assert.equal(missing.statusCode, 400)
    assert.ok(missing.json().fields.version, 'version is named')
    const now = await reload(t, team, entry.id)
    assert.deepEqual([now.owner, now.version], ['Head of Digital', entry.version + 1])
  })

  test('a session may use the API, but changes need the x-csrf-token header', async () => {
    assert.equal((await contributor.api('GET', '/api/v1/entries')).statusCode, 200)
    const forged = await t.app.inject({
      method: 'POST', url: '/api/v1/entries',
      headers: { cookie: `aigov_session=${contributor.cookies.get('aigov_session')}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ ...body, name: 'Forged via session' }),
    })
    assert.equal(forged.statusCode, 403)
    const made = await contributor.api('POST', '/api/v1/entries', { ...body, name: 'Via session' })
    assert.equal(made.statusCode, 201)
    const names = (await contributor.api('GET', '/api/v1/entries?perPage=500')).json().entries.map((e: { name: string }) => e.name)
    assert.ok(names.includes('Via session') && !names.includes('Forged via session'), names.join(', '))
  })

  test('unknown API paths answer JSON 404', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/nothing', headers: bearer(token) })
    assert.equal(res.statusCode, 404)
    assert.ok(res.json().error, 'an error sentence')
  })

  test('/health answers 200 when the database answers', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health' })
    assert.equal(res.statusCode, 200)
    assert.equal(res.json().status, 'ok')
  })
})

/** Every route Fastify knows, as "METHOD /path" (HEAD routes Fastify adds for GET left out), from its route tree. */
function knownRoutes(app: TestApp['app']): string[] {
  // printRoutes with commonPrefix false draws one node per full path: "├── /api/v1/entries (GET, HEAD, POST)".
  const routes: string[] = []
  const lines = app.printRoutes({ commonPrefix: false }).split('\n')
  const stack: string[] = []
  for (const line of lines) {
    const m = /^([│ ]*)(?:[├└]── )(.*?)(?: \(([A-Z, ]+)\))?$/.exec(line)
    if (!m) continue
    const depth = m[1]!.length / 4
    stack.length = depth
    stack.push(m[2]!)
    const path = stack.join('')
    for (const method of (m[3] ?? '').split(', ').filter((x) => x && x !== 'HEAD')) routes.push(`${method} ${path}`)
  }
  return routes
}

describe('the OpenAPI description', () => {
  test('is OpenAPI 3.1 with the entry schemas', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' })
    assert.equal(res.statusCode, 200)
    const doc = res.json()
    assert.equal(doc.openapi, '3.1.0')
    const newEntry = doc.paths['/api/v1/entries'].post.requestBody.content['application/json'].schema
    const resolved = newEntry.$ref ? doc.components.schemas[newEntry.$ref.replace('#/components/schemas/', '')] : newEntry
    assert.deepEqual(resolved.properties.decisionRole.enum, ['informs', 'assists', 'automates'])
  })

  test('describes exactly the API routes Fastify serves, method by method', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json<{ paths: Record<string, Record<string, unknown>> }>()
    // Not described on purpose: the description itself, and the JSON 404 for any other /api/v1 path.
    const notDescribed = new Set(['GET /api/openapi.json'])
    const served = knownRoutes(t.app)
      .filter((r) => r.split(' ')[1]!.startsWith('/api/'))
      .filter((r) => !r.endsWith('/*') && !notDescribed.has(r))
      .map((r) => r.replace(/:([A-Za-z0-9_]+)/g, '{$1}'))
      .sort()
    const described = Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.keys(ops).filter((k) => ['get', 'put', 'post', 'patch', 'delete'].includes(k)).map((m) => `${m.toUpperCase()} ${path}`))
      .sort()
    assert.ok(served.length >= 5, `found the API routes: ${served.join(', ')}`)
    assert.deepEqual(described, served)
  })
})
