// The organisation dashboard at council scale (issue 12): one organisation with 5,000 register
// entries (every stage, tier and a dozen service areas, assessments, required actions, decisions
// with conditions, published records) and 5,000 staff (4,000 of whom acknowledged the policy in
// force). Times GET /dashboard and GET /dashboard/summary through app.inject; the target is a p95
// under 50 ms on the embedded database. Alone: `node --import tsx scripts/bench-dashboard.ts`.
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
import { signIn } from '../test/support/app.ts'

const ENTRIES = Number(process.env.BENCH_ENTRIES ?? 5000)
const STAFF = Number(process.env.BENCH_STAFF ?? 5000)
const RUNS = Number(process.env.BENCH_RUNS ?? 200)
const WARM_UP = 20
const PASSWORD = 'bench-password-2026'
const AREAS = ['Housing', 'Customer services', 'Planning', 'Adult social care', "Children's services", 'Waste', 'Revenues and benefits',
  'Highways', 'Democratic services', 'Libraries', 'Environmental health', 'Finance', 'Human resources', 'Legal services']
const STAGES = ['idea', 'proposed', 'under_assessment', 'awaiting_decision', 'approved', 'rejected', 'pilot', 'live', 'retired']
const TIERS = [null, 'low', 'medium', 'high', 'prohibited']

/** Median, p95 and max of elapsed time, and p95 of this process's CPU time, over RUNS requests (after WARM_UP unmeasured ones). */
async function measure(label: string, fn: () => Promise<{ statusCode: number }>): Promise<number> {
  for (let i = 0; i < WARM_UP; i++) await fn()
  const times: number[] = []
  const cpu: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const c = process.cpuUsage()
    const s = performance.now()
    const res = await fn()
    times.push(performance.now() - s)
    const used = process.cpuUsage(c)
    cpu.push((used.user + used.system) / 1000)
    if (res.statusCode !== 200) throw new Error(`${label}: HTTP ${res.statusCode}`)
  }
  const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!
  console.log(`| ${label} | ${pct(times, 50).toFixed(1)} | ${pct(times, 95).toFixed(1)} | ${pct(times, 100).toFixed(1)} | ${pct(cpu, 95).toFixed(1)} |`)
  return pct(times, 95)
}

