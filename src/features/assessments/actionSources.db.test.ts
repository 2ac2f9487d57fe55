/**
 * The migration to one action per key (202612020300_action_sources.sql) on data stored before it:
 * actions of one entry that now share a key become one, with every source, keeping the one most
 * worked on; an action whose words the migration does not know keeps a key of its own.
 */
import assert from 'node:assert/strict'
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { openPglite, type Db } from '../../platform/db/db.ts'
import { migrate, migrationFiles, MIGRATIONS_DIR } from '../../platform/db/migrate.ts'

const MINE = '202612020300_action_sources.sql'
const DPIA_OLD = "Complete a full DPIA, with the data protection officer's advice, before the tool is used."
const SCREENING_OLD = "Complete a full data protection impact assessment, with the data protection officer's advice, before the tool is used."

describe('migrating stored actions to one action per key', () => {
  let db: Db
  let dir: string
  let entryId: string

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'migrations-'))
    for (const f of migrationFiles().filter((f) => f < MINE)) copyFileSync(join(MIGRATIONS_DIR, f), join(dir, f))
    db = await openPglite()
    await migrate(db, dir)
    const [org] = await db.query<{ id: string }>("insert into organisations (slug, name) values ('testshire', 'Testshire') returning id")
    const [entry] = await db.query<{ id: string }>(
      `insert into register_entries (organisation_id, name, purpose, service_area, owner, technique, personal_data, decision_role,
         people_affected, human_oversight, stage)
       values ($1, 'Case notes', 'Summaries', 'adult_social_care', 'Head of service', 'llm', true, 'assists', 'residents', 'review', 'proposed')
       returning id`, [org!.id])
    entryId = entry!.id
    const insert = (setId: string, ruleId: string, text: string, extra: { status?: string; owner?: string; current?: boolean; at?: string } = {}) =>
      db.query<{ id: string }>(
        `insert into entry_actions (organisation_id, entry_id, set_id, rule_id, level, text, reason, source, status, owner, current, updated_at)
         values ($1, $2, $3, $4, 'MUST', $5, $6, $7, $8, $9, $10, $11) returning id`,
        [org!.id, entryId, setId, ruleId, text, `${ruleId} fired`, `source of ${ruleId}`, extra.status ?? 'open', extra.owner ?? null,
          extra.current ?? true, extra.at ?? '2026-11-01T00:00:00Z'])
    // The screening's and the DPIA screening's full DPIA (the DPIA one worked on, and later), and a retired duplicate.
    await insert('screening', 'dpia_data_matching', SCREENING_OLD)
    await insert('dpia', 'ico_data_matching', DPIA_OLD, { status: 'done', owner: 'DPO', at: '2026-11-20T00:00:00Z' })
    await insert('dpia', 'art35_3a_evaluation_with_significant_effect', DPIA_OLD, { current: false })
    // An action of one rule only, and one whose words the migration does not know.
    await insert('screening', 'article22_solely_automated',
      'Tell people that the decision is automated and explain in plain words how it is reached.')
    await insert('dpia', 'no_such_rule', 'Words from an older version.', { owner: 'Someone' })
    copyFileSync(join(MIGRATIONS_DIR, MINE), join(dir, MINE))
    assert.deepEqual(await migrate(db, dir), migrationFiles().filter((f) => f >= MINE && f <= MINE), 'the migration applies')
  })

  after(async () => {
    await db.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const actions = () => db.query<{ id: string; action_key: string; status: string; owner: string | null; current: boolean }>(
    'select id, action_key, status, owner, current from entry_actions where entry_id = $1 order by action_key', [entryId])
  const sources = (actionId: string) => db.query<{ set_id: string; rule_id: string; reason: string }>(
    'select set_id, rule_id, reason from entry_action_sources where action_id = $1 order by set_id, rule_id', [actionId])

  test('the full DPIA the screening and the DPIA screening asked for is one action, keeping the one worked on', async () => {
    const dpia = (await actions()).filter((a) => a.action_key === 'complete_dpia')
    assert.equal(dpia.length, 1, 'one action for the shared key')
    assert.deepEqual([dpia[0]!.status, dpia[0]!.owner, dpia[0]!.current], ['done', 'DPO', true], 'the status and owner of the one worked on are kept')
    assert.deepEqual((await sources(dpia[0]!.id)).map((s) => `${s.set_id}/${s.rule_id}`),
      ['dpia/ico_data_matching', 'screening/dpia_data_matching'], 'every current source moved to it; the retired one did not')
  })

  test("an action of one rule is keyed by its set, rule and place in the rule's actions", async () => {
    const keys = (await actions()).map((a) => a.action_key)
    assert.ok(keys.includes('screening.article22_solely_automated.2'), `keys: ${keys.join(', ')}`)
  })

  test('an action the migration does not know keeps a key of its own and its source', async () => {
    const unknown = (await actions()).find((a) => a.action_key.startsWith('dpia.no_such_rule.'))
    assert.ok(unknown, 'kept')
    assert.equal(unknown.owner, 'Someone', 'its owner is kept')
    assert.deepEqual((await sources(unknown.id)).map((s) => s.reason), ['no_such_rule fired'], 'its source is kept')
  })

  test('the old columns are gone and a key is unique per entry', async () => {
    const cols = await db.query<{ column_name: string }>(
      "select column_name from information_schema.columns where table_name = 'entry_actions' and column_name in ('set_id', 'rule_id', 'reason', 'source')")
    assert.deepEqual(cols, [], 'set, rule, reason and source live in entry_action_sources now')
    const [any] = await actions()
    await assert.rejects(
      db.query(`insert into entry_actions (organisation_id, entry_id, action_key, level, text)
        select organisation_id, entry_id, action_key, level, text from entry_actions where id = $1`, [any!.id]),
      /duplicate key|unique/, 'a second action with the same key is refused')
  })
})
