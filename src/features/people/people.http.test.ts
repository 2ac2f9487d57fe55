import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { type Client, createTestApp, signIn, type TestApp } from '../../../test/support/app.ts'
import { makeTeam, signInAs, type Team } from '../../../test/support/factories.ts'

let ta: TestApp
/** The organisation under test, and another one whose people must stay out of reach. */
let home: Team
let away: Team
before(async () => {
  ta = await createTestApp({ demo: false })
  ;[home, away] = await Promise.all([makeTeam(ta), makeTeam(ta)])
})
after(async () => {
  await ta?.close()
})

let n = 0
/** A fresh email address for each person a test adds. */
const newEmail = (label: string) => `${label}-${++n}@${home.org.slug}.example`
const PASSWORD = 'correct-horse-battery'

async function userId(email: string): Promise<string> {
  const [row] = await ta.db.query<{ id: string }>('select id from users where email = $1', [email])
  assert.ok(row, `no user ${email}`)
  return row.id
}

/** Adds a person through the admin form and returns their id. */
async function addPerson(admin: Client, email: string, roles: string[], password = PASSWORD): Promise<string> {
  await admin.get('/people/new')
  const res = await admin.post('/people/new', { name: `Person ${email}`, email, roles, password })
  assert.equal(res.statusCode, 201, res.body.slice(0, 500))
  return userId(email)
}

function bearer(token: string) {
  return { authorization: `Bearer ${token}` }
}

/** Creates a token on the account page and returns it and the page. */
async function createToken(c: Client, name: string) {
  await c.get('/account')
  const res = await c.post('/account/tokens', { name })
  assert.equal(res.statusCode, 201, res.body.slice(0, 500))
  const m = /<pre class="app-code" id="new-token">(aigov_[A-Za-z0-9_-]+)<\/pre>/.exec(res.body)
  assert.ok(m, 'token shown on the page')
  return { token: m[1]!, page: res.body }
}

async function tokenIdByName(email: string, name: string): Promise<string> {
  const [row] = await ta.db.query<{ id: string }>(
    'select t.id from api_tokens t join users u on u.id = t.user_id where u.email = $1 and t.name = $2', [email, name],
  )
  assert.ok(row, `a token named ${name}`)
  return row.id
}