/** Builds the organisation (bulk SQL; the policy through the services), then times the dashboard. Returns the p95 of GET /dashboard. */
export async function benchDashboard(app: FastifyInstance, db: Db, services: Services): Promise<number> {
  const org = await services.organisations.create({ slug: 'bench-dashboard', name: 'Benchmark Dashboard Council', contactEmail: null, websiteUrl: null, region: null })
  const person = async (email: string, roles: CurrentUser['roles']): Promise<CurrentUser> => {
    const { id } = await services.people.createAccount({ email, name: email.split('@')[0]!, password: PASSWORD, organisationId: org.id, roles })
    return { id, email, name: email, organisationId: org.id, organisationName: org.name, organisationSlug: org.slug, roles, via: 'session' }
  }
  const admin = await person('admin@bench-dashboard.example', ['admin'])
  const board = await person('board@bench-dashboard.example', ['board_member'])
  const viewer = await person('viewer@bench-dashboard.example', ['viewer'])
  const policy = await services.policies.adopt(admin, 'acceptable_use')
  await services.policies.submit(admin, policy.id)
  await services.policies.approve(board, policy.id, 'major')
  const today = new Date().toISOString().slice(0, 10)
  await services.policies.publish(admin, policy.id, { effectiveDate: today, reviewDate: `${Number(today.slice(0, 4)) + 1}-06-30` })

  const t0 = performance.now()
  await db.query(
    `insert into users (email, name, password_hash)
     select 'staff-' || g || '@bench-dashboard.example', 'Staff member ' || g, (select password_hash from users where id = $1)
     from generate_series(1, $2) g`, [admin.id, STAFF])
  await db.query(
    `insert into memberships (user_id, organisation_id, roles, service_area)
     select u.id, $1, array['staff'], ($2::text[])[1 + (substring(u.email from 'staff-([0-9]+)@')::int % $3)]
     from users u where u.email like 'staff-%@bench-dashboard.example'`, [org.id, AREAS, AREAS.length])
  await db.query(
    `insert into policy_acknowledgements (organisation_id, policy_id, version_id, user_id, version_major, version_minor)
     select $1, v.policy_id, v.id, u.id, v.version_major, v.version_minor
     from policy_versions v, users u
     where v.policy_id = $2 and v.status = 'in_force' and u.email like 'staff-%@bench-dashboard.example'
       and substring(u.email from 'staff-([0-9]+)@')::int <= $3`, [org.id, policy.id, Math.round(STAFF * 0.8)])
  // Entries: every stage, tier and service area; uses in service have review dates either side of today.
  await db.query(
    `insert into register_entries (organisation_id, name, purpose, service_area, owner, technique, personal_data, decision_role,
       people_affected, human_oversight, stage, risk_tier, next_review_date, created_by)
     select $1, 'Bench use ' || g, 'A use of AI for the benchmark.', ($2::text[])[1 + g % $3], 'Service manager', 'Machine learning',
       g % 3 = 0, (array['informs', 'assists', 'automates'])[1 + g % 3], 'Residents', 'A person checks every output.',
       ($4::text[])[1 + g % $5], ($6::text[])[1 + g % $7], current_date + ((g % 120) - 40), $8
     from generate_series(1, $9) g`,
    [org.id, AREAS, AREAS.length, STAGES, STAGES.length, TIERS, TIERS.length, admin.id, ENTRIES])
  // An assessment per entry (some submitted, some needing review), three required actions each.
  await db.query(
    `insert into assessments (organisation_id, entry_id, set_id, set_version, status, answers, submitted_by, submitted_at)
     select $1, e.id, 'screening', 1, (array['draft', 'submitted', 'signed_off', 'needs_review', 'returned'])[1 + (row_number() over ())::int % 5],
       '{}'::jsonb, $2, now()
     from register_entries e where e.organisation_id = $1`, [org.id, admin.id])
  await db.query(
    `insert into entry_actions (organisation_id, entry_id, action_key, level, text, status, owner, due_date, current)
     select $1, e.id, 'bench-' || k, (array['MUST', 'SHOULD', 'COULD'])[k], 'Action ' || k,
       (array['open', 'done', 'not_applicable'])[1 + (abs(hashtext(e.id::text)) + k) % 3], 'Service manager', current_date + (k * 20 - 30), true
     from register_entries e, generate_series(1, 3) k where e.organisation_id = $1`, [org.id])
  // Decisions with a condition each for the approved, pilot and live uses.
  await db.query(
    `insert into decisions (organisation_id, entry_id, outcome, rationale, decided_by, entry_name)
     select $1, e.id, 'approve_with_conditions', 'Benefits are clear.', $2, e.name
     from register_entries e where e.organisation_id = $1 and e.stage in ('approved', 'pilot', 'live')`, [org.id, board.id])
  await db.query(
    `insert into decision_conditions (organisation_id, decision_id, entry_id, text, status, due_date)
     select $1, d.id, d.entry_id, 'Check a sample each month', (array['open', 'submitted', 'met'])[1 + abs(hashtext(d.id::text)) % 3], current_date + (abs(hashtext(d.entry_id::text)) % 60 - 30)
     from decisions d where d.organisation_id = $1`, [org.id])
  // Records for two in three live uses, each published once.
  await db.query(
    `insert into transparency_records (organisation_id, entry_id, slug, fields)
     select $1, e.id, 'bench-' || e.id, '{}'::jsonb from register_entries e
     where e.organisation_id = $1 and e.stage = 'live' and abs(hashtext(e.id::text)) % 3 <> 0`, [org.id])
  await db.query(
    `insert into transparency_publications (organisation_id, record_id, version_no, standard_version, fields, published_by)
     select $1, r.id, 1, '3.0', '{}'::jsonb, $2 from transparency_records r where r.organisation_id = $1`, [org.id, admin.id])
  // Fresh statistics, as PostgreSQL's autovacuum would gather after a bulk insert (the embedded database has no autovacuum).
  await db.query('analyze')
  const seedMs = performance.now() - t0

  const c = await signIn(app, viewer.email, PASSWORD)
  const first = await c.get('/dashboard')
  if (first.statusCode !== 200 || !first.body.includes(`The register holds ${ENTRIES.toLocaleString('en-GB').replace(/,/g, '')} entries`)) {
    throw new Error(`the dashboard does not count ${ENTRIES} entries`)
  }
  console.log(`\nOrganisation dashboard: ${ENTRIES} register entries, ${STAFF} staff, seeded in ${seedMs.toFixed(0)} ms; ${WARM_UP} warm-up then ${RUNS} requests each.\n`)
  console.log(`Load average when the timings started: ${loadavg().map((l) => l.toFixed(1)).join(', ')} on ${availableParallelism()} CPUs.\n`)
  console.log('| request | median ms | p95 ms | max ms | p95 CPU ms |')
  console.log('| --- | --- | --- | --- | --- |')
  const p95 = await measure(`GET /dashboard (${ENTRIES} entries, ${STAFF} staff)`, () => c.get('/dashboard'))
  await measure('GET /dashboard/summary', () => c.get('/dashboard/summary'))
  console.log(`\nTarget: GET /dashboard p95 under 50 ms: ${p95 < 50 ? 'met' : 'NOT met'} (${p95.toFixed(1)} ms).`)
  return p95
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
  await benchDashboard(app, db, services)
  await app.close()
  await db.close()
}
