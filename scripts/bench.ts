// npm run bench: response times and memory of the main pages with a large register, on the
// embedded database (or DATABASE_URL's server). Figures go into docs/benchmarks.md by hand.
import { performance } from 'node:perf_hooks'
import { buildApp } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'
import { loadDemo } from '../src/demo.ts'
import { loadCatalogue } from '../src/features/assessments/catalogue.ts'
import { openDb } from '../src/platform/db/db.ts'
import { migrate } from '../src/platform/db/migrate.ts'
import { createServices } from '../src/services.ts'
import { Client, signIn } from '../test/support/app.ts'

const ENTRIES = Number(process.env.BENCH_ENTRIES ?? 5000)
const RUNS = Number(process.env.BENCH_RUNS ?? 100)

const config = { ...loadConfig({ NODE_ENV: 'test' }), databaseUrl: process.env.DATABASE_URL }
const db = await openDb({ databaseUrl: config.databaseUrl })
await migrate(db)
const questionSets = await loadCatalogue()
const services = createServices(db, questionSets, config)
await loadDemo(db, services)

const t0 = performance.now()
await db.query(
  `insert into register_entries (organisation_id, name, purpose, service_area, owner, technique, personal_data,
     decision_role, people_affected, human_oversight, stage, risk_tier)
   select o.id, 'Bulk tool ' || g, 'Generated purpose text about housing, benefits, planning and waste number ' || g,
     (array['Housing','Planning','Waste','Benefits','Highways'])[1 + g % 5], 'Owner ' || g, 'Classifier', g % 2 = 0,
     (array['informs','assists','automates'])[1 + g % 3], 'Residents', 'Officer review',
     (array['idea','proposed','under_assessment','live'])[1 + g % 4], (array['low','medium','high'])[1 + g % 3]
   from organisations o, generate_series(1, $1) g where o.slug = 'northmoor'`,
  [ENTRIES],
)
const seedMs = performance.now() - t0

const app = await buildApp({ config, db, questionSets })
await app.ready()
const user = await signIn(app, 'viewer@northmoor.example')
const anon = new Client(app)

async function measure(label: string, fn: () => Promise<{ statusCode: number }>, expected = 200) {
  const times: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const s = performance.now()
    const res = await fn()
    times.push(performance.now() - s)
    if (res.statusCode !== expected) throw new Error(`${label}: HTTP ${res.statusCode}`)
  }
  times.sort((a, b) => a - b)
  const pct = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))]!.toFixed(1)
  console.log(`| ${label} | ${pct(50)} | ${pct(95)} | ${times.at(-1)!.toFixed(1)} |`)
}

console.log(`\nDatabase: ${db.kind}; ${ENTRIES} extra entries seeded in ${seedMs.toFixed(0)} ms; ${RUNS} requests each, in-process (app.inject).\n`)
console.log('| request | median ms | p95 ms | max ms |')
console.log('| --- | --- | --- | --- |')
await measure('GET /register (first page of 50)', () => user.get('/register'))
await measure('GET /register?page=60 (deep page)', () => user.get('/register?page=60'))
await measure('GET /register?q=housing (full-text)', () => user.get('/register?q=housing%20benefits'))
await measure('GET /register?stage=live&tier=high', () => user.get('/register?stage=live&tier=high'))
await measure('GET /api/v1/entries?serviceArea=Waste', () => user.api('GET', '/api/v1/entries?serviceArea=Waste'))
await measure('GET /public', () => anon.get('/public'))
await measure('GET /public/records.csv', () => anon.get('/public/records.csv'))
const contributor = await signIn(app, 'contributor@northmoor.example')
const [entry] = await db.query<{ id: string }>("select id from register_entries where name = 'Website chatbot'")
const screening = {
  q_personal_data: 'yes', q_special_category: 'no', q_people_scale: 'thousands', q_data_matching: 'no', q_invisible_processing: 'no',
  q_biometric_identification: 'no', q_monitoring: 'none', q_decision_role: 'informs', q_profiling: 'no', q_vulnerable_people: 'no',
  q_prohibited_practices: 'none', q_annex_iii_areas: 'none', q_public_facing: 'direct_interaction', q_equality_impact: 'no',
}
await measure('POST screening (validate, evaluate, save, audit: one transaction)', () => contributor.post(`/register/${entry!.id}/screening`, screening), 303)
// Policy acknowledgement (issue 9): 5,000 staff and 4,000 acknowledgements in a council of their own.
const { benchPolicies } = await import('./bench-policies.ts')
await benchPolicies(app, db, services)
const mem = process.memoryUsage()
console.log(`\nMemory after the run: RSS ${(mem.rss / 2 ** 20).toFixed(0)} MiB, heap used ${(mem.heapUsed / 2 ** 20).toFixed(0)} MiB`)
await app.close()
await db.close()

// The staff CSV import (issue 9): each size in a process of its own (scripts/bench-import.ts).
const { benchImport } = await import('./bench-import.ts')
await benchImport()
