// Downloads of the public register (issue 11 §2): every record or any filtered set, as CSV (the
// standard's keys in template order, formulas defused) and JSON, streamed in keyset batches so
// memory does not grow with the number of records, with stable public ids, CORS open and an
// ETag that a conditional GET answers with 304 until the next publish.
import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import { after, before, describe, test } from 'node:test'
import { createTestApp, parseCsv, type TestApp } from '../../../test/support/app.ts'
import { makeEntry, makeOrganisation, makeTeam } from '../../../test/support/factories.ts'
import { CSV_COLUMNS, csvHeaderLine } from './atrs.ts'
import { seedPublicRecords } from './publicTestkit.ts'

const RECORDS = 1234
const ORGS = 7

let t: TestApp
before(async () => {
  t = await createTestApp({ demo: false })
  await seedPublicRecords(t.db, {
    records: RECORDS, organisations: ORGS, prefix: 'dl',
    fields: (n): Record<string, string> => n === 5 ? { title: '=HYPERLINK("http://evil.example","click")', one_sentence_description: '+SUM(A1:A9)' }
      : n === 6 ? { description: 'Line one,\r\nline "two"' } : {},
  })
})
after(() => t?.close())

const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers })

describe('CSV', () => {
  test('every record, one line each, the columns of the template in order, ids the stable public ids', async () => {
    const res = await get('/public/records.csv')
    assert.equal(res.statusCode, 200)
    assert.match(String(res.headers['content-type']), /^text\/csv; charset=utf-8/)
    assert.equal(res.headers['content-disposition'], 'attachment; filename="atrs-records.csv"')
    assert.equal(res.headers['access-control-allow-origin'], '*')
    assert.ok(res.body.startsWith(csvHeaderLine()), 'the header line')
    const rows = parseCsv(res.body)
    assert.deepEqual(rows[0], [...CSV_COLUMNS])
    assert.equal(rows.length, RECORDS + 1)
    const id = CSV_COLUMNS.indexOf('id')
    const ids = rows.slice(1).map((r) => r[id]!)
    assert.equal(new Set(ids).size, RECORDS, 'each record once')
    assert.ok(ids.includes('dl-org-5/tool-5'), 'public ids')
    assert.ok(rows.every((r) => r.length === CSV_COLUMNS.length), 'every line has every column')
  })

  test('a cell a spreadsheet would run as a formula starts with an apostrophe', async () => {
    const rows = parseCsv((await get('/public/records.csv?q=hyperlink')).body)
    assert.equal(rows.length, 2, 'the one record')
    const row = rows[1]!
    assert.equal(row[CSV_COLUMNS.indexOf('title')], `'=HYPERLINK("http://evil.example","click")`)
    assert.equal(row[CSV_COLUMNS.indexOf('one_sentence_description')], "'+SUM(A1:A9)")
  })

  test('line breaks and quotes stay inside their cell', async () => {
    const rows = parseCsv((await get('/public/records.csv?q=%22line%20one%22')).body)
    assert.equal(rows.length, 2)
    assert.equal(rows[1]![CSV_COLUMNS.indexOf('description')], 'Line one,\r\nline "two"')
  })

  test('the same filters as /public give the same set', async () => {
    const page = await get('/public?organisation=dl-org-3&third_party=yes')
    const total = Number(/(\d+) records/.exec(page.body)?.[1])
    const rows = parseCsv((await get('/public/records.csv?organisation=dl-org-3&third_party=yes')).body)
    assert.equal(rows.length - 1, total)
    assert.ok(rows.slice(1).every((r) => r[0]!.startsWith('dl-org-3/')), 'only that organisation')
  })

  test('a malformed filter is a JSON 400 naming it; a filter nobody publishes is a header alone', async () => {
    const bad = await get('/public/records.csv?nation=atlantis')
    assert.equal(bad.statusCode, 400)
    assert.match(JSON.parse(bad.body).fields.nation, /Choose nations/)
    const none = await get('/public/records.csv?region=Atlantis')
    assert.equal(none.statusCode, 200)
    assert.equal(none.body, csvHeaderLine())
  })
})

