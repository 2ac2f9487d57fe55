// An organisation's public page, /public/<organisation>: its name and contact, its published
// transparency records and its public policies (added by the policies feature), nothing
// unpublished; an unknown organisation is a 404.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createTestApp, type TestApp } from '../../../test/support/app.ts'
import { daysFromToday, makeEntry, makeOrganisation, makeTeam, type Team } from '../../../test/support/factories.ts'

let t: TestApp
let team: Team
let empty: Team

const get = (url: string) => t.app.inject({ method: 'GET', url })

before(async () => {
  t = await createTestApp({ demo: false })
  team = await makeTeam(t, await makeOrganisation(t, { slug: 'publicshire', name: 'Publicshire Council', contactEmail: 'ai@publicshire.example' }))
  empty = await makeTeam(t, await makeOrganisation(t, { slug: 'quietshire', name: 'Quietshire Council', contactEmail: null, websiteUrl: null }))
  await makeEntry(t, team, { stage: 'live', name: 'Published chatbot', record: 'published' })
  await makeEntry(t, team, { stage: 'live', name: 'Drafted scheduler', record: 'draft' })
  const s = t.services.policies
  const published = await s.adopt(team.admin.user, 'acceptable_use')
  await s.submit(team.admin.user, published.id)
  await s.approve(team.board.user, published.id, 'major')
  await s.publish(team.admin.user, published.id, { effectiveDate: daysFromToday(0), reviewDate: daysFromToday(365) })
  await s.setPublic(team.admin.user, published.id, true)
  // In force but not public: not listed.
  const internal = await s.adopt(team.admin.user, 'governance_charter')
  await s.submit(team.admin.user, internal.id)
  await s.approve(team.board.user, internal.id, 'major')
  await s.publish(team.admin.user, internal.id, { effectiveDate: daysFromToday(0), reviewDate: daysFromToday(365) })
})

after(async () => {
  await t?.close()
})

describe('the public organisation page', () => {
  it('shows the name, contact, published records and public policies, linking to the policies list', async () => {
    const res = await get('/public/publicshire')
    assert.equal(res.statusCode, 200, 'the page')
    assert.ok(res.body.includes('Publicshire Council'), 'the name')
    assert.ok(res.body.includes('href="mailto:ai@publicshire.example"'), 'the contact')
    assert.ok(res.body.includes('/public/records/publicshire/'), 'a published record is linked')
    assert.ok(!res.body.includes('Drafted scheduler'), 'an unpublished record is not')
    assert.ok(res.body.includes('Acceptable use of generative AI'), 'the public policy')
    assert.ok(!res.body.includes('charter'.toUpperCase()) && !/governance charter/i.test(res.body), 'a policy that is not public is not listed')
    assert.ok(res.body.includes('href="/public/publicshire/policies"'), 'the link to all its policies')
    assert.ok(!res.body.includes('Quietshire'), 'nothing of another council')
  })

  it('an organisation with nothing published says so', async () => {
    const res = await get('/public/quietshire')
    assert.equal(res.statusCode, 200, 'the page')
    assert.ok(res.body.includes('Quietshire Council'), 'the name')
    assert.ok(!res.body.includes('mailto:'), 'no contact to show')
    assert.ok(res.body.includes('has not published a transparency record yet'), 'no records')
    assert.ok(empty.org.id.length > 0, 'made')
  })

  it('an unknown or malformed organisation is a 404', async () => {
    for (const url of ['/public/nowhere-council', '/public/NOT_A_SLUG', `/public/${'a'.repeat(100)}`, '/public/%00']) {
      const res = await get(url)
      assert.ok(res.statusCode === 404 || res.statusCode === 400, `${url}: ${res.statusCode}`)
      assert.notEqual(res.statusCode, 500, url)
    }
    assert.equal((await get('/public/nowhere-council')).statusCode, 404, 'unknown → 404')
  })
})
