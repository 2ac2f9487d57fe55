// E-mailed sign-in links through the real app: an invitation sets a first password and signs the
// person in; a used, expired or made-up link gets a page that says so and offers a new one; an
// admin re-sends an invitation; "Forgotten your password?" answers the same for every address,
// e-mails only real accounts, is throttled, and a reset ends every session of the account.
// Also the service area on the person page and the add form, with their denials.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import type { Client, TestApp } from '../../../test/support/app.ts'
import { assertShows, Client as BrowserClient, createTestApp, signIn } from '../../../test/support/app.ts'
import { makeOrganisation, makePerson, type Person, signInAs } from '../../../test/support/factories.ts'
import type { Organisation } from '../organisations/model.ts'
import { checkStaffCsv } from './staffCsv.ts'

let ta: TestApp
let org: Organisation
let admin: Person
let viewer: Person
let adminClient: Client

before(async () => {
  ta = await createTestApp({ demo: false })
  org = await makeOrganisation(ta, { slug: 'linkford', name: 'Linkford Council' })
  admin = await makePerson(ta, org, ['admin'], { email: 'admin@linkford.example' })
  viewer = await makePerson(ta, org, ['viewer'], { email: 'viewer@linkford.example' })
  adminClient = await signInAs(ta, admin)
})
after(() => ta.close())

/** Imports people through the service, as a file would, and returns their ids by e-mail. */
async function invite(...emails: string[]): Promise<Map<string, string>> {
  const checked = checkStaffCsv(['name,email,service area', ...emails.map((e) => `Invited ${e.split('@')[0]},${e},Libraries`)].join('\n'))
  assert.equal(checked.ok, true, 'the file is good')
  if (!checked.ok) return new Map()
  await ta.services.people.importStaff(admin.user, checked.rows, 'test.csv')
  const rows = await ta.db.query<{ id: string; email: string }>('select id, email from users where email = any($1::text[])', [emails])
  return new Map(rows.map((r) => [r.email, r.id]))
}

/** The link token in the newest e-mail to this address. */
async function tokenFor(email: string, kind = 'invitation'): Promise<string> {
  const [mail] = await ta.db.query<{ body_text: string }>(
    'select body_text from mail_outbox where to_address = $1 and kind = $2 order by created_at desc, id desc limit 1', [email, kind])
  const m = /\/account\/link\/([0-9a-f]{64})/.exec(mail?.body_text ?? '')
  assert.ok(m, `an e-mail with a link went to ${email}`)
  return m[1]!
}

const mailsTo = async (email: string) =>
  (await ta.db.query<{ n: number }>('select count(*)::int as n from mail_outbox where to_address = $1', [email]))[0]!.n

const STRONG = 'a-new-long-password-2026'

