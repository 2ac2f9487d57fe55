// npm run bench (second part): the public register at national scale (issue 11 §5), over real HTTP.
//
//   tsx scripts/bench-public.ts [--records 50000] [--organisations 400] [--seed 11] [--fresh]
//                               [--duration 10] [--connections 10] [--only pglite|postgres] [--prepare]
//
// The data (scripts/public-generator.ts) is made once and kept: an embedded database folder under
// data/bench-public/, and on DATABASE_URL's server a database aigov_bench_public_<key>; the key
// changes with the sizes, the seed, GENERATOR_VERSION and the ATRS field list, and --fresh makes it
// again (--prepare makes or checks the data and stops there). The app is the real one (buildApp), listening on a port in a child process of its own,
// so the load generator (autocannon, here) never shares its event loop; the child adds one route,
// /__ceiling, answering the bytes of /public from memory: the most this server could do. Runs on
// the embedded database, then on PostgreSQL when DATABASE_URL is set. Figures go into
// docs/benchmarks.md by hand; this prints them as Markdown tables and keeps them as JSON in
// data/bench-public/results-<database>.json.
import { fork, type ChildProcess } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { dirname, join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { ATRS_FIELDS } from '../src/features/transparency/atrs.ts'
import { openPglite, openPostgres, type Db } from '../src/platform/db/db.ts'
import { migrate } from '../src/platform/db/migrate.ts'
import { DEFAULT_SEED, DUTCH_CSV, GENERATOR_VERSION, generatePublicRegister, type GenerationReport } from './public-generator.ts'

const HERE = dirname(fileURLToPath(import.meta.url))
const ROOT = join(HERE, '..')
const CACHE = join(ROOT, 'data/bench-public')

// ---------------------------------------------------------------------------------------------
// autocannon (no bundled types): the part of its API used here

interface AutocannonResult {
  requests: { average: number; total: number }
  throughput: { average: number }
  latency: { p50: number; p99: number; average: number }
  errors: number
  timeouts: number
  non2xx: number
  '2xx': number
}
interface AutocannonInstance {
  on(event: 'response', fn: (client: unknown, statusCode: number, bytes: number, ms: number) => void): void
}
type Autocannon = ((opts: Record<string, unknown>, cb: (err: Error | null, result: AutocannonResult) => void) => AutocannonInstance)
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon

// ---------------------------------------------------------------------------------------------
// Options

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '50000' },
    organisations: { type: 'string', default: '400' },
    seed: { type: 'string', default: String(DEFAULT_SEED) },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
    only: { type: 'string' },
    fresh: { type: 'boolean', default: false },
    prepare: { type: 'boolean', default: false },
    serve: { type: 'string' },
  },
})

interface Plan { records: number; organisations: number; seed: number }
const plan: Plan = { records: Number(args.records), organisations: Number(args.organisations), seed: Number(args.seed) }
if (!Object.values(plan).every((n) => Number.isInteger(n) && n >= 0) || plan.records < 1 || plan.organisations < 1) {
  throw new Error('--records, --organisations and --seed take whole numbers')
}

/** Changes whenever the data the generator would make changes. */
function cacheKey(p: Plan): string {
  const h = createHash('sha256')
  h.update(JSON.stringify(p))
  h.update(String(GENERATOR_VERSION))
  h.update(readFileSync(DUTCH_CSV))
  h.update(ATRS_FIELDS.map((f) => `${f.key}:${(f as { group?: string }).group ?? ''}`).join(','))
  return h.digest('hex').slice(0, 12)
}

// ---------------------------------------------------------------------------------------------
// The server (child process): `--serve <json>`

/** What the child tells the parent once it listens: its port and what to ask for. */
interface Targets {
  port: number
  kind: string
  records: number
  publicIds: string[]
  common: { term: string; matches: number }
  rare: { term: string; matches: number }
  /** Further terms, for first (uncached) searches. */
  coldTerms: string[]
  filter: { phase: string; nation: string; matches: number }
  ceilingBytes: number
}

type Message = { type: 'gc' }

