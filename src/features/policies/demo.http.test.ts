// The demo data: Northmoor has its acceptable use policy and do's and don'ts in force and public;
// Riverside has none, so a newcomer sees both states.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { as, createTestApp, shown, signIn, type TestApp } from '../../../test/support/app.ts'

let t: TestApp
before(async () => {
  t = await createTestApp()
})
after(async () => t.close())

describe('policies: demo data', () => {
  it('Northmoor’s two policies are in force and on its public page; Riverside’s page has none', async () => {
    const northmoor = await t.app.inject({ method: 'GET', url: '/public/northmoor/policies' })
    assert.equal(northmoor.statusCode, 200)
    assert.ok(northmoor.body.includes('href="/public/northmoor/policies/acceptable-use"'))
    assert.ok(northmoor.body.includes('href="/public/northmoor/policies/dos-and-donts"'))
    const page = await t.app.inject({ method: 'GET', url: '/public/northmoor/policies/acceptable-use' })
    assert.equal(page.statusCode, 200)
    assert.ok(page.body.includes('AI Governance Board'), 'the names are filled in')
    assert.ok(!page.body.includes('[not set:'))
    const riverside = await t.app.inject({ method: 'GET', url: '/public/riverside/policies' })
    assert.equal(riverside.statusCode, 200)
    assert.ok(riverside.body.includes(shown('policies.public.none')))
  })

  it('a Riverside admin sees no policy in force, only its board\'s draft terms of reference, and the templates to adopt', async () => {
    const c = await signIn(t.app, as.riverside('admin'))
    const res = await c.get('/policies')
    assert.equal(res.statusCode, 200)
    // Setting up Riverside's board adopted its terms of reference as a draft policy (issue 10); nothing is in force.
    assert.ok(res.body.includes('AI governance board – terms of reference'), 'the board\'s draft terms of reference are listed')
    assert.equal((res.body.match(/govuk-tag--green/g) ?? []).length, 0, 'no policy in force at Riverside')
    assert.ok(res.body.includes('value="acceptable_use"'))
    const viewer = await signIn(t.app, as.northmoor('viewer'))
    const list = await viewer.get('/policies')
    assert.equal((list.body.match(/govuk-tag--green/g) ?? []).length, 2, 'two policies in force')
  })

  it('Northmoor has staff in four service areas, part of them acknowledged; its staff login is asked; Riverside’s staff see none', async () => {
    const admin = await signIn(t.app, as.northmoor('admin'))
    const [aup] = await t.db.query<{ id: string }>("select p.id from policies p join organisations o on o.id = p.organisation_id where o.slug = 'northmoor' and p.kind = 'acceptable_use'")
    const coverage = await admin.get(`/policies/${aup!.id}/coverage`)
    assert.equal(coverage.statusCode, 200)
    // 24 demo staff and the 6 role logins; 16 staff acknowledged the acceptable use policy.
    assert.ok(coverage.body.includes(shown('policies.coverage.overall', { percent: 53, acknowledged: 16, count: 30 })), `overall coverage: ${/id="coverage-overall">([^<]*)/.exec(coverage.body)?.[1]}`)
    for (const area of ['Housing', 'Customer services', 'Planning', 'Adult social care']) assert.ok(coverage.body.includes(`${area}</a></th>`), `${area} is listed`)
    const staff = await signIn(t.app, 'staff@northmoor.example')
    const home = await staff.get('/home')
    assert.ok(home.body.includes(shown('policies.home.outstanding', { count: 2 })), 'the staff login has both to acknowledge')
    const riverside = await signIn(t.app, 'staff@riverside.example')
    const none = await riverside.get('/policies-in-force')
    assert.ok(none.body.includes(shown('policies.staff.none')), 'Riverside has none in force')
  })
})
