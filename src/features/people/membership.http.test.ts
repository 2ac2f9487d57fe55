// People who work for two councils: an admin adding an e-mail address that already has an account
// (in another council) adds a membership here; the person keeps one sign-in and password, and the
// admin learns nothing about the other council. Each council switches off only its own membership.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { Client, createTestApp, signIn, type TestApp } from '../../../test/support/app.ts'

const PASSWORD = 'their-own-password'
const TYPED = 'admin-typed-password'
let ta: TestApp
let north: { id: string; name: string }
let south: { id: string; name: string }
const NORTH_ADMIN = 'admin@north.example'
const SOUTH_ADMIN = 'admin@south.example'

before(async () => {
  ta = await createTestApp({ demo: false })
  north = await ta.services.organisations.create({ slug: 'north-vale', name: 'North Vale Council', contactEmail: null, websiteUrl: null, region: null })
  south = await ta.services.organisations.create({ slug: 'south-vale', name: 'South Vale Council', contactEmail: null, websiteUrl: null, region: null })
  for (const [org, email] of [[north, NORTH_ADMIN], [south, SOUTH_ADMIN]] as const) {
    await ta.services.people.createAccount({ organisationId: org.id, email, name: `Admin of ${org.name}`, password: PASSWORD, roles: ['admin'] })
  }
})
after(async () => {
  await ta?.close()
})

let n = 0
async function northPerson(): Promise<{ id: string; email: string }> {
  const email = `shared-${++n}@shared.example`
  const { id } = await ta.services.people.createAccount({ organisationId: north.id, email, name: `Shared Person ${n}`, password: PASSWORD, roles: ['viewer'] })
  return { id, email }
}

async function add(admin: Client, email: string, extra: Record<string, string | string[]> = {}) {
  await admin.get('/people/new')
  return admin.post('/people/new', { name: 'Typed Name', email, roles: ['contributor'], ...extra })
}

/** Which organisation a fresh sign-in lands in, by the name in the page header. */
async function landsIn(email: string): Promise<string> {
  const c = await signIn(ta.app, email, PASSWORD)
  const page = await c.get('/account')
  return /govuk-generic-header__homepage-link">\s*([^<]+?)\s*<\/a>/.exec(page.body)![1]!
}

