// `aigov reminders` as an operator runs it, in its own process on an embedded database folder: it
// queues a reminder in the outbox for each person who has not acknowledged a staff policy in force
// for N days, says how many, and queues nothing more when run again; a bad --days is refused.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { runAigov, seedDataDir } from '../../../test/support/cli.ts'
import { loadCatalogue } from '../assessments/catalogue.ts'
import type { CurrentUser } from '../../platform/auth/store.ts'
import { openPglite } from '../../platform/db/db.ts'
import { migrate } from '../../platform/db/migrate.ts'
import { loadConfig } from '../../config.ts'
import { createServices } from '../../services.ts'

const dir = mkdtempSync(join(tmpdir(), 'aigov-reminders-cli-'))
after(() => rmSync(dir, { recursive: true, force: true }))

const aigov = (args: string[]) => runAigov(args, dir, { PUBLIC_BASE_URL: 'https://hub.example' })

describe('aigov reminders', () => {
  test('queues one reminder per person missing the policy, once; refuses a bad --days', async () => {
    await seedDataDir(dir) // a migrated folder, as `aigov migrate` leaves it, without initdb
    const db = await openPglite(dir)
    try {
      await migrate(db)
      const services = createServices(db, await loadCatalogue(), loadConfig({ NODE_ENV: 'test' }))
      const org = await services.organisations.create({ slug: 'remindshire', name: 'Remindshire Council', contactEmail: null, websiteUrl: null, region: null })
      const as = async (email: string, roles: CurrentUser['roles']): Promise<CurrentUser> => {
        const { id } = await services.people.createAccount({ email, name: email.split('@')[0]!, password: 'reminder-password-1', organisationId: org.id, roles })
        return { id, email, name: email, organisationId: org.id, organisationName: org.name, organisationSlug: org.slug, roles, via: 'session' }
      }
      const admin = await as('admin@remindshire.example', ['admin'])
      const board = await as('board@remindshire.example', ['board_member'])
      const done = await as('done@remindshire.example', ['staff'])
      await as('waiting@remindshire.example', ['staff'])
      const policy = await services.policies.adopt(admin, 'acceptable_use')
      await services.policies.submit(admin, policy.id)
      await services.policies.approve(board, policy.id, 'major')
      await services.policies.publish(admin, policy.id, { effectiveDate: '2026-01-05', reviewDate: '2027-01-05' })
      const [inForce] = await services.policies.acknowledgements.staffPolicies(done)
      await services.policies.acknowledgements.acknowledge(done, policy.id, inForce!.version.id)
    } finally {
      await db.close()
    }

    const bad = await aigov(['reminders', '--days', 'soon'])
    assert.equal(bad.code, 1, 'a bad --days is refused')
    assert.match(bad.err, /days/, bad.err)

    const notYet = await aigov(['reminders'])
    assert.equal(notYet.code, 0, notYet.err)
    assert.match(notYet.out, /Queued 0 reminders \(0 queued before\) for 0 policies in force for at least 14 days/, notYet.out)

    const first = await aigov(['reminders', '--days', '0'])
    assert.equal(first.code, 0, first.err)
    // admin, board member and the waiting member of staff; not the one who acknowledged.
    assert.match(first.out, /Queued 3 reminders \(0 queued before\) for 1 policy in force for at least 0 days/, first.out)
    const again = await aigov(['reminders', '--days', '0'])
    assert.equal(again.code, 0, again.err)
    assert.match(again.out, /Queued 0 reminders \(3 queued before\)/, again.out)

    const check = await openPglite(dir)
    try {
      const rows = await check.query<{ to_address: string; body_text: string }>("select to_address, body_text from mail_outbox where kind = 'reminder.acknowledgement' order by to_address")
      assert.deepEqual(rows.map((r) => r.to_address), ['admin@remindshire.example', 'board@remindshire.example', 'waiting@remindshire.example'], 'one each')
      assert.ok(rows.every((r) => r.body_text.includes('https://hub.example/policies-in-force/')), 'each links the policy')
    } finally {
      await check.close()
    }
  })
})
