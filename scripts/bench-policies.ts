// Policy acknowledgement at council scale (issue 9): 5,000 staff, 4,000 of them having acknowledged
// the acceptable use policy in force. Times the coverage page, a member of staff's home page and
// the acknowledgement POST. Part of `npm run bench`; alone: `node --import tsx scripts/bench-policies.ts`.
import { availableParallelism, loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'
import { loadCatalogue } from '../src/features/assessments/catalogue.ts'
import type { CurrentUser } from '../src/platform/auth/store.ts'
import { type Db, openDb } from '../src/platform/db/db.ts'
import { migrate } from '../src/platform/db/migrate.ts'
import { createServices, type Services } from '../src/services.ts'
import { type Client, signIn } from '../test/support/app.ts'

const STAFF = Number(process.env.BENCH_STAFF ?? 5000)
const ACKNOWLEDGED = Number(process.env.BENCH_ACKNOWLEDGED ?? 4000)
const RUNS = Number(process.env.BENCH_RUNS ?? 100)
const PASSWORD = 'bench-password-2026'
const AREAS = ['Housing', 'Customer services', 'Planning', 'Adult social care', 'Children\'s services', 'Waste', 'Revenues and benefits', 'Highways']

type Measure = (label: string, fn: (i: number) => Promise<{ statusCode: number }>, expected?: number) => Promise<void>

/**
 * Times `fn` RUNS times and prints a table row: median, p95 and max of the elapsed time, and the p95
 * of the process's CPU time per request. The embedded database runs in this process, so CPU time is
 * the work one request costs, whatever else the machine is doing; elapsed time also counts waiting
 * for a busy CPU.
 */
export const measureRuns: Measure = async (label, fn, expected = 200) => {
  const times: number[] = []
  const cpu: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const c = process.cpuUsage()
    const s = performance.now()
    const res = await fn(i)
    times.push(performance.now() - s)
    const used = process.cpuUsage(c)
    cpu.push((used.user + used.system) / 1000)
    if (res.statusCode !== expected) throw new Error(`${label}: HTTP ${res.statusCode}`)
  }
  const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!.toFixed(1)
  console.log(`| ${label} | ${pct(times, 50)} | ${pct(times, 95)} | ${pct(times, 100)} | ${pct(cpu, 95)} |`)
}

