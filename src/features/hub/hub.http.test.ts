// The sector hub (/hub): one page where a council finds what the sector shares. Sections come
// from the features that own them; each decides whether this person sees it.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { Client, createTestApp, signIn, type TestApp } from '../../../test/support/app.ts'
import { makeOrganisation, makePerson, makeTeam, PASSWORD, type Team } from '../../../test/support/factories.ts'

let t: TestApp
let team: Team

before(async () => {
  t = await createTestApp({ demo: false })
  team = await makeTeam(t)
})
after(() => t.close())

test('a viewer sees the library and the guidance; the hub is in the navigation', async () => {
  const c = await signIn(t.app, team.viewer.email, PASSWORD)
  const res = await c.get('/hub')
  assert.equal(res.statusCode, 200)
  assert.match(res.body, /id="use-case-library"/)
  assert.match(res.body, /id="guidance-library"/)
  assert.match(res.body, /id="maturity"/)
  assert.match(res.body, /href="\/maturity"/)
  assert.doesNotMatch(res.body, /href="\/maturity\/assess"/, 'only admins assess')
  assert.match(res.body, /id="benchmark"/)
  assert.match(res.body, /href="\/hub"/)
})

test('staff see the guidance but not the register’s library', async () => {
  const staff = await makePerson(t, await makeOrganisation(t), ['staff'])
  const c = await signIn(t.app, staff.email, PASSWORD)
  const res = await c.get('/hub')
  assert.equal(res.statusCode, 200)
  assert.doesNotMatch(res.body, /id="use-case-library"/)
  assert.doesNotMatch(res.body, /id="maturity"/)
  assert.match(res.body, /id="guidance-library"/)
  assert.match(res.body, /id="benchmark"/)
})

test('an admin is offered the maturity self-assessment', async () => {
  const c = await signIn(t.app, team.admin.email, PASSWORD)
  assert.match((await c.get('/hub')).body, /href="\/maturity\/assess"/)
})

test('the hub needs a sign-in', async () => {
  const res = await new Client(t.app).get('/hub')
  assert.equal(res.statusCode, 302)
  assert.match(res.headers.location as string, /^\/login/)
})