describe('adding a person who already has an account elsewhere', () => {
  test('adds a membership: the same "added" page without a password, naming nothing of the other council', async () => {
    const p = await northPerson()
    const admin = await signIn(ta.app, SOUTH_ADMIN, PASSWORD)
    const res = await add(admin, p.email.toUpperCase(), { password: TYPED })
    assert.equal(res.statusCode, 201, res.body.slice(0, 400))
    assert.match(res.body, /Person added/)
    assert.match(res.body, /They already have a sign-in for this service, so they keep the password they have/)
    assert.doesNotMatch(res.body, /North Vale|north-vale/, 'nothing about the other council')
    assert.doesNotMatch(res.body, new RegExp(TYPED))
    assert.doesNotMatch(res.body, /id="generated-password"/)
    assert.equal(res.headers['cache-control'], 'no-store')

    // One account, two memberships; the roles here are the ones the admin chose.
    const rows = await ta.db.query<{ organisation_id: string; roles: string[] }>(
      'select organisation_id, roles from memberships where user_id = $1 order by created_at', [p.id])
    assert.deepEqual(rows, [{ organisation_id: north.id, roles: ['viewer'] }, { organisation_id: south.id, roles: ['contributor'] }])
    assert.equal((await ta.db.query('select 1 from users where email = $1', [p.email])).length, 1)

    // They keep their own password; the one the admin typed was not used.
    assert.equal((await new Client(ta.app).get('/login')).statusCode, 200)
    await assert.rejects(signIn(ta.app, p.email, TYPED), /failed: 401/)
    assert.equal(await landsIn(p.email), 'North Vale Council', 'sign-in picks their first organisation')

    // This council's people page lists them; their history here shows only this council's events.
    const list = await admin.get('/people')
    assert.match(list.body, new RegExp(p.email.replace(/[.]/g, '\\.')))
    const page = await admin.get(`/people/${p.id}`)
    assert.match(page.body, /Added \(with their existing sign-in\)/)
    assert.doesNotMatch(page.body, /North Vale|Signed in/)
    const [audit] = await ta.db.query<{ organisation_id: string; actor_id: string }>(
      `select organisation_id, actor_id from audit_events where action = 'membership_added' and entity_id = $1`, [p.id])
    assert.equal(audit?.organisation_id, south.id)
  })

  test('a new address and an existing one give the same page apart from the password part', async () => {
    const admin = await signIn(ta.app, SOUTH_ADMIN, PASSWORD)
    const fresh = await add(admin, `brand-new-${++n}@south.example`)
    const existing = await add(admin, (await northPerson()).email)
    const shape = (html: string) => /<main[\s\S]*<\/main>/.exec(html)![0]
      .replace(/<h2 class="govuk-heading-m">Their password<\/h2>[\s\S]*?<\/pre>/, '')
      .replace(/[^\s<>"=/]+@[a-z.]+/g, 'EMAIL').replace(/\/people\/[0-9a-f-]{36}/g, '/people/ID')
      .replace(/<p class="govuk-body">They already[^<]*<\/p>/, '')
      .replace(/\s+/g, ' ')
    assert.equal(shape(fresh.body), shape(existing.body).replace(/Shared Person \d+/g, 'Typed Name'))
  })

  test('someone already in this organisation is a field error, and nothing changes', async () => {
    const p = await northPerson()
    const admin = await signIn(ta.app, NORTH_ADMIN, PASSWORD)
    const res = await add(admin, p.email)
    assert.equal(res.statusCode, 400)
    assert.match(res.body, /href="#email">This person is already in North Vale Council/)
    assert.match(res.body, /value="Typed Name"/, 'what was typed is kept')
    const [row] = await ta.db.query<{ roles: string[] }>('select roles from memberships where user_id = $1', [p.id])
    assert.deepEqual(row?.roles, ['viewer'])

    // Once added to the second council, adding again there is refused the same way.
    const south1 = await signIn(ta.app, SOUTH_ADMIN, PASSWORD)
    assert.equal((await add(south1, p.email)).statusCode, 201)
    const again = await add(south1, p.email)
    assert.equal(again.statusCode, 400)
    assert.match(again.body, /href="#email">This person is already in South Vale Council/)
  })

  test('each council switches off only its own membership; reactivating in one never reopens the other', async () => {
    const p = await northPerson()
    const southAdmin = await signIn(ta.app, SOUTH_ADMIN, PASSWORD)
    const northAdmin = await signIn(ta.app, NORTH_ADMIN, PASSWORD)
    assert.equal((await add(southAdmin, p.email)).statusCode, 201)
    const inNorth = await signIn(ta.app, p.email, PASSWORD)

    // South switches them off: their North session and sign-in carry on.
    assert.equal((await southAdmin.post(`/people/${p.id}/deactivate`)).statusCode, 303)
    assert.equal((await inNorth.get('/register')).statusCode, 200, 'the North session is not South\'s to end')
    assert.equal(await landsIn(p.email), 'North Vale Council')
    assert.match((await northAdmin.get(`/people/${p.id}`)).body, /Active/)

    // North switches them off too: the North session ends, and they can no longer sign in at all.
    assert.equal((await northAdmin.post(`/people/${p.id}/deactivate`)).statusCode, 303)
    assert.equal((await inNorth.get('/register')).statusCode, 302)
    await assert.rejects(signIn(ta.app, p.email, PASSWORD), /failed: 401/)

    // South reactivates: they sign in to South only; North stays switched off.
    assert.equal((await southAdmin.post(`/people/${p.id}/reactivate`)).statusCode, 303)
    assert.equal(await landsIn(p.email), 'South Vale Council')
    const [north1] = await ta.db.query<{ active: boolean }>('select active from memberships where user_id = $1 and organisation_id = $2', [p.id, north.id])
    assert.equal(north1?.active, false)
  })

  test('someone in two organisations signs in to the first and can move to the other from "Your account"', async () => {
    const p = await northPerson()
    const southAdmin = await signIn(ta.app, SOUTH_ADMIN, PASSWORD)
    assert.equal((await add(southAdmin, p.email)).statusCode, 201)
    const c = await signIn(ta.app, p.email, PASSWORD)
    const oldSession = c.cookies.get('aigov_session')
    const account = await c.get('/account')
    assert.match(account.body, /You are working in North Vale Council/)
    assert.match(account.body, /Work in South Vale Council/)
    const southId = /name="organisationId" value="([0-9a-f-]{36})"/.exec(account.body)![1]!
    assert.equal(southId, south.id)

    const moved = await c.post('/account/organisation', { organisationId: south.id })
    assert.equal(moved.statusCode, 303)
    assert.equal(moved.headers.location, '/home')
    assert.notEqual(c.cookies.get('aigov_session'), oldSession, 'a new session')
    const page = await c.get('/account')
    assert.match(page.body, /govuk-generic-header__homepage-link">\s*South Vale Council/)
    assert.match(page.body, /Work in North Vale Council/)
    // The old session is over.
    assert.equal((await ta.app.inject({ url: '/register', headers: { cookie: `aigov_session=${oldSession}` } })).statusCode, 302)

    // Only to an organisation they belong to, and with the CSRF token.
    const other = await ta.services.organisations.create({ slug: `elsewhere-${++n}`, name: 'Elsewhere Council', contactEmail: null, websiteUrl: null, region: null })
    assert.equal((await c.post('/account/organisation', { organisationId: other.id })).statusCode, 404)
    assert.equal((await c.post('/account/organisation', { organisationId: 'not-an-id' })).statusCode, 404)
    assert.equal((await c.post('/account/organisation', { _csrf: '', organisationId: north.id })).statusCode, 403)
    assert.match((await c.get('/account')).body, /govuk-generic-header__homepage-link">\s*South Vale Council/)

    // Someone in one organisation is offered nothing to switch to.
    const single = await signIn(ta.app, NORTH_ADMIN, PASSWORD)
    assert.doesNotMatch((await single.get('/account')).body, /Your organisations/)
  })

  test('the command line adds an existing account to a second organisation the same way', async () => {
    const p = await northPerson()
    const added = await ta.services.people.createAccount({ organisationId: south.id, email: p.email, name: 'Ignored', password: 'another-password-1', roles: ['viewer'] })
    assert.deepEqual(added, { id: p.id, existingAccount: true })
    await assert.rejects(signIn(ta.app, p.email, 'another-password-1'), /failed: 401/)
    await assert.rejects(
      ta.services.people.createAccount({ organisationId: south.id, email: p.email, name: 'Ignored', password: 'another-password-1', roles: ['viewer'] }),
      /already a member/)
  })
})
