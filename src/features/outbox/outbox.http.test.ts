// The outbox page (/outbox): an admin sees their own organisation's messages, queued, sent and
// failed, with to, subject, status, attempts, last error and times; without SMTP settings it says
// the messages are kept. Other organisations' messages never show; other roles get 403.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestApp, escapeHtml, shown, signIn, type TestApp } from '../../../test/support/app.ts'
import { makeOrganisation, makePerson, type Person } from '../../../test/support/factories.ts'
import type { Organisation } from '../organisations/model.ts'
import { createMailSender, queueMail, smtpTransport } from '../../platform/mail/index.ts'
import { startSmtpServer, type TestSmtpServer } from '../../platform/mail/smtpTestServer.ts'

let ta: TestApp
let smtp: TestSmtpServer
let org: Organisation
let other: Organisation
let admin: Person
let otherAdmin: Person
const others: Person[] = []

async function queue(organisationId: string, to: string, subject: string) {
  await ta.db.transaction((tx) => queueMail(tx, { organisationId, to, subject, text: `Text of ${subject}`, kind: 'test' }))
}

before(async () => {
  ta = await createTestApp({ demo: false })
  org = await makeOrganisation(ta, { name: 'Mailshire Council' })
  other = await makeOrganisation(ta, { name: 'Otherton Council' })
  admin = await makePerson(ta, org, ['admin'])
  otherAdmin = await makePerson(ta, other, ['admin'])
  for (const role of ['viewer', 'contributor', 'assessor', 'board_member'] as const) others.push(await makePerson(ta, org, [role]))

  // One message sent, one refused for good, then (after the run) one still queued; and one for the other organisation.
  smtp = await startSmtpServer((m) => (m.to.includes('nobody@mailshire.example') ? 550 : null))
  await queue(org.id, 'ada@mailshire.example', 'Your invitation')
  await queue(org.id, 'nobody@mailshire.example', 'Reminder <script>alert(1)</script>')
  const sender = createMailSender({ db: ta.db, transport: smtpTransport(smtp.url), from: 'hub@mailshire.example' })
  await sender.runOnce()
  sender.close()
  await queue(org.id, 'bea@mailshire.example', 'Please acknowledge the policy')
  await queue(other.id, 'secret@otherton.example', 'Otherton only')
})
after(async () => {
  await smtp?.close()
  await ta?.close()
})

describe('the outbox page', () => {
  test('an admin sees their organisation\'s messages with status, attempts, last error and times', async () => {
    const c = await signIn(ta.app, admin.email, admin.password)
    const res = await c.get('/outbox')
    assert.equal(res.statusCode, 200)
    assert.equal(res.headers['cache-control'], 'no-store')
    const body = res.body
    for (const text of ['ada@mailshire.example', 'Your invitation', 'nobody@mailshire.example', 'bea@mailshire.example', 'Please acknowledge the policy']) {
      assert.ok(body.includes(text), text)
    }
    // Subjects are data: escaped, never markup.
    assert.ok(body.includes(escapeHtml('Reminder <script>alert(1)</script>')))
    assert.doesNotMatch(body, /<script>alert\(1\)<\/script>/)
    assert.ok(body.includes(shown('outbox.status.sent')))
    assert.ok(body.includes(shown('outbox.status.failed')))
    assert.ok(body.includes(shown('outbox.status.queued')))
    assert.match(body, /550/) // the server's refusal, as the last error
    assert.ok(body.includes(shown('outbox.failedCount', { count: 1 })))
    assert.ok(body.includes(shown('outbox.waiting', { count: 1 })))
    // The test app has no SMTP settings: the page says the messages are kept.
    assert.ok(body.includes(shown('outbox.notConfigured')))
    // A wide table scrolls inside its own region on a phone.
    assert.match(body, /<div class="app-table-scroll" role="region" aria-label="Outbox" tabindex="0">\s*<table class="govuk-table" id="outbox">/)
    const rows = body.split('<tbody')[1]!.split('</tbody>')[0]!.match(/<tr class="govuk-table__row">/g) ?? []
    assert.equal(rows.length, 3)
  })

  test('another organisation\'s messages never show, in either direction', async () => {
    const mine = await (await signIn(ta.app, admin.email, admin.password)).get('/outbox')
    assert.doesNotMatch(mine.body, /otherton\.example|Otherton only/)
    const theirs = await (await signIn(ta.app, otherAdmin.email, otherAdmin.password)).get('/outbox')
    assert.equal(theirs.statusCode, 200)
    assert.ok(theirs.body.includes('secret@otherton.example'))
    for (const text of ['mailshire.example', 'Your invitation', 'Please acknowledge']) assert.ok(!theirs.body.includes(text), text)
  })

  test('filtering by status shows only that status; an unknown status is a bad request', async () => {
    const c = await signIn(ta.app, admin.email, admin.password)
    const failed = await c.get('/outbox?status=failed')
    assert.equal(failed.statusCode, 200)
    assert.ok(failed.body.includes('nobody@mailshire.example'))
    assert.ok(!failed.body.includes('ada@mailshire.example'))
    assert.match(failed.body, /href="\/outbox\?status=failed" aria-current="page"/)
    const sent = await c.get('/outbox?status=sent')
    assert.ok(sent.body.includes('ada@mailshire.example'))
    assert.ok(!sent.body.includes('bea@mailshire.example'))
    const sending = await c.get('/outbox?status=sending')
    assert.ok(sending.body.includes(shown('outbox.empty')))
    assert.equal((await c.get('/outbox?status=bogus')).statusCode, 400)
  })

  test('every other role is refused with 403, and nobody signed in is sent to the login', async () => {
    for (const p of others) {
      const c = await signIn(ta.app, p.email, p.password)
      const res = await c.get('/outbox')
      assert.equal(res.statusCode, 403, p.roles.join())
      assert.ok(!res.body.includes('mailshire.example'), p.roles.join())
    }
    const anonymous = await ta.app.inject({ method: 'GET', url: '/outbox' })
    assert.equal(anonymous.statusCode, 302)
    assert.match(String(anonymous.headers.location), /^\/login\?next=%2Foutbox/)
  })
})