describe('an invitation link', () => {
  test('sets the first password and signs the person in, once', async () => {
    await invite('new.starter@linkford.example')
    const token = await tokenFor('new.starter@linkford.example')
    // Before using the link, no password signs in (the stored hash is of random bytes).
    const refused = new BrowserClient(ta.app)
    await refused.get('/login')
    assert.equal((await refused.post('/login', { email: 'new.starter@linkford.example', password: STRONG })).statusCode, 401, 'cannot sign in yet')

    const c = new BrowserClient(ta.app)
    const page = await c.get(`/account/link/${token}`)
    assert.equal(page.statusCode, 200, 'the link page opens')
    assertShows(page.body, 'links.set.invitation.title')
    assert.equal(page.headers['cache-control'], 'no-store', 'not cached')

    const short = await c.post(`/account/link/${token}`, { password: 'short', confirmPassword: 'short' })
    assert.equal(short.statusCode, 400, 'a short password is refused')
    assertShows(short.body, 'links.errors.passwordShort')
    const mismatch = await c.post(`/account/link/${token}`, { password: STRONG, confirmPassword: `${STRONG}x` })
    assert.equal(mismatch.statusCode, 400, 'two different passwords are refused')
    assertShows(mismatch.body, 'links.errors.confirm')

    const done = await c.post(`/account/link/${token}`, { password: STRONG, confirmPassword: STRONG })
    assert.equal(done.statusCode, 303, done.body.slice(0, 300))
    assert.equal(done.headers.location, '/home', 'on to the home page')
    assert.equal((await c.get('/home')).statusCode, 200, 'signed in')
    const [pending] = await ta.db.query<{ n: number }>(
      "select count(*)::int as n from pending_accounts p join users u on u.id = p.user_id where u.email = 'new.starter@linkford.example'")
    assert.equal(pending?.n, 0, 'no longer waiting')

    const again = await new BrowserClient(ta.app).get(`/account/link/${token}`)
    assert.equal(again.statusCode, 410, 'a used link does not work twice')
    assertShows(again.body, 'links.invalid.title')
    assertShows(again.body, 'links.invalid.submit')
    const reuse = await c.post(`/account/link/${token}`, { password: 'another-long-password', confirmPassword: 'another-long-password' })
    assert.equal(reuse.statusCode, 410, 'posting a used link is refused')

    await signIn(ta.app, 'new.starter@linkford.example', STRONG)
  })

  test('an expired link says so and offers a new one, which works', async () => {
    await invite('late.starter@linkford.example')
    const token = await tokenFor('late.starter@linkford.example')
    await ta.db.query("update account_links set expires_at = now() - interval '1 minute' where purpose = 'invitation'")
    const c = new BrowserClient(ta.app)
    const page = await c.get(`/account/link/${token}`)
    assert.equal(page.statusCode, 410, 'expired')
    assertShows(page.body, 'links.invalid.title')
    const post = await c.post(`/account/link/${token}`, { password: STRONG, confirmPassword: STRONG })
    assert.equal(post.statusCode, 410, 'posting an expired link is refused')

    const before = await mailsTo('late.starter@linkford.example')
    const sent = await c.post('/password/forgotten', { email: 'late.starter@linkford.example' })
    assert.equal(sent.statusCode, 200, 'asked for a new link')
    assertShows(sent.body, 'links.sent.title')
    assert.equal(await mailsTo('late.starter@linkford.example'), before + 1, 'a fresh link is e-mailed')
    const fresh = await tokenFor('late.starter@linkford.example')
    assert.notEqual(fresh, token, 'a new token')
    const done = await c.post(`/account/link/${fresh}`, { password: STRONG, confirmPassword: STRONG })
    assert.equal(done.statusCode, 303, 'the fresh invitation works')
  })

  test('a made-up or malformed token gets the same page, and a link of a deactivated person stops working', async () => {
    const c = new BrowserClient(ta.app)
    for (const token of [randomBytes(32).toString('hex'), 'not-a-token', 'A'.repeat(64)]) {
      const res = await c.get(`/account/link/${token}`)
      assert.equal(res.statusCode, 410, `refused: ${token}`)
      assertShows(res.body, 'links.invalid.title')
    }
    const ids = await invite('leaver@linkford.example')
    const token = await tokenFor('leaver@linkford.example')
    await ta.services.people.deactivate(admin.user, ids.get('leaver@linkford.example')!)
    assert.equal((await c.get(`/account/link/${token}`)).statusCode, 410, 'a deactivated person cannot use their link')
  })

  test('an admin re-sends an invitation: a new link, the old one stops working', async () => {
    const ids = await invite('resend.me@linkford.example')
    const id = ids.get('resend.me@linkford.example')!
    const old = await tokenFor('resend.me@linkford.example')
    const page = await adminClient.get(`/people/${id}`)
    assertShows(page.body, 'people.person.resendInvitation')
    const res = await adminClient.post(`/people/${id}/invitation`)
    assert.equal(res.statusCode, 303, res.body.slice(0, 300))
    const fresh = await tokenFor('resend.me@linkford.example')
    assert.notEqual(fresh, old, 'a new link was sent')
    const c = new BrowserClient(ta.app)
    assert.equal((await c.get(`/account/link/${old}`)).statusCode, 410, 'the old link no longer works')
    assert.equal((await c.get(`/account/link/${fresh}`)).statusCode, 200, 'the new one does')
  })

  test('re-sending is refused for someone with a password, another council\'s person, a viewer and without CSRF', async () => {
    const mine = await adminClient.post(`/people/${viewer.id}/invitation`)
    assert.equal(mine.statusCode, 409, 'they have set a password')
    assertShows(mine.body, 'people.errors.notPending')

    const elsewhere = await makeOrganisation(ta)
    const otherAdmin = await makePerson(ta, elsewhere, ['admin'])
    const otherChecked = checkStaffCsv('name,email,service area\nOther Person,other.person@elsewhere.example,X\n')
    if (!otherChecked.ok) throw new Error('bad file')
    await ta.services.people.importStaff(otherAdmin.user, otherChecked.rows, 'x.csv')
    const [other] = await ta.db.query<{ id: string }>("select id from users where email = 'other.person@elsewhere.example'")
    const before = await mailsTo('other.person@elsewhere.example')
    assert.equal((await adminClient.post(`/people/${other!.id}/invitation`)).statusCode, 404, 'another organisation\'s person is not found')

    const ids = await invite('guarded@linkford.example')
    const id = ids.get('guarded@linkford.example')!
    const v = await signInAs(ta, viewer)
    assert.equal((await v.post(`/people/${id}/invitation`)).statusCode, 403, 'a viewer may not')
    const forged = await adminClient.post(`/people/${id}/invitation`, { _csrf: 'forged' })
    assert.equal(forged.statusCode, 403, 'no CSRF token, no invitation')
    assert.equal(await mailsTo('other.person@elsewhere.example'), before, 'nothing sent to the other council\'s person')
    assert.equal(await mailsTo('guarded@linkford.example'), 1, 'only the first invitation')
  })
})

