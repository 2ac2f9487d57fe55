// Sign-in abuse: failed sign-ins are throttled per account and per client address, counted in the
// database (so a second app process on the same database sees the same count), with a lockout an
// attacker cannot use to lock the real person out. Also: the ?next= check, and password change.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { buildApp } from '../../app.ts'
import { loadConfig } from '../../config.ts'
import { loadCatalogue } from '../assessments/catalogue.ts'
import { Client, createTestApp, csrfFrom, encodeForm, signIn, type TestApp } from '../../../test/support/app.ts'
import { safeNext } from './authRoutes.ts'

const PASSWORD = 'a-long-enough-password'
const THROTTLE = { maxPerAccount: 5, maxPerAddress: 8, windowMinutes: 15 }

let ta: TestApp
/** A second app process on the same database (as behind a load balancer). */
let second: FastifyInstance
let orgId: string

before(async () => {
  ta = await createTestApp({ demo: false })
  const config = { ...loadConfig({ NODE_ENV: 'test' }), databaseUrl: undefined, signInThrottle: THROTTLE }
  // The test app's own process uses the default policy (5 per account); both share the table.
  second = await buildApp({ config, db: ta.db, questionSets: await loadCatalogue() })
  await second.ready()
  const org = await ta.services.organisations.create({
    slug: 'eastholm', name: 'Eastholm Council', contactEmail: null, websiteUrl: null, region: null,
  })
  orgId = org.id
})
after(async () => {
  await second?.close()
  await ta?.close()
})

let n = 0
async function person(label: string): Promise<{ id: string; email: string }> {
  const email = `${label}-${++n}@eastholm.example`
  const { id } = await ta.services.people.createAccount({ organisationId: orgId, email, name: `Person ${label}`, password: PASSWORD, roles: ['viewer'] })
  return { id, email }
}

/** A browser: its own cookies (so its own known-device cookie) and its own address. */
class Browser {
  cookies = new Map<string, string>()
  constructor(readonly ip = '192.0.2.10') {}

  private keep(res: LightMyRequestResponse) {
    for (const c of res.cookies) {
      if (c.value === '' || (c.expires && c.expires.getTime() < Date.now())) this.cookies.delete(c.name)
      else this.cookies.set(c.name, c.value)
    }
    return res
  }

  private cookie() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }

  async login(email: string, password: string, app: FastifyInstance = ta.app) {
    const page = this.keep(await app.inject({ url: '/login', remoteAddress: this.ip, headers: { cookie: this.cookie() } }))
    return this.keep(await app.inject({
      method: 'POST', url: '/login', remoteAddress: this.ip,
      headers: { cookie: this.cookie(), 'content-type': 'application/x-www-form-urlencoded' },
      payload: encodeForm({ _csrf: csrfFrom(page.body), email, password }),
    }))
  }

  /** Signs out by forgetting the session (the known-device cookie stays, as in a real browser). */
  forgetSession() {
    this.cookies.delete('aigov_session')
  }
}

async function auditCount(action: string, userId: string): Promise<number> {
  const [row] = await ta.db.query<{ n: number }>(
    'select count(*)::int as n from audit_events where action = $1 and entity_id = $2', [action, userId])
  return row!.n
}

