// Builds the real application on a fresh database and gives tests a signed-in client that behaves
// like a browser: it keeps cookies and sends the CSRF token the pages hand out. Security stays on.
//
// The database is a fresh in-memory PGlite per app (or a new database on DATABASE_URL's server,
// for CI's PostgreSQL run). Each PGlite starts from the migrated snapshot (test/support/snapshot.ts)
// instead of running initdb, or with the demo data from a snapshot of it (see demoSnapshot);
// `migrate` still runs on every app.
import assert from 'node:assert/strict'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { buildApp } from '../../src/app.ts'
import { loadConfig } from '../../src/config.ts'
import { DEMO_PASSWORD, loadDemo } from '../../src/demo.ts'
import { loadCatalogue, type QuestionSetCatalogue } from '../../src/features/assessments/catalogue.ts'
import { type Db, openPglite, openPostgres } from '../../src/platform/db/db.ts'
import { migrate } from '../../src/platform/db/migrate.ts'
import { t, type Vars } from '../../src/platform/i18n/i18n.ts'
import { createServices, type Services } from '../../src/services.ts'
import { cachedSnapshot, demoSnapshotKey, dumpFolder, migratedSnapshot } from './snapshot.ts'

export interface TestApp {
  app: FastifyInstance
  db: Db
  services: Services
  close(): Promise<void>
}

let pgDemo: Promise<string> | undefined

/**
 * On DATABASE_URL's server, the name of a database holding the demo data, the PostgreSQL
 * counterpart of demoSnapshot: apps with the demo are copies of it (CREATE DATABASE … TEMPLATE,
 * a fraction of a second, where loading the demo takes seconds). Made by loadDemo once per server
 * and demoSnapshotKey, under an advisory lock as test processes start together, under a scratch
 * name renamed when complete.
 */
function demoTemplate(url: string): Promise<string> {
  pgDemo ??= (async () => {
    const name = `aigov_test_demo_${demoSnapshotKey()}`
    const admin = new pg.Client({ connectionString: url })
    await admin.connect()
    try {
      await admin.query('select pg_advisory_lock(727275)')
      if ((await admin.query('select 1 from pg_database where datname = $1', [name])).rowCount === 0) {
        const building = `aigov_test_building_${randomBytes(6).toString('hex')}`
        await admin.query(`create database ${building}`)
        const u = new URL(url)
        u.pathname = `/${building}`
        const db = await openPostgres(u.toString())
        try {
          await migrate(db)
          await loadDemo(db, createServices(db, await (catalogue ??= loadCatalogue()), testConfig()))
        } finally {
          await db.close()
        }
        await admin.query(`alter database ${building} rename to ${name}`)
        // Demo databases of other sources or days are of no further use (one still in use stays).
        const old = await admin.query<{ datname: string }>(
          "select datname from pg_database where datname like 'aigov\\_test\\_demo\\_%' and datname <> $1", [name])
        for (const { datname } of old.rows) await admin.query(`drop database if exists "${datname}"`).catch(() => undefined)
      }
    } finally {
      await admin.query('select pg_advisory_unlock(727275)').catch(() => undefined)
      await admin.end()
    }
    return name
  })()
  return pgDemo
}

/**
 * With DATABASE_URL set, each test app gets its own new database on that server (created
 * here, dropped on close), so test files never see each other's rows. (No template there:
 * running the migrations on a new database takes about 0.1 s, less than copying a template.)
 */
