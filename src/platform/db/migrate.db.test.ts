import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createTestApp } from '../../../test/support/app.ts'
import { migrate, migrationFiles } from './migrate.ts'

test('all migrations apply to an empty database, once', async () => {
  // A truly empty database (initdb, then every migration), not the tests' migrated snapshot.
  const t = await createTestApp({ demo: false, fresh: true })
  try {
    const applied = await t.db.query<{ name: string }>('select name from schema_migrations order by name')
    assert.deepEqual(applied.map((r) => r.name), migrationFiles())
    assert.deepEqual(await migrate(t.db), [], 'a second run applies nothing')
    const tables = await t.db.query<{ table_name: string }>(
      "select table_name from information_schema.tables where table_schema = current_schema() order by table_name",
    )
    for (const name of ['organisations', 'users', 'memberships', 'sessions', 'api_tokens', 'register_entries', 'audit_events',
      'entry_answers', 'assessments', 'decisions', 'decision_conditions', 'transparency_records', 'transparency_publications']) {
      assert.ok(tables.some((r) => r.table_name === name), name)
    }
  } finally {
    await t.close()
  }
})

test('migration files are named for ordering and are forward-only SQL', () => {
  const files = migrationFiles()
  assert.ok(files.length > 0, 'there are migrations')
  assert.deepEqual([...files].sort(), files)
})
