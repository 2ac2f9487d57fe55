// The staff CSV import at scale: time and peak memory of importing N staff (5,000 and 20,000 by
// default) through the same checks and service as the web page and `aigov staff import`, each
// size in a fresh process on a fresh embedded database, so one run's memory does not colour the
// next. Memory is sampled every 10 ms; "over the start" is the peak minus what the process held
// just before the file was made. Run alone with `tsx scripts/bench-import.ts`, or through
// `npm run bench`. BENCH_IMPORT_SIZES=5000,20000 picks the sizes.
import { spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { performance } from 'node:perf_hooks'

const here = dirname(fileURLToPath(import.meta.url))
const MiB = 2 ** 20

interface Result {
  rows: number
  fileBytes: number
  checkMs: number
  importMs: number
  rerunMs: number
  heapStart: number
  heapPeak: number
  rssStart: number
  rssPeak: number
}

/** One size, in this process: make the file, check it, import it, import it again. */
async function one(rows: number): Promise<Result> {
  const { loadConfig } = await import('../src/config.ts')
  const { loadCatalogue } = await import('../src/features/assessments/catalogue.ts')
  const { checkStaffCsv } = await import('../src/features/people/staffCsv.ts')
  const { openDb } = await import('../src/platform/db/db.ts')
  const { migrate } = await import('../src/platform/db/migrate.ts')
  const { createServices } = await import('../src/services.ts')

  const config = { ...loadConfig({ NODE_ENV: 'test' }), databaseUrl: process.env.DATABASE_URL }
  const db = await openDb({ databaseUrl: config.databaseUrl })
  await migrate(db)
  const services = createServices(db, await loadCatalogue(), config)
  const org = await services.organisations.create({
    slug: 'benchshire', name: 'Benchshire Council', contactEmail: null, websiteUrl: null, region: null,
  })

  const gc = (globalThis as { gc?: () => void }).gc
  gc?.()
  const start = process.memoryUsage()
  let heapPeak = start.heapUsed
  let rssPeak = start.rss
  const sample = () => {
    const m = process.memoryUsage()
    heapPeak = Math.max(heapPeak, m.heapUsed)
    rssPeak = Math.max(rssPeak, m.rss)
  }
  const timer = setInterval(sample, 10)

  const lines = ['name,email,service area,roles']
  for (let i = 0; i < rows; i++) lines.push(`Staff Member ${i},staff.member.${i}@benchshire.example,Service area ${i % 40},${i % 50 === 0 ? 'viewer' : ''}`)
  const file = Buffer.from(lines.join('\r\n') + '\r\n')
  lines.length = 0

  let t = performance.now()
  const checked = checkStaffCsv(file.toString('utf8'))
  const checkMs = performance.now() - t
  if (!checked.ok) throw new Error('the generated file did not pass its checks')
  t = performance.now()
  const summary = await services.people.importStaffAsSystem(org, checked.rows, 'bench.csv')
  const importMs = performance.now() - t
  if (summary.added !== rows) throw new Error(`added ${summary.added} of ${rows}`)
  t = performance.now()
  const again = await services.people.importStaffAsSystem(org, checked.rows, 'bench.csv')
  const rerunMs = performance.now() - t
  if (again.unchanged !== rows) throw new Error(`the re-run left ${again.unchanged} of ${rows} unchanged`)
  sample()
  clearInterval(timer)
  await db.close()
  return {
    rows, fileBytes: file.length, checkMs, importMs, rerunMs,
    heapStart: start.heapUsed, heapPeak, rssStart: start.rss, rssPeak,
  }
}

/** Each size in a child process of its own; prints the table docs/benchmarks.md shows. */
export async function benchImport(sizes = (process.env.BENCH_IMPORT_SIZES ?? '5000,20000').split(',').map(Number)): Promise<void> {
  const results: Result[] = []
  for (const rows of sizes) {
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', join(here, 'bench-import.ts'), '--one', String(rows)], {
        stdio: ['ignore', 'pipe', 'inherit'], env: process.env,
      })
      let text = ''
      child.stdout.on('data', (b: Buffer) => { text += b.toString() })
      child.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`bench-import ${rows} exited ${code}`))))
    })
    results.push(JSON.parse(out.trim().split('\n').at(-1)!) as Result)
  }
  const mib = (n: number) => (n / MiB).toFixed(1)
  console.log('\nStaff CSV import (check + import in one transaction, then the same file again), each size in a fresh process:\n')
  console.log('| staff | file MiB | check ms | import ms | re-run ms | heap peak over start MiB | RSS peak over start MiB |')
  console.log('| --- | --- | --- | --- | --- | --- | --- |')
  for (const r of results) {
    console.log(`| ${r.rows} | ${mib(r.fileBytes)} | ${r.checkMs.toFixed(0)} | ${r.importMs.toFixed(0)} | ${r.rerunMs.toFixed(0)} | ` +
      `${mib(r.heapPeak - r.heapStart)} | ${mib(r.rssPeak - r.rssStart)} |`)
  }
}

const oneAt = process.argv.indexOf('--one')
if (oneAt > 0) {
  console.log(JSON.stringify(await one(Number(process.argv[oneAt + 1]))))
} else if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await benchImport()
}
