// The sector benchmark over 400 organisations (issue 12 §5 speed): p95 of the computation (the
// benchmark service: participants, filters, every metric's SQL aggregate, the threshold) and of
// the page (GET /benchmark through the app, in-process), on the embedded database unless
// DATABASE_URL is set. The data is bulk SQL, realistic in size: 400 councils of five types in four
// nations, 360 taking part, 60 to 1,200 staff each, acceptable-use policies in force with 20–95%
// acknowledged, boards, published ATRS records and one to four maturity assessments each.
//
//   tsx scripts/bench-benchmark.ts            (BENCH_RUNS=200 BENCH_ORGS=400 to change the sizes)
//
// Prints Markdown tables; the figures go into docs/benchmarks.md by hand.
import { performance } from 'node:perf_hooks'
import { buildApp } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'
import { loadCatalogue } from '../src/features/assessments/catalogue.ts'
import { openDb } from '../src/platform/db/db.ts'
import { migrate } from '../src/platform/db/migrate.ts'
import { createServices } from '../src/services.ts'
import { signIn } from '../test/support/app.ts'

const ORGS = Number(process.env.BENCH_ORGS ?? 400)
const RUNS = Number(process.env.BENCH_RUNS ?? 200)
const WARM_UP = 20

const config = { ...loadConfig({ NODE_ENV: 'test' }), databaseUrl: process.env.DATABASE_URL }
const db = await openDb({ databaseUrl: config.databaseUrl })
await migrate(db)
const questionSets = await loadCatalogue()
const services = createServices(db, questionSets, config)

const t0 = performance.now()
let lap = t0
/** Seeding progress on stderr, so the Markdown on stdout stays clean. */
const step = (what: string) => {
  const now = performance.now()
  process.stderr.write(`  seeded ${what} in ${((now - lap) / 1000).toFixed(1)} s\n`)
  lap = now
}
// Organisations: five types, four nations (England most), numbered slugs.
await db.query(`insert into organisations (slug, name, organisation_type, nation, region)
  select 'bench-council-' || g, 'Bench Council ' || g,
    (array['District council','County council','Unitary authority','Metropolitan borough','London borough'])[1 + g % 5],
    case when g % 10 < 7 then 'england' when g % 10 = 7 then 'scotland' when g % 10 = 8 then 'wales' else 'northern_ireland' end,
    'Region ' || (g % 9)
  from generate_series(1, $1::int) g`, [ORGS])
step('organisations')
// Staff: 60 to 1,200 people each (about 250,000 in all), one in forty no longer active.
await db.query(`insert into users (email, name, password_hash)
  select 'p' || g || '-' || n || '@bench.example', 'Person ' || n, 'x'
  from generate_series(1, $1::int) g, generate_series(1, 60 + (g * 7919) % 1141) n`, [ORGS])
step('users')
await db.query(`insert into memberships (user_id, organisation_id, roles, active, service_area)
  select u.id, o.id, array['staff'], (hashtext(u.email) % 40) <> 0,
    (array['Housing','Planning','Waste','Benefits','Highways','Adult social care'])[1 + abs(hashtext(u.email)) % 6]
  from users u join organisations o on o.slug = 'bench-council-' || split_part(substr(u.email, 2), '-', 1)
  where u.email like '%@bench.example'`)
step('memberships')
// 360 of 400 take part.
await db.query(`insert into benchmark_participants (organisation_id)
  select id from organisations where slug like 'bench-council-%' and (substr(slug, 15)::int % 10) <> 3`)
step('participants')
// Three in four have an acceptable-use policy in force (version 1.0 or 2.0).
await db.query(`insert into policies (organisation_id, slug, kind)
  select id, 'acceptable-use', 'acceptable_use' from organisations where slug like 'bench-council-%' and (substr(slug, 15)::int % 4) <> 0`)
await db.query(`insert into policy_versions (organisation_id, policy_id, number, status, title, body, version_major, version_minor,
    published_body, effective_date, review_date, published_at)
  select p.organisation_id, p.id, 1, 'in_force', 'Acceptable use of AI', 'Body', 1 + (substr(o.slug, 15)::int % 2), 0, 'Body',
    current_date - 30, current_date + 335, now() - interval '30 days'
  from policies p join organisations o on o.id = p.organisation_id where o.slug like 'bench-council-%'`)
