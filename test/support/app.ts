// Builds the real application on a fresh in-memory PGlite (or DATABASE_URL's server, for CI's
// PostgreSQL run) and gives tests a signed-in client that behaves like a browser: it keeps
// cookies and sends the CSRF token the pages hand out. Security stays on.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { randomBytes } from 'node:crypto'
import { buildApp } from '../../src/app.ts'
import { loadConfig } from '../../src/config.ts'
import { DEMO_PASSWORD, loadDemo } from '../../src/demo.ts'
import { loadCatalogue } from '../../src/features/assessments/catalogue.ts'
import { type Db, openPglite, openPostgres } from '../../src/platform/db/db.ts'
import { migrate } from '../../src/platform/db/migrate.ts'
import { createServices, type Services } from '../../src/services.ts'
import pg from 'pg'

export interface TestApp {
  app: FastifyInstance
  db: Db
  services: Services
  close(): Promise<void>
}

/**
 * With DATABASE_URL set, each test app gets its own new database on that server (created
 * here, dropped on close), so test files never see each other's rows.
 */
async function freshDb(): Promise<{ db: Db; drop: () => Promise<void> }> {
  const url = process.env.DATABASE_URL
  if (!url) {
    const db = await openPglite()
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

export async function createTestApp(opts: { demo?: boolean } = { demo: true }): Promise<TestApp> {
  const { db, drop } = await freshDb()
  await migrate(db)
  const config = { ...loadConfig({ NODE_ENV: 'test' }), databaseUrl: undefined }
  const questionSets = await loadCatalogue()
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

  private cookieHeader() {
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
  async api(method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown) {
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

/** Demo logins by council and role. */
export const as = {
  northmoor: (role: 'viewer' | 'contributor' | 'assessor' | 'board-member' | 'admin') => `${role}@northmoor.example`,
  riverside: (role: 'viewer' | 'contributor' | 'assessor' | 'board-member' | 'admin') => `${role}@riverside.example`,
}

/** The id of a demo entry by name, within its council. */
export async function entryId(db: Db, name: string): Promise<string> {
  const [row] = await db.query<{ id: string }>('select id from register_entries where name = $1', [name])
  if (!row) throw new Error(`No demo entry "${name}"`)
  return row.id
}