async function serve(spec: { dataDir?: string; databaseUrl?: string }): Promise<void> {
  const { buildApp } = await import('../src/app.ts')
  const { loadConfig } = await import('../src/config.ts')
  const { loadCatalogue } = await import('../src/features/assessments/catalogue.ts')
  const config = { ...loadConfig({ NODE_ENV: 'test' }), databaseUrl: spec.databaseUrl }
  const db = spec.databaseUrl ? await openPostgres(spec.databaseUrl) : await openPglite(spec.dataDir)
  await migrate(db)
  const app = await buildApp({ config, db, questionSets: await loadCatalogue() })
  let ceiling: { body: Buffer; type: string } = { body: Buffer.alloc(0), type: 'text/html; charset=utf-8' }
  // The ceiling: the same server and hooks, the same bytes as /public, from memory.
  app.get('/__ceiling', async (_request, reply) => reply.type(ceiling.type).send(ceiling.body))
  await app.listen({ port: 0, host: '127.0.0.1' })
  const port = (app.server.address() as AddressInfo).port
  const page = await app.inject('/public')
  ceiling = { body: page.rawPayload, type: String(page.headers['content-type'] ?? 'text/html') }

  const count = async (where: string, params: unknown[]) =>
    Number((await db.query<{ n: number }>(`select count(*)::int as n from public_records where ${where}`, params))[0]!.n)
  const matches = (term: string) => count(`search @@ websearch_to_tsquery('english', $1)`, [term])
  const records = await count('true', [])
  const publicIds = (await db.query<{ public_id: string }>(
    `select public_id from (select public_id, row_number() over (order by public_id) as n from public_records) s
     where n % greatest(1, $1::int / 200) = 0 order by n limit 200`, [records])).map((r) => r.public_id)
  // A common word, and a rare one (closest to 1 in 1,000 records) among a few candidates from the real texts.
  const common = { term: 'data', matches: await matches('data') }
  const candidates = ['nitrogen', 'drone', 'bicycle', 'chatbot', 'parking', 'fraud', 'subsidy', 'translation', 'noise', 'trees',
    'waste', 'benefit', 'camera', 'anonymisation', 'dyke', 'tram', 'licence', 'taxi', 'flood', 'vaccination']
  const counted = []
  for (const term of candidates) counted.push({ term, matches: await matches(term) })
  const target = Math.max(1, records / 1000)
  const byRarity = counted.filter((c) => c.matches > 0).sort((a, b) => Math.abs(Math.log(a.matches / target)) - Math.abs(Math.log(b.matches / target)))
  const rare = byRarity[0] ?? { term: 'nitrogen', matches: 0 }
  const filter = { phase: 'Production', nation: 'wales', matches: await count(`search @@ websearch_to_tsquery('english', 'data') and phase = 'Production' and nation = 'wales'`, []) }
  const targets: Targets = {
    port, kind: db.kind, records, publicIds, common, rare, filter, ceilingBytes: ceiling.body.length,
    coldTerms: candidates.filter((c) => c !== rare.term),
  }
  process.on('message', (m: Message) => {
    if (m.type === 'gc') {
      ;(globalThis as { gc?: () => void }).gc?.()
      process.send!({ type: 'gc-done', rss: process.memoryUsage().rss })
    }
  })
  process.on('disconnect', () => void app.close().then(() => db.close()).finally(() => process.exit(0)))
  process.send!({ type: 'ready', targets })
}

// ---------------------------------------------------------------------------------------------
// The parent: data, server, load

const MiB = 2 ** 20
const fmt = (n: number, digits = 1) => n.toFixed(digits)

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}

interface Load {
  label: string
  path: string
  reqPerSec: number
  p50: number
  p95: number
  p99: number
  bytes: number
  non2xx: number
  errors: number
}