step('policies')
// 20% to 95% of each organisation's people acknowledged it.
await db.query(`insert into policy_acknowledgements (organisation_id, policy_id, version_id, user_id, version_major, version_minor)
  select v.organisation_id, v.policy_id, v.id, m.user_id, v.version_major, 0
  from policy_versions v join organisations o on o.id = v.organisation_id
  join memberships m on m.organisation_id = v.organisation_id
  where o.slug like 'bench-council-%' and v.status = 'in_force'
    and abs(hashtext(m.user_id::text)) % 100 < 20 + (substr(o.slug, 15)::int * 13) % 76`)
step('acknowledgements')
// Three in five have a board.
await db.query(`insert into boards (organisation_id, name, purpose, cadence, reporting_line, decision_types, quorum)
  select id, 'AI board', 'Decides on uses of AI', 'monthly', 'Cabinet', array['approved'], '{"minPresent": 3, "mustInclude": []}'
  from organisations where slug like 'bench-council-%' and (substr(slug, 15)::int % 5) < 3`)
step('boards')
// Published ATRS records: none for a third, up to 30 for the others (about 4,000 in all).
await db.query(`insert into register_entries (organisation_id, name, purpose, service_area, owner, technique, personal_data,
    decision_role, people_affected, human_oversight, stage)
  select o.id, 'Bench tool ' || n, 'Purpose', 'Housing', 'Owner', 'Classifier', false, 'informs', 'Residents', 'Officer review', 'live'
  from organisations o, generate_series(1, 30) n
  where o.slug like 'bench-council-%' and (substr(o.slug, 15)::int % 3) <> 0 and n <= 1 + (substr(o.slug, 15)::int * 7) % 30`)
await db.query(`insert into transparency_records (organisation_id, entry_id, slug, fields)
  select e.organisation_id, e.id, 'tool-' || e.id, '{}' from register_entries e where e.name like 'Bench tool %'`)
await db.query(`insert into transparency_publications (organisation_id, record_id, version_no, standard_version, fields, published_by)
  select r.organisation_id, r.id, 1, '3.0', '{"name": "Bench tool"}', (select id from users limit 1)
  from transparency_records r join register_entries e on e.id = r.entry_id where e.name like 'Bench tool %'`)
step('published records')
// Maturity: nine in ten assessed, one to four times, scores drifting upwards.
await db.query(`insert into maturity_assessments (organisation_id, model_version, submitted_at)
  select o.id, 1, now() - (k * interval '90 days')
  from organisations o, generate_series(0, 3) k
  where o.slug like 'bench-council-%' and (substr(o.slug, 15)::int % 10) <> 5 and k <= substr(o.slug, 15)::int % 4`)
const dimensions = services.maturity.model().dimensions.map((d) => d.id)
await db.query(`insert into maturity_scores (assessment_id, organisation_id, dimension, score, evidence)
  select a.id, a.organisation_id, d, 1 + abs(hashtext(a.id::text || d)) % 5, 'Evidence'
  from maturity_assessments a, unnest($1::text[]) d`, [dimensions])
step('maturity')
await db.query('analyze')
const seedMs = performance.now() - t0

const counts = (await db.query<Record<string, number>>(`select
  (select count(*)::int from organisations) as organisations, (select count(*)::int from benchmark_participants) as participants,
  (select count(*)::int from memberships) as memberships, (select count(*)::int from policy_acknowledgements) as acknowledgements,
  (select count(*)::int from transparency_publications) as publications, (select count(*)::int from maturity_scores) as scores`))[0]!

// A signed-in person in a council that takes part, made through the services as the CLI does.
const home = (await db.query<{ id: string }>("select id from organisations where slug = 'bench-council-1'"))[0]!
const password = 'bench-password-2026'
const { id: userId } = await services.people.createAccount({ organisationId: home.id, email: 'admin@bench-council-1.example', name: 'Bench Admin', password, roles: ['admin'] })
const [org] = await db.query<{ name: string; slug: string }>('select name, slug from organisations where id = $1', [home.id])
const user = {
  id: userId, email: 'admin@bench-council-1.example', name: 'Bench Admin', organisationId: home.id, organisationName: org!.name,
  organisationSlug: org!.slug, roles: ['admin' as const], via: 'session' as const,
}

