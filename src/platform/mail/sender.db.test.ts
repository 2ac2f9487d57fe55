// The outbox against a real SMTP server started here (smtp-server on 127.0.0.1, a random port):
// delivered once, retried after a refusal and then delivered once, given up after its attempts or
// a permanent refusal, queued only if the caller's transaction commits, no duplicate for a dedupe
// key, claims of a stopped sender recovered without a second send, and two senders on one
// database never sending one message twice.
import assert from 'node:assert/strict'
import { after, before, beforeEach, describe, test } from 'node:test'
import pg from 'pg'
import { z } from 'zod'
import { createTestApp, type TestApp } from '../../../test/support/app.ts'
import { type Db, openPostgres } from '../db/db.ts'
import { migrate } from '../db/migrate.ts'
import { col, many } from '../db/rows.ts'
import { t } from '../i18n/i18n.ts'
import type { RetryPolicy } from './backoff.ts'
import { createMailSender, MailOutsideTransactionError, type MailTransport, queueMail, smtpTransport } from './index.ts'
import * as repo from './repository.ts'
import { startSmtpServer, type TestSmtpServer } from './smtpTestServer.ts'

let ta: TestApp
let orgId: string
let otherOrgId: string
let smtp: TestSmtpServer
/** The senders' clock: moved on by hand instead of waiting for a backoff. */
let clock: number
const now = () => new Date(clock)
const RETRY: RetryPolicy = { baseMs: 60_000, maxMs: 3_600_000, maxAttempts: 3 }
const FROM = 'AI Governance Hub <hub@council.example>'

const rowSchema = z.object({
  id: col.uuid, to_address: col.text, subject: col.text, status: col.text, attempts: col.int, last_error: col.text.nullable(),
  next_attempt_at: col.timestamp, sent_at: col.timestamp.nullable(),
})
const rows = (db: Db = ta.db) => many(db, rowSchema,
  'select id, to_address, subject, status, attempts, last_error, next_attempt_at, sent_at from mail_outbox order by created_at, subject')

let n = 0
async function queue(db: Db = ta.db, extra: { to?: string; dedupeKey?: string; organisationId?: string } = {}) {
  n++
  return db.transaction((tx) => queueMail(tx, {
    organisationId: extra.organisationId ?? orgId, to: extra.to ?? `person${n}@council.example`,
    subject: `Message ${String(n).padStart(3, '0')}`, text: `Hello ${n}`, html: `<p>Hello ${n}</p>`, kind: 'test',
    ...(extra.dedupeKey ? { dedupeKey: extra.dedupeKey } : {}),
  }))
}

const sender = (db: Db = ta.db, extra: { batchSize?: number } = {}) =>
  createMailSender({ db, transport: smtpTransport(smtp.url), from: FROM, retry: RETRY, now, ...extra })

before(async () => {
  ta = await createTestApp({ demo: false })
  orgId = (await ta.services.organisations.create({ slug: 'mailford', name: 'Mailford Council', contactEmail: null, websiteUrl: null, region: null })).id
  otherOrgId = (await ta.services.organisations.create({ slug: 'otherton', name: 'Otherton Council', contactEmail: null, websiteUrl: null, region: null })).id
})
after(async () => {
  await smtp?.close()
  await ta?.close()
})
beforeEach(async () => {
  await smtp?.close()
  smtp = await startSmtpServer()
  await ta.db.query('delete from mail_outbox')
  clock = Date.now() + 1000
})