describe('people admin', () => {
  test('the people page lists only the admin\'s own organisation, with roles and status', async () => {
    const admin = await signInAs(ta, home.admin)
    const res = await admin.get('/people')
    assert.equal(res.statusCode, 200)
    assert.ok(res.body.includes(home.viewer.email), 'lists a colleague')
    assert.match(res.body, /Board member/)
    assert.match(res.body, /Active/)
    assert.ok(!res.body.includes(away.viewer.email) && !res.body.includes(away.admin.email), 'lists nobody from the other organisation')
  })

  test('an admin adds a person who can then sign in with those roles', async () => {
    const admin = await signInAs(ta, home.admin)
    const email = newEmail('new-viewer')
    const form = await admin.get('/people/new')
    assert.equal(form.statusCode, 200)
    assert.match(form.body, /<label class="govuk-label govuk-label--s" for="name">/)
    assert.match(form.body, /<label class="govuk-label govuk-label--s" for="email">/)
    assert.match(form.body, /<label class="govuk-label govuk-label--s" for="password">/)
    assert.match(form.body, /name="roles" type="checkbox" value="board_member"/)

    const res = await admin.post('/people/new', { name: 'Nia Viewer', email: email.toUpperCase(), roles: ['viewer'], password: PASSWORD })
    assert.equal(res.statusCode, 201)
    assert.match(res.body, /Person added/)
    assert.doesNotMatch(res.body, new RegExp(PASSWORD), 'an admin-set password is not echoed')
    assert.equal(res.headers['cache-control'], 'no-store')

    const id = await userId(email)
    const [audit] = await ta.db.query<{ action: string; actor: string; changes: { roles: { to: string[] } } }>(
      `select a.action, u.email as actor, a.changes from audit_events a join users u on u.id = a.actor_id
       where a.entity_type = 'user' and a.entity_id = $1`, [id],
    )
    assert.equal(audit?.action, 'created')
    assert.equal(audit?.actor, home.admin.email)
    assert.deepEqual(audit?.changes.roles.to, ['viewer'])

    const person = await signIn(ta.app, email, PASSWORD)
    assert.equal((await person.get('/register')).statusCode, 200)
    assert.equal((await person.get('/register/new')).statusCode, 403)
    const account = await person.get('/account')
    assert.match(account.body, /Nia Viewer/)
    assert.ok(account.body.includes(home.org.name), 'names their organisation')
  })

  test('a generated password is shown once on the confirmation page and works', async () => {
    const admin = await signInAs(ta, home.admin)
    const email = newEmail('generated')
    await admin.get('/people/new')
    const res = await admin.post('/people/new', { name: 'Gen Erated', email, roles: ['contributor', 'assessor'], password: '' })
    assert.equal(res.statusCode, 201)
    const m = /<pre class="app-code" id="generated-password">([a-z0-9-]+)<\/pre>/.exec(res.body)
    assert.ok(m, 'generated password shown')
    const password = m[1]!
    assert.ok(password.length >= 12, 'a long password')
    assert.match(res.body, /will not be shown again/)

    const id = await userId(email)
    const page = await admin.get(`/people/${id}`)
    assert.equal(page.statusCode, 200)
    assert.ok(!page.body.includes(password), 'the password is not shown again')
    assert.match(page.body, /Contributor, Assessor/)

    const person = await signIn(ta.app, email, password)
    assert.equal((await person.get('/register/new')).statusCode, 200)
  })

  test('an invalid new-person form shows the error summary and keeps what was typed (but not the password)', async () => {
    const admin = await signInAs(ta, home.admin)
    await admin.get('/people/new')
    const res = await admin.post('/people/new', { name: '', email: 'not-an-email', password: 'short' })
    assert.equal(res.statusCode, 400)
    assert.match(res.body, /<title>Error: /)
    assert.match(res.body, /There is a problem/)
    assert.match(res.body, /href="#name">Enter their full name/)
    assert.match(res.body, /href="#email">Enter an email address in the correct format/)
    assert.match(res.body, /href="#roles">Select at least one role/)
    assert.match(res.body, /href="#password">Password must be 12 characters or more/)
    assert.match(res.body, /value="not-an-email"/)
    assert.doesNotMatch(res.body, /value="short"/)
  })

  test('a non-admin gets 403 on the people pages and on POST /people/new', async () => {
    for (const person of [home.viewer, home.contributor, home.assessor, home.board]) {
      const role = person.roles.join()
      const c = await signInAs(ta, person)
      assert.equal((await c.get('/people')).statusCode, 403, role)
      assert.equal((await c.get('/people/new')).statusCode, 403, role)
      const email = newEmail('sneaky')
      const res = await c.post('/people/new', { name: 'Sneaky', email, roles: ['admin'], password: PASSWORD })
      assert.equal(res.statusCode, 403, role)
      assert.equal((await ta.db.query('select 1 from users where email = $1', [email])).length, 0)
    }
    const viewer = await signInAs(ta, home.viewer)
    const adminId = home.admin.id
    assert.equal((await viewer.post(`/people/${adminId}/deactivate`)).statusCode, 403)
    assert.equal((await viewer.post(`/people/${adminId}`, { roles: ['viewer'] })).statusCode, 403)
  })

  test('someone signed out is sent to sign in', async () => {
    const res = await ta.app.inject({ method: 'GET', url: '/people' })
    assert.equal(res.statusCode, 302)
    assert.match(String(res.headers.location), /^\/login\?next=%2Fpeople/)
  })

  test('an admin of another organisation gets 404 for this organisation’s person', async () => {
    const admin = await signInAs(ta, away.admin)
    const theirViewer = home.viewer.id
    assert.equal((await admin.get(`/people/${theirViewer}`)).statusCode, 404)
    assert.equal((await admin.post(`/people/${theirViewer}`, { roles: ['admin'] })).statusCode, 404)
    assert.equal((await admin.post(`/people/${theirViewer}/deactivate`)).statusCode, 404)
    assert.equal((await admin.post(`/people/${theirViewer}/reactivate`)).statusCode, 404)
    assert.equal((await admin.get('/people/not-a-uuid')).statusCode, 404)
    const [row] = await ta.db.query<{ active: boolean; roles: string[] }>(
      'select u.active, m.roles from users u join memberships m on m.user_id = u.id where u.id = $1', [theirViewer],
    )
    assert.deepEqual(row, { active: true, roles: ['viewer'] })
  })

  test('a role change takes effect on the person\'s next request', async () => {
    const admin = await signInAs(ta, home.admin)
    const email = newEmail('promoted')
    const id = await addPerson(admin, email, ['viewer'])
    const person = await signIn(ta.app, email, PASSWORD)
    assert.equal((await person.get('/register/new')).statusCode, 403)

    const page = await admin.get(`/people/${id}`)
    assert.match(page.body, /<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">\s*Roles/)
    const res = await admin.post(`/people/${id}`, { roles: ['contributor'] })
    assert.equal(res.statusCode, 303)
    assert.equal(res.headers.location, `/people/${id}?done=roles`)

    assert.equal((await person.get('/register/new')).statusCode, 200)
    const [audit] = await ta.db.query<{ changes: unknown }>(
      `select changes from audit_events where entity_type = 'user' and entity_id = $1 and action = 'roles_changed'`, [id],
    )
    assert.deepEqual(audit?.changes, { roles: { from: ['viewer'], to: ['contributor'] } })
    const shown = await admin.get(`/people/${id}?done=roles`)
    assert.match(shown.body, /Their roles have been saved/)
    assert.match(shown.body, /Roles: Viewer → Contributor/)
  })

  test('roles cannot be emptied', async () => {
    const admin = await signInAs(ta, home.admin)
    const id = await addPerson(admin, newEmail('no-roles'), ['viewer'])
    const res = await admin.post(`/people/${id}`, {})
    assert.equal(res.statusCode, 400)
    assert.match(res.body, /href="#roles">Select at least one role/)
    const bogus = await admin.post(`/people/${id}`, { roles: ['superuser'] })
    assert.equal(bogus.statusCode, 400)
  })

  test('an admin cannot drop their own admin role nor deactivate themselves', async () => {
    const admin = await signInAs(ta, home.admin)
    const me = home.admin.id
    const page = await admin.get(`/people/${me}`)
    assert.match(page.body, /You cannot deactivate your own account/)
    assert.doesNotMatch(page.body, new RegExp(`/people/${me}/deactivate`))

    const drop = await admin.post(`/people/${me}`, { roles: ['viewer'] })
    assert.equal(drop.statusCode, 409)
    assert.match(drop.body, /href="#roles">You cannot remove your own administrator role/)

    const off = await admin.post(`/people/${me}/deactivate`)
    assert.equal(off.statusCode, 409)
    assert.match(off.body, /href="#status">You cannot deactivate your own account/)

    const [row] = await ta.db.query<{ active: boolean; roles: string[] }>(
      'select u.active, m.roles from users u join memberships m on m.user_id = u.id where u.id = $1', [me],
    )
    assert.deepEqual(row, { active: true, roles: ['admin'] })
    assert.equal((await admin.get('/people')).statusCode, 200, 'still signed in and still an admin')

    // Adding roles to oneself while keeping admin is fine.
    assert.equal((await admin.post(`/people/${me}`, { roles: ['admin', 'viewer'] })).statusCode, 303)
    assert.equal((await admin.post(`/people/${me}`, { roles: ['admin'] })).statusCode, 303)
  })

  test('a deactivated person is refused at once: session ends and API token gets 401; reactivation lets them sign in again but old tokens stay revoked', async () => {
    const admin = await signInAs(ta, home.admin)
    const email = newEmail('leaver')
    const id = await addPerson(admin, email, ['contributor'])
    const person = await signIn(ta.app, email, PASSWORD)
    const { token } = await createToken(person, 'leaver script')
    assert.equal((await ta.app.inject({ url: '/api/v1/entries', headers: bearer(token) })).statusCode, 200)

    const res = await admin.post(`/people/${id}/deactivate`)
    assert.equal(res.statusCode, 303)
    assert.equal(res.headers.location, `/people/${id}?done=deactivated`)

    const next = await person.get('/register')
    assert.equal(next.statusCode, 302)
    assert.match(String(next.headers.location), /^\/login/)
    assert.equal((await ta.db.query('select 1 from sessions where user_id = $1', [id])).length, 0)
    const api = await ta.app.inject({ url: '/api/v1/entries', headers: bearer(token) })
    assert.equal(api.statusCode, 401)
    await assert.rejects(signIn(ta.app, email, PASSWORD), /Sign-in .* failed: 401/)

    const list = await admin.get('/people')
    assert.match(list.body, /Deactivated/)
    const actions = await ta.db.query<{ action: string }>(
      `select action from audit_events where entity_type = 'user' and entity_id = $1 order by id`, [id],
    )
    assert.deepEqual(actions.map((a) => a.action), ['created', 'signed_in', 'api_token_created', 'deactivated'])

    assert.equal((await admin.post(`/people/${id}/reactivate`)).statusCode, 303)
    const back = await signIn(ta.app, email, PASSWORD)
    assert.equal((await back.get('/register/new')).statusCode, 200)
    // Tokens were revoked at deactivation: reactivating does not bring them back.
    assert.equal((await ta.app.inject({ url: '/api/v1/entries', headers: bearer(token) })).statusCode, 401)
  })

  test('a session is refused as soon as the person is inactive, even if the session row remains', async () => {
    const admin = await signInAs(ta, home.admin)
    const email = newEmail('inactive-flag')
    const id = await addPerson(admin, email, ['viewer'])
    const person = await signIn(ta.app, email, PASSWORD)
    await ta.db.query('update users set active = false where id = $1', [id])
    const res = await person.get('/register')
    assert.equal(res.statusCode, 302)
    assert.match(String(res.headers.location), /^\/login/)
  })

  test('POST without the CSRF token is refused with 403', async () => {
    const admin = await signInAs(ta, home.admin)
    const email = newEmail('csrf')
    await admin.get('/people/new')
    const res = await admin.post('/people/new', { _csrf: '', name: 'No Token', email, roles: ['viewer'], password: PASSWORD })
    assert.equal(res.statusCode, 403)
    assert.equal((await ta.db.query('select 1 from users where email = $1', [email])).length, 0)
    const viewerId = home.viewer.id
    assert.equal((await admin.post(`/people/${viewerId}/deactivate`, { _csrf: 'wrong' })).statusCode, 403)
    assert.equal((await admin.post('/account/tokens', { _csrf: '', name: 'x' })).statusCode, 403)
  })

  test('an API token cannot be used to add people', async () => {
    const admin = await signInAs(ta, home.admin)
    const { token } = await createToken(admin, 'admin automation')
    const email = newEmail('via-token')
    const res = await ta.app.inject({
      method: 'POST', url: '/people/new',
      headers: { ...bearer(token), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ name: 'Via Token', email, roles: 'admin', password: PASSWORD }).toString(),
    })
    assert.equal(res.statusCode, 403)
    assert.equal((await ta.db.query('select 1 from users where email = $1', [email])).length, 0)
  })
})

