// The staff CSV import through the real app: a good file adds people with invitations in one go;
// every kind of bad row is reported with its line and nothing is imported; re-running a file
// changes only what changed; too big, not CSV and not text are refused with a field message;
// only a signed-in admin with a CSRF token may import; 5,000 rows go in through the service.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Client, TestApp } from '../../../test/support/app.ts'
import { assertShows, createTestApp, shown } from '../../../test/support/app.ts'
import { makeOrganisation, makePerson, type Person, signInAs } from '../../../test/support/factories.ts'
import { checkStaffCsv, EXAMPLE_CSV, MAX_IMPORT_BYTES } from './staffCsv.ts'

let ta: TestApp
let admin: Person
let viewer: Person
let client: Client

before(async () => {
  ta = await createTestApp({ demo: false })
  const org = await makeOrganisation(ta, { slug: 'importshire', name: 'Importshire Council' })
  admin = await makePerson(ta, org, ['admin'], { email: 'admin@importshire.example', name: 'Ada Admin' })
  viewer = await makePerson(ta, org, ['viewer'])
  client = await signInAs(ta, admin)
  await client.get('/people/import')
})
after(() => ta.close())

/** A multipart body as a browser sends it: the CSRF field, then the file. */
export function multipart(file: { name: string; type: string; content: string | Buffer }, fields: Record<string, string> = {}) {
  const boundary = '----aigovTestBoundary7MA4YWxkTrZu0gW'
  const parts: Buffer[] = []
  for (const [k, v] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`))
  }
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`))
  parts.push(Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content))
  parts.push(Buffer.from(`\r\n--${boundary}--\r\n`))
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` }
}

async function upload(c: Client, content: string | Buffer, opts: { name?: string; type?: string; csrf?: string | null } = {}) {
  const body = multipart(
    { name: opts.name ?? 'staff.csv', type: opts.type ?? 'text/csv', content },
    opts.csrf === null ? {} : { _csrf: opts.csrf ?? c.csrf },
  )
  return c.app.inject({
    method: 'POST', url: '/people/import',
    headers: { cookie: c.cookieHeader(), 'content-type': body.contentType }, payload: body.payload,
  })
}

async function counts() {
  const [row] = await ta.db.query<{ people: number; mails: number; links: number }>(
    `select (select count(*)::int from users) as people, (select count(*)::int from mail_outbox) as mails,
            (select count(*)::int from account_links) as links`)
  return row!
}

const csv = (...rows: string[]) => ['name,email,service area,roles', ...rows].join('\r\n') + '\r\n'

describe('a good file', () => {
  test('adds everyone as staff (or the roles given) with an invitation each, and says how many', async () => {
    const before = await counts()
    const res = await upload(client, EXAMPLE_CSV)
    assert.equal(res.statusCode, 200, res.body.slice(0, 500))
    assertShows(res.body, 'people.import.done.added', { count: 3 })
    assertShows(res.body, 'people.import.done.changed', { count: 0 })
    assertShows(res.body, 'people.import.done.unchanged', { count: 0 })
    const after = await counts()
    assert.equal(after.people - before.people, 3, 'three accounts')
    assert.equal(after.mails - before.mails, 3, 'three invitations queued')
    assert.equal(after.links - before.links, 3, 'three links stored')

    const rows = await ta.db.query<{ email: string; roles: string[]; service_area: string | null; pending: boolean }>(
      `select u.email, m.roles, m.service_area, exists (select 1 from pending_accounts p where p.user_id = u.id) as pending
       from users u join memberships m on m.user_id = u.id where u.email like '%@example.gov.uk' order by u.email`)
    assert.deepEqual(rows.map((r) => [r.email, r.roles, r.service_area, r.pending]), [
      ['amina.patel@example.gov.uk', ['staff'], 'Adult social care', true],
      ['siobhan.murphy@example.gov.uk', ['viewer', 'contributor'], 'Planning', true],
      ['tom.evans@example.gov.uk', ['staff'], 'Revenues and benefits', true],
    ], 'people, roles and service areas as in the file')

    const [mail] = await ta.db.query<{ to_address: string; kind: string; body_text: string }>(
      "select to_address, kind, body_text from mail_outbox where to_address = 'amina.patel@example.gov.uk'")
    assert.equal(mail?.kind, 'invitation', 'an invitation')
    assert.match(mail.body_text, /\/account\/link\/[0-9a-f]{64}/, 'the mail carries a link')
    const token = /\/account\/link\/([0-9a-f]{64})/.exec(mail.body_text)![1]!
    const stored = await ta.db.query<{ token_hash: string }>('select token_hash from account_links')
    assert.ok(stored.every((s) => s.token_hash !== token), 'only the hash of the token is stored')

    const list = await client.get('/people')
    assert.ok(list.body.includes('Adult social care'), 'the list shows the service area')
    assertShows(list.body, 'people.status.invited')
    const [audit] = await ta.db.query<{ n: number }>("select count(*)::int as n from audit_events where action = 'imported'")
    assert.equal(audit?.n, 4, 'one event per person and one for the import')
  })

  test('the same file again changes nothing', async () => {
    const before = await counts()
    const res = await upload(client, EXAMPLE_CSV)
    assert.equal(res.statusCode, 200, res.body.slice(0, 300))
    assertShows(res.body, 'people.import.done.added', { count: 0 })
    assertShows(res.body, 'people.import.done.changed', { count: 0 })
    assertShows(res.body, 'people.import.done.unchanged', { count: 3 })
    assert.deepEqual(await counts(), before, 'no account, mail or link added')
  })

  test('a changed service area and name are updated; roles in the file do not change existing people', async () => {
    const changed = EXAMPLE_CSV.replace('Tom Evans,tom.evans@example.gov.uk,Revenues and benefits,staff', 'Thomas Evans,TOM.EVANS@example.gov.uk,Housing,admin')
      .replace('Planning', 'Planning and building control')
    const res = await upload(client, changed)
    assert.equal(res.statusCode, 200, res.body.slice(0, 300))
    assertShows(res.body, 'people.import.done.changed', { count: 2 })
    assertShows(res.body, 'people.import.done.unchanged', { count: 1 })
    const [tom] = await ta.db.query<{ name: string; service_area: string; roles: string[] }>(
      "select u.name, m.service_area, m.roles from users u join memberships m on m.user_id = u.id where u.email = 'tom.evans@example.gov.uk'")
    assert.deepEqual(tom, { name: 'Thomas Evans', service_area: 'Housing', roles: ['staff'] }, 'name and area updated, roles kept')
    const [ev] = await ta.db.query<{ changes: unknown }>("select changes from audit_events where action = 'import_changed' order by id limit 1")
    assert.ok(JSON.stringify(ev?.changes).includes('Housing'), 'the change is audited')
  })

  test('someone with an account in another organisation gets a membership here and keeps their password', async () => {
    const other = await makeOrganisation(ta)
    const elsewhere = await makePerson(ta, other, ['viewer'], { email: 'two.councils@example.org' })
    const before = await counts()
    const res = await upload(client, csv('Two Councils,two.councils@example.org,Finance,'))
    assert.equal(res.statusCode, 200, res.body.slice(0, 300))
    assertShows(res.body, 'people.import.done.added', { count: 1 })
    const after = await counts()
    assert.equal(after.people, before.people, 'no new account')
    assert.equal(after.mails, before.mails, 'no invitation: they already have a password')
    const [m] = await ta.db.query<{ roles: string[]; service_area: string }>(
      'select roles, service_area from memberships where user_id = $1 and organisation_id = $2', [elsewhere.id, admin.organisation.id])
    assert.deepEqual(m, { roles: ['staff'], service_area: 'Finance' }, 'a staff membership here')
  })
})

describe('bad rows: a report per row and nothing imported', () => {
  const cases: [string, string, { line: number; key: string; vars?: Record<string, string | number> }][] = [
    ['wrong header', 'nom,email,service area\r\nA,a@x.example,Y\r\n', { line: 1, key: 'people.import.problem.unknownColumn', vars: { column: 'nom' } }],
    ['missing column', 'name,email\r\nA,a@x.example\r\n', { line: 1, key: 'people.import.problem.missingColumn', vars: { column: 'service area' } }],
    ['duplicate e-mail', csv('A,dup@x.example,Y,', 'B,DUP@x.example,Y,'), { line: 3, key: 'people.import.problem.duplicate', vars: { line: 2 } }],
    ['bad e-mail', csv('A,not-an-address,Y,'), { line: 2, key: 'people.import.problem.emailFormat' }],
    ['unknown role', csv('A,a@x.example,Y,wizard'), { line: 2, key: 'people.import.problem.unknownRole', vars: { roles: 'wizard' } }],
    ['service area too long', csv(`A,a@x.example,${'s'.repeat(201)},`), { line: 2, key: 'people.import.problem.serviceAreaLong', vars: { max: 200 } }],
    ['name missing', csv(',a@x.example,Y,'), { line: 2, key: 'people.import.problem.nameMissing' }],
    ['name too long', csv(`${'n'.repeat(201)},a@x.example,Y,`), { line: 2, key: 'people.import.problem.nameLong', vars: { max: 200 } }],
    ['NUL byte', csv('A,a@x.example,Y\u0000,'), { line: 2, key: 'people.import.problem.nul' }],
    ['wrong number of cells', csv('A,a@x.example'), { line: 2, key: 'people.import.problem.cellCount', vars: { count: 2, expected: 4 } }],
    ['quote not closed', csv('"A,a@x.example,Y,'), { line: 2, key: 'people.import.problem.syntax' }],
    ['header only', 'name,email,service area\r\n', { line: 2, key: 'people.import.problem.noRows' }],
    ['empty file', '', { line: 1, key: 'people.import.problem.empty' }],
  ]
  for (const [name, content, problem] of cases) {
    test(name, async () => {
      const before = await counts()
      // Good rows around the bad one: they are not imported either.
      const withGood = problem.line > 1 && !['header only', 'empty file'].includes(name)
        ? content.replace(/\r\n$/, '\r\nGood Person,good.person@x.example,Z,\r\n') : content
      const res = await upload(client, withGood)
      assert.equal(res.statusCode, 400, `refused: ${res.body.slice(0, 200)}`)
      assertShows(res.body, 'common.errorSummaryTitle')
      const reason = shown(problem.key, problem.vars)
      assert.match(res.body, new RegExp(`<td class="govuk-table__cell">${problem.line}</td>\\s*<td class="govuk-table__cell">${reason.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}</td>`),
        `the report shows line ${problem.line}: ${reason}`)
      assert.deepEqual(await counts(), before, 'nothing imported')
    })
  }

  test('every bad row is listed, not only the first', () => {
    const checked = checkStaffCsv(csv('A,bad,Y,', 'B,b@x.example,Y,', ',c@x.example,Y,', 'D,b@x.example,Y,root'))
    assert.equal(checked.ok, false, 'refused')
    if (checked.ok) return
    assert.deepEqual(checked.problems.map((p) => [p.line, p.key]), [
      [2, 'people.import.problem.emailFormat'], [4, 'people.import.problem.nameMissing'],
      [5, 'people.import.problem.duplicate'], [5, 'people.import.problem.unknownRole'],
    ], 'each problem with its line')
  })
})

describe('files refused before reading a row', () => {
  test('over 5 MB', async () => {
    const big = csv('A,a@x.example,Y,') + 'x'.repeat(MAX_IMPORT_BYTES)
    const res = await upload(client, big)
    assert.equal(res.statusCode, 400, res.body.slice(0, 200))
    assertShows(res.body, 'people.import.errors.tooBig')
  })

  test('not a CSV file', async () => {
    const res = await upload(client, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0]), { name: 'staff.xlsx', type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' })
    assert.equal(res.statusCode, 400, res.body.slice(0, 200))
    assertShows(res.body, 'people.import.errors.notCsv')
  })

  test('a .csv that is not UTF-8 text', async () => {
    const res = await upload(client, Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0xff, 0xfe, 0x0a]))
    assert.equal(res.statusCode, 400, res.body.slice(0, 200))
    assertShows(res.body, 'people.import.errors.notText')
  })

  test('no file chosen', async () => {
    const res = await upload(client, '', { name: '' , type: 'application/octet-stream' })
    assert.equal(res.statusCode, 400, res.body.slice(0, 200))
    assertShows(res.body, 'people.import.errors.noFile')
    const form = await client.post('/people/import', {})
    assert.equal(form.statusCode, 400, 'a plain form with no file is refused too')
    assertShows(form.body, 'people.import.errors.noFile')
  })
})

describe('malformed uploads are refused, never a server error', () => {
  const cases: [string, string, string][] = [
    ['no boundary', 'multipart/form-data', 'garbage'],
    ['not multipart inside', 'multipart/form-data; boundary=abc', 'garbage'],
    ['cut short', 'multipart/form-data; boundary=abc', '--abc\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nname,email'],
    ['two files', 'multipart/form-data; boundary=abc',
      '--abc\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nname\r\n' +
      '--abc\r\nContent-Disposition: form-data; name="file"; filename="b.csv"\r\n\r\nname\r\n--abc--\r\n'],
    ['a field named like a prototype property', 'multipart/form-data; boundary=abc', '--abc\r\nContent-Disposition: form-data; name="constructor"\r\n\r\nx\r\n--abc--\r\n'],
  ]
  for (const [name, type, payload] of cases) {
    test(name, async () => {
      const before = await counts()
      const res = await ta.app.inject({ method: 'POST', url: '/people/import', headers: { cookie: client.cookieHeader(), 'content-type': type }, payload })
      assert.ok(res.statusCode >= 400 && res.statusCode < 500, `a 4xx, not ${res.statusCode}`)
      assert.deepEqual(await counts(), before, 'nothing imported')
    })
  }
})

describe('who may import', () => {
  test('a viewer gets 403 on the page, the example and the upload', async () => {
    const v = await signInAs(ta, viewer)
    assert.equal((await v.get('/people/import')).statusCode, 403, 'page')
    assert.equal((await v.get('/people/import/example.csv')).statusCode, 403, 'example')
    const before = await counts()
    assert.equal((await upload(v, csv('A,a403@x.example,Y,'))).statusCode, 403, 'upload')
    assert.deepEqual(await counts(), before, 'nothing imported')
  })

  test('without the CSRF token the upload is refused', async () => {
    const before = await counts()
    const res = await upload(client, csv('A,acsrf@x.example,Y,'), { csrf: null })
    assert.equal(res.statusCode, 403, 'refused')
    const wrong = await upload(client, csv('A,acsrf@x.example,Y,'), { csrf: 'not-the-token' })
    assert.equal(wrong.statusCode, 403, 'a wrong token is refused')
    assert.deepEqual(await counts(), before, 'nothing imported')
  })

  test('signed out, the upload goes to the sign-in page', async () => {
    const res = await ta.app.inject({ method: 'POST', url: '/people/import', headers: { 'content-type': 'multipart/form-data; boundary=x' }, payload: '--x--\r\n' })
    assert.equal(res.statusCode, 302, 'redirected')
    assert.match(String(res.headers.location), /^\/login/, 'to the sign-in page')
  })

  test('the example file downloads as CSV and imports cleanly', async () => {
    const res = await client.get('/people/import/example.csv')
    assert.equal(res.statusCode, 200, 'downloaded')
    assert.match(String(res.headers['content-type']), /^text\/csv/, 'as CSV')
    assert.equal(checkStaffCsv(res.body).ok, true, 'the example passes the checks')
  })
})

describe('5,000 staff in one step', () => {
  test('through the service, in one transaction, with an invitation each', async () => {
    const org = await makeOrganisation(ta)
    const lines = ['name,email,service area']
    for (let i = 0; i < 5000; i++) lines.push(`Person ${i},person.${i}@big.example,Area ${i % 25}`)
    const checked = checkStaffCsv(lines.join('\n'))
    assert.equal(checked.ok, true, 'the file passes')
    if (!checked.ok) return
    const started = performance.now()
    const summary = await ta.services.people.importStaffAsSystem(org, checked.rows, 'big.csv')
    const ms = performance.now() - started
    assert.deepEqual(summary, { added: 5000, changed: 0, unchanged: 0 }, 'all added')
    const [row] = await ta.db.query<{ members: number; mails: number }>(
      `select (select count(*)::int from memberships where organisation_id = $1) as members,
              (select count(*)::int from mail_outbox where organisation_id = $1 and kind = 'invitation') as mails`, [org.id])
    assert.deepEqual(row, { members: 5000, mails: 5000 }, 'members and invitations')
    const again = await ta.services.people.importStaffAsSystem(org, checked.rows, 'big.csv')
    assert.deepEqual(again, { added: 0, changed: 0, unchanged: 5000 }, 'the same file again changes nothing')
    console.log(`# 5,000 staff imported in ${Math.round(ms)} ms`)
  })
})
