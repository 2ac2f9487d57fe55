import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, normalize, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { migratedSnapshotFile } from './snapshot.ts'

export interface CliResult {
  code: number | null
  out: string
  err: string
}

const root = join(dirname(fileURLToPath(import.meta.url)), '../..')

/**
 * Makes `dataDir` an embedded database folder that has every migration applied and no rows, the
 * state `aigov migrate` leaves a new folder in, by unpacking the tests' migrated snapshot (see
 * test/support/app.ts) instead of running initdb and the migrations: those take several seconds
 * per folder. A folder that already holds a database is left as it is. (src/cli.db.test.ts starts
 * from an empty folder, so the first start for real is still tested.)
 */
export async function seedDataDir(dataDir: string): Promise<void> {
  if (existsSync(join(dataDir, 'PG_VERSION'))) return
  mkdirSync(dataDir, { recursive: true })
  untar(readFileSync(await migratedSnapshotFile()), dataDir)
}

/** Unpacks a tar of plain files and folders (what PGlite's dumpDataDir writes) into `into`. */
function untar(tar: Buffer, into: string): void {
  const text = (from: number, length: number) => {
    const field = tar.subarray(from, from + length)
    const end = field.indexOf(0)
    return field.subarray(0, end === -1 ? length : end).toString('utf8')
  }
  for (let at = 0; at + 512 <= tar.length;) {
    const name = text(at, 100)
    if (!name) break // the two zero blocks that end the archive
    const size = parseInt(text(at + 124, 12).trim() || '0', 8)
    const type = text(at + 156, 1) || '0'
    const mode = parseInt(text(at + 100, 8).trim() || '0', 8) & 0o777
    const path = normalize(join(into, name.replace(/^\/+/, '')))
    if (path !== into && !path.startsWith(into + sep)) throw new Error(`The snapshot names a path outside the folder: ${name}`)
    if (type === '5') mkdirSync(path, { recursive: true, mode: mode || 0o700 })
    else if (type === '0') {
      mkdirSync(dirname(path), { recursive: true })
      writeFileSync(path, tar.subarray(at + 512, at + 512 + size), { mode: mode || 0o600 })
    } else throw new Error(`The snapshot holds an entry of tar type "${type}" (${name}), which this unpacker does not know`)
    at += 512 + Math.ceil(size / 512) * 512
  }
}

/**
 * Runs `aigov <args>` as its own process on the embedded database in `dataDir`, the way an
 * operator would. A folder with no database yet is first seeded with the migrated snapshot (see
 * seedDataDir). DATABASE_URL, SMTP_URL and MAIL_FROM are dropped from the environment unless
 * `env` sets them, so a test never reaches a real server by accident.
 */
export async function runAigov(args: string[], dataDir: string, env: Record<string, string> = {}): Promise<CliResult> {
  await seedDataDir(dataDir)
  const childEnv: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, NODE_ENV: 'test' }
  for (const name of ['DATABASE_URL', 'SMTP_URL', 'MAIL_FROM']) delete childEnv[name]
  Object.assign(childEnv, env)
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli.ts'), ...args], { cwd: root, env: childEnv })
  let out = ''
  let err = ''
  child.stdout.on('data', (d: Buffer) => { out += d.toString() })
  child.stderr.on('data', (d: Buffer) => { err += d.toString() })
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out, err })))
}