async function load(port: number, label: string, paths: string[], opts: { duration: number; connections: number }): Promise<Load> {
  // A few requests first (JIT, caches, the database's buffers), as a reader's browser would have.
  for (const path of paths.slice(0, 5)) await get(port, path)
  const times: number[] = []
  let bytes = 0
  const result = await new Promise<AutocannonResult>((resolve, reject) => {
    const instance = autocannon({
      url: `http://127.0.0.1:${port}`,
      connections: opts.connections,
      duration: opts.duration,
      requests: paths.map((path) => ({ method: 'GET', path })),
    }, (err, res) => (err ? reject(err) : resolve(res)))
    instance.on('response', (_client, _status, resBytes, ms) => {
      times.push(ms)
      bytes += resBytes
    })
  })
  times.sort((a, b) => a - b)
  return {
    label, path: paths[0]!, reqPerSec: result.requests.total / opts.duration, p50: percentile(times, 50), p95: percentile(times, 95),
    p99: percentile(times, 99), bytes: times.length ? bytes / times.length : 0, non2xx: result.non2xx, errors: result.errors + result.timeouts,
  }
}

/** One GET, read to the end: status, time to first byte and to the end, bytes. */
function get(port: number, path: string): Promise<{
  status: number; ttfb: number; ms: number; bytes: number; etag?: string; cacheControl?: string; setsCookie: boolean
}> {
  return new Promise((resolve, reject) => {
    const start = performance.now()
    http.get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let ttfb = -1
      let bytes = 0
      res.on('data', (chunk: Buffer) => {
        if (ttfb < 0) ttfb = performance.now() - start
        bytes += chunk.length
      })
      res.on('end', () => resolve({
        status: res.statusCode ?? 0, ttfb, ms: performance.now() - start, bytes,
        etag: res.headers.etag, cacheControl: res.headers['cache-control'], setsCookie: Boolean(res.headers['set-cookie']),
      }))
      res.on('error', reject)
    }).on('error', reject)
  })
}

/** The server's resident memory: /proc on Linux (VmHWM after clear_refs gives the true peak), else none. */
function procMemory(pid: number): { rss: number; hwm: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') }
  } catch {
    return null
  }
}
function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5')
    return true
  } catch {
    return false
  }
}

interface Download { path: string; status: number; bytes: number; ttfb: number; ms: number; before: number; peak: number; sampled: number; concurrent: number }

/** Downloads `path` (n at once) to the end while sampling the server's memory every 50 ms. */
async function download(server: Server, path: string, concurrent = 1): Promise<Download> {
  const before = await server.gc()
  const exact = resetPeak(server.pid)
  let sampled = before
  const timer = setInterval(() => {
    const m = procMemory(server.pid)
    if (m) sampled = Math.max(sampled, m.rss)
  }, 50)
  const runs = await Promise.all(Array.from({ length: concurrent }, () => get(server.port, path)))
  clearInterval(timer)
  const m = procMemory(server.pid)
  const peak = exact && m ? Math.max(m.hwm, sampled) : sampled
  const r = runs[0]!
  return { path, status: r.status, bytes: r.bytes, ttfb: r.ttfb, ms: Math.max(...runs.map((x) => x.ms)), before, peak, sampled, concurrent }
}

interface Server {
  pid: number
  port: number
  targets: Targets
  gc(): Promise<number>
  stop(): Promise<void>
}

async function startServer(spec: { dataDir?: string; databaseUrl?: string }): Promise<Server> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--serve', JSON.stringify(spec)], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const targets = await new Promise<Targets>((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`the benchmark server stopped (exit ${code})`)))
    child.on('message', (m: { type: string; targets?: Targets }) => {
      if (m.type === 'ready') resolve(m.targets!)
    })
  })
  return {
    pid: child.pid!,
    port: targets.port,
    targets,
    gc: () => new Promise<number>((resolve) => {
      const on = (m: { type: string; rss?: number }) => {
        if (m.type !== 'gc-done') return
        child.off('message', on)
        resolve(procMemory(child.pid!)?.rss ?? m.rss!)
      }
      child.on('message', on)
      child.send({ type: 'gc' })
    }),
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null || !child.connected) return resolve()
      child.removeAllListeners('exit')
      child.once('exit', () => resolve())
      child.disconnect()
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref()
    }),
  }
}

// ---- Data: made once, kept ----

function log(line: string) {
  console.error(line)
}

