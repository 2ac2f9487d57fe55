// The upload page (/interchange/import) through the real app: an organisation admin imports each
// format and gets a report with the rejected rows' lines and reasons; ATRS records go into the
// admin's own organisation only; a file over 20 MB, of the wrong type or with a wrong header is
// refused with a field message and nothing imported. Denied: signed out, not an admin, no CSRF token.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Client, TestApp } from '../../../test/support/app.ts'
import { createTestApp, escapeHtml } from '../../../test/support/app.ts'
import { makeOrganisation, makePerson, makePlatformAdmin, type Person, signInAs } from '../../../test/support/factories.ts'
import { MAX_IMPORT_BYTES } from './csvFile.ts'
import { exported } from './testkit.ts'

let ta: TestApp
let admin: Person
let otherAdmin: Person
let viewer: Person
let client: Client

const INDEX_CSV = 'publishing_body,tool_name,published,url\r\n' +
  'HMRC,Ask HMRC online,2025-06-26T07:39:09Z,https://www.gov.uk/algorithmic-transparency-records/hmrc-ask-hmrc-online\r\n' +
  'DVLA,Contact Centre Chatbot service,2025-12-16T11:53:55Z,https://www.gov.uk/algorithmic-transparency-records/dvla-contact-centre-chatbot-service\r\n' +
  'Evil,Tool,2025-01-01,https://evil.example/algorithmic-transparency-records/x\r\n'

before(async () => {
  ta = await createTestApp({ demo: false })
  const org = await makeOrganisation(ta, { slug: 'uploadshire', name: 'Uploadshire Council' })
  const other = await makeOrganisation(ta, { slug: 'othershire', name: 'Othershire Council' })
  // The Dutch register and GOV.UK's index change the whole platform: this admin is also a platform admin.
  admin = await makePlatformAdmin(ta, org)
  otherAdmin = await makePerson(ta, other, ['admin'])
  viewer = await makePerson(ta, org, ['viewer', 'contributor', 'assessor', 'board_member'])
  client = await signInAs(ta, admin)
  await client.get('/interchange/import')
})
after(() => ta.close())