/** A council of its own with its policy in force, 5,000 staff and 4,000 acknowledgements; then the timings. */
export async function benchPolicies(app: FastifyInstance, db: Db, services: Services, measure: Measure = measureRuns): Promise<void> {
  const org = await services.organisations.create({ slug: 'bench-staff', name: 'Benchmark Staff Council', contactEmail: null, websiteUrl: null, region: null })
  const person = async (email: string, roles: CurrentUser['roles']): Promise<CurrentUser> => {
    const { id } = await services.people.createAccount({ email, name: email.split('@')[0]!, password: PASSWORD, organisationId: org.id, roles })
    return { id, email, name: email, organisationId: org.id, organisationName: org.name, organisationSlug: org.slug, roles, via: 'session' }
  }
  const admin = await person('admin@bench-staff.example', ['admin'])
  const board = await person('board@bench-staff.example', ['board_member'])
  const policy = await services.policies.adopt(admin, 'acceptable_use')
  await services.policies.submit(admin, policy.id)
  await services.policies.approve(board, policy.id, 'major')
  const today = new Date().toISOString().slice(0, 10)
  await services.policies.publish(admin, policy.id, { effectiveDate: today, reviewDate: `${Number(today.slice(0, 4)) + 1}-06-30` })

  const t0 = performance.now()
  // Every bench account shares the admin's password hash (hashing 5,000 passwords would time scrypt, not this).
  await db.query(
    `insert into users (email, name, password_hash)
     select 'staff-' || g || '@bench-staff.example', 'Staff member ' || g, (select password_hash from users where id = $1)
     from generate_series(1, $2) g`, [admin.id, STAFF])
  await db.query(
    `insert into memberships (user_id, organisation_id, roles, service_area)
     select u.id, $1, array['staff'], ($2::text[])[1 + (substring(u.email from 'staff-([0-9]+)@')::int % $3)]
     from users u where u.email like 'staff-%@bench-staff.example'`, [org.id, AREAS, AREAS.length])
  await db.query(
    `insert into policy_acknowledgements (organisation_id, policy_id, version_id, user_id, version_major, version_minor)
     select $1, v.policy_id, v.id, u.id, v.version_major, v.version_minor
     from policy_versions v, users u
     where v.policy_id = $2 and v.status = 'in_force' and u.email like 'staff-%@bench-staff.example'
       and substring(u.email from 'staff-([0-9]+)@')::int <= $3`, [org.id, policy.id, ACKNOWLEDGED])
  // Fresh statistics, as PostgreSQL's autovacuum would gather after a bulk insert (the embedded database has no autovacuum).
  await db.query('analyze')
  const seedMs = performance.now() - t0

  const adminClient = await signIn(app, admin.email, PASSWORD)
  // People who have not acknowledged: one signs in for the home page; RUNS others acknowledge once each.
  const waiting = async (n: number): Promise<Client> => {
    const c = await signIn(app, `staff-${n}@bench-staff.example`, PASSWORD)
    await c.get('/home')
    return c
  }
  const homeClient = await waiting(STAFF)
  const ackers: Client[] = []
  for (let i = 0; i < RUNS; i++) ackers.push(await waiting(STAFF - 1 - i))
  const [version] = await db.query<{ id: string }>("select id from policy_versions where policy_id = $1 and status = 'in_force'", [policy.id])

  console.log(`\nPolicy acknowledgement: ${STAFF} staff in ${AREAS.length} service areas, ${ACKNOWLEDGED} acknowledgements, seeded in ${seedMs.toFixed(0)} ms; ${RUNS} requests each.\n`)
  console.log(`Load average when the timings started: ${loadavg().map((l) => l.toFixed(1)).join(', ')} on ${availableParallelism()} CPUs.\n`)
  console.log('| request | median ms | p95 ms | max ms | p95 CPU ms |')
  console.log('| --- | --- | --- | --- | --- |')
  await measure(`GET /policies/:id/coverage (${STAFF} people, by service area, first 100 missing)`, () => adminClient.get(`/policies/${policy.id}/coverage`))
  await measure('GET /policies/:id/coverage.csv (everyone)', () => adminClient.get(`/policies/${policy.id}/coverage.csv`))
  await measure('GET /home (staff, policy to acknowledge)', () => homeClient.get('/home'))
  await measure('POST acknowledge (tick: the confirmation page)', (i) =>
    ackers[i]!.post(`/policies-in-force/${policy.id}/acknowledge`, { versionId: version!.id, read: 'yes' }))
  await measure('POST acknowledge/confirm (record + audit: one transaction)', (i) =>
    ackers[i]!.post(`/policies-in-force/${policy.id}/acknowledge/confirm`, { versionId: version!.id, read: 'yes' }), 303)
  const [count] = await db.query<{ n: number }>('select count(*)::int as n from policy_acknowledgements where policy_id = $1', [policy.id])
  if (count!.n !== ACKNOWLEDGED + RUNS) throw new Error(`expected ${ACKNOWLEDGED + RUNS} acknowledgements, found ${count!.n}`)
}

// Alone: a fresh embedded database (or DATABASE_URL's server) with nothing else in it.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const config = { ...loadConfig({ NODE_ENV: 'test' }), databaseUrl: process.env.DATABASE_URL }
  const db = await openDb({ databaseUrl: config.databaseUrl })
  await migrate(db)
  const questionSets = await loadCatalogue()
  const services = createServices(db, questionSets, config)
  const app = await buildApp({ config, db, questionSets })
  await app.ready()
  console.log(`Database: ${db.kind}; in-process (app.inject).`)
  await benchPolicies(app, db, services)
  await app.close()
  await db.close()
}