async function freshDb(fresh: boolean, demo: boolean): Promise<{ db: Db; drop: () => Promise<void>; withDemo: boolean }> {
  const url = process.env.DATABASE_URL
  if (!url) {
    if (fresh) return { db: await openPglite(), drop: async () => undefined, withDemo: false }
    const db = await openPglite(undefined, { loadDataDir: await (demo ? demoSnapshot() : migratedSnapshot()) })
    return { db, drop: async () => undefined, withDemo: demo }
  }
  const template = demo && !fresh ? await demoTemplate(url) : undefined
  const name = `aigov_test_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  await admin.query(`create database ${name}${template ? ` template ${template}` : ''}`)
  await admin.end()
  const u = new URL(url)
  u.pathname = `/${name}`
  const db = await openPostgres(u.toString())
  return {
    db,
    withDemo: template !== undefined,
    drop: async () => {
      const c = new pg.Client({ connectionString: url })
      await c.connect()
      await c.query(`drop database if exists ${name} with (force)`)
      await c.end()
    },
  }
}

let catalogue: Promise<QuestionSetCatalogue> | undefined

export interface TestAppOptions {
  /** Load the demo councils, people and register (default true). Most tests build their own data instead. */
  demo?: boolean
  /** Run initdb and every migration on a truly empty database, skipping the snapshot (the migration tests). */
  fresh?: boolean
}

const testConfig = () => ({ ...loadConfig({ NODE_ENV: 'test' }), databaseUrl: undefined })

let demo: Promise<Blob> | undefined

/**
 * On the embedded database, a migrated data directory holding the demo data, made by loadDemo
 * through the real services once per machine, day and source (demoSnapshotKey) and cached like
 * the migrated snapshot: loading the demo takes seconds (every demo login's password is hashed,
 * every entry goes through its workflow), and several test files and every browser test start
 * from it. On PostgreSQL, see demoTemplate.
 */
function demoSnapshot(): Promise<Blob> {
  demo ??= cachedSnapshot('demo', demoSnapshotKey(), async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aigov-demo-snapshot-'))
    try {
      const db = await openPglite(join(dir, 'db'), { loadDataDir: await migratedSnapshot() })
      try {
        await migrate(db)
        await loadDemo(db, createServices(db, await (catalogue ??= loadCatalogue()), testConfig()))
      } finally {
        await db.close()
      }
      return await dumpFolder(join(dir, 'db'))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }).then((file) => new Blob([readFileSync(file)]))
  return demo
}

export async function createTestApp(opts: TestAppOptions = { demo: true }): Promise<TestApp> {
  const { db, drop, withDemo } = await freshDb(opts.fresh === true, opts.demo !== false)
  await migrate(db)
  const config = testConfig()
  const questionSets = await (catalogue ??= loadCatalogue())
  const services = createServices(db, questionSets, config)
  if (opts.demo !== false && !withDemo) await loadDemo(db, services)
  const app = await buildApp({ config, db, questionSets })
  await app.ready()
  return {
    app, db, services,
    async close() {
      await app.close()
      await db.close()
      await drop()
    },
  }
}

type Form = Record<string, string | string[]>

/** Serialises a form the way a browser does (repeated names for checkboxes). */
export function encodeForm(form: Form): string {
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(form)) for (const item of Array.isArray(v) ? v : [v]) p.append(k, item)
  return p.toString()
}

export function csrfFrom(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html)
  if (!m) throw new Error('No CSRF token on the page')
  return m[1]!
}

/** A browser-like client: cookies kept, CSRF token picked up from pages. */
export class Client {
  cookies = new Map<string, string>()
  csrf = ''
  constructor(readonly app: FastifyInstance) {}

  private keep(res: LightMyRequestResponse) {
    for (const c of res.cookies) {
      if (c.value === '' || (c.expires && c.expires.getTime() < Date.now())) this.cookies.delete(c.name)
      else this.cookies.set(c.name, c.value)
    }
    const m = /name="_csrf" value="([^"]+)"/.exec(res.body)
    if (m) this.csrf = m[1]!
    return res
  }

  cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }

  async get(url: string, headers: Record<string, string> = {}) {
    return this.keep(await this.app.inject({ method: 'GET', url, headers: { cookie: this.cookieHeader(), ...headers } }))
  }

  /** Posts a form with this session's CSRF token (unless the form sets _csrf itself). */
  async post(url: string, form: Form = {}) {
    return this.keep(await this.app.inject({
      method: 'POST', url,
      headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
      payload: encodeForm({ _csrf: this.csrf, ...form }),
    }))
  }

  /** JSON API call on this session (sends x-csrf-token as the API requires for cookie sessions). */
  async api(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown) {
    return this.keep(await this.app.inject({
      method, url,
      headers: { cookie: this.cookieHeader(), 'x-csrf-token': this.csrf, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    }))
  }
}

/** Signs in through the real login form and returns the client. */
export async function signIn(app: FastifyInstance, email: string, password = DEMO_PASSWORD): Promise<Client> {
  const c = new Client(app)
  await c.get('/login')
  const res = await c.post('/login', { email, password })
  if (res.statusCode !== 303) throw new Error(`Sign-in as ${email} failed: ${res.statusCode}`)
  await c.get('/register')
  return c
}

/** Demo logins by council and role (only for tests whose subject is the demo data). */
export const as = {
  northmoor: (role: 'viewer' | 'contributor' | 'assessor' | 'board-member' | 'admin') => `${role}@northmoor.example`,
  riverside: (role: 'viewer' | 'contributor' | 'assessor' | 'board-member' | 'admin') => `${role}@riverside.example`,
}

/** The id of an entry by name (demo data, or an entry a test made). */
export async function entryId(db: Db, name: string): Promise<string> {
  const [row] = await db.query<{ id: string }>('select id from register_entries where name = $1', [name])
  if (!row) throw new Error(`No entry "${name}"`)
  return row.id
}

/** Text as a page shows it: HTML-escaped the way Nunjucks escapes it. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')
}

/** A message as a page shows it (through t(), then escaped), to look for in a response body. */
export function shown(key: string, vars?: Vars): string {
  return escapeHtml(t(key, vars))
}

function unescapeHtml(text: string): string {
  return text.replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')
}

/**
 * The value a form on the page holds for a field (an input's value, a textarea's text, the checked
 * radio's value or the selected option's), or undefined when the page has no such field.
 */
export function fieldValue(html: string, name: string): string | undefined {
  const n = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const textarea = new RegExp(`<textarea\\b[^>]*\\bname="${n}"[^>]*>([\\s\\S]*?)</textarea>`).exec(html)
  if (textarea) return unescapeHtml(textarea[1]!.replace(/^\n/, ''))
  const select = new RegExp(`<select\\b[^>]*\\bname="${n}"[^>]*>([\\s\\S]*?)</select>`).exec(html)
  if (select) {
    const chosen = /<option\b[^>]*\bvalue="([^"]*)"[^>]*\bselected\b/.exec(select[1]!)
    return chosen ? unescapeHtml(chosen[1]!) : ''
  }
  const radios = [...html.matchAll(new RegExp(`<input\\b[^>]*\\bname="${n}"[^>]*>`, 'g'))].filter((r) => /\btype="radio"/.test(r[0]))
  if (radios.length) {
    const checked = radios.find((r) => /\bchecked\b/.test(r[0]))
    const value = checked ? /\bvalue="([^"]*)"/.exec(checked[0]) : null
    return value ? unescapeHtml(value[1]!) : ''
  }
  const input = new RegExp(`<input\\b[^>]*\\bname="${n}"[^>]*>`).exec(html)
  if (!input) return undefined
  const value = /\bvalue="([^"]*)"/.exec(input[0])
  return value ? unescapeHtml(value[1]!) : ''
}

/**
 * Fails unless the page shows the message. (Every assert.ok in these tests carries a message:
 * without one, a failing assert.ok makes node parse the TypeScript source to describe it, which
 * takes minutes under tsx.)
 */
export function assertShows(body: string, key: string, vars?: Vars): void {
  const text = shown(key, vars)
  assert.ok(body.includes(text), `the page shows "${text}"`)
}

/** Parses RFC 4180 CSV (quoted cells may hold commas, quotes and line breaks) into rows of cells. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++ }
      else if (c === '"') quoted = false
      else cell += c
    } else if (c === '"' && cell === '') quoted = true
    else if (c === ',') { row.push(cell); cell = '' }
    else if (c === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++ }
    else cell += c
  }
  if (quoted) throw new Error('CSV ends inside a quoted cell')
  if (cell !== '' || row.length) { row.push(cell); rows.push(row) }
  return rows
}