describe('Forgotten your password?', () => {
  test('the sign-in page links to it', async () => {
    const res = await new BrowserClient(ta.app).get('/login')
    assert.ok(res.body.includes('href="/password/forgotten"'), 'a link on the sign-in page')
    assertShows(res.body, 'links.forgotten')
  })

  test('answers the same for a real and an unknown address; only the real one gets an e-mail', async () => {
    const real = await makePerson(ta, org, ['staff'], { email: 'real.person@linkford.example' })
    const c = new BrowserClient(ta.app)
    await c.get('/password/forgotten')
    const strip = (html: string) => html.replace(/name="_csrf" value="[^"]+"/g, '').replace(/nonce="[^"]+"/g, '')
    const beforeReal = await mailsTo(real.email)
    const a = await c.post('/password/forgotten', { email: real.email })
    const b = await c.post('/password/forgotten', { email: 'nobody.here@linkford.example' })
    assert.equal(a.statusCode, 200, 'real: answered')
    assert.equal(b.statusCode, 200, 'unknown: answered')
    assert.equal(strip(a.body).replace(real.email, 'X'), strip(b.body).replace('nobody.here@linkford.example', 'X'), 'the same page')
    assert.equal(await mailsTo(real.email), beforeReal + 1, 'the real account gets a reset e-mail')
    assert.equal(await mailsTo('nobody.here@linkford.example'), 0, 'nothing is sent to an address with no account')
    const [mail] = await ta.db.query<{ kind: string }>('select kind from mail_outbox where to_address = $1', [real.email])
    assert.equal(mail?.kind, 'password_reset', 'a reset e-mail')
  })

  test('a bad address is a field error', async () => {
    const c = new BrowserClient(ta.app)
    await c.get('/password/forgotten')
    const res = await c.post('/password/forgotten', { email: 'not an address' })
    assert.equal(res.statusCode, 400, 'refused')
    assertShows(res.body, 'links.errors.emailFormat')
    const empty = await c.post('/password/forgotten', {})
    assert.equal(empty.statusCode, 400, 'empty is refused')
    assertShows(empty.body, 'links.errors.email')
    const noCsrf = await c.post('/password/forgotten', { email: 'x@y.example', _csrf: 'forged' })
    assert.equal(noCsrf.statusCode, 403, 'no CSRF token, no e-mail')
  })

  test('the reset link sets a new password and ends every session of the account', async () => {
    const person = await makePerson(ta, org, ['viewer'], { email: 'forgetful@linkford.example' })
    const signedIn = await signInAs(ta, person)
    assert.equal((await signedIn.get('/register')).statusCode, 200, 'signed in elsewhere')
    const c = new BrowserClient(ta.app)
    await c.get('/password/forgotten')
    await c.post('/password/forgotten', { email: 'Forgetful@Linkford.example ' })
    const token = await tokenFor(person.email, 'password_reset')
    const page = await c.get(`/account/link/${token}`)
    assertShows(page.body, 'links.set.reset.title')
    const done = await c.post(`/account/link/${token}`, { password: STRONG, confirmPassword: STRONG })
    assert.equal(done.statusCode, 303, done.body.slice(0, 200))
    const old = await signedIn.get('/register')
    assert.equal(old.statusCode, 302, 'the other session has ended')
    const oldPassword = new BrowserClient(ta.app)
    await oldPassword.get('/login')
    assert.equal((await oldPassword.post('/login', { email: person.email, password: person.password })).statusCode, 401, 'the old password no longer works')
    await signIn(ta.app, person.email, STRONG)
    assert.equal((await c.get(`/account/link/${token}`)).statusCode, 410, 'the reset link works once')
  })

  test('requests are throttled per address, with the same answer', async () => {
    const person = await makePerson(ta, org, ['staff'], { email: 'spammed@linkford.example' })
    const c = new BrowserClient(ta.app)
    await c.get('/password/forgotten')
    for (let i = 0; i < 5; i++) {
      const res = await c.post('/password/forgotten', { email: person.email })
      assert.equal(res.statusCode, 200, `request ${i + 1} answered`)
      assertShows(res.body, 'links.sent.title')
    }
    assert.equal(await mailsTo(person.email), 3, 'three e-mails in the hour, no more')
  })
})