/** Whether a process is running (a folder being built by another benchmark run is left alone). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

async function pgliteData(p: Plan, fresh: boolean): Promise<{ dataDir: string; generation: GenerationReport | null }> {
  const prefix = `pglite-${p.records}-${p.organisations}-${p.seed}-`
  const dataDir = join(CACHE, `${prefix}${cacheKey(p)}`)
  mkdirSync(CACHE, { recursive: true })
  // The same sizes made by an older generator or field list are stale (a GB at 50,000): removed,
  // as are folders left half-built by a run that stopped.
  for (const name of readdirSync(CACHE)) {
    const building = /^building-(\d+)-/.exec(name)
    if ((name.startsWith(prefix) && join(CACHE, name) !== dataDir) || (building && !alive(Number(building[1])))) {
      rmSync(join(CACHE, name), { recursive: true, force: true })
    }
  }
  if (fresh) rmSync(dataDir, { recursive: true, force: true })
  if (existsSync(join(dataDir, 'COMPLETE'))) return { dataDir, generation: null }
  rmSync(dataDir, { recursive: true, force: true })
  const building = join(CACHE, `building-${process.pid}-${randomBytes(4).toString('hex')}`)
  const db = await openPglite(building)
  const generation = await generateInto(db, p)
  await db.close()
  writeFileSync(join(building, 'COMPLETE'), `${JSON.stringify({ plan: p, generation })}\n`)
  renameSync(building, dataDir)
  return { dataDir, generation }
}

async function postgresData(url: string, p: Plan, fresh: boolean): Promise<{ databaseUrl: string; generation: GenerationReport | null }> {
  const prefix = `aigov_bench_public_${p.records}_${p.organisations}_${p.seed}_`
  const name = `${prefix}${cacheKey(p)}`
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  const on = (db: string) => {
    const u = new URL(url)
    u.pathname = `/${db}`
    return u.toString()
  }
  try {
    // Stale copies of these sizes, and half-built databases nobody is connected to, are dropped.
    const existing = (await admin.query<{ datname: string; busy: boolean }>(
      `select datname, exists (select 1 from pg_stat_activity a where a.datname = d.datname) as busy from pg_database d
       where datname like 'aigov\\_bench\\_public\\_%' or datname like 'aigov\\_bench\\_building\\_%'`)).rows
    for (const { datname, busy } of existing) {
      const stale = datname.startsWith(prefix) && (datname !== name || fresh)
      if (stale || (datname.startsWith('aigov_bench_building_') && !busy)) {
        await admin.query(`drop database if exists ${pg.escapeIdentifier(datname)}`)
      }
    }
    if (!fresh && existing.some((d) => d.datname === name)) return { databaseUrl: on(name), generation: null }
    const building = `aigov_bench_building_${randomBytes(4).toString('hex')}`
    await admin.query(`create database ${pg.escapeIdentifier(building)}`)
    const db = await openPostgres(on(building))
    const generation = await generateInto(db, p)
    await db.close()
    await admin.query(`alter database ${pg.escapeIdentifier(building)} rename to ${pg.escapeIdentifier(name)}`)
    return { databaseUrl: on(name), generation }
  } finally {
    await admin.end()
  }
}

async function generateInto(db: Db, p: Plan): Promise<GenerationReport> {
  await migrate(db)
  log(`Generating ${p.records} records over ${p.organisations} organisations on ${db.kind}…`)
  const report = await generatePublicRegister(db, { ...p, log })
  log(`  done in ${fmt(report.ms.total / 1000)} s`)
  return report
}

// ---- The import of the Dutch register (src/features/interchange/, as `aigov import` runs it) ----

interface ImportResult { ms: number; again: number; counts: Record<string, unknown>; rejected: number; note: string }

async function timeDutchImport(kind: 'pglite' | 'postgres', url?: string): Promise<ImportResult> {
  const { importFile } = await import('../src/features/interchange/importFile.ts')
  const { createServices } = await import('../src/services.ts')
  const { loadConfig } = await import('../src/config.ts')
  const { loadCatalogue } = await import('../src/features/assessments/catalogue.ts')
  let db: Db
  let drop: (() => Promise<void>) | undefined
  if (kind === 'postgres' && url) {
    const admin = new pg.Client({ connectionString: url })
    await admin.connect()
    const name = `aigov_bench_import_${randomBytes(4).toString('hex')}`
    await admin.query(`create database ${name}`)
    const u = new URL(url)
    u.pathname = `/${name}`
    db = await openPostgres(u.toString())
    drop = async () => {
      await admin.query(`drop database if exists ${name}`)
      await admin.end()
    }
  } else {
    db = await openPglite()
  }
  try {
    await migrate(db)
    const services = createServices(db, await loadCatalogue(), loadConfig({ NODE_ENV: 'test' }))
    const bytes = new Uint8Array(readFileSync(DUTCH_CSV))
    const input = { format: 'nl-register' as const, bytes, size: bytes.length, fileName: 'algoritmeregister_export_en_2025.csv', organisation: null }
    let start = performance.now()
    const first = await importFile(services.interchange, input)
    const ms = performance.now() - start
    start = performance.now()
    const second = await importFile(services.interchange, input)
    const again = performance.now() - start
    const { notPublished, ...counts } = first.counts ?? { notPublished: [] }
    return {
      ms, again, rejected: first.rejected.length + first.refused.length,
      counts: { ...counts, notPublished: notPublished.length },
      note: `again (nothing to change): ${fmt(again / 1000, 2)} s, ${JSON.stringify({ ...second.counts, notPublished: second.counts?.notPublished.length })}`,
    }
  } finally {
    await db.close()
    await drop?.()
  }
}

// ---- Report ----

function table(loads: Load[], ceiling: Load): string {
  const lines = [
    '| request | req/s | p50 ms | p95 ms | p99 ms | bytes | vs ceiling |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ]
  for (const l of [...loads, ceiling]) {
    const bad = l.non2xx || l.errors ? ` (${l.non2xx} non-2xx, ${l.errors} errors)` : ''
    lines.push(`| ${l.label}${bad} | ${fmt(l.reqPerSec)} | ${fmt(l.p50)} | ${fmt(l.p95)} | ${fmt(l.p99)} | ${Math.round(l.bytes)} | ` +
      `${l === ceiling ? '1' : fmt(l.reqPerSec / ceiling.reqPerSec, 3)} |`)
  }
  return lines.join('\n')
}

async function benchOne(kind: 'pglite' | 'postgres'): Promise<void> {
  const duration = Number(args.duration)
  const connections = Number(args.connections)
  const t0 = performance.now()
  const data = kind === 'postgres'
    ? await postgresData(process.env.DATABASE_URL!, plan, args.fresh)
    : await pgliteData(plan, args.fresh)
  const dataMs = performance.now() - t0
  if (args.prepare) {
    console.log(`${kind}: data ready in ${fmt(dataMs / 1000)} s${data.generation ? ` (generated: ${JSON.stringify(data.generation)})` : ' (from the cache)'}`)
    return
  }
  const server = await startServer(kind === 'postgres' ? { databaseUrl: (data as { databaseUrl: string }).databaseUrl } : { dataDir: (data as { dataDir: string }).dataDir })
  const { targets, port } = server
  const q = (s: string) => encodeURIComponent(s)
  const out: Record<string, unknown> = { kind, plan, generation: data.generation, dataMs, targets: { ...targets, publicIds: targets.publicIds.length } }
  try {
    // First (uncached) searches: each term once, sequentially.
    const cold: number[] = []
    for (const term of targets.coldTerms) cold.push((await get(port, `/public?q=${q(term)}`)).ms)
    cold.sort((a, b) => a - b)

    const opts = { duration, connections }
    const loads: Load[] = []
    const run = async (label: string, paths: string[]) => {
      log(`  ${label}…`)
      loads.push(await load(port, label, paths, opts))
    }
    await run('GET /public (the list, first page)', ['/public'])
    await run(`GET /public?q=${targets.common.term} (common term, ${targets.common.matches} matches)`, [`/public?q=${q(targets.common.term)}`])
    await run(`GET /public?q=${targets.rare.term} (rare term, ${targets.rare.matches} matches)`, [`/public?q=${q(targets.rare.term)}`])
    await run(`GET /public?q=${targets.common.term}&phase=${targets.filter.phase}&nation=${targets.filter.nation} (${targets.filter.matches} matches)`,
      [`/public?q=${q(targets.common.term)}&phase=${q(targets.filter.phase)}&nation=${q(targets.filter.nation)}`])
    await run(`GET /public/records/:org/:slug (${targets.publicIds.length} records in turn)`, targets.publicIds.map((id) => `/public/records/${id}`))
    await run('GET /api/public/v1/records (JSON API, first page)', ['/api/public/v1/records'])
    log('  ceiling…')
    const ceiling = await load(port, `GET /__ceiling (the bytes of /public from memory)`, ['/__ceiling'], opts)

    const headers = await get(port, '/public')
    const downloads: Download[] = []
    for (const path of ['/public/records.csv', '/public/records.json']) {
      log(`  ${path}…`)
      downloads.push(await download(server, path))
    }
    const json = downloads[1]!
    if (json.status === 200 && json.peak - json.before < 300 * MiB) {
      log('  10 JSON downloads at once…')
      downloads.push(await download(server, '/public/records.json', 10))
    }
    await server.stop()
    log('  import of the Dutch register…')
    const imported = await timeDutchImport(kind, kind === 'postgres' ? process.env.DATABASE_URL : undefined)
      .catch((err: unknown) => ({ error: err instanceof Error ? err.message : String(err) }))

    Object.assign(out, { cold, loads, ceiling, downloads, imported, headers })
    const gen = data.generation
    console.log(`\n### ${kind === 'pglite' ? 'Embedded database (PGlite)' : 'PostgreSQL'}: ${targets.records} published records, ` +
      `${plan.organisations} organisations; autocannon, ${connections} connections, ${duration} s each\n`)
    console.log(gen
      ? `Data generated in ${fmt(gen.ms.total / 1000)} s (rows ${fmt(gen.ms.rows / 1000)} s, public_records ${fmt(gen.ms.index / 1000)} s, ` +
        `analyse ${fmt(gen.ms.analyse / 1000)} s): ${gen.publications} published versions.\n`
      : `Data from the cache (${fmt(dataMs / 1000)} s to open).\n`)
    console.log(table(loads, ceiling))
    console.log(`\nFirst searches, each term once (uncached), ${cold.length} terms: p50 ${fmt(percentile(cold, 50))} ms, ` +
      `p95 ${fmt(percentile(cold, 95))} ms, max ${fmt(cold.at(-1) ?? NaN)} ms.`)
    console.log(`/public answers with ETag ${headers.etag ?? 'none'}, Cache-Control ${headers.cacheControl ?? 'none'}, ` +
      `${headers.setsCookie ? 'and sets a cookie' : 'no cookie'}.\n`)
    console.log('| download | status | MiB | first byte s | total s | server RSS before MiB | peak MiB | growth MiB |')
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
    for (const d of downloads) {
      console.log(`| ${d.path}${d.concurrent > 1 ? ` (${d.concurrent} at once)` : ''} | ${d.status} | ${fmt(d.bytes / MiB)} | ${fmt(d.ttfb / 1000, 2)} | ` +
        `${fmt(d.ms / 1000, 2)} | ${fmt(d.before / MiB, 0)} | ${fmt(d.peak / MiB, 0)} | ${fmt((d.peak - d.before) / MiB, 0)} |`)
    }
    console.log('ms' in imported
      ? `\nImport of the 696 Dutch records into an empty database (aigov import --format nl-register's service): ` +
        `${fmt(imported.ms / 1000, 2)} s, ${JSON.stringify(imported.counts)}, ${imported.rejected} rows rejected; ${imported.note}.`
      : `\nImport of the 696 Dutch records: failed (${imported.error}).`)
  } finally {
    await server.stop().catch(() => undefined)
    writeFileSync(join(CACHE, `results-${kind}.json`), `${JSON.stringify(out, null, 2)}\n`)
  }
}

if (args.serve !== undefined) {
  await serve(JSON.parse(args.serve) as { dataDir?: string; databaseUrl?: string })
} else {
  const kinds = (['pglite', 'postgres'] as const).filter((k) => (args.only ? args.only === k : k === 'pglite' || Boolean(process.env.DATABASE_URL)))
  if (args.only === 'postgres' && !process.env.DATABASE_URL) throw new Error('--only postgres needs DATABASE_URL')
  for (const kind of kinds) await benchOne(kind)
}
