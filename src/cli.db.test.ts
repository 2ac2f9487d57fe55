// The command line as an operator runs it, in its own processes on an embedded database folder:
// no demo data in production (`demo load` refuses and exits non-zero; `serve --demo` serves
// without it and says why), demo data only into an empty database, and the start for real that
// the README gives (migrate, org create, user create --roles admin).
import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, describe, test } from 'node:test'
import { DEMO_PASSWORD, demoRefusal } from './demo.ts'
import { loadConfig } from './config.ts'
import { loadCatalogue } from './features/assessments/catalogue.ts'
import { openPglite } from './platform/db/db.ts'
import { createServices } from './services.ts'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const dirs: string[] = []
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

function dataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'aigov-cli-'))
  dirs.push(d)
  return d
}

const PRODUCTION = { NODE_ENV: 'production', SESSION_SECRET: 's'.repeat(40) }

function envFor(dir: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', ...extra }
  delete env.DATABASE_URL
  return env
}

function start(args: string[], dir: string, extra: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli.ts'), ...args], { cwd: root, env: envFor(dir, extra) })
}

async function run(args: string[], dir: string, extra: Record<string, string> = {}): Promise<{ code: number | null; out: string; err: string }> {
  const child = start(args, dir, extra)
  let out = ''
  let err = ''
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()))
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()))
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  return { code, out, err }
}

/** Starts `serve`, waits until it listens, and returns its address and what it printed. */
async function serve(args: string[], dir: string, extra: Record<string, string>) {
  const child = start(['serve', ...args], dir, extra)
  let out = ''
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${out}`)), 60_000)
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString()
      const m = /running at (http:\/\/[^\s]+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve(m[1]!)
      }
    })
    child.on('close', (code) => reject(new Error(`serve exited (${code}):\n${out}`)))
  })
  // Let the rest of the start-up lines arrive.
  await new Promise((r) => setTimeout(r, 300))
  const stop = async () => {
    const closed = new Promise((r) => child.on('close', r))
    child.kill('SIGTERM')
    await closed
  }
  return { url, output: () => out, stop }
}

// One database folder for the whole file, in the order an operator would meet it (each process
// start is slow: tsx, then PGlite opening the folder).
const dir = dataDir()
/** The administrator's password, printed once by `user create`. */
let password: string | undefined

describe('demo data and production', () => {
  test('the rule: never in production, only into an empty database', () => {
    assert.match(demoRefusal('production', 0)!, /not loaded in production/)
    assert.match(demoRefusal('development', 1)!, /only into an empty database/)
    assert.equal(demoRefusal('development', 0), null)
    assert.equal(demoRefusal('test', 0), null)
  })

  test('with NODE_ENV=production, `demo load` refuses, says why and exits non-zero', async () => {
    const res = await run(['demo', 'load'], dir, PRODUCTION)
    assert.equal(res.code, 1, res.out + res.err)
    assert.match(res.err, /Demo data is not loaded in production \(NODE_ENV=production\)/)
    assert.match(res.err, /org create/)
    assert.doesNotMatch(res.out + res.err, new RegExp(DEMO_PASSWORD))
  })

  test('with NODE_ENV=production, `serve --demo` serves without demo data and says why', async () => {
    const server = await serve(['--demo'], dir, PRODUCTION)
    try {
      assert.match(server.output(), /Not loading demo data\. Demo data is not loaded in production/)
      assert.doesNotMatch(server.output(), new RegExp(DEMO_PASSWORD), 'no demo password printed')
      const health = await fetch(`${server.url}/health`)
      assert.equal(health.status, 200)
      assert.equal(health.headers.get('strict-transport-security'), 'max-age=31536000; includeSubDomains')
      const login = await fetch(`${server.url}/login`)
      assert.equal(login.status, 200)
    } finally {
      await server.stop()
    }
  })
})

describe('starting for real', () => {
  test('create the organisation and its first administrator with the command line', async () => {
    const org = await run(['org', 'create', '--slug', 'newtown', '--name', 'Newtown Council', '--contact-email', 'ai@newtown.example'], dir, PRODUCTION)
    assert.equal(org.code, 0, org.err)
    assert.match(org.out, /Created organisation newtown/)

    const user = await run(['user', 'create', '--org', 'newtown', '--email', 'Admin@Newtown.example', '--name', 'Nia Admin', '--roles', 'admin'], dir, PRODUCTION)
    assert.equal(user.code, 0, user.err)
    assert.match(user.out, /Created admin@newtown\.example in newtown with roles admin/)
    password = /Password: (\S+)/.exec(user.out)?.[1]
    assert.ok(password, 'a generated password is printed once')
  })

  test('outside production too, demo data goes only into an empty database', async () => {
    const load = await run(['demo', 'load'], dir, { NODE_ENV: 'development' })
    assert.equal(load.code, 1, load.out + load.err)
    assert.match(load.err, /only into an empty database, and this one already has 1 organisation/)
  })

  test('the database holds the one real organisation, no demo council, and the administrator can sign in', async () => {
    const db = await openPglite(dir)
    try {
      const services = createServices(db, await loadCatalogue(), loadConfig({ NODE_ENV: 'test' }))
      assert.equal(await services.organisations.count(), 1)
      assert.equal(await services.organisations.bySlug('northmoor'), null)
      const signedIn = await services.auth.signIn({ email: 'admin@newtown.example', password: password!, address: '127.0.0.1', device: null })
      assert.equal(signedIn.ok, true)
      const demo = await services.auth.signIn({ email: 'admin@northmoor.example', password: DEMO_PASSWORD, address: '127.0.0.1', device: null })
      assert.equal(demo.ok, false)
    } finally {
      await db.close()
    }
  })
})
