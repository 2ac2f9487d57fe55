// The Dutch Algorithm Register's real export (696 records, 218 organisations) imported whole through
// the service the CLI and the upload page use, with the counts checked against the file as
// csv-parse reads it here, independently of the import; a second run changes nothing; a changed
// row becomes a new version; bad files are reported by file, line and field with nothing of a
// rejected row written; a failure part way leaves nothing half-imported.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { after, before, describe, test } from 'node:test'
import { parse } from 'csv-parse/sync'
import { createTestApp, type TestApp } from '../../../test/support/app.ts'
import { importFile, type ImportReport, problemLine } from './importFile.ts'
import { NL_COLUMNS } from './nlStandard.ts'

const FILE = '/work/shared/data/nl-register/algoritmeregister_export_en_2025.csv'
const bytes = readFileSync(new URL(`file://${FILE}`))
const rows = parse<Record<string, string>>(bytes, { bom: true, columns: true })

let ta: TestApp
let first: ImportReport

const nl = (content: Buffer | string, fileName = 'nl.csv') => {
  const b = typeof content === 'string' ? Buffer.from(content) : content
  return importFile(ta.services.interchange, { format: 'nl-register', bytes: b, size: b.length, fileName })
}
async function count(sql: string, params: unknown[] = []): Promise<number> {
  const [row] = await ta.db.query<{ n: number }>(`select count(*)::int as n from (${sql}) x`, params)
  return row!.n
}
const tally = (values: string[]) => values.reduce<Record<string, number>>((m, v) => ({ ...m, [v]: (m[v] ?? 0) + 1 }), {})
const sorted = (m: Record<string, number>) => Object.fromEntries(Object.entries(m).sort(([a], [b]) => a.localeCompare(b)))

before(async () => {
  ta = await createTestApp({ demo: false })
  const cpu = process.cpuUsage()
  first = await nl(bytes, 'algoritmeregister_export_en_2025.csv')
  const used = process.cpuUsage(cpu)
  // The embedded database runs in this process, so its CPU time is the import's whole cost (the wall time also counts a busy machine).
  console.log(`Imported the 696 Dutch records in ${(first.ms / 1000).toFixed(1)} s (${((used.user + used.system) / 1e6).toFixed(1)} s of CPU)`)
})
after(() => ta.close())

