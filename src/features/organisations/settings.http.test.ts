// The organisation settings page: its details, and separation of duties that an admin may turn
// off or on (audited); nobody else may, and CSRF stays on.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestApp, signIn, type TestApp } from '../../../test/support/app.ts'

const PASSWORD = 'a-long-enough-password'
let ta: TestApp
let orgId: string
const ADMIN = 'admin@hillford.example'

before(async () => {
  ta = await createTestApp({ demo: false })
  const org = await ta.services.organisations.create({
    slug: 'hillford', name: 'Hillford Council', contactEmail: 'ai@hillford.example', websiteUrl: 'https://hillford.example/ai', region: 'Wessex',
  })
  orgId = org.id
  await ta.services.organisations.create({ slug: 'otherton', name: 'Otherton Council', contactEmail: null, websiteUrl: null, region: null })
  await ta.services.people.createAccount({ organisationId: org.id, email: ADMIN, name: 'Ada Admin', password: PASSWORD, roles: ['admin'] })
  for (const role of ['viewer', 'contributor', 'assessor', 'board_member'] as const) {
    await ta.services.people.createAccount({ organisationId: org.id, email: `${role}@hillford.example`, name: role, password: PASSWORD, roles: [role] })
  }
})
after(async () => {
  await ta?.close()
})

const separation = async () => (await ta.services.organisations.get(orgId)).separationOfDuties

describe('organisation settings', () => {
  test('an admin sees the details and the explanation, and the navigation links to the page', async () => {
    const admin = await signIn(ta.app, ADMIN, PASSWORD)
    const res = await admin.get('/settings')
    assert.equal(res.statusCode, 200)
    for (const text of ['Hillford Council', 'hillford', 'ai@hillford.example', 'https://hillford.example/ai', 'Wessex']) {
      assert.ok(res.body.includes(text), text)
    }
    assert.doesNotMatch(res.body, /Otherton/)
    assert.match(res.body, /no one approves or publishes their own work/)
    assert.match(res.body, /marked in the audit trail and in the decision log/)
    assert.match(res.body, /name="separationOfDuties" type="radio" value="on" checked/)
    assert.match(res.body, /href="\/settings"/)
    assert.equal(res.headers['cache-control'], 'no-store')
  })

  test('an admin turns separation of duties off and on again; each change is audited and shown', async () => {
    const admin = await signIn(ta.app, ADMIN, PASSWORD)
    await admin.get('/settings')
    const off = await admin.post('/settings', { separationOfDuties: 'off' })
    assert.equal(off.statusCode, 303)
    assert.equal(off.headers.location, '/settings?done=saved')
    assert.equal(await separation(), false)
    const page = await admin.get('/settings?done=saved')
    assert.match(page.body, /The settings have been saved/)
    assert.match(page.body, /name="separationOfDuties" type="radio" value="off" checked/)
    assert.match(page.body, /Separation of duties turned off/)
    assert.match(page.body, /Ada Admin/)

    assert.equal((await admin.post('/settings', { separationOfDuties: 'on' })).statusCode, 303)
    assert.equal(await separation(), true)
    // Saving the same value again is no change and no audit event.
    assert.equal((await admin.post('/settings', { separationOfDuties: 'on' })).statusCode, 303)
    const events = await ta.db.query<{ changes: unknown }>(
      `select changes from audit_events where entity_type = 'organisation' and entity_id = $1 and action = 'settings_changed' order by id`, [orgId])
    assert.deepEqual(events.map((e) => e.changes), [
      { separationOfDuties: { from: true, to: false } },
      { separationOfDuties: { from: false, to: true } },
    ])
  })

  test('an answer that is neither on nor off is a field error and changes nothing', async () => {
    const admin = await signIn(ta.app, ADMIN, PASSWORD)
    await admin.get('/settings')
    const forms: Record<string, string | string[]>[] = [{}, { separationOfDuties: 'maybe' }, { separationOfDuties: ['on', 'off'] }]
    for (const form of forms) {
      const res = await admin.post('/settings', form)
      assert.equal(res.statusCode, 400, JSON.stringify(form))
      assert.match(res.body, /href="#separationOfDuties">Select whether separation of duties is on or off/)
    }
    assert.equal(await separation(), true)
  })

  test('everyone else gets 403 on the page and on saving, and no link to it', async () => {
    for (const role of ['viewer', 'contributor', 'assessor', 'board_member']) {
      const c = await signIn(ta.app, `${role}@hillford.example`, PASSWORD)
      const page = await c.get('/settings')
      assert.equal(page.statusCode, 403, role)
      assert.doesNotMatch((await c.get('/register')).body, /href="\/settings"/, role)
      assert.equal((await c.post('/settings', { separationOfDuties: 'off' })).statusCode, 403, role)
    }
    assert.equal(await separation(), true)
    const anonymous = await ta.app.inject({ method: 'GET', url: '/settings' })
    assert.equal(anonymous.statusCode, 302)
    assert.match(String(anonymous.headers.location), /^\/login/)
  })

  test('without the CSRF token, or with an API token, saving is refused', async () => {
    const admin = await signIn(ta.app, ADMIN, PASSWORD)
    await admin.get('/settings')
    assert.equal((await admin.post('/settings', { _csrf: '', separationOfDuties: 'off' })).statusCode, 403)
    assert.equal((await admin.post('/settings', { _csrf: 'forged', separationOfDuties: 'off' })).statusCode, 403)
    const [me] = await ta.db.query<{ id: string }>('select id from users where email = $1', [ADMIN])
    const token = await ta.services.auth.createApiToken(me!.id, orgId, 'settings', { scope: 'read_write', days: 30 })
    const res = await ta.app.inject({
      method: 'POST', url: '/settings', payload: 'separationOfDuties=off',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
    })
    assert.equal(res.statusCode, 403)
    assert.equal(await separation(), true)
  })
})