describe('sign-in throttling', () => {
  test('after 5 failures the account is refused, even with the right password, from a new device and from a second app process', async () => {
    const victim = await person('victim')
    const bystander = await person('bystander')
    const attacker = new Browser('203.0.113.7')
    for (let i = 0; i < 5; i++) {
      const res = await attacker.login(victim.email, `wrong-guess-${i}`)
      assert.equal(res.statusCode, 401, `failure ${i + 1} is an ordinary wrong password`)
      assert.match(res.body, /Enter a correct email address and password/)
    }
    const sixth = await attacker.login(victim.email, PASSWORD)
    assert.equal(sixth.statusCode, 429, 'the right password is refused during the lockout from a device never seen')
    assert.match(sixth.body, /too many attempts to sign in\. Wait 15 minutes/)
    assert.equal(sixth.cookies.find((c) => c.name === 'aigov_session'), undefined, 'no session')

    // Another browser somewhere else, and a second app process on the same database: same count.
    assert.equal((await new Browser('198.51.100.1').login(victim.email, PASSWORD)).statusCode, 429)
    assert.equal((await new Browser('198.51.100.2').login(victim.email, PASSWORD, second)).statusCode, 429, 'the second process sees the count')

    // Other accounts are not affected, even from the attacker's address.
    assert.equal((await new Browser('203.0.113.7').login(bystander.email, PASSWORD)).statusCode, 303)

    // Failed and throttled sign-ins are audited against the account.
    assert.equal(await auditCount('sign_in_failed', victim.id), 5)
    assert.ok(await auditCount('sign_in_throttled', victim.id) >= 3)
    const [event] = await ta.db.query<{ changes: Record<string, unknown>; actor_id: string | null }>(
      `select changes, actor_id from audit_events where action = 'sign_in_failed' and entity_id = $1 limit 1`, [victim.id])
    assert.deepEqual(event, { changes: { address: '203.0.113.7' }, actor_id: null }, 'the address is kept, not what was typed')
  })

  test('failures counted by one app process lock the account on the other', async () => {
    const p = await person('shared')
    const attacker = new Browser('203.0.113.8')
    for (let i = 0; i < 3; i++) assert.equal((await attacker.login(p.email, 'wrong-one', ta.app)).statusCode, 401)
    for (let i = 0; i < 2; i++) assert.equal((await attacker.login(p.email, 'wrong-two', second)).statusCode, 401)
    assert.equal((await new Browser('198.51.100.3').login(p.email, PASSWORD, ta.app)).statusCode, 429)
    assert.equal((await new Browser('198.51.100.4').login(p.email, PASSWORD, second)).statusCode, 429)
  })

  test('a browser that signed in before still gets in with the right password during a lockout, and only with it', async () => {
    const p = await person('known')
    const laptop = new Browser('192.0.2.50')
    assert.equal((await laptop.login(p.email, PASSWORD)).statusCode, 303)
    assert.ok(laptop.cookies.has('aigov_device'), 'a known-device cookie is set at sign-in')
    laptop.forgetSession()

    const attacker = new Browser('203.0.113.9')
    for (let i = 0; i < 5; i++) await attacker.login(p.email, 'guess')
    assert.equal((await attacker.login(p.email, PASSWORD)).statusCode, 429)

    const wrong = await laptop.login(p.email, 'mistyped-password')
    assert.equal(wrong.statusCode, 401, 'a known device with the wrong password is still just wrong')
    laptop.forgetSession()
    const ok = await laptop.login(p.email, PASSWORD)
    assert.equal(ok.statusCode, 303, 'the known device gets in during the lockout')
    assert.equal(ok.headers.location, '/home')
    assert.equal((await ta.app.inject({ url: '/register', headers: { cookie: `aigov_session=${laptop.cookies.get('aigov_session')}` } })).statusCode, 200)

    // A copied device cookie with its signature broken is no known device.
    const forged = new Browser('203.0.113.9')
    forged.cookies.set('aigov_device', laptop.cookies.get('aigov_device')!.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')))
    assert.equal((await forged.login(p.email, PASSWORD)).statusCode, 429)

    // A device cookie for another account does not open this one.
    const other = await person('other-device')
    const theirs = new Browser('203.0.113.9')
    assert.equal((await theirs.login(other.email, PASSWORD)).statusCode, 303)
    theirs.forgetSession()
    assert.equal((await theirs.login(p.email, PASSWORD)).statusCode, 429)
  })

  test('a known device that fails too often itself is throttled like any other', async () => {
    const p = await person('stolen-cookie')
    const laptop = new Browser('192.0.2.60')
    assert.equal((await laptop.login(p.email, PASSWORD)).statusCode, 303)
    laptop.forgetSession()
    for (let i = 0; i < 5; i++) assert.equal((await laptop.login(p.email, 'guess')).statusCode, 401)
    assert.equal((await laptop.login(p.email, PASSWORD)).statusCode, 429)
  })

  test('once the failures are older than the window, the right password works again from anywhere', async () => {
    const p = await person('later')
    const attacker = new Browser('203.0.113.10')
    for (let i = 0; i < 5; i++) await attacker.login(p.email, 'guess')
    assert.equal((await new Browser('198.51.100.5').login(p.email, PASSWORD)).statusCode, 429)
    await ta.db.query(`update sign_in_failures set at = at - interval '16 minutes' where account_key = $1`, [p.email])
    assert.equal((await new Browser('198.51.100.5').login(p.email, PASSWORD)).statusCode, 303)
  })

  test('an address with too many failures (across any accounts) is refused; other addresses are not', async () => {
    const p = await person('address')
    const sprayer = new Browser('203.0.113.11')
    // The second process allows 8 failures per address: spray 8 made-up accounts.
    for (let i = 0; i < 8; i++) assert.equal((await sprayer.login(`nobody-${i}@eastholm.example`, 'guess', second)).statusCode, 401)
    const res = await new Browser('203.0.113.11').login(p.email, PASSWORD, second)
    assert.equal(res.statusCode, 429, 'the address is throttled, whichever account it tries')
    assert.equal((await new Browser('198.51.100.6').login(p.email, PASSWORD, second)).statusCode, 303)
    // Unknown accounts leave an audit event with the address and no account.
    const [row] = await ta.db.query<{ n: number }>(
      `select count(*)::int as n from audit_events where action = 'sign_in_failed' and entity_id is null and changes->>'address' = '203.0.113.11'`)
    assert.equal(row!.n, 8)
  })

  test('an e-mail address with no account is throttled the same way, so the refusal says nothing about who has an account', async () => {
    const attacker = new Browser('203.0.113.12')
    for (let i = 0; i < 5; i++) assert.equal((await attacker.login('no-such-person@eastholm.example', 'guess')).statusCode, 401)
    assert.equal((await attacker.login('no-such-person@eastholm.example', 'guess')).statusCode, 429)
  })
})

describe('the login ?next= check', () => {
  const base = 'https://aigov.example/login'
  const hostile = [
    '//evil.example', '///evil.example', '////evil.example', '/\\evil.example', '/\\/evil.example', '\\\\evil.example',
    '/..//evil.example', '/../..//evil.example', '/.//evil.example', '/./..//evil.example', '/%2e%2e//evil.example',
    '/%2E%2E//evil.example', '/a/../..//evil.example', '/\t/evil.example', '/\n/evil.example', '/\r\n/evil.example',
    ' //evil.example', 'https://evil.example', 'http:evil.example', 'javascript:alert(1)', 'data:text/html,x',
    'evil.example', '', '/' + 'a'.repeat(2001), '/..\\evil.example', '/%5C%5Cevil.example', '/%2F%2Fevil.example',
    '/@evil.example', '/.\\./evil.example',
  ]

  for (const value of hostile) {
    test(`next=${JSON.stringify(value.slice(0, 40))} stays on this site, and gives the same answer applied twice`, () => {
      const once = safeNext(value)
      assert.equal(safeNext(once), once, 'a fixed point')
      assert.ok(once.startsWith('/') && !once.startsWith('//') && !once.startsWith('/\\'), once)
      assert.equal(new URL(once, base).origin, 'https://aigov.example', `${once} resolves to this site`)
    })
  }

  test('ordinary paths are kept, normalised', () => {
    assert.equal(safeNext('/register/123?tab=risks#top'), '/register/123?tab=risks#top')
    assert.equal(safeNext('/people/../account'), '/account')
    assert.equal(safeNext(undefined), '/home')
    assert.equal(safeNext(['/account']), '/home')
  })

  test('the login page and form never send anyone to another site', async () => {
    const p = await person('next')
    const c = new Client(ta.app)
    const page = await c.get(`/login?next=${encodeURIComponent('/..//evil.example')}`)
    assert.match(page.body, /name="next" value="\/home"/)
    const res = await c.post('/login', { email: p.email, password: PASSWORD, next: '/..//evil.example' })
    assert.equal(res.statusCode, 303)
    assert.equal(res.headers.location, '/home')
  })
})

describe('changing your password', () => {
  test('needs the current password and a valid new one; on success every other session ends and it is audited', async () => {
    const p = await person('changer')
    const here = await signIn(ta.app, p.email, PASSWORD)
    const elsewhere = await signIn(ta.app, p.email, PASSWORD)
    const page = await here.get('/account')
    assert.match(page.body, /<label class="govuk-label govuk-label--s" for="currentPassword">\s*Current password/)

    const wrong = await here.post('/account/password', { currentPassword: 'not-my-password', newPassword: 'brand-new-password-1', confirmPassword: 'brand-new-password-1' })
    assert.equal(wrong.statusCode, 400)
    assert.match(wrong.body, /href="#currentPassword">Your current password is not correct/)
    assert.doesNotMatch(wrong.body, /brand-new-password-1|not-my-password/, 'passwords are not sent back')

    const short = await here.post('/account/password', { currentPassword: PASSWORD, newPassword: 'short', confirmPassword: 'short' })
    assert.equal(short.statusCode, 400)
    assert.match(short.body, /href="#newPassword">New password must be 12 characters or more/)
    const mismatch = await here.post('/account/password', { currentPassword: PASSWORD, newPassword: 'brand-new-password-1', confirmPassword: 'brand-new-password-2' })
    assert.equal(mismatch.statusCode, 400)
    assert.match(mismatch.body, /href="#confirmPassword">Enter the same new password twice/)
    assert.equal((await elsewhere.get('/register')).statusCode, 200, 'nothing changed yet')

    const ok = await here.post('/account/password', { currentPassword: PASSWORD, newPassword: 'brand-new-password-1', confirmPassword: 'brand-new-password-1' })
    assert.equal(ok.statusCode, 303)
    assert.equal(ok.headers.location, '/account?done=password')
    const after = await here.get('/account?done=password')
    assert.equal(after.statusCode, 200, 'this session stays')
    assert.match(after.body, /Your password has been changed/)
    const other = await elsewhere.get('/register')
    assert.equal(other.statusCode, 302, 'the other session has ended')
    assert.match(String(other.headers.location), /^\/login/)

    assert.equal((await new Browser('192.0.2.70').login(p.email, PASSWORD)).statusCode, 401, 'the old password no longer works')
    assert.equal((await new Browser('192.0.2.70').login(p.email, 'brand-new-password-1')).statusCode, 303)
    assert.equal(await auditCount('password_changed', p.id), 1)
    assert.equal(await auditCount('password_change_failed', p.id), 1)
  })

  test('without the CSRF token it is refused', async () => {
    const p = await person('csrf-change')
    const c = await signIn(ta.app, p.email, PASSWORD)
    const res = await c.post('/account/password', { _csrf: '', currentPassword: PASSWORD, newPassword: 'brand-new-password-1', confirmPassword: 'brand-new-password-1' })
    assert.equal(res.statusCode, 403)
    assert.equal(await auditCount('password_changed', p.id), 0)
  })
})