describe('the outbox over SMTP', () => {
  test('a queued message is delivered once, and running the sender again sends nothing new', async () => {
    const q = await queue()
    assert.ok(q.queued)
    const s = sender()
    const first = await s.runOnce()
    assert.deepEqual({ sent: first.sent, retrying: first.retrying, failed: first.failed, left: first.left }, { sent: 1, retrying: 0, failed: 0, left: 0 })
    assert.equal(smtp.received.length, 1)
    const got = smtp.received[0]!
    assert.deepEqual(got.to, [`person${n}@council.example`])
    assert.equal(got.from, 'hub@council.example')
    assert.equal(got.subject, `Message ${String(n).padStart(3, '0')}`)
    assert.equal(got.messageId, `<${q.id}@council.example>`)
    assert.match(got.raw, /Hello \d+/)
    assert.match(got.raw, /<p>Hello \d+<\/p>/)
    const [row] = await rows()
    assert.equal(row!.status, 'sent')
    assert.equal(row!.attempts, 1)
    assert.ok(row!.sent_at)

    const second = await s.runOnce()
    assert.equal(second.sent, 0)
    clock += 24 * 3_600_000
    assert.equal((await sender().runOnce()).sent, 0)
    assert.equal(smtp.received.length, 1)
    s.close()
  })

  test('a server that refuses a message (451) and then accepts it: retried after the backoff, delivered once', async () => {
    smtp.respond = (_m, i) => (i === 0 ? 451 : null)
    await queue()
    const s = sender()
    const first = await s.runOnce()
    assert.equal(first.sent, 0)
    assert.equal(first.retrying, 1)
    let [row] = await rows()
    assert.equal(row!.status, 'queued')
    assert.equal(row!.attempts, 1)
    assert.match(row!.last_error ?? '', /451/)
    assert.equal(row!.next_attempt_at.getTime(), clock + RETRY.baseMs)

    // Before the backoff has passed, nothing is tried.
    clock += RETRY.baseMs - 1000
    assert.equal((await s.runOnce()).sent, 0)
    assert.equal(smtp.offered, 1)

    clock += 1000
    const later = await s.runOnce()
    assert.equal(later.sent, 1)
    ;[row] = await rows()
    assert.equal(row!.status, 'sent')
    assert.equal(row!.attempts, 2)
    assert.equal(row!.last_error, null)
    assert.equal(smtp.received.length, 1)
    assert.equal(smtp.offered, 2)

    clock += 24 * 3_600_000
    await s.runOnce()
    assert.equal(smtp.received.length, 1)
    s.close()
  })

  test('a message refused every time is given up after its attempts, with the waits doubling', async () => {
    smtp.respond = () => 451
    await queue()
    const s = sender()
    const waits: number[] = []
    for (let attempt = 1; attempt <= RETRY.maxAttempts; attempt++) {
      await s.runOnce()
      const [row] = await rows()
      assert.equal(row!.attempts, attempt)
      if (attempt < RETRY.maxAttempts) {
        assert.equal(row!.status, 'queued')
        waits.push(row!.next_attempt_at.getTime() - clock)
        clock = row!.next_attempt_at.getTime()
      } else {
        assert.equal(row!.status, 'failed')
        assert.match(row!.last_error ?? '', /451/)
      }
    }
    assert.deepEqual(waits, [60_000, 120_000])
    clock += 24 * 3_600_000
    await s.runOnce()
    assert.equal(smtp.offered, RETRY.maxAttempts)
    assert.equal(smtp.received.length, 0)
    s.close()
  })

  test('a permanent refusal (550) fails the message at once, without retrying', async () => {
    smtp.respond = () => 550
    await queue()
    const result = await sender().runOnce()
    assert.equal(result.failed, 1)
    const [row] = await rows()
    assert.equal(row!.status, 'failed')
    assert.equal(row!.attempts, 1)
    assert.match(row!.last_error ?? '', /550/)
  })

  test('an unreachable server: the message is kept and retried later', async () => {
    await queue()
    await smtp.close()
    const result = await sender().runOnce()
    assert.equal(result.retrying, 1)
    const [row] = await rows()
    assert.equal(row!.status, 'queued')
    assert.ok(row!.last_error)
    smtp = await startSmtpServer()
    clock = row!.next_attempt_at.getTime()
    assert.equal((await sender().runOnce()).sent, 1)
    assert.equal(smtp.received.length, 1)
  })
})