describe('JSON', () => {
  test('an array of every record in the ATRS keys', async () => {
    const res = await get('/public/records.json')
    assert.equal(res.statusCode, 200)
    assert.equal(res.headers['access-control-allow-origin'], '*')
    const records = JSON.parse(res.body) as Record<string, unknown>[]
    assert.equal(records.length, RECORDS)
    const keys = Object.keys(records[0]!)
    assert.equal(keys[0], 'id')
    assert.deepEqual(keys.filter((k) => CSV_COLUMNS.includes(k)), CSV_COLUMNS.filter((k) => keys.includes(k)), 'keys in template order')
    assert.ok(records.some((r) => r.id === 'dl-org-5/tool-5' && r.title === '=HYPERLINK("http://evil.example","click")'), 'JSON keeps text as written')
  })

  test('filtered, and empty', async () => {
    assert.equal(JSON.parse((await get('/public/records.json?q=hyperlink')).body).length, 1)
    assert.deepEqual(JSON.parse((await get('/public/records.json?region=Atlantis')).body), [])
  })
})

describe('streamed', () => {
  test('the first bytes arrive before the last row is read from the database', async () => {
    // The app's database, instrumented: export batches are counted, and the second waits until
    // the test has read the first chunk of the answer.
    const db = t.db
    const query = db.query.bind(db)
    let batchesRead = 0
    let release!: () => void
    const held = new Promise<void>((resolve) => { release = resolve })
    const instrumented: typeof db.query = async (sql, params) => {
      if (/order by p\.public_id limit/.test(sql)) {
        batchesRead++
        if (batchesRead === 2) await held
      }
      return query(sql, params)
    }
    db.query = instrumented
    try {
      await t.app.listen({ port: 0, host: '127.0.0.1' })
      const { port } = t.app.server.address() as AddressInfo
      // An answer built whole before sending would wait for the held batch: give up after 10 s.
      let timer: NodeJS.Timeout | undefined
      const { reader, first } = await Promise.race([
        (async () => {
          const res = await fetch(`http://127.0.0.1:${port}/public/records.csv`)
          assert.equal(res.status, 200)
          const reader = res.body!.getReader()
          return { reader, first: await reader.read() }
        })(),
        new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('no bytes before the last batch was read')), 10_000) }),
      ]).finally(() => clearTimeout(timer))
      const text = new TextDecoder().decode(first.value)
      assert.ok(text.startsWith(csvHeaderLine()), 'the header came first')
      assert.ok(batchesRead <= 2, `only ${batchesRead} of ${Math.ceil(RECORDS / 500)} batches read when the first bytes arrived`)
      release()
      let rest = text
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        rest += new TextDecoder().decode(value)
      }
      assert.equal(parseCsv(rest).length, RECORDS + 1, 'and then every record')
      assert.equal(batchesRead, Math.ceil(RECORDS / 500), 'in batches of 500')
    } finally {
      release()
      db.query = query
    }
  })
})

describe('conditional requests', () => {
  test('an ETag of the generation and address: 304 until a publish, then the new data', async () => {
    const first = await get('/public/records.csv?organisation=dl-org-1')
    const etag = String(first.headers.etag)
    assert.match(etag, /^W\/"g\d+-/)
    assert.equal(first.headers['cache-control'], 'public, max-age=60')
    const again = await get('/public/records.csv?organisation=dl-org-1', { 'if-none-match': etag })
    assert.equal(again.statusCode, 304)
    assert.equal(again.body, '')
    const other = await get('/public/records.json?organisation=dl-org-1', { 'if-none-match': etag })
    assert.equal(other.statusCode, 200, 'another address has another ETag')

    const team = await makeTeam(t, await makeOrganisation(t, { slug: 'dl-newshire' }))
    await makeEntry(t, team, { stage: 'live', name: 'Newly published tool', record: 'published' })
    const after = await get('/public/records.csv?organisation=dl-org-1', { 'if-none-match': etag })
    assert.equal(after.statusCode, 200, 'a publish anywhere changes the ETag')
    assert.notEqual(after.headers.etag, etag)
    assert.ok((await get('/public/records.csv')).body.includes('dl-newshire/newly-published-tool'), 'the new record is in the download')
  })
})