describe('your account and API tokens', () => {
  test('the account page shows who you are and your organisation', async () => {
    const c = await signInAs(ta, away.board)
    const res = await c.get('/account')
    assert.equal(res.statusCode, 200)
    assert.ok(res.body.includes(away.board.email), 'shows their email')
    assert.ok(res.body.includes(away.org.name), 'names their organisation')
    assert.match(res.body, /Board member/)
    assert.match(res.body, /You have no API tokens/)
    assert.match(res.body, /<label class="govuk-label" for="name">\s*Token name/)
  })

  test('creating a token shows it once, and it works as a Bearer token on the API', async () => {
    const c = await signInAs(ta, home.viewer)
    const { token, page } = await createToken(c, 'Power BI report')
    assert.match(page, /will not be shown again/)

    const api = await ta.app.inject({ url: '/api/v1/entries', headers: bearer(token) })
    assert.equal(api.statusCode, 200)
    assert.ok(Array.isArray(api.json().entries), 'a list of entries')

    const again = await c.get('/account')
    assert.ok(!again.body.includes(token), 'the token is not shown again')
    assert.match(again.body, /Power BI report/)
    assert.doesNotMatch(again.body, /<td class="govuk-table__cell">Never<\/td>/, 'last used is shown after use')
  })

  test('a token needs a name', async () => {
    const c = await signInAs(ta, home.viewer)
    await c.get('/account')
    const res = await c.post('/account/tokens', { name: '   ' })
    assert.equal(res.statusCode, 400)
    assert.match(res.body, /There is a problem/)
    assert.match(res.body, /href="#name">Enter a name for the token/)
    assert.doesNotMatch(res.body, /aigov_/)
  })

  test('a revoked token gets 401', async () => {
    const c = await signInAs(ta, home.contributor)
    const { token } = await createToken(c, 'to revoke')
    const id = await tokenIdByName(home.contributor.email, 'to revoke')
    const res = await c.post(`/account/tokens/${id}/revoke`)
    assert.equal(res.statusCode, 303)
    assert.equal(res.headers.location, '/account?done=revoked')
    assert.equal((await ta.app.inject({ url: '/api/v1/entries', headers: bearer(token) })).statusCode, 401)
    const page = await c.get('/account?done=revoked')
    assert.match(page.body, /The token has been revoked/)
    assert.doesNotMatch(page.body, /to revoke/)
  })

  test('one user cannot revoke another user\'s token', async () => {
    const owner = await signInAs(ta, home.assessor)
    const { token } = await createToken(owner, 'assessor token')
    const id = await tokenIdByName(home.assessor.email, 'assessor token')
    for (const other of [home.admin, away.assessor]) {
      const c = await signInAs(ta, other)
      await c.get('/account')
      assert.equal((await c.post(`/account/tokens/${id}/revoke`)).statusCode, 404, other.email)
    }
    assert.equal((await ta.app.inject({ url: '/api/v1/entries', headers: bearer(token) })).statusCode, 200)
  })

  test('a token cannot mint more tokens', async () => {
    const c = await signInAs(ta, home.viewer)
    const { token } = await createToken(c, 'cannot mint')
    const res = await ta.app.inject({
      method: 'POST', url: '/account/tokens',
      headers: { ...bearer(token), 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'name=minted',
    })
    assert.equal(res.statusCode, 403)
  })

  test('the account page needs a sign-in', async () => {
    const res = await ta.app.inject({ method: 'GET', url: '/account' })
    assert.equal(res.statusCode, 302)
    assert.match(String(res.headers.location), /^\/login/)
  })
})
