// `aigov mail send` as an operator runs it, in its own process on an embedded database folder:
// without SMTP settings it sends nothing, says the outbox is kept and how many wait (exit 0);
// with them it delivers once to a real SMTP server and says how many were sent, failed and left.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { runAigov, seedDataDir } from '../../../test/support/cli.ts'
import { openPglite } from '../db/db.ts'
import { migrate } from '../db/migrate.ts'
import { queueMail } from './outbox.ts'
import { startSmtpServer } from './smtpTestServer.ts'

const dir = mkdtempSync(join(tmpdir(), 'aigov-mail-cli-'))
after(() => rmSync(dir, { recursive: true, force: true }))

const aigov = (args: string[], extra: Record<string, string> = {}) => runAigov(args, dir, extra)

describe('aigov mail send', () => {
  test('keeps the outbox without SMTP settings, then delivers it once when they are set', async () => {
    await seedDataDir(dir) // a migrated folder, as `aigov migrate` leaves it, without initdb
    const db = await openPglite(dir)
    try {
      await migrate(db)
      const [org] = await db.query<{ id: string }>("insert into organisations (slug, name) values ('clishire', 'Clishire Council') returning id")
      await db.transaction(async (tx) => {
        for (const to of ['ada@clishire.example', 'nobody@clishire.example']) {
          await queueMail(tx, { organisationId: org!.id, to, subject: `For ${to}`, text: 'Hello', kind: 'test' })
        }
      })
    } finally {
      await db.close()
    }

    const kept = await aigov(['mail', 'send'])
    assert.equal(kept.code, 0, kept.err)
    assert.match(kept.out, /SMTP_URL is not set, so no e-mail was sent and the outbox is kept: 2 waiting, 0 failed\./)

    const smtp = await startSmtpServer((m) => (m.to.includes('nobody@clishire.example') ? 550 : null))
    try {
      const smtpEnv = { SMTP_URL: smtp.url, MAIL_FROM: 'Clishire AI <ai@clishire.example>' }
      const sent = await aigov(['mail', 'send'], smtpEnv)
      assert.equal(sent.code, 0, sent.err)
      assert.match(sent.out, /Sent 1, failed 1, to retry later 0; 0 left in the outbox\./)
      assert.equal(smtp.received.length, 1)
      assert.deepEqual(smtp.received[0]!.to, ['ada@clishire.example'])

      const missingFrom = await aigov(['mail', 'send'], { SMTP_URL: smtp.url })
      assert.equal(missingFrom.code, 1)
      assert.match(missingFrom.err, /MAIL_FROM must be set when SMTP_URL is set/)
    } finally {
      await smtp.close()
    }
  })
})
