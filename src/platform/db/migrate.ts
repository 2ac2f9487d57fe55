import { z } from 'zod'
import { many } from './rows.ts'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Db } from './db.ts'

export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../../migrations')

/** Migration files are plain SQL named `YYYYMMDDHHMM_title.sql`, applied once each, in name order. */
export function migrationFiles(dir = MIGRATIONS_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => /^\d{12}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
}

/**
 * Applies every migration not yet applied, forward-only, all in one transaction.
 * Several app processes may start together against one server: the advisory lock lets one
 * apply the files while the others wait, then find nothing left to do.
 */
export async function migrate(db: Db, dir = MIGRATIONS_DIR): Promise<string[]> {
  return db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock(727274)')
    await tx.exec(`create table if not exists schema_migrations (
      name text primary key,
      applied_at timestamptz not null default now()
    )`)
    const applied = new Set(
      (await many(tx, z.object({ name: z.string() }), 'select name from schema_migrations')).map((r) => r.name),
    )
    const done: string[] = []
    for (const file of migrationFiles(dir)) {
      if (applied.has(file)) continue
      try {
        await tx.exec(readFileSync(join(dir, file), 'utf8'))
      } catch (err) {
        throw new Error(`Migration ${file} failed: ${(err as Error).message}`, { cause: err })
      }
      await tx.query('insert into schema_migrations (name) values ($1)', [file])
      done.push(file)
    }
    return done
  })
}
