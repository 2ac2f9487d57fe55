// The migrated snapshot the tests start their embedded databases from. Starting PGlite on an empty
// folder runs initdb, and then every migration, which takes seconds; so the first test process on a
// machine dumps a migrated, empty data directory to node_modules/.cache/aigov-test and every later
// database starts from that (keyed by the PGlite version and every migration file's name and text,
// so a new or changed migration makes a new snapshot). test/support/app.ts loads it into in-memory
// databases; test/support/cli.ts unpacks it into the folders it gives `aigov`.
import { createHash, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PGlite } from '@electric-sql/pglite'
import type { Db, Tx } from '../../src/platform/db/db.ts'
import { migrate, MIGRATIONS_DIR, migrationFiles } from '../../src/platform/db/migrate.ts'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..')
const CACHE_DIR = join(ROOT, 'node_modules/.cache/aigov-test')

/** What the snapshot depends on: PGlite's version and every migration, by name and content. */
function snapshotKey(): string {
  const h = createHash('sha256')
  const pgliteVersion = (JSON.parse(readFileSync(join(ROOT, 'node_modules/@electric-sql/pglite/package.json'), 'utf8')) as { version: string }).version
  h.update(`pglite ${pgliteVersion}\n`)
  for (const file of migrationFiles()) h.update(`${file}\n${readFileSync(join(MIGRATIONS_DIR, file), 'utf8')}\n`)
  return h.digest('hex').slice(0, 16)
}

/** The Db shape `migrate` needs, over a bare PGlite (whose data directory can then be dumped). */
function bare(p: PGlite): Db {
  const tx = (q: Pick<PGlite, 'query' | 'exec'>): Tx => ({
    query: async <T>(sql: string, params: unknown[] = []) => (await q.query<T>(sql, params)).rows,
    exec: async (sql: string) => { await q.exec(sql) },
  })
  return {
    kind: 'pglite', ...tx(p),
    transaction: (fn) => p.transaction((t) => fn(tx(t))),
    close: () => p.close(),
  }
}

/**
 * The cache file `${kind}-${key}.tar`: there already, or made now by `make` (a data directory as
 * PGlite dumps it). Test processes start together, so one makes it (holding the folder
 * `….tar.making`) while the others wait for it; a lock left by a process that died is taken over
 * after two minutes. Written aside and renamed, so nobody reads half a file. Files of the same
 * kind with other keys are of no further use and go.
 */
export async function cachedSnapshot(kind: string, key: string, make: () => Promise<Blob>): Promise<string> {
  const file = join(CACHE_DIR, `${kind}-${key}.tar`)
  const lock = `${file}.making`
  mkdirSync(CACHE_DIR, { recursive: true })
  while (!existsSync(file)) {
    try {
      mkdirSync(lock)
    } catch {
      const since = (() => { try { return statSync(lock).mtimeMs } catch { return Date.now() } })()
      if (Date.now() - since > 120_000) rmSync(lock, { recursive: true, force: true })
      await new Promise((resolve) => setTimeout(resolve, 200))
      continue
    }
    try {
      const dump = await make()
      const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`
      writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()))
      renameSync(tmp, file)
    } finally {
      rmSync(lock, { recursive: true, force: true })
    }
    const same = new RegExp(`^${kind}-[0-9a-f]{16}\\.tar$`)
    for (const old of readdirSync(CACHE_DIR)) {
      if (same.test(old) && join(CACHE_DIR, old) !== file) rmSync(join(CACHE_DIR, old), { force: true })
    }
  }
  return file
}

let snapshotFile: Promise<string> | undefined

/**
 * The file holding a migrated, empty PGlite data directory: from the cache, or made (and cached)
 * now. test/support/cli.ts unpacks it into the folders it gives aigov.
 */
export function migratedSnapshotFile(): Promise<string> {
  snapshotFile ??= cachedSnapshot('pglite', snapshotKey(), async () => {
    const p = await PGlite.create()
    await migrate(bare(p))
    const dump = await p.dumpDataDir('none')
    await p.close()
    return dump
  })
  return snapshotFile
}

let snapshot: Promise<Blob> | undefined

/** The migrated snapshot, read once per process. */
export function migratedSnapshot(): Promise<Blob> {
  snapshot ??= migratedSnapshotFile().then((file) => new Blob([readFileSync(file)]))
  return snapshot
}

/**
 * What a snapshot with the demo data loaded depends on, besides the migrations: every file the
 * app is made of (src, except its tests, and content), the installed packages (package-lock.json)
 * and the day, as the demo's dates are relative to today.
 */
export function demoSnapshotKey(): string {
  const h = createHash('sha256')
  h.update(`${snapshotKey()}\n${new Date().toISOString().slice(0, 10)}\n`)
  for (const top of ['src', 'content']) {
    const files = readdirSync(join(ROOT, top), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && !e.name.endsWith('.test.ts'))
      .map((e) => join(e.parentPath, e.name))
      .sort()
    for (const file of files) h.update(`${file}\n`).update(readFileSync(file))
  }
  h.update(readFileSync(join(ROOT, 'package-lock.json')))
  return h.digest('hex').slice(0, 16)
}

/** A dumped data directory on disk (PGlite resumes it), as a Blob to cache. */
export async function dumpFolder(dataDir: string): Promise<Blob> {
  const p = await PGlite.create(dataDir)
  try {
    return await p.dumpDataDir('none')
  } finally {
    await p.close()
  }
}