describe('the real export, whole', () => {
  test('696 records from 218 organisations, nothing rejected', async () => {
    assert.equal(rows.length, 696)
    assert.deepEqual(first.refused, [])
    assert.deepEqual(first.rejected.map((p) => problemLine(first.file, p)), [])
    assert.equal(first.counts!.imported, 696)
    assert.equal(first.counts!.organisationsCreated, new Set(rows.map((r) => r.organization)).size)
    assert.equal(first.counts!.organisationsCreated, 218)
    assert.equal(await count("select 1 from import_sources where format = 'nl-register'"), 696)
    assert.equal(await count("select 1 from organisations where region = 'Netherlands'"), 218)
  })

  test('counts by status: the register stages match the file', async () => {
    const stageOf: Record<string, string> = { 'In use': 'live', 'In development': 'approved', 'Out of use': 'retired' }
    const expected = sorted(tally(rows.map((r) => stageOf[r.status!]!)))
    const got = await ta.db.query<{ stage: string; n: number }>(
      `select e.stage, count(*)::int as n from import_sources s join register_entries e on e.id = s.entry_id
       where s.format = 'nl-register' group by e.stage`)
    assert.deepEqual(sorted(Object.fromEntries(got.map((g) => [g.stage, g.n]))), expected)
    assert.deepEqual(expected, { approved: 40, live: 620, retired: 36 })
  })

  test('counts by publication category: kept from the source, and "High-Risk AI-system" as the high tier', async () => {
    const expected = sorted(tally(rows.map((r) => r.publication_category!)))
    const got = await ta.db.query<{ c: string; n: number }>(
      `select source ->> 'publication_category' as c, count(*)::int as n from import_sources where format = 'nl-register' group by 1`)
    assert.deepEqual(sorted(Object.fromEntries(got.map((g) => [g.c, g.n]))), expected)
    assert.equal(await count(`select 1 from import_sources s join register_entries e on e.id = s.entry_id where e.risk_tier = 'high'`),
      expected['High-Risk AI-system'])
  })

  test('published on /public: every record; one with no e-mail address anywhere has its contact withheld, saying why', async () => {
    const email = /[^\s@,;:()<>"']+@[^\s@,;:()<>"'.]+(\.[^\s@,;:()<>"'.]+)+/
    const orgHasEmail = new Set(rows.filter((r) => email.test(r.contact_email!)).map((r) => r.organization))
    const publishable = rows
    const withheld = rows.filter((r) => !email.test(r.contact_email!) && !orgHasEmail.has(r.organization))
    assert.ok(withheld.length > 0, 'the real file has records with no address')
    assert.equal(await count('select 1 from public_records'), rows.length)
    assert.equal(first.counts!.notPublished.length, 0)
    assert.equal(await count("select 1 from public_records where fields ->> 'contact_email' like 'Redacted: %'"), withheld.length)
    // Counts by status among what is public, against the file.
    const phaseOf: Record<string, string> = { 'In use': 'Production', 'In development': 'Pre-deployment', 'Out of use': 'Retired' }
    const got = await ta.db.query<{ phase: string; n: number }>('select phase, count(*)::int as n from public_records group by phase')
    assert.deepEqual(sorted(Object.fromEntries(got.map((g) => [g.phase, g.n]))), sorted(tally(publishable.map((r) => phaseOf[r.status!]!))))
    const page = await ta.app.inject({ method: 'GET', url: '/public?q=parking' })
    assert.equal(page.statusCode, 200)
  })

  test('a record as published: the Dutch text, the source named, the import account as publisher', async () => {
    const row = rows.find((r) => r.algorithm_id === '77178161')!
    const [rec] = await ta.db.query<{ title: string; fields: Record<string, string>; published_by: string }>(
      `select p.title, p.fields, (select published_by::text from transparency_publications t where t.record_id = p.record_id limit 1) as published_by
       from public_records p join import_sources s on s.record_id = p.record_id where s.source_id = $1`, [row.algorithm_id])
    assert.equal(rec!.title, row.name)
    assert.equal(rec!.fields.contact_email, 'privacy@vrzhz.nl')
    assert.equal(rec!.fields.phase, 'Pre-deployment')
    assert.match(rec!.fields.detailed_description!, /algoritmes\.overheid\.nl\/nl\/algoritme\/77178161/)
    assert.equal(rec!.published_by, '00000000-0000-4000-8000-0000000a1607')
    const [account] = await ta.db.query<{ active: boolean; memberships: number }>(
      `select active, (select count(*)::int from memberships m where m.user_id = u.id) as memberships from users u where id = $1`, [rec!.published_by])
    assert.deepEqual(account, { active: false, memberships: 0 }, 'the import account cannot sign in anywhere')
  })

  test('a second run of the same file changes nothing', async () => {
    const before = await Promise.all(['transparency_publications', 'register_entries', 'organisations', 'audit_events', 'transparency_records']
      .map((t) => count(`select 1 from ${t}`)))
    const again = await nl(bytes)
    assert.deepEqual([again.counts!.imported, again.counts!.updated, again.counts!.unchanged], [0, 0, 696])
    const afterCounts = await Promise.all(['transparency_publications', 'register_entries', 'organisations', 'audit_events', 'transparency_records']
      .map((t) => count(`select 1 from ${t}`)))
    assert.deepEqual(afterCounts, before)
  })

  test('a changed row is published as a new version; the others stay as they were', async () => {
    const changed = rows.map((r) => (r.algorithm_id === '77178161' ? { ...r, goal: `${r.goal} Now also for minutes of meetings.` } : r))
    const text = [NL_COLUMNS.join(','), ...changed.map((r) => NL_COLUMNS.map((c) => `"${(r[c] ?? '').replace(/"/g, '""')}"`).join(','))].join('\r\n')
    const publicationsBefore = await count('select 1 from transparency_publications')
    const r = await nl(text)
    assert.deepEqual([r.counts!.imported, r.counts!.updated, r.counts!.unchanged], [0, 1, 695])
    assert.equal(await count('select 1 from transparency_publications'), publicationsBefore + 1)
    const versions = await ta.db.query<{ version_no: number }>(
      `select p.version_no from transparency_publications p join import_sources s on s.record_id = p.record_id
       where s.source_id = '77178161' order by 1`)
    assert.deepEqual(versions.map((v) => v.version_no), [1, 2])
  })
})

