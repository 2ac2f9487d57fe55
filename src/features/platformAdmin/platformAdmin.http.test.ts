// Platform administration (/platform): platform admins list organisations with their usage, add
// one (type, nation, region, official identifier), suspend it (its people cannot sign in, sessions
// and API tokens stop) and reinstate it. Everyone else gets 403; bad input gets field errors.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { Client, createTestApp, fieldValue, signIn, type TestApp } from '../../../test/support/app.ts'
import { makeEntry, makeOrganisation, makePerson, makePlatformAdmin, makeTeam, PASSWORD, type Person, type Team } from '../../../test/support/factories.ts'

let t: TestApp
let operator: Person
let op: Client
let team: Team

const VALID = { name: 'Westvale Borough Council', slug: 'westvale', organisationType: 'Borough council', nation: 'england', region: 'North West', officialIdentifier: 'E07000999', contactEmail: 'ai@westvale.example' }

before(async () => {
  t = await createTestApp({ demo: false })
  operator = await makePlatformAdmin(t)
  op = await signIn(t.app, operator.email, PASSWORD)
  team = await makeTeam(t)
  await makeEntry(t, team, { name: 'Counted entry one' })
  await makeEntry(t, team, { name: 'Counted entry two' })
})
after(() => t.close())

const orgRow = (body: string, name: string) => {
  const i = body.indexOf(`>${name}</a>`)
  assert.ok(i > 0, `${name} is listed`)
  return body.slice(i, body.indexOf('</tr>', i))
}

describe('who may use it', () => {
  test('an organisation admin, other roles and anonymous visitors cannot', async () => {
    for (const p of [team.admin, team.viewer, team.board]) {
      const c = await signIn(t.app, p.email, PASSWORD)
      for (const url of ['/platform', '/platform/organisations', '/platform/organisations/new', `/platform/organisations/${team.org.id}`]) {
        assert.equal((await c.get(url)).statusCode, 403, `${p.roles.join()} GET ${url}`)
      }
      assert.equal((await c.post('/platform/organisations', VALID)).statusCode, 403)
      assert.equal((await c.post(`/platform/organisations/${team.org.id}/suspend`, { reason: 'No.' })).statusCode, 403)
      assert.equal((await c.post(`/platform/organisations/${team.org.id}/reinstate`)).statusCode, 403)
      assert.doesNotMatch((await c.get('/account')).body, /href="\/platform"/, 'no Platform link')
    }
    const anon = await new Client(t.app).get('/platform/organisations')
    assert.equal(anon.statusCode, 302)
    assert.match(anon.headers.location as string, /^\/login/)
    assert.equal((await t.db.query("select 1 from organisations where slug = 'westvale'")).length, 0)
    assert.equal((await t.db.query('select 1 from organisations where suspended_at is not null')).length, 0)
  })

  test('a form without its CSRF token is refused', async () => {
    const res = await op.post('/platform/organisations', { ...VALID, slug: 'csrf-less', officialIdentifier: '', _csrf: 'wrong' })
    assert.equal(res.statusCode, 403)
    assert.equal((await t.db.query("select 1 from organisations where slug = 'csrf-less'")).length, 0)
  })
})

