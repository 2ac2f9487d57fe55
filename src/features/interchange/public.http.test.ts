// The public side of the interchange, with no login: GOV.UK's index as "published on GOV.UK"
// (/public/elsewhere: searchable, paged, hostile input answered with a normal page, no cookie), and
// each published record in the Eurocities 0.3.1 and Dutch 1.0 standards (JSON, and the Dutch CSV
// row), checked against their field lists.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { after, before, describe, test } from 'node:test'
import { createTestApp, type TestApp } from '../../../test/support/app.ts'
import { makeEntry, makeOrganisation, makeTeam } from '../../../test/support/factories.ts'
import { readCsv } from './csvFile.ts'
import { EUROCITIES_FIELDS } from './exports.ts'
import { importFile } from './importFile.ts'
import { NL_COLUMNS } from './nlStandard.ts'

const INDEX = '/work/shared/data/atrs/records_index/atrs_records.json'
let ta: TestApp

const get = (url: string) => ta.app.inject({ method: 'GET', url })

before(async () => {
  ta = await createTestApp({ demo: false })
  const index = readFileSync(new URL(`file://${INDEX}`))
  const r = await importFile(ta.services.interchange, { format: 'atrs-index', bytes: index, size: index.length, fileName: 'atrs_records.json' })
  assert.deepEqual([r.refused, r.rejected, r.counts?.imported], [[], [], 136])
  const team = await makeTeam(ta, await makeOrganisation(ta, { slug: 'exportshire', name: 'Exportshire Council' }))
  await makeEntry(ta, team, { name: 'Housing triage', stage: 'live', record: 'published' })
  const nl = [NL_COLUMNS.join(','), NL_COLUMNS.map((c) => ({
    name: 'Parking permit check', organization: 'Municipality of Exportdam', description_short: 'Checks parking permits.', status: 'In use',
    standard_version: '1.0', contact_email: 'info@exportdam.nl', lang: 'nld', publication_category: 'Impactful algorithms', algorithm_id: '55555555',
    category: 'Traffic',
  } as Record<string, string>)[c] ?? '').map((v) => `"${v}"`).join(',')].join('\r\n')
  const n = await importFile(ta.services.interchange, { format: 'nl-register', bytes: Buffer.from(nl), size: nl.length, fileName: 'nl.csv' })
  assert.deepEqual([n.rejected, n.counts?.notPublished], [[], []])
})
after(() => ta.close())