describe('bad files', () => {
  const header = NL_COLUMNS.join(',')
  const good = (id: string, over: Record<string, string> = {}) => NL_COLUMNS.map((c) => {
    const v: Record<string, string> = {
      name: `Test algorithm ${id}`, organization: `Municipality of Badfile ${id}`, description_short: 'A test.', status: 'In use',
      standard_version: '1.0', contact_email: `a${id}@badfile.nl`, lang: 'nld', publication_category: 'Other algorithms', algorithm_id: id, ...over,
    }
    return `"${(v[c] ?? '').replace(/"/g, '""')}"`
  }).join(',')
  const orgs = () => count("select 1 from organisations where name like 'Municipality of Badfile%'")

  test('a wrong header: the file is refused, naming the column; nothing is imported', async () => {
    const r = await nl(`${header.replace('status', 'state')}\r\n${good('b0000001')}\r\n`, 'wrong-header.csv')
    assert.equal(r.counts, null)
    const lines = r.refused.map((p) => problemLine(r.file, p))
    assert.ok(lines.includes('wrong-header.csv:1: state: The header has a column this format does not have: "state"'), lines.join('\n'))
    assert.ok(lines.some((l) => l.startsWith('wrong-header.csv:1: status: ')))
    assert.equal(await orgs(), 0)
  })

  test('rows with a missing field, a bad URL, an unknown enum, an over-long field: each named by line and field; the good row comes in', async () => {
    const text = [header, good('b0000002'), good('b0000003', { name: '' }), good('b0000004', { website: 'javascript:alert(1)' }),
      good('b0000005', { status: 'Banana' }), good('b0000006', { description_short: 'x'.repeat(600) }), good('b0000007', { url: 'https://bad host/' })].join('\r\n')
    const r = await nl(text, 'bad-rows.csv')
    const lines = r.rejected.map((p) => problemLine(r.file, p))
    assert.deepEqual(lines, [
      'bad-rows.csv:3: name: Required, but empty',
      'bad-rows.csv:4: website: A javascript:, data:, vbscript: or file: address is not allowed',
      'bad-rows.csv:5: status: "Banana" is not one of the allowed values: In development, In ontwikkeling, In use, In gebruik, Out of use, Buiten gebruik',
      'bad-rows.csv:6: description_short: Too long: 600 characters, at most 500',
      'bad-rows.csv:7: url: Not a valid web address: it must start http:// or https:// and name a host',
    ])
    assert.equal(r.counts!.imported, 1)
    assert.equal(await orgs(), 1, 'only the good row\'s organisation was made: nothing of a rejected row is written')
  })

  test('a file of the wrong type, one that is not text, one over 20 MB: refused whole', async () => {
    const pdf = await importFile(ta.services.interchange, { format: 'nl-register', bytes: Buffer.from('%PDF-1.4'), size: 8, fileName: 'x.pdf' })
    assert.equal(pdf.refused[0]!.key, 'interchange.problem.wrongType')
    const binary = await nl(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0xff, 0xfe]), 'sheet.csv')
    assert.equal(binary.refused[0]!.key, 'interchange.problem.fileNotText')
    const big = await importFile(ta.services.interchange, { format: 'nl-register', bytes: null, size: 21 * 1024 * 1024, fileName: 'big.csv' })
    assert.equal(problemLine(big.file, big.refused[0]!), 'big.csv: The file is larger than 20 MB')
  })

  test('a failure part way through: nothing of the file is written', async () => {
    const orgsBefore = await count('select 1 from organisations')
    const service = ta.services.transparency
    const real = service.publishImported.bind(service)
    let calls = 0
    service.publishImported = async (...args) => {
      if (++calls === 2) throw new Error('disk full')
      return real(...args)
    }
    try {
      await assert.rejects(nl([header, good('c0000001'), good('c0000002'), good('c0000003')].join('\r\n')), /disk full/)
    } finally {
      service.publishImported = real
    }
    assert.equal(await count('select 1 from organisations'), orgsBefore)
    assert.equal(await count("select 1 from import_sources where source_id like 'c%'"), 0)
  })
})