const app = await buildApp({ config, db, questionSets })
await app.ready()
const client = await signIn(app, user.email, password)

async function measure(label: string, fn: () => Promise<unknown>, runs = RUNS, warmUp = WARM_UP): Promise<void> {
  for (let i = 0; i < warmUp; i++) await fn()
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const s = performance.now()
    await fn()
    times.push(performance.now() - s)
  }
  times.sort((a, b) => a - b)
  const pct = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))]!.toFixed(1)
  console.log(`| ${label} | ${pct(50)} | ${pct(95)} | ${times.at(-1)!.toFixed(1)} |`)
}

const page = (url: string) => async () => {
  const res = await client.get(url)
  if (res.statusCode !== 200) throw new Error(`${url}: HTTP ${res.statusCode}`)
}

console.log(`\nSector benchmark. Database: ${db.kind}; seeded in ${(seedMs / 1000).toFixed(1)} s: ${counts.organisations} organisations ` +
  `(${counts.participants} taking part), ${counts.memberships} memberships, ${counts.acknowledgements} acknowledgements, ` +
  `${counts.publications} published records, ${counts.scores} maturity scores. ${WARM_UP} warm-up runs, then ${RUNS} measured, in-process.\n`)
console.log('| what | median ms | p95 ms | max ms |')
console.log('| --- | --- | --- | --- |')
if (process.env.BENCH_PROFILE) {
  const ids = (await db.query<{ organisation_id: string }>('select organisation_id from benchmark_participants')).map((r) => r.organisation_id)
  await measure('profile: organisations.idsMatching', () => services.organisations.idsMatching(ids, { organisationType: null, nation: null }))
  await measure('profile: policies.countWithPolicyInForce', () => services.policies.countWithPolicyInForce(ids))
  await measure('profile: acknowledgements.benchmarkMedian', () => services.policies.acknowledgements.benchmarkMedian(ids))
  await measure('profile: board.countWithBoard', () => services.board.countWithBoard(ids))
  await measure('profile: transparency.countWithPublishedRecord', () => services.transparency.countWithPublishedRecord(ids))
  await measure('profile: maturity.latestDistribution', () => services.maturity.latestDistribution(ids))
  await measure('profile: benchmark.typeOptions', () => services.benchmark.typeOptions())
}
await measure('benchmark.view (no filter: 360 organisations, own values too)', () => services.benchmark.view(user, { type: null, nation: null }))
await measure('benchmark.view (type = District council)', () => services.benchmark.view(user, { type: 'District council', nation: null }))
await measure('benchmark.view (nation = wales, under the threshold)', () => services.benchmark.view(user, { type: null, nation: 'wales' }))
await measure('GET /benchmark', page('/benchmark'))
// After a change anywhere the figures read (here: a new acknowledgement in another council), the
// next request computes again: that recomputation's cost, every run after a real write.
const [other] = await db.query<{ policy_id: string; id: string; organisation_id: string }>(
  "select v.policy_id, v.id, v.organisation_id from policy_versions v join organisations o on o.id = v.organisation_id where o.slug = 'bench-council-2'")
const unacknowledged = (await db.query<{ user_id: string }>(`select m.user_id from memberships m where m.organisation_id = $1
  and not exists (select 1 from policy_acknowledgements a where a.user_id = m.user_id) limit 100`, [other!.organisation_id])).map((r) => r.user_id)
let next = 0
const afterAChange = (fn: () => Promise<unknown>) => async () => {
  const who = unacknowledged[next++ % unacknowledged.length]!
  await db.query(`insert into policy_acknowledgements (organisation_id, policy_id, version_id, user_id, version_major, version_minor)
    select organisation_id, policy_id, id, $2, version_major, 0 from policy_versions where id = $1 on conflict do nothing`, [other!.id, who])
  await fn()
}
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 40)
await measure('benchmark.view after a change (recomputed)', afterAChange(() => services.benchmark.view(user, { type: null, nation: null })), COLD_RUNS, 3)
await measure('GET /benchmark after a change (recomputed)', afterAChange(page('/benchmark')), COLD_RUNS, 3)
await measure('GET /benchmark?type=Unitary authority&nation=england', page('/benchmark?type=Unitary%20authority&nation=england'))
await measure('GET /benchmark?nation=scotland', page('/benchmark?nation=scotland'))

await app.close()
await db.close()