describe('/public/elsewhere: records published on GOV.UK', () => {
  test('every record of the index, 50 a page, each linking to GOV.UK; again changes nothing', async () => {
    const res = await get('/public/elsewhere')
    assert.equal(res.statusCode, 200)
    assert.match(res.body, /136 records/)
    assert.equal((res.body.match(/href="https:\/\/www\.gov\.uk\/algorithmic-transparency-records\//g) ?? []).length, 50)
    assert.match(res.body, /href="\/public\/elsewhere\?page=2"/)
    const last = await get('/public/elsewhere?page=3')
    assert.equal((last.body.match(/href="https:\/\/www\.gov\.uk\/algorithmic-transparency-records\//g) ?? []).length, 36)
    const index = readFileSync(new URL(`file://${INDEX}`))
    const again = await importFile(ta.services.interchange, { format: 'atrs-index', bytes: index, size: index.length, fileName: 'atrs_records.json' })
    assert.deepEqual([again.counts!.imported, again.counts!.updated, again.counts!.unchanged], [0, 0, 136])
  })

  test('searched by name and by publishing body', async () => {
    const byBody = await get('/public/elsewhere?q=HMRC')
    assert.equal(byBody.statusCode, 200)
    assert.match(byBody.body, /Ask HMRC online/)
    assert.doesNotMatch(byBody.body, /136 records/)
    const byName = await get('/public/elsewhere?q=chatbot')
    assert.match(byName.body, /Contact Centre Chatbot service/)
  })

  test('no cookie, and an ETag, on the public page', async () => {
    const res = await get('/public/elsewhere?q=dvla')
    assert.equal(res.headers['set-cookie'], undefined)
    assert.ok(res.headers.etag)
  })

  test('hostile input: a normal page, never a 500', async () => {
    const cases = ['q=%22%27%3B%20drop%20table%20external_records%3B--', 'q=a%00b', `q=${'x'.repeat(10000)}`, 'page=1000000000', 'page=-1',
      'page=abc', 'q=a&q=b', 'page=99999', 'q=%ED%A0%80', 'q=%26%7C%21%3A%2A']
    for (const query of cases) {
      const res = await get(`/public/elsewhere?${query}`)
      assert.ok([200, 400].includes(res.statusCode), `${query.slice(0, 40)}: ${res.statusCode}`)
      // A NUL or a lone surrogate is refused by the input boundary before the route (its own 400 page).
      assert.match(res.body, /Records published on GOV.UK|Bad request/)
    }
    assert.equal((await get(`/public/elsewhere?q=${'x'.repeat(10000)}`)).statusCode, 400)
    assert.equal((await get('/public/elsewhere?page=1000000000')).statusCode, 400)
    assert.equal((await get('/public/elsewhere?page=99999')).statusCode, 200, 'a page past the end is an empty page')
    assert.equal((await ta.db.query<{ n: number }>('select count(*)::int as n from external_records'))[0]!.n, 136)
  })
})

describe('a published record in other standards', () => {
  test('Eurocities 0.3.1: every required field present, enums allowed', async () => {
    const res = await get('/public/records/exportshire/housing-triage/eurocities.json')
    assert.equal(res.statusCode, 200)
    assert.match(String(res.headers['content-type']), /application\/json/)
    assert.equal(res.headers['set-cookie'], undefined)
    const rec = res.json<Record<string, string | null>>()
    for (const f of EUROCITIES_FIELDS.filter((x) => x.required)) assert.ok(f.key in rec, f.key)
    assert.equal(rec.standard_version, '0.3.1')
    assert.equal(rec.name, 'Housing triage')
    assert.equal(rec.organization, 'Exportshire Council')
    assert.equal(rec.status, 'operational')
    assert.match(rec.remark!, /exportshire\/housing-triage/)
  })

  test('the Dutch standard 1.0 as JSON and as a CSV row in its column order', async () => {
    const json = await get('/public/records/exportshire/housing-triage/nl-register.json')
    assert.equal(json.statusCode, 200)
    const rec = json.json<Record<string, string | null>>()
    assert.deepEqual(Object.keys(rec), [...NL_COLUMNS])
    assert.equal(rec.status, 'In use')
    assert.equal(rec.source_id, 'exportshire/housing-triage')
    const csv = await get('/public/records/exportshire/housing-triage/nl-register.csv')
    assert.equal(csv.statusCode, 200)
    assert.match(String(csv.headers['content-type']), /text\/csv/)
    assert.match(String(csv.headers['content-disposition']), /attachment; filename="exportshire--housing-triage-nl-register.csv"/)
    const read = readCsv(csv.body)
    assert.ok(read.ok)
    assert.deepEqual(read.header, [...NL_COLUMNS])
    assert.equal(read.rows[0]!.cells.name, 'Housing triage')
  })

  test('a record imported from the Dutch register goes back with its algorithm id and category', async () => {
    const res = await get('/public/records/municipality-of-exportdam/parking-permit-check/nl-register.json')
    assert.equal(res.statusCode, 200)
    const rec = res.json<Record<string, string | null>>()
    assert.equal(rec.algorithm_id, '55555555')
    assert.equal(rec.publication_category, 'Impactful algorithms')
    assert.equal(rec.category, 'Traffic')
    const euro = (await get('/public/records/municipality-of-exportdam/parking-permit-check/eurocities.json')).json<Record<string, string | null>>()
    assert.deepEqual([euro.country, euro.area], ['The Netherlands', 'The Netherlands'], 'the publishing body\'s country, not the UK')
  })

  test('unknown records and malformed paths: 404 as JSON', async () => {
    for (const url of ['/public/records/exportshire/nope/eurocities.json', '/public/records/Bad..Org/x/nl-register.json',
      `/public/records/exportshire/${'a'.repeat(200)}/nl-register.csv`, '/public/records/nobody/housing-triage/eurocities.json']) {
      const res = await get(url)
      assert.equal(res.statusCode, 404, url)
      assert.ok(res.json<{ error: string }>().error)
    }
  })
})