describe('the list and usage', () => {
  test('every organisation is listed with its people, entries and recent actions; the operator has a Platform link', async () => {
    const res = await op.get('/platform/organisations')
    assert.equal(res.statusCode, 200)
    assert.match(res.body, /href="\/platform"/)
    const row = orgRow(res.body, team.org.name)
    const numbers = [...row.matchAll(/govuk-table__cell--numeric">(\d+)</g)].map((m) => Number(m[1]))
    assert.deepEqual(numbers.slice(0, 3), [5, 2, 0], 'five people, two entries, nothing published')
    assert.ok(numbers[3]! > 0, 'recent actions counted')
    const one = await op.get(`/platform/organisations/${team.org.id}`)
    assert.equal(one.statusCode, 200)
    assert.match(one.body, /id="usage"/)
  })

  test('an unknown or malformed organisation id is 404', async () => {
    assert.equal((await op.get('/platform/organisations/00000000-0000-4000-8000-000000000000')).statusCode, 404)
    assert.equal((await op.get('/platform/organisations/not-a-uuid')).statusCode, 404)
    assert.equal((await op.post('/platform/organisations/00000000-0000-4000-8000-000000000000/suspend', { reason: 'x' })).statusCode, 404)
  })
})

describe('adding an organisation', () => {
  test('with its type, nation, region and identifier; audited', async () => {
    const res = await op.post('/platform/organisations', VALID)
    assert.equal(res.statusCode, 303)
    const page = await op.get(res.headers.location as string)
    assert.match(page.body, /Westvale Borough Council/)
    assert.match(page.body, /E07000999/)
    assert.match(page.body, /England/)
    const org = await t.services.organisations.bySlug('westvale')
    assert.equal(org?.organisationType, 'Borough council')
    assert.equal(org?.nation, 'england')
    const audit = await t.db.query<{ action: string; actor_id: string }>('select action, actor_id from audit_events where organisation_id = $1', [org.id])
    assert.deepEqual(audit.map((a) => [a.action, a.actor_id]), [['created_by_platform_admin', operator.id]])
  })

  test('bad input is refused naming each field, keeping what was typed; nothing is made', async () => {
    const before = (await t.db.query('select count(*)::int as n from organisations'))[0]
    const cases: [Record<string, string | string[]>, string][] = [
      [{ ...VALID, name: '' }, 'name'],
      [{ ...VALID, name: 'n'.repeat(10_000) }, 'name'],
      [{ ...VALID, name: 'Two\nlines' }, 'name'],
      [{ ...VALID, slug: 'Not A Slug' }, 'slug'],
      [{ ...VALID, slug: ['a-one', 'a-two'] }, 'slug'],
      [{ ...VALID, slug: 'fresh-1', nation: 'atlantis' }, 'nation'],
      [{ ...VALID, slug: 'fresh-2', officialIdentifier: '<script>' }, 'officialIdentifier'],
      [{ ...VALID, slug: 'fresh-3', officialIdentifier: 'E'.repeat(41) }, 'officialIdentifier'],
      [{ ...VALID, slug: 'fresh-4', contactEmail: 'not an address' }, 'contactEmail'],
      [{ ...VALID, slug: 'westvale', officialIdentifier: '' }, 'slug'],
      [{ ...VALID, slug: 'fresh-5', officialIdentifier: 'e07000999' }, 'officialIdentifier'],
    ]
    for (const [form, field] of cases) {
      const res = await op.post('/platform/organisations', form)
      assert.equal(res.statusCode, 400, `${field}: ${JSON.stringify(form[field]).slice(0, 40)}`)
      assert.match(res.body, new RegExp(`href="#${field}"`), `${field} named in the summary`)
      if (typeof form.region === 'string') assert.equal(fieldValue(res.body, 'region'), form.region, 'what was typed is kept')
    }
    const nul = await op.post('/platform/organisations', { ...VALID, slug: 'fresh-6', name: 'A\u0000B' })
    assert.equal(nul.statusCode, 400)
    assert.deepEqual((await t.db.query('select count(*)::int as n from organisations'))[0], before)
  })
})

describe('suspending and reinstating', () => {
  test('suspended: its people are signed out, cannot sign in, its API tokens stop; reinstated: all works again', async () => {
    const victim = await makeTeam(t)
    const person = await makePerson(t, victim.org, ['viewer', 'contributor'])
    const session = await signIn(t.app, person.email, PASSWORD)
    const token = await t.services.auth.createApiToken(person.id, victim.org.id, 'Script', { scope: 'read', days: 30 })
    const api = () => t.app.inject({ method: "GET", url: "/api/v1/entries", headers: { authorization: `Bearer ${token}` } })
    assert.equal((await api()).statusCode, 200)

    const empty = await op.post(`/platform/organisations/${victim.org.id}/suspend`, { reason: '   ' })
    assert.equal(empty.statusCode, 400)
    assert.match(empty.body, /href="#reason"/)
    const long = await op.post(`/platform/organisations/${victim.org.id}/suspend`, { reason: 'r'.repeat(1001) })
    assert.equal(long.statusCode, 400)
    assert.equal(fieldValue(long.body, 'reason'), 'r'.repeat(1001))
    assert.equal((await session.get('/register')).statusCode, 200, 'nothing happened yet')

    const res = await op.post(`/platform/organisations/${victim.org.id}/suspend`, { reason: 'Contract ended; data kept for 90 days.' })
    assert.equal(res.statusCode, 303)
    assert.match((await op.get(`/platform/organisations/${victim.org.id}`)).body, /Contract ended; data kept for 90 days\./)
    assert.match(orgRow((await op.get('/platform/organisations')).body, victim.org.name), /Suspended/)

    const after = await session.get('/register')
    assert.equal(after.statusCode, 302, "the live session no longer works")
    assert.match(after.headers.location as string, /^\/login/)
    const again = new Client(t.app)
    await again.get('/login')
    assert.notEqual((await again.post('/login', { email: person.email, password: PASSWORD })).statusCode, 303, 'sign-in refused')
    assert.equal((await api()).statusCode, 401, 'the API token stops')
    assert.equal((await t.db.query('select 1 from register_entries where organisation_id = $1', [victim.org.id])).length, 0, 'made no entries')
    assert.ok(await t.services.organisations.bySlug(victim.org.slug), 'nothing is deleted')

    assert.equal((await op.post(`/platform/organisations/${victim.org.id}/reinstate`)).statusCode, 303)
    assert.equal((await signIn(t.app, person.email, PASSWORD)).cookies.size > 0, true, 'sign-in works again')
    assert.equal((await api()).statusCode, 200)
    const audit = await t.db.query<{ action: string }>(
      "select action from audit_events where organisation_id = $1 and entity_type = 'organisation' order by id", [victim.org.id])
    assert.deepEqual(audit.map((a) => a.action), ['suspended', 'reinstated'])
  })

  test('a person in two organisations signs in to the one not suspended', async () => {
    const a = await makeOrganisation(t)
    const b = await makeOrganisation(t)
    const p = await makePerson(t, a, ['viewer'])
    await t.services.people.createAccount({ organisationId: b.id, email: p.email, name: p.name, password: PASSWORD, roles: ['viewer'] })
    await t.services.platformAdmin.suspend(operator.user, a.id, 'Testing.')
    const c = await signIn(t.app, p.email, PASSWORD)
    assert.match((await c.get('/register')).body, new RegExp(b.name))
  })

  test('the operator cannot suspend the organisation they are signed in to', async () => {
    const res = await op.post(`/platform/organisations/${operator.organisation.id}/suspend`, { reason: 'Oops.' })
    assert.equal(res.statusCode, 400)
    assert.match(res.body, /You cannot suspend the organisation you are signed in to/)
    assert.equal(fieldValue(res.body, 'reason'), 'Oops.')
    assert.equal((await t.services.organisations.get(operator.organisation.id)).suspendedAt, null)
  })

  test('the services refuse someone who is not a platform admin', async () => {
    await assert.rejects(t.services.platformAdmin.organisations(team.admin.user), /403|forbidden/i)
    await assert.rejects(t.services.organisations.setSuspension(team.admin.user, team.org.id, 'x'), /403|forbidden/i)
    await assert.rejects(t.services.organisations.createByPlatformAdmin(team.admin.user, { ...VALID, slug: 'sneaky', nation: null, officialIdentifier: null }), /403|forbidden/i)
  })
})

describe('more refusals', () => {
  test('a platform admin’s API token does not carry the platform’s powers', async () => {
    const token = await t.services.auth.createApiToken(operator.id, operator.organisation.id, 'Script', { scope: 'read_write', days: 30 })
    const res = await t.app.inject({ method: 'GET', url: '/platform/organisations', headers: { authorization: `Bearer ${token}` } })
    assert.equal(res.statusCode, 403)
  })

  test('suspending again with a new reason keeps the date it was first suspended', async () => {
    const o = await makeOrganisation(t)
    const first = await t.services.platformAdmin.suspend(operator.user, o.id, 'First reason.')
    await new Promise((r) => setTimeout(r, 20))
    const second = await t.services.platformAdmin.suspend(operator.user, o.id, 'Second reason.')
    assert.equal(second.suspendedReason, 'Second reason.')
    assert.equal(second.suspendedAt?.getTime(), first.suspendedAt?.getTime())
  })
})