/** A multipart body as a browser sends it: the CSRF field and the format first, then the file. */
function multipart(file: { name: string; type: string; content: string | Buffer }, fields: Record<string, string>) {
  const boundary = '----aigovInterchangeBoundary'
  const parts: Buffer[] = []
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`))
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`))
  parts.push(Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content))
  parts.push(Buffer.from(`\r\n--${boundary}--\r\n`))
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` }
}

async function upload(c: Client | null, content: string | Buffer, opts: { format?: string; name?: string; type?: string; csrf?: string | null } = {}) {
  const fields: Record<string, string> = {}
  if (opts.csrf !== null && c) fields._csrf = opts.csrf ?? c.csrf
  if (opts.format !== '') fields.format = opts.format ?? 'atrs-index'
  const body = multipart({ name: opts.name ?? 'index.csv', type: opts.type ?? 'text/csv', content }, fields)
  return ta.app.inject({
    method: 'POST', url: '/interchange/import',
    headers: { ...(c ? { cookie: c.cookieHeader() } : {}), 'content-type': body.contentType }, payload: body.payload,
  })
}
const externals = async () => (await ta.db.query<{ n: number }>('select count(*)::int as n from external_records'))[0]!.n

describe('an organisation admin who is not a platform admin', () => {
  test('is offered ATRS records only, and refused the Dutch register and GOV.UK index naming the format; nothing imported', async () => {
    const c = await signInAs(ta, otherAdmin)
    const form = await c.get('/interchange/import')
    assert.match(form.body, /value="atrs"/)
    assert.doesNotMatch(form.body, /value="nl-register"|value="atrs-index"/)
    for (const format of ['nl-register', 'atrs-index']) {
      const res = await upload(c, INDEX_CSV, { format })
      assert.equal(res.statusCode, 400, format)
      assert.match(res.body, /href="#format"/)
      assert.match(res.body, /Only platform admins import/)
    }
    assert.equal(await externals(), 0)
  })
})

describe('an organisation admin', () => {
  test('sees the form: each format, a file field, the CSRF token before the file', async () => {
    const res = await client.get('/interchange/import')
    assert.equal(res.statusCode, 200)
    for (const f of ['nl-register', 'atrs', 'atrs-index']) assert.match(res.body, new RegExp(`value="${f}"`))
    assert.ok(res.body.indexOf('name="_csrf"') < res.body.indexOf('type="file"'))
    assert.match(res.body, /enctype="multipart\/form-data"/)
  })

  test('imports the GOV.UK index: a report with the counts and the rejected row\'s line and reason; again, unchanged', async () => {
    const res = await upload(client, INDEX_CSV)
    assert.equal(res.statusCode, 422, 'a row was rejected')
    assert.match(res.body, /Import report/)
    assert.match(res.body, /<td class="govuk-table__cell">4<\/td>\s*<td class="govuk-table__cell">url<\/td>/)
    assert.ok(res.body.includes(escapeHtml('Not a GOV.UK record address')))
    assert.equal(await externals(), 2)
    const again = await upload(client, INDEX_CSV.split('\r\n').slice(0, 3).join('\r\n'))
    assert.equal(again.statusCode, 200)
    assert.match(again.body, /Unchanged\s*<\/dt>\s*<dd class="govuk-summary-list__value">\s*2\s/)
    assert.equal(await externals(), 2)
  })

  test('ATRS records go into the admin\'s own organisation, whatever the file\'s ids say', async () => {
    const header = (await ta.app.inject({ method: 'GET', url: '/public/records.csv' })).body // just the header: no records yet
    const empty = await upload(client, header, { format: 'atrs', name: 'atrs.csv' })
    assert.equal(empty.statusCode, 400, 'a header alone has no records')
    assert.match(empty.body, /The file has a header row but no records/)
    const other = await signInAs(ta, otherAdmin)
    const page = await other.get('/interchange/import')
    assert.match(page.body, /Imported into Othershire Council/)
    // A file whose id names Uploadshire, uploaded by Othershire's admin: the record is Othershire's.
    const res = await upload(other, exported({}, 'uploadshire/housing-triage'), { format: 'atrs', name: 'atrs.csv' })
    assert.equal(res.statusCode, 200, res.body.slice(0, 200))
    const owners = await ta.db.query<{ public_id: string; organisation_name: string }>('select public_id, organisation_name from public_records')
    assert.deepEqual(owners, [{ public_id: 'othershire/housing-triage', organisation_name: 'Othershire Council' }])
  })

  test('a file over 20 MB is refused with a clear message and nothing imported', async () => {
    const before = await externals()
    const res = await upload(client, Buffer.alloc(MAX_IMPORT_BYTES + 1024, 0x61))
    assert.equal(res.statusCode, 400)
    assert.ok(res.body.includes('The file is larger than 20 MB'))
    assert.match(res.body, /govuk-error-summary/)
    assert.equal(await externals(), before)
  })

  test('the wrong type, not text, a wrong header, no file, no format: refused with the field named', async () => {
    const cases: [string, Parameters<typeof upload>[2], string | Buffer, string][] = [
      ['a PDF', { name: 'records.pdf', type: 'application/pdf' }, '%PDF-1.4', 'The file must be a CSV file'],
      ['a spreadsheet saved as .csv', {}, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]), 'The file is not text'],
      ['a wrong header', {}, 'body,tool,url\r\nA,B,https://www.gov.uk/algorithmic-transparency-records/a\r\n', 'The header lacks the column'],
      ['the Dutch export as JSON', { format: 'nl-register', name: 'nl.json', type: 'application/json' }, '[]', 'The file must be a CSV file'],
      ['no format', { format: '' }, INDEX_CSV, 'Choose what is in the file'],
      ['an unknown format', { format: 'xlsx' }, INDEX_CSV, 'Choose what is in the file'],
    ]
    for (const [name, opts, content, message] of cases) {
      const res = await upload(client, content, opts)
      assert.equal(res.statusCode, 400, name)
      assert.ok(res.body.includes(escapeHtml(message)), `${name}: ${message}`)
    }
    const none = await upload(client, '', { name: '' })
    assert.equal(none.statusCode, 400)
    assert.ok(none.body.includes('Choose a file to import'))
  })
})

describe('denied', () => {
  test('signed out: the form and the upload send you to sign in; nothing imported', async () => {
    const before = await externals()
    const page = await ta.app.inject({ method: 'GET', url: '/interchange/import' })
    assert.equal(page.statusCode, 302)
    assert.match(String(page.headers.location), /^\/login\?next=/)
    const res = await upload(null, INDEX_CSV.replace('hmrc-ask', 'hmrc-new'))
    assert.ok([302, 401, 403].includes(res.statusCode), String(res.statusCode))
    assert.equal(await externals(), before)
  })

  test('a member who is not an admin: 403 for the page and the upload', async () => {
    const c = await signInAs(ta, viewer)
    assert.equal((await c.get('/interchange/import')).statusCode, 403)
    const res = await upload(c, INDEX_CSV.replace('hmrc-ask', 'hmrc-other'))
    assert.equal(res.statusCode, 403)
  })

  test('no CSRF token, or another session\'s: 403 and nothing imported', async () => {
    const before = await externals()
    const changed = INDEX_CSV.replace('hmrc-ask', 'hmrc-csrf')
    assert.equal((await upload(client, changed, { csrf: null })).statusCode, 403)
    const other = await signInAs(ta, otherAdmin)
    assert.equal((await upload(client, changed, { csrf: other.csrf })).statusCode, 403)
    assert.equal(await externals(), before)
  })
})