describe('service area', () => {
  test('set when adding a person, shown on the list and the person page, changed by an admin', async () => {
    await adminClient.get('/people/new')
    const added = await adminClient.post('/people/new', { name: 'Area Person', email: 'area.person@linkford.example', roles: ['staff'], serviceArea: 'Waste and recycling' })
    assert.equal(added.statusCode, 201, added.body.slice(0, 300))
    const [row] = await ta.db.query<{ id: string }>("select id from users where email = 'area.person@linkford.example'")
    const id = row!.id
    assert.ok((await adminClient.get('/people')).body.includes('Waste and recycling'), 'on the list')
    assert.ok((await adminClient.get(`/people/${id}`)).body.includes('Waste and recycling'), 'on the person page')

    const long = await adminClient.post(`/people/${id}/service-area`, { serviceArea: 's'.repeat(201) })
    assert.equal(long.statusCode, 400, 'over 200 characters is refused')
    assertShows(long.body, 'people.errors.serviceAreaLong')
    assert.ok(long.body.includes('s'.repeat(201)), 'what was typed is kept')

    const ok = await adminClient.post(`/people/${id}/service-area`, { serviceArea: ' Highways ' })
    assert.equal(ok.statusCode, 303, 'saved')
    const page = await adminClient.get(`/people/${id}`)
    assert.ok(page.body.includes('Highways'), 'the new area is shown')
    assertShows(page.body, 'people.audit.service_area_changed')

    const addLong = await adminClient.post('/people/new', { name: 'Too Long', email: 'too.long@linkford.example', roles: ['staff'], serviceArea: 'x'.repeat(201) })
    assert.equal(addLong.statusCode, 400, 'the add form refuses a long service area')
    assertShows(addLong.body, 'people.errors.serviceAreaLong')
  })

  test('a viewer, another council\'s person and a forged form are refused', async () => {
    const v = await signInAs(ta, viewer)
    assert.equal((await v.post(`/people/${viewer.id}/service-area`, { serviceArea: 'Mine' })).statusCode, 403, 'a viewer may not')
    const elsewhere = await makeOrganisation(ta)
    const stranger = await makePerson(ta, elsewhere, ['viewer'])
    assert.equal((await adminClient.post(`/people/${stranger.id}/service-area`, { serviceArea: 'Ours' })).statusCode, 404, 'another organisation\'s person')
    assert.equal((await adminClient.post(`/people/${viewer.id}/service-area`, { serviceArea: 'Forged', _csrf: 'nope' })).statusCode, 403, 'CSRF')
    const [m] = await ta.db.query<{ service_area: string | null }>('select service_area from memberships where user_id = $1', [viewer.id])
    assert.equal(m?.service_area, null, 'unchanged')
  })
})
