// Round trip: records published here, downloaded as ATRS CSV and JSON (/public/records.csv|json),
// imported into a fresh database (an organisation with the same slug, name, contact and type), and
// downloaded again give the same file: the same header and the same record lines, byte for byte
// (ids, versions and dates kept from the file). A second import changes nothing.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { createTestApp, type TestApp } from '../../../test/support/app.ts'
import type { RegisterEntry } from '../register/model.ts'
import { approveRecord, completeRecord, makeEntry, makeOrganisation, makeTeam, type Team } from '../../../test/support/factories.ts'
import { importFile } from './importFile.ts'

let a: TestApp
let b: TestApp
let team4: Team

/** A record following ATRS v3.0 (the downloads' version), completed, approved and published. */
async function publishV3(t: TestApp, team: Team, entry: RegisterEntry) {
  const s = t.services.transparency
  const drafted = (await s.recordFor(team.contributor.user, entry.id))!
  await s.update(team.contributor.user, entry.id, drafted.version, {}, { standardVersion: '3.0' })
  await completeRecord(t, team.contributor.user, entry)
  await approveRecord(t, team.assessor.user, entry)
  await s.publish(team.admin.user, entry.id)
}
const ORG = { slug: 'roundshire', name: 'Roundshire Council', contactEmail: 'ai@roundshire.example', websiteUrl: 'https://www.roundshire.example/ai', region: 'North West' }

before(async () => {
  ;[a, b] = await Promise.all([createTestApp({ demo: false }), createTestApp({ demo: false })])
  const team = await makeTeam(a, await makeOrganisation(a, ORG))
  team4 = team
  await publishV3(a, team, await makeEntry(a, team, { name: 'Housing triage', stage: 'live', record: 'draft' }))
  await publishV3(a, team, await makeEntry(a, team, { name: 'Street light faults', stage: 'pilot', record: 'draft', supplier: 'Lampco Ltd' }))
  await makeOrganisation(b, ORG)
})
after(async () => Promise.all([a.close(), b.close()]))

const lines = (csv: string) => csv.split('\r\n')
const download = async (t: TestApp, path: string) => {
  const res = await t.app.inject({ method: 'GET', url: path })
  assert.equal(res.statusCode, 200, res.body.slice(0, 300))
  return res.body
}

test('ATRS CSV: export → import into a fresh database → export gives the same file', async () => {
  const exported = await download(a, '/public/records.csv')
  assert.equal(lines(exported).length, 4, 'a header, two records and the final CRLF')
  const org = await b.services.organisations.bySlug(ORG.slug)
  const bytes = Buffer.from(exported)
  const r = await importFile(b.services.interchange, { format: 'atrs', bytes, size: bytes.length, fileName: 'atrs-records.csv', organisation: org })
  assert.deepEqual([r.refused, r.rejected, r.counts?.notPublished], [[], [], []], JSON.stringify(r, null, 1).slice(0, 3000))
  assert.equal(r.counts!.imported, 2)
  const again = await download(b, '/public/records.csv')
  // Downloads list records by public id, the same in every database: the whole file is the same.
  assert.equal(again, exported)
  assert.equal(b.services.transparency === a.services.transparency, false)
  assert.deepEqual((await download(b, '/public/records.json')), await download(a, '/public/records.json'), 'and the JSON too')
  const rerun = await importFile(b.services.interchange, { format: 'atrs', bytes, size: bytes.length, fileName: 'atrs-records.csv', organisation: org })
  assert.deepEqual([rerun.counts!.imported, rerun.counts!.updated, rerun.counts!.unchanged], [0, 0, 2])
})

test('one record: byte for byte, in CSV and in JSON', async () => {
  const csv = await download(a, '/public/records.csv?q=housing')
  const json = await download(a, '/public/records.json?q=housing')
  const c = await createTestApp({ demo: false })
  try {
    const org = await makeOrganisation(c, ORG)
    for (const [name, text] of [['one.csv', csv], ['one.json', json]] as const) {
      const bytes = Buffer.from(text)
      const r = await importFile(c.services.interchange, { format: 'atrs', bytes, size: bytes.length, fileName: name, organisation: org })
      assert.deepEqual([r.refused, r.rejected], [[], []], JSON.stringify(r).slice(0, 2000))
    }
    const csv2 = await download(c, '/public/records.csv?q=housing')
    const at = [...csv].findIndex((ch, i) => csv2[i] !== ch)
    assert.equal(csv2, csv, `first difference at ${at}: ${JSON.stringify(csv.slice(at - 40, at + 40))} vs ${JSON.stringify(csv2.slice(at - 40, at + 40))}`)
    assert.equal(await download(c, '/public/records.json?q=housing'), json)
  } finally {
    await c.close()
  }
})

test('a record following v4.0 comes back as v4.0, byte for byte', async () => {
  await makeEntry(a, team4, { name: 'Bin collection routes', stage: 'live', record: 'published' })
  const csv = await download(a, '/public/records.csv?q=bin')
  assert.match(csv, /\r\nroundshire\/bin-collection-routes,4\.0,/)
  const c = await createTestApp({ demo: false })
  try {
    const org = await makeOrganisation(c, ORG)
    const bytes = Buffer.from(csv)
    const r = await importFile(c.services.interchange, { format: 'atrs', bytes, size: bytes.length, fileName: 'v4.csv', organisation: org })
    assert.deepEqual([r.refused, r.rejected], [[], []], JSON.stringify(r).slice(0, 2000))
    assert.equal(await download(c, '/public/records.csv?q=bin'), csv)
  } finally {
    await c.close()
  }
})