describe('queueing in the caller\'s transaction', () => {
  test('a message queued in a transaction that rolls back does not exist', async () => {
    await assert.rejects(ta.db.transaction(async (tx) => {
      const r = await queueMail(tx, { organisationId: orgId, to: 'a@council.example', subject: 'Rolled back', text: 'x', kind: 'test' })
      assert.ok(r.queued)
      throw new Error('the action failed')
    }), /the action failed/)
    assert.equal((await rows()).length, 0)
    assert.equal((await sender().runOnce()).sent, 0)
    assert.equal(smtp.offered, 0)
  })

  test('queueMail refuses the database handle itself (it needs the action\'s transaction)', async () => {
    await assert.rejects(queueMail(ta.db, { organisationId: orgId, to: 'a@council.example', subject: 'S', text: 'x', kind: 'test' }),
      MailOutsideTransactionError)
    assert.equal((await rows()).length, 0)
  })

  test('a subject over two lines is queued as one line, so no header can be smuggled in', async () => {
    await ta.db.transaction((tx) =>
      queueMail(tx, { organisationId: orgId, to: 'a@council.example', subject: 'One\r\nBcc: x@evil.example\u2028Two', text: 'x', kind: 'test' }))
    const [row] = await ta.db.query<{ subject: string }>('select subject from mail_outbox')
    assert.equal(row?.subject, 'One Bcc: x@evil.example Two', 'the line breaks became spaces')
    await ta.db.query('delete from mail_outbox')
  })

  test('bad input is refused: a bad address, a bad kind, an empty subject', async () => {
    for (const bad of [{ subject: ' \r\n ' }, { to: 'not an address' }, { kind: 'Bad Kind' }]) {
      await assert.rejects(ta.db.transaction((tx) =>
        queueMail(tx, { organisationId: orgId, to: 'a@council.example', subject: 'S', text: 'x', kind: 'test', ...bad })))
    }
    assert.equal((await rows()).length, 0)
  })

  test('a dedupe key queues one message per organisation, however often it is queued', async () => {
    assert.equal((await queue(ta.db, { dedupeKey: 'reminder:policy-1:2026-12' })).queued, true)
    assert.deepEqual(await queue(ta.db, { dedupeKey: 'reminder:policy-1:2026-12' }), { queued: false, reason: 'duplicate' })
    assert.equal((await queue(ta.db, { dedupeKey: 'reminder:policy-1:2026-12', organisationId: otherOrgId })).queued, true)
    assert.equal((await queue(ta.db, { dedupeKey: 'reminder:policy-1:2027-01' })).queued, true)
    assert.equal((await rows()).length, 3)
    // Sent messages keep their key: queueing it again still adds nothing.
    await sender().runOnce()
    assert.equal((await queue(ta.db, { dedupeKey: 'reminder:policy-1:2026-12' })).queued, false)
    assert.equal(smtp.received.length, 3)
  })
})

