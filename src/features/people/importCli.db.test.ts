// `aigov staff import --org SLUG FILE` as an operator runs it, in its own processes on an embedded
// database folder: a bad file prints the report and exits 1 with nothing imported; a good file
// prints how many were added, changed and unchanged (exit 0); the same file again changes nothing.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { runAigov } from '../../../test/support/cli.ts'
import { openPglite } from '../../platform/db/db.ts'
import { EXAMPLE_CSV } from './staffCsv.ts'

const dir = mkdtempSync(join(tmpdir(), 'aigov-staff-cli-'))
after(() => rmSync(dir, { recursive: true, force: true }))

const aigov = (args: string[]) => runAigov(args, join(dir, 'db'))

describe('aigov staff import', () => {
  test('reports a bad file and exits 1, imports a good one, and a re-run changes nothing', async () => {
    const good = join(dir, 'staff.csv')
    const bad = join(dir, 'bad.csv')
    writeFileSync(good, EXAMPLE_CSV)
    writeFileSync(bad, 'name,email,service area\r\nAmina Patel,not-an-address,Care\r\nTom,tom@example.gov.uk,Care\r\nTom Again,TOM@example.gov.uk,Care\r\n')

    const org = await aigov(['org', 'create', '--slug', 'cliford', '--name', 'Cliford Council'])
    assert.equal(org.code, 0, org.err)

    const refused = await aigov(['staff', 'import', '--org', 'cliford', bad])
    assert.equal(refused.code, 1, `a bad file exits 1: ${refused.out}`)
    assert.match(refused.err, /2 rows in the file need correcting\. Nothing has been imported\./, refused.err)
    assert.match(refused.err, /line 2: Enter an e-mail address in the correct format/, 'names line 2 and why')
    assert.match(refused.err, /line 4: This e-mail address is already on line 3/, 'names line 4 and why')

    const noOrg = await aigov(['staff', 'import', '--org', 'nowhere', good])
    assert.equal(noOrg.code, 1, 'an unknown organisation exits 1')
    assert.match(noOrg.err, /No organisation with slug "nowhere"/, noOrg.err)

    const done = await aigov(['staff', 'import', '--org', 'cliford', good])
    assert.equal(done.code, 0, done.err)
    assert.match(done.out, /Imported into Cliford Council: 3 people added, 0 people changed, 0 people unchanged\./, done.out)

    const again = await aigov(['staff', 'import', '--org', 'cliford', good])
    assert.equal(again.code, 0, again.err)
    assert.match(again.out, /0 people added, 0 people changed, 3 people unchanged/, again.out)

    const db = await openPglite(join(dir, 'db'))
    try {
      const [row] = await db.query<{ members: number; mails: number }>(
        `select (select count(*)::int from memberships) as members, (select count(*)::int from mail_outbox where kind = 'invitation') as mails`)
      assert.deepEqual(row, { members: 3, mails: 3 }, 'three people, three invitations, nothing from the bad file')
    } finally {
      await db.close()
    }
  })
})
