// Builds the real application on a fresh database and gives tests a signed-in client that behaves
// like a browser: it keeps cookies and sends the CSRF token the pages hand out. Security stays on.
//
// The database is a fresh in-memory PGlite per app (or a new database on DATABASE_URL's server,
// for CI's PostgreSQL run). Starting PGlite runs initdb, which takes seconds, so the first app on
// a machine dumps a migrated data directory to node_modules/.cache and every later app starts
// from that snapshot (keyed by the PGlite version and every migration file's name and text, so a
// new or changed migration makes a new snapshot). `migrate` still runs on every app.
import assert from 'node:assert/strict'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { createHash, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import { buildApp } from '../../src/app.ts'
import { loadConfig } from '../../src/config.ts'
import { DEMO_PASSWORD, loadDemo } from '../../src/demo.ts'
import { loadCatalogue, type QuestionSetCatalogue } from '../../src/features/assessments/catalogue.ts'
import { type Db, openPglite, openPostgres, type Tx } from '../../src/platform/db/db.ts'
import { migrate, MIGRATIONS_DIR, migrationFiles } from '../../src/platform/db/migrate.ts'
import { t, type Vars } from '../../src/platform/i18n/i18n.ts'
import { createServices, type Services } from '../../src/services.ts'

export interface TestApp {
  app: FastifyInstance
  db: Db
  services: Services
  close(): Promise<void>
}

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

let snapshot: Promise<Blob> | undefined

/** A migrated, empty PGlite data directory: from the cache, or made (and cached) now. */
function migratedSnapshot(): Promise<Blob> {
  snapshot ??= (async () => {
    const file = join(CACHE_DIR, `pglite-${snapshotKey()}.tar`)
    if (existsSync(file)) return new Blob([readFileSync(file)])
    const p = await PGlite.create()
    await migrate(bare(p))
    const dump = await p.dumpDataDir('none')
    await p.close()
    mkdirSync(CACHE_DIR, { recursive: true })
    // Written aside and renamed, so a test process starting at the same time never reads half a file.
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`
    writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()))
    renameSync(tmp, file)
    // Snapshots of older migration sets are of no further use.
    for (const old of readdirSync(CACHE_DIR)) {
      if (/^pglite-[0-9a-f]{16}\.tar$/.test(old) && join(CACHE_DIR, old) !== file) rmSync(join(CACHE_DIR, old), { force: true })
    }
    return dump
  })()
  return snapshot
}

/**
 * With DATABASE_URL set, each test app gets its own new database on that server (created
 * here, dropped on close), so test files never see each other's rows.
 */
async function freshDb(fresh: boolean): Promise<{ db: Db; drop: () => Promise<void> }> {
  const url = process.env.DATABASE_URL
  if (!url) {
    const db = fresh ? await openPglite() : await openPglite(undefined, { loadDataDir: await migratedSnapshot() })
    return { db, drop: async () => undefined }
  }
  const name = `aigov_test_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  const u = new URL(url)
  u.pathname = `/${name}`
  const db = await openPostgres(u.toString())
  return {
    db,
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

export async function createTestApp(opts: TestAppOptions = { demo: true }): Promise<TestApp> {
  const { db, drop } = await freshDb(opts.fresh === true)
  await migrate(db)
  const config = { ...loadConfig({ NODE_ENV: 'test' }), databaseUrl: undefined }
  const questionSets = await (catalogue ??= loadCatalogue())
  const services = createServices(db, questionSets, config)
  if (opts.demo !== false) await loadDemo(db, services)
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

/** The value a form on the page holds for a field (an input's value or a textarea's text), or undefined. */
export function fieldValue(html: string, name: string): string | undefined {
  const n = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const textarea = new RegExp(`<textarea\\b[^>]*\\bname="${n}"[^>]*>([\\s\\S]*?)</textarea>`).exec(html)
  if (textarea) return unescapeHtml(textarea[1]!.replace(/^\n/, ''))
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