describe('claims', () => {
  test('a claimed message cannot be claimed again, and a stale claim can no longer start a send', async () => {
    await queue()
    await queue()
    const a = await ta.db.transaction((tx) => repo.claimDue(tx, now(), '00000000-0000-4000-8000-00000000000a', 10))
    assert.equal(a.length, 2)
    const b = await ta.db.transaction((tx) => repo.claimDue(tx, now(), '00000000-0000-4000-8000-00000000000b', 10))
    assert.equal(b.length, 0)
    // Process A starts handing over the first message, then stops (a crash) before recording the result.
    assert.equal(await repo.markStarted(ta.db, a[0]!.id, '00000000-0000-4000-8000-00000000000a', now()), true)

    // Within the lease nothing is touched.
    assert.equal((await sender().runOnce()).sent, 0)
    clock += 16 * 60_000
    const result = await sender().runOnce()
    assert.deepEqual(result.recovered, { requeued: 1, failed: 1 })
    assert.equal(result.sent, 1)
    const byId = new Map((await rows()).map((r) => [r.id, r]))
    const interrupted = byId.get(a[0]!.id)!
    assert.equal(interrupted.status, 'failed')
    assert.equal(interrupted.last_error, t('mail.error.interrupted'))
    const requeued = byId.get(a[1]!.id)!
    assert.equal(requeued.status, 'sent')
    assert.equal(requeued.attempts, 1)
    // The stopped process comes back: its claim is gone, so it may not start the other send.
    assert.equal(await repo.markStarted(ta.db, a[1]!.id, '00000000-0000-4000-8000-00000000000a', now()), false)
    assert.equal(smtp.received.length, 1)
  })

  test('a sender whose claim went stale mid-batch does not send what another sender took over', async () => {
    await queue()
    await queue()
    clock = Date.now() + 1000
    const real = smtpTransport(smtp.url)
    let tookOver = false
    // Sender A hands its first message over, then stalls past the lease; sender B recovers A's
    // claims meanwhile and sends A's second message. A then carries on with that second message.
    const stalling: MailTransport = {
      async sendMail(message) {
        const info = await real.sendMail(message)
        if (!tookOver) {
          tookOver = true
          clock += 16 * 60_000
          const b = await sender().runOnce()
          assert.deepEqual(b.recovered, { requeued: 1, failed: 1 })
          assert.equal(b.sent, 1)
        }
        return info
      },
    }
    await createMailSender({ db: ta.db, transport: stalling, from: FROM, retry: RETRY, now, batchSize: 2 }).runOnce()
    assert.equal(smtp.received.length, 2)
    assert.equal(new Set(smtp.received.map((m) => m.messageId)).size, 2)
  })

  test('two senders running at once on one database send each message exactly once', async () => {
    const count = 25
    for (let i = 0; i < count; i++) await queue()
    clock = Date.now() + 1000 // every message queued so far is due
    const results = await Promise.all([sender(ta.db, { batchSize: 3 }).runOnce(), sender(ta.db, { batchSize: 3 }).runOnce()])
    assert.equal(results[0].sent + results[1].sent, count)
    assert.equal(smtp.received.length, count)
    assert.equal(new Set(smtp.received.map((m) => m.messageId)).size, count)
    assert.ok((await rows()).every((r) => r.status === 'sent' && r.attempts === 1))
  })

  // On PostgreSQL (DATABASE_URL set): two pools, as two app processes would have, on one database.
  test('two processes on one PostgreSQL database never send one message twice', { skip: !process.env.DATABASE_URL }, async () => {
    const url = process.env.DATABASE_URL!
    const name = `aigov_mail_${Date.now().toString(36)}`
    const admin = new pg.Client({ connectionString: url })
    await admin.connect()
    await admin.query(`create database ${name}`)
    const u = new URL(url)
    u.pathname = `/${name}`
    const one = await openPostgres(u.toString())
    const two = await openPostgres(u.toString())
    try {
      await migrate(one)
      const org = await one.query<{ id: string }>("insert into organisations (slug, name) values ('pgford', 'Pgford') returning id")
      const count = 60
      for (let i = 0; i < count; i++) await queue(one, { organisationId: org[0]!.id })
      clock = Date.now() + 1000 // every message queued so far is due
      const results = await Promise.all([
        sender(one, { batchSize: 4 }).runOnce(), sender(two, { batchSize: 4 }).runOnce(),
        sender(one, { batchSize: 4 }).runOnce(), sender(two, { batchSize: 4 }).runOnce(),
      ])
      assert.equal(results.reduce((sum, r) => sum + r.sent, 0), count, JSON.stringify(results))
      assert.equal(smtp.received.length, count)
      assert.equal(new Set(smtp.received.map((m) => m.messageId)).size, count)
      assert.ok(results.filter((r) => r.sent > 0).length >= 2, 'both processes sent some')
    } finally {
      await one.close()
      await two.close()
      await admin.query(`drop database if exists ${name} with (force)`)
      await admin.end()
    }
  })
})
