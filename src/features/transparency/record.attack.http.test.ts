// Attacks on the working ATRS record (issue 11 §1), through HTTP as a careless user and as an
// attacker would: another council's ids on every route, every role on every route, CSRF left out,
// hostile values in every field, made-up keys, bad item and version numbers, approving and
// publishing out of turn, withholding what must stay public, and HTML in every text field. None of
// it may be a 500; each refusal names its field and keeps what was typed; nothing is half-written
// (the record, its publications and the audit trail are compared before and after).
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { Client, createTestApp, fieldValue, type TestApp } from '../../../test/support/app.ts'
import { approveRecord, completeRecord, makeEntry, makePerson, makeTeam, signInAs, type Person, type Team } from '../../../test/support/factories.ts'
import type { RegisterEntry } from '../register/model.ts'
import { exportRecord, recordToJson } from './atrs.ts'
import { isEditable, isWelshField } from './service.ts'
import { CURRENT_STANDARD, standardFor } from './standard.ts'

let t: TestApp
let team: Team
let staff: Person
const clients: Record<string, Client> = {}
before(async () => {
  t = await createTestApp({ demo: false })
  team = await makeTeam(t)
  staff = await makePerson(t, team.org, ['staff'])
  const people = { viewer: team.viewer, staff, contributor: team.contributor, assessor: team.assessor, board: team.board, admin: team.admin }
  for (const [role, person] of Object.entries(people)) clients[role] = await signInAs(t, person)
  // Staff cannot open the register: take the session's CSRF token from a page they may see, so
  // their refusals below are the permission's, not the missing token's.
  if (!clients.staff!.csrf) await clients.staff!.get('/')
})
after(() => t.close())

const c = (role: string) => clients[role]!
const recordOf = (id: string) => t.services.transparency.recordFor(team.viewer.user, id)
const page = (entry: RegisterEntry, tail = '') => `/register/${entry.id}/transparency${tail}`
const formVersion = async (client: Client, entry: RegisterEntry) => fieldValue((await client.get(page(entry))).body, 'version')!
const save = async (client: Client, entry: RegisterEntry, form: Record<string, string | string[]>) =>
  client.post(page(entry, '/edit'), { version: await formVersion(client, entry), ...form })

/** Everything a request could have changed: the working record row, its publications, the audit trail. */
async function snapshot(entry: RegisterEntry) {
  const [record] = await t.db.query<Record<string, unknown>>(
    `select fields, fields_cy, redactions, standard_version, version, approved_by, approved_version
     from transparency_records where entry_id = $1`, [entry.id])
  const [pubs] = await t.db.query<{ n: number }>(
    'select count(*)::int as n from transparency_publications p join transparency_records r on r.id = p.record_id where r.entry_id = $1', [entry.id])
  // The entry's and the record's audit events (sign-ins are audited too, and are not what is checked here).
  const [audit] = await t.db.query<{ n: number }>(
    `select count(*)::int as n from audit_events
     where entity_id = $1 or entity_id = (select id from transparency_records where entry_id = $1)`, [entry.id])
  return { record: record ?? null, publications: pubs!.n, audit: audit!.n }
}

const publications = async (entry: RegisterEntry) =>
  t.db.query<{ version_no: number; fields: Record<string, string>; fields_cy: Record<string, string>; redactions: Record<string, string>; standard_version: string; separation_relaxed: boolean }>(
    `select p.version_no, p.fields, p.fields_cy, p.redactions, p.standard_version, p.separation_relaxed from transparency_publications p
     join transparency_records r on r.id = p.record_id where r.entry_id = $1 order by p.version_no`, [entry.id])

const no500 = (res: { statusCode: number; body: string }, what: string) =>
  assert.ok(res.statusCode < 500, `${what} → ${res.statusCode} ${res.body.slice(0, 200)}`)

/** Every route of the working record, with a body that would change something if it were let through. */
function routes(entry: RegisterEntry, version: string) {
  return [
    { method: 'GET', url: page(entry) },
    { method: 'GET', url: page(entry, '/welsh') },
    { method: 'GET', url: page(entry, '/redactions') },
    { method: 'POST', url: page(entry), form: {} },
    { method: 'POST', url: page(entry, '/edit'), form: { version, benefit: 'Written by someone who may not.' } },
    { method: 'POST', url: page(entry, '/standard'), form: { version, standardVersion: '3.0' } },
    { method: 'POST', url: page(entry, '/approve'), form: { version } },
    { method: 'POST', url: page(entry, '/publish'), form: {} },
    { method: 'POST', url: page(entry, '/welsh'), form: { version, cy_benefit: 'Gan rywun na ddylai.' } },
    { method: 'POST', url: page(entry, '/redactions'), form: { version, field: 'benefit', reason: 'Withheld by someone who may not.' } },
  ] as const
}

describe('another council’s record', () => {
  test('every route, GET and POST, is a 404 for each role of another council, and nothing changes', async () => {
    const entry = await makeEntry(t, team, { name: 'Not yours', stage: 'live', record: 'complete' })
    await approveRecord(t, team.assessor.user, entry)
    const version = String((await recordOf(entry.id))!.version)
    const before = await snapshot(entry)
    const other = await makeTeam(t)
    for (const person of [other.contributor, other.assessor, other.board, other.admin]) {
      const client = await signInAs(t, person)
      for (const r of routes(entry, version)) {
        const res = r.method === 'GET' ? await client.get(r.url) : await client.post(r.url, r.form)
        // A role that may not use the route at all is refused before the entry is looked up (403): also fine.
        assert.ok([403, 404].includes(res.statusCode), `${person.roles[0]} ${r.method} ${r.url} → ${res.statusCode}`)
        assert.doesNotMatch(res.body, /Not yours/, `${person.roles[0]} ${r.method} ${r.url} does not show the entry`)
      }
    }
    const admin = await signInAs(t, other.admin)
    for (const r of routes(entry, version)) {
      const res = r.method === 'GET' ? await admin.get(r.url) : await admin.post(r.url, r.form)
      assert.equal(res.statusCode, 404, `admin of another council: ${r.method} ${r.url}`)
    }
    assert.deepEqual(await snapshot(entry), before)
  })

  test('a malformed or unknown entry id is a 404 on every route, never a 500', async () => {
    const admin = c('admin')
    for (const id of ['not-a-uuid', '00000000-0000-0000-0000-000000000000', "1' or '1'='1", 'x'.repeat(300)]) {
      const fake = { id: encodeURIComponent(id) } as RegisterEntry
      for (const r of routes(fake, '1')) {
        const res = r.method === 'GET' ? await admin.get(r.url) : await admin.post(r.url, r.form)
        assert.equal(res.statusCode, 404, `${r.method} ${r.url}`)
      }
    }
  })
})

describe('who may do what', () => {
  // Route → the roles allowed; every other role gets a 403 and changes nothing.
  const ALLOWED: Record<string, readonly string[]> = {
    'GET ': ['contributor', 'assessor', 'board', 'admin'],
    'GET /welsh': ['contributor', 'assessor', 'admin'],
    'GET /redactions': ['contributor', 'assessor', 'admin'],
    'POST ': ['contributor', 'assessor', 'admin'],
    'POST /edit': ['contributor', 'assessor', 'admin'],
    'POST /standard': ['contributor', 'assessor', 'admin'],
    'POST /approve': ['assessor', 'board', 'admin'],
    'POST /publish': ['admin'],
    'POST /welsh': ['contributor', 'assessor', 'admin'],
    'POST /redactions': ['contributor', 'assessor', 'admin'],
  }

  test('each role is refused (403, nothing changed) on every route it may not use', async () => {
    const entry = await makeEntry(t, team, { name: 'Role matrix', stage: 'live', record: 'complete' })
    await approveRecord(t, team.assessor.user, entry)
    const version = String((await recordOf(entry.id))!.version)
    const before = await snapshot(entry)
    for (const role of ['viewer', 'staff', 'contributor', 'assessor', 'board', 'admin']) {
      for (const r of routes(entry, version)) {
        const key = `${r.method} ${r.url.replace(page(entry), '')}`
        if (ALLOWED[key]!.includes(role)) continue
        const res = r.method === 'GET' ? await c(role).get(r.url) : await c(role).post(r.url, r.form)
        assert.equal(res.statusCode, 403, `${role} ${key}`)
      }
    }
    assert.deepEqual(await snapshot(entry), before)
  })

  test('each role reads what it may: writers the form, a board member the record read-only and the approve button', async () => {
    const entry = await makeEntry(t, team, { name: 'Who reads', stage: 'live', record: 'complete' })
    for (const role of ['contributor', 'assessor', 'admin']) {
      for (const tail of ['', '/welsh', '/redactions']) assert.equal((await c(role).get(page(entry, tail))).statusCode, 200, `${role} GET ${tail}`)
    }
    const board = await c('board').get(page(entry))
    assert.equal(board.statusCode, 200)
    assert.doesNotMatch(board.body, /action="[^"]*\/transparency\/edit"/, 'no edit form for a reviewer')
    assert.match(board.body, /action="[^"]*\/transparency\/approve"/)
    assert.doesNotMatch(board.body, /action="[^"]*\/transparency\/publish"/, 'only an administrator publishes')
  })

  test('every POST without the CSRF token is refused and changes nothing', async () => {
    const entry = await makeEntry(t, team, { name: 'No token', stage: 'live', record: 'complete' })
    await approveRecord(t, team.assessor.user, entry)
    const version = String((await recordOf(entry.id))!.version)
    const before = await snapshot(entry)
    for (const r of routes(entry, version)) {
      if (r.method !== 'POST') continue
      for (const csrf of ['', 'forged-token']) {
        const res = await c('admin').post(r.url, { ...r.form, _csrf: csrf })
        assert.equal(res.statusCode, 403, `${r.url} with _csrf=${JSON.stringify(csrf)}`)
      }
      const bare = await t.app.inject({
        method: 'POST', url: r.url, headers: { cookie: c('admin').cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(r.form).toString(),
      })
      assert.equal(bare.statusCode, 403, `${r.url} with no _csrf field`)
    }
    assert.deepEqual(await snapshot(entry), before)
  })
})

describe('hostile values in the edit form', () => {
  let entry: RegisterEntry
  before(async () => { entry = await makeEntry(t, team, { name: 'Hostile values', stage: 'approved', record: 'draft' }) })

  test('two values for one field (a repeated name) is refused naming the field, keeping the rest typed', async () => {
    const before = await snapshot(entry)
    const res = await save(c('contributor'), entry, { title: ['First', 'Second'], benefit: 'Kept while the title is wrong.' })
    assert.equal(res.statusCode, 400)
    assert.match(res.body, /href="#field-title"/)
    assert.equal(fieldValue(res.body, 'benefit'), 'Kept while the title is wrong.')
    assert.deepEqual(await snapshot(entry), before)
  })

  test('bracketed names (field[]=a, field[x]=b) are not fields: nothing is written under them', async () => {
    const res = await save(c('contributor'), entry, { 'title[]': 'Bracketed', 'benefit[x]': 'Bracketed too' })
    no500(res, 'bracketed names')
    const r = (await recordOf(entry.id))!
    assert.notEqual(r.fields.title, 'Bracketed')
    assert.ok(!Object.keys(r.fields).some((k) => k.includes('[')), 'no key with a bracket')
  })

  test('a JSON body on the page route is refused as the wrong type, and nothing is saved', async () => {
    const before = await snapshot(entry)
    const res = await t.app.inject({
      method: 'POST', url: page(entry, '/edit'),
      headers: { cookie: c('contributor').cookieHeader(), 'content-type': 'application/json', 'x-csrf-token': c('contributor').csrf },
      payload: JSON.stringify({ version: String(before.record!.version), title: { $ne: '' }, benefit: ['a', 'b'], __proto__: { admin: true } }),
    })
    assert.equal(res.statusCode, 415)
    assert.deepEqual(await snapshot(entry), before)
  })

  test('a NUL byte in a field is a 400 naming it, and nothing is saved', async () => {
    const before = await snapshot(entry)
    const res = await save(c('contributor'), entry, { benefit: 'Before\u0000after' })
    assert.equal(res.statusCode, 400)
    assert.match(res.body, /benefit/)
    assert.deepEqual(await snapshot(entry), before)
  })

  test('a broken UTF-8 sequence (a lone surrogate as a browser would send it) is never a 500 and never stores half a pair', async () => {
    const version = await formVersion(c('contributor'), entry)
    const res = await t.app.inject({
      method: 'POST', url: page(entry, '/edit'),
      headers: { cookie: c('contributor').cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${encodeURIComponent(c('contributor').csrf)}&version=${version}&benefit=Half%ED%A0%80pair&team=%uD800`,
    })
    no500(res, 'lone surrogate')
    const r = (await recordOf(entry.id))!
    for (const v of Object.values(r.fields)) assert.doesNotMatch(v, /[\uD800-\uDFFF]/, 'no half of a surrogate pair is stored')
  })

  test('10 kB in a short field and 30 kB in a long one are refused as too long, naming each, keeping both typed', async () => {
    const before = await snapshot(entry)
    const ten = 'a'.repeat(10_000)
    const thirty = 'b'.repeat(30_000)
    const res = await save(c('contributor'), entry, { one_sentence_description: ten, benefit: thirty, team: 'Typed beside them' })
    assert.equal(res.statusCode, 400)
    assert.match(res.body, /href="#field-one_sentence_description"/)
    assert.match(res.body, /href="#field-benefit"/)
    assert.equal(fieldValue(res.body, 'one_sentence_description'), ten)
    assert.equal(fieldValue(res.body, 'benefit'), thirty)
    assert.equal(fieldValue(res.body, 'team'), 'Typed beside them')
    assert.deepEqual(await snapshot(entry), before)
  })

  test('10 kB in a long text field is saved whole', async () => {
    const ten = 'Ten kilobytes. '.repeat(680).trim()
    assert.equal((await save(c('contributor'), entry, { benefit: ten })).statusCode, 303)
    assert.equal((await recordOf(entry.id))!.fields.benefit, ten)
  })

  test('empty fields are fine in a draft, except the title and name, which are refused naming each', async () => {
    const before = await snapshot(entry)
    const res = await save(c('contributor'), entry, { title: '', name: ' \t ', benefit: '' })
    assert.equal(res.statusCode, 400)
    assert.match(res.body, /href="#field-title"/)
    assert.match(res.body, /href="#field-name"/)
    assert.deepEqual(await snapshot(entry), before)
    assert.equal((await save(c('contributor'), entry, { benefit: '' })).statusCode, 303)
    assert.equal((await recordOf(entry.id))!.fields.benefit, '')
  })

  test('made-up and protected keys are ignored: organisation fields, metadata, items never added, prototype names', async () => {
    const org = team.org
    const before = (await recordOf(entry.id))!
    const res = await save(c('contributor'), entry, {
      model_name__99: 'Smuggled model', model_name__0: 'Item zero', organisation_name: 'Another Council', organisation_or_department: 'Another Council',
      contact_email: 'attacker@evil.example', organisation_type: 'Fake type', id: 'forged-id', standard_version: '3.0', date_updated: '1999-01-01',
      __proto__: 'polluted', constructor: 'polluted', toString: 'polluted', scope: 'A v3.0 field on a v4.0 record', team: 'Legitimate change',
    })
    assert.equal(res.statusCode, 303, res.body.slice(0, 300))
    const r = (await recordOf(entry.id))!
    assert.equal(r.fields.team, 'Legitimate change')
    assert.equal(r.fields.organisation_name, org.name)
    assert.equal(r.fields.contact_email, org.contactEmail)
    assert.equal(r.standardVersion, before.standardVersion)
    const [row] = await t.db.query<{ fields: Record<string, string> }>('select fields from transparency_records where entry_id = $1', [entry.id])
    for (const k of ['model_name__99', 'model_name__0', 'organisation_type', 'id', 'standard_version', 'date_updated', '__proto__', 'constructor', 'toString', 'scope']) {
      assert.ok(!Object.hasOwn(row!.fields, k), `${k} is not written`)
    }
    assert.notEqual(row!.fields.organisation_name, 'Another Council')
    assert.equal(({} as Record<string, unknown>).polluted, undefined)
    assert.equal(Object.prototype.toString.call([]), '[object Array]')
  })

  test('_add and _remove with bad values are never a 500 and change no items', async () => {
    const modelCount = (f: Record<string, string>) => Object.keys(f).filter((k) => /^model_name__\d+$/.test(k)).length
    const start = modelCount((await recordOf(entry.id))!.fields)
    for (const form of [
      { _add: 'nope' }, { _add: 'tier1' }, { _add: '' }, { _add: ['model', 'model'] }, { _add: '../../admin' },
      { _remove: 'model:0' }, { _remove: 'model:99' }, { _remove: 'model:-1' }, { _remove: 'nope:1' }, { _remove: 'summary:1' },
      { _remove: 'model:1:2' }, { _remove: ['model:1', 'model:2'] }, { _remove: 'model' },
    ] as Record<string, string | string[]>[]) {
      const res = await save(c('contributor'), entry, form)
      no500(res, JSON.stringify(form))
      assert.equal(modelCount((await recordOf(entry.id))!.fields), start, JSON.stringify(form))
    }
  })

  test('_add with characters a header cannot hold is not a 500 (it is put in the redirect\u2019s address)', async () => {
    for (const add of ['model\r\nX-Injected: 1', 'модель', 'model"><script>']) {
      const res = await save(c('contributor'), entry, { _add: add })
      no500(res, `_add=${JSON.stringify(add)}`)
      assert.equal(res.headers['x-injected'], undefined)
    }
  })

  test('the version field missing, negative, zero, huge, not a number, repeated or stale: refused, nothing saved', async () => {
    const before = await snapshot(entry)
    const current = Number(before.record!.version)
    for (const version of [undefined, '', '-1', '0', '1e400', String(2 ** 31), '99999999999999999999', 'abc', '1.5', ['1', '2'], String(current - 1), String(current + 1)]) {
      const form: Record<string, string | string[]> = { benefit: 'Should not be saved.' }
      if (version !== undefined) form.version = version
      const res = await c('contributor').post(page(entry, '/edit'), form)
      assert.ok([400, 409].includes(res.statusCode), `version=${JSON.stringify(version)} → ${res.statusCode}`)
      assert.equal(fieldValue(res.body, 'benefit'), 'Should not be saved.', `version=${JSON.stringify(version)}: what was typed is kept`)
    }
    assert.deepEqual(await snapshot(entry), before)
  })
})

describe('moving between versions of the standard', () => {
  test('an unknown, empty, repeated or prototype version is refused naming the field; a stale form is a 409', async () => {
    const entry = await makeEntry(t, team, { name: 'Version attacks', stage: 'approved', record: 'draft' })
    const before = await snapshot(entry)
    const version = await formVersion(c('contributor'), entry)
    for (const standardVersion of ['9.9', '', '3', '4.0 ', '__proto__', 'constructor', 'toString', ['3.0', '4.0'], '-1', '1e9']) {
      const res = await c('contributor').post(page(entry, '/standard'), { version, standardVersion })
      assert.equal(res.statusCode, 400, `standardVersion=${JSON.stringify(standardVersion)}`)
      assert.match(res.body, /href="#(field-)?standardVersion"/)
    }
    const missing = await c('contributor').post(page(entry, '/standard'), { version })
    assert.equal(missing.statusCode, 400)
    const stale = await c('contributor').post(page(entry, '/standard'), { version: String(Number(version) + 1), standardVersion: '3.0' })
    assert.equal(stale.statusCode, 409)
    assert.deepEqual(await snapshot(entry), before)
  })

  test('4.0 → 3.0 → 4.0 keeps every field typed; each publication carries only its version’s fields', async () => {
    const entry = await makeEntry(t, team, { name: 'Round trip versions', stage: 'live', record: 'complete' })
    const start = (await recordOf(entry.id))!
    assert.equal(start.standardVersion, CURRENT_STANDARD)
    assert.equal(CURRENT_STANDARD, '4.0')
    const v4fields = { ...start.fields }
    const move = async (to: string) => {
      const res = await c('contributor').post(page(entry, '/standard'), { version: await formVersion(c('contributor'), entry), standardVersion: to })
      assert.equal(res.statusCode, 303, res.body.slice(0, 200))
    }
    await move('3.0')
    let r = (await recordOf(entry.id))!
    assert.equal(r.standardVersion, '3.0')
    for (const [k, v] of Object.entries(v4fields)) assert.equal(r.fields[k], v, `${k} kept on the move to 3.0`)
    assert.ok(r.completeness.missing.some((m) => m.key === 'phase' || m.key === 'scope'), 'v3.0 asks for what it asks')
    await completeRecord(t, team.contributor.user, entry)
    await approveRecord(t, team.assessor.user, entry)
    assert.equal((await c('admin').post(page(entry, '/publish'))).statusCode, 303)
    assert.equal((await recordOf(entry.id))!.approval, null, 'publishing uses the approval up')
    await approveRecord(t, team.assessor.user, entry)
    await move('4.0')
    r = (await recordOf(entry.id))!
    assert.equal(r.standardVersion, '4.0')
    for (const k of Object.keys(v4fields)) assert.ok(k in r.fields, `${k} still in the working record after the round trip`)
    assert.equal(r.approval?.current, false, 'moving lapses the approval')
    await completeRecord(t, team.contributor.user, entry)
    await approveRecord(t, team.assessor.user, entry)
    assert.equal((await c('admin').post(page(entry, '/publish'))).statusCode, 303)
    const [v1, v2] = await publications(entry)
    assert.equal(v1!.standard_version, '3.0')
    assert.equal(v2!.standard_version, '4.0')
    const v3 = standardFor('3.0')
    const v4 = standardFor('4.0')
    const base = (k: string) => k.replace(/__\d+$/, '')
    for (const k of Object.keys(v1!.fields)) assert.ok(k === 'organisation_type' || v3.byKey.has(base(k)), `v1 (3.0) has no ${k}`)
    for (const k of Object.keys(v2!.fields)) assert.ok(k === 'organisation_type' || v4.byKey.has(base(k)), `v2 (4.0) has no ${k}`)
    assert.ok(!('scope' in v2!.fields) && 'scope' in v1!.fields, 'Scope is a 3.0 field only')
    assert.ok(Object.keys(v2!.fields).some((k) => k.startsWith('operational_')), '4.0 publishes operational data')
    assert.ok(!Object.keys(v1!.fields).some((k) => k.startsWith('operational_')), '3.0 has none')
    // The downloads: each row says its version; v3.0's model specifications come out as one item, v4.0's operational data too.
    const row = (p: typeof v1, sv: string) => ({ organisationName: team.org.name, slug: `${team.org.slug}/${r.slug}`, version: p!.version_no, publishedAt: new Date().toISOString(), fields: p!.fields, standardVersion: sv })
    assert.equal(exportRecord(row(v1, '3.0')).standard_version, '3.0')
    assert.equal(exportRecord(row(v2, '4.0')).standard_version, '4.0')
    const j3 = recordToJson(row(v1, '3.0')) as Record<string, unknown[]>
    const j4 = recordToJson(row(v2, '4.0')) as Record<string, unknown[]>
    assert.equal(j3.model_specifications!.length, 1)
    assert.equal(j3.operational_data_specifications!.length, 0)
    assert.equal(j4.operational_data_specifications!.length, 1)
    assert.equal(exportRecord(row(v2, '4.0')).scope, '', 'no v3.0 text leaks into a v4.0 row')
  })
})

describe('approving and publishing out of turn', () => {
  test('approving a stale version, a version never saved, or without a version is refused and records nothing', async () => {
    const entry = await makeEntry(t, team, { name: 'Stale approval', stage: 'live', record: 'complete' })
    const before = await snapshot(entry)
    const version = Number(before.record!.version)
    for (const v of [String(version - 1), String(version + 1), '', '-3', 'x', undefined]) {
      const res = await c('assessor').post(page(entry, '/approve'), v === undefined ? {} : { version: v })
      assert.ok([400, 409].includes(res.statusCode), `approve version=${JSON.stringify(v)} → ${res.statusCode}`)
    }
    assert.deepEqual(await snapshot(entry), before)
  })

  test('with separation of duties on, the author cannot approve; off, they can and the approval is marked relaxed', async () => {
    const own = await makeTeam(t)
    const entry = await makeEntry(t, own, { name: 'Own approval', stage: 'live', record: 'complete', by: { writer: own.assessor } })
    const assessor = await signInAs(t, own.assessor)
    const before = await snapshot(entry)
    const res = await assessor.post(page(entry, '/approve'), { version: await formVersion(assessor, entry) })
    assert.equal(res.statusCode, 409)
    assert.deepEqual(await snapshot(entry), before)
    await t.services.organisations.setSeparationOfDuties(own.admin.user, false)
    assert.equal((await assessor.post(page(entry, '/approve'), { version: await formVersion(assessor, entry) })).statusCode, 303)
    const [audit] = await t.db.query<{ changes: Record<string, unknown> }>(
      "select changes from audit_events where action = 'approved' and actor_id = $1 order by id desc limit 1", [own.assessor.id])
    assert.ok(audit && 'separationRelaxed' in audit.changes, 'the approval is marked relaxed in the audit trail')
  })

  test('an administrator who wrote the record can neither approve nor publish it while separation is on', async () => {
    const entry = await makeEntry(t, team, { name: 'Admin wrote it', stage: 'live', record: 'complete', by: { writer: team.admin } })
    const before = await snapshot(entry)
    assert.equal((await c('admin').post(page(entry, '/approve'), { version: await formVersion(c('admin'), entry) })).statusCode, 409)
    await approveRecord(t, team.board.user, entry)
    const mid = await snapshot(entry)
    assert.notDeepEqual(mid.record, before.record)
    assert.equal((await c('admin').post(page(entry, '/publish'))).statusCode, 409)
    assert.equal((await snapshot(entry)).publications, 0)
  })

  test('publishing without an approval, or after a Welsh edit or a redaction lapsed it, is refused; nothing is published', async () => {
    const entry = await makeEntry(t, team, { name: 'Lapsed approvals', stage: 'live', record: 'complete' })
    assert.equal((await c('admin').post(page(entry, '/publish'))).statusCode, 409, 'never approved')
    await approveRecord(t, team.assessor.user, entry)
    const welsh = await c('contributor').post(page(entry, '/welsh'), { version: await formVersion(c('contributor'), entry), cy_benefit: 'Budd.' })
    assert.equal(welsh.statusCode, 303)
    assert.equal((await recordOf(entry.id))!.approval?.current, false)
    assert.equal((await c('admin').post(page(entry, '/publish'))).statusCode, 409, 'lapsed by Welsh')
    await approveRecord(t, team.assessor.user, entry)
    const red = await c('contributor').post(page(entry, '/redactions'), { version: await formVersion(c('contributor'), entry), field: 'benefit', reason: 'Commercially sensitive.' })
    assert.equal(red.statusCode, 303)
    assert.equal((await c('admin').post(page(entry, '/publish'))).statusCode, 409, 'lapsed by a redaction')
    await approveRecord(t, team.assessor.user, entry)
    const unred = await c('contributor').post(page(entry, '/redactions'), { version: await formVersion(c('contributor'), entry), field: 'benefit', _action: 'remove' })
    assert.equal(unred.statusCode, 303)
    assert.equal((await c('admin').post(page(entry, '/publish'))).statusCode, 409, 'lapsed by publishing a field again')
    assert.equal((await snapshot(entry)).publications, 0)
  })

  test('publishing again with nothing changed since the last version adds no identical version', async () => {
      const entry = await makeEntry(t, team, { name: 'Publish twice', stage: 'live', record: 'published' })
      const res = await c('admin').post(page(entry, '/publish'))
      no500(res, 'publish again')
      assert.deepEqual((await publications(entry)).map((p) => p.version_no), [1])
    })

  test('a version published after the author approved their own record (separation off) is marked relaxed', async () => {
      const own = await makeTeam(t)
      await t.services.organisations.setSeparationOfDuties(own.admin.user, false)
      const entry = await makeEntry(t, own, { name: 'Relaxed review', stage: 'live', record: 'complete', by: { writer: own.assessor } })
      await approveRecord(t, own.assessor.user, entry)
      await t.services.transparency.publish(own.admin.user, entry.id)
      const [v1] = await publications(entry)
      assert.equal(v1!.separation_relaxed, true)
    })
})

describe('withholding fields', () => {
  test('fields that say what the record is and who publishes it cannot be withheld; nothing changes', async () => {
    const entry = await makeEntry(t, team, { name: 'Always public', stage: 'live', record: 'complete' })
    const before = await snapshot(entry)
    const version = await formVersion(c('contributor'), entry)
    for (const field of ['title', 'name', 'one_sentence_description', 'phase', 'organisation_name', 'organisation_or_department', 'contact_email',
      'organisation_type', 'id', 'standard_version', '__proto__', 'constructor', '', 'model_name', 'scope']) {
      const res = await c('contributor').post(page(entry, '/redactions'), { version, field, reason: 'Trying to hide it.' })
      assert.equal(res.statusCode, 400, `field=${field}`)
      assert.match(res.body, /href="#field"/, `field=${field} is named`)
      assert.equal(fieldValue(res.body, 'reason'), 'Trying to hide it.', 'the reason typed is kept')
    }
    const list = await c('contributor').post(page(entry, '/redactions'), { version, field: ['benefit', 'team'], reason: 'Two at once.' })
    assert.equal(list.statusCode, 400)
    assert.deepEqual(await snapshot(entry), before)
  })

  test('a reason of 0 characters, only spaces or 2,000 characters is refused naming the reason; 1,000 is accepted', async () => {
    const entry = await makeEntry(t, team, { name: 'Reasons', stage: 'live', record: 'complete' })
    const before = await snapshot(entry)
    const version = await formVersion(c('contributor'), entry)
    for (const reason of ['', '   \n ', 'r'.repeat(2000)]) {
      const res = await c('contributor').post(page(entry, '/redactions'), { version, field: 'benefit', reason })
      assert.equal(res.statusCode, 400, `reason of ${reason.length}`)
      assert.match(res.body, /href="#reason"/)
      assert.equal(fieldValue(res.body, 'reason'), reason, 'what was typed is kept')
      assert.equal(fieldValue(res.body, 'field'), 'benefit', 'the field chosen is kept')
    }
    const array = await c('contributor').post(page(entry, '/redactions'), { version, field: 'benefit', reason: ['a', 'b'] })
    assert.equal(array.statusCode, 400)
    assert.deepEqual(await snapshot(entry), before)
    const ok = await c('contributor').post(page(entry, '/redactions'), { version, field: 'benefit', reason: 'r'.repeat(1000) })
    assert.equal(ok.statusCode, 303)
    assert.equal((await recordOf(entry.id))!.redactions.benefit, 'r'.repeat(1000))
  })

  test('withholding an item that does not exist (model_name__9) is refused, so no empty item is published',
async () => {
      const entry = await makeEntry(t, team, { name: 'Phantom item', stage: 'live', record: 'complete' })
      const before = await snapshot(entry)
      const res = await c('contributor').post(page(entry, '/redactions'), { version: await formVersion(c('contributor'), entry), field: 'model_name__9', reason: 'Hidden.' })
      no500(res, 'withhold model_name__9')
      if (res.statusCode === 400) assert.deepEqual(await snapshot(entry), before)
      await approveRecord(t, team.assessor.user, entry)
      await t.services.transparency.publish(team.admin.user, entry.id)
      const [v1] = await publications(entry)
      assert.equal(v1!.fields.model_name__9, undefined, 'no phantom ninth model is published')
      const json = recordToJson({ organisationName: team.org.name, slug: 'x/y', version: 1, publishedAt: new Date().toISOString(), fields: v1!.fields, standardVersion: v1!.standard_version }) as Record<string, unknown[]>
      assert.equal(json.model_specifications!.length, 0, 'the download lists no empty models')
    })

  test('removing an earlier item never publishes a withheld field of a later one in clear',
async () => {
      const entry = await makeEntry(t, team, { name: 'Leak on remove', stage: 'live', record: 'complete' })
      await save(c('contributor'), entry, { _add: 'model' })
      await save(c('contributor'), entry, { _add: 'model' })
      await save(c('contributor'), entry, { model_name__1: 'Public model', model_name__2: 'Secret model name' })
      await completeRecord(t, team.contributor.user, entry)
      const red = await c('contributor').post(page(entry, '/redactions'), { version: await formVersion(c('contributor'), entry), field: 'model_name__2', reason: 'Security.' })
      assert.equal(red.statusCode, 303)
      const cy = await c('contributor').post(page(entry, '/welsh'), { version: await formVersion(c('contributor'), entry), cy_model_name__1: 'Model cyhoeddus' })
      assert.equal(cy.statusCode, 303)
      assert.equal((await save(c('contributor'), entry, { _remove: 'model:1' })).statusCode, 303)
      const r = (await recordOf(entry.id))!
      assert.equal(r.fields.model_name__1, 'Secret model name')
      await approveRecord(t, team.assessor.user, entry)
      await t.services.transparency.publish(team.admin.user, entry.id)
      const [v1] = await publications(entry)
      assert.doesNotMatch(JSON.stringify(v1!.fields), /Secret model name/, 'the withheld name stays withheld')
      assert.equal(v1!.fields.model_name__2, undefined, 'no phantom second model')
      assert.notEqual(v1!.fields_cy.model_name__1, 'Model cyhoeddus', 'the removed model’s Welsh does not label the other')
    })
})

describe('withholding across versions of the standard', () => {
  test('a field withheld under 3.0 that 4.0 does not have is neither published as withheld nor stuck on the page', async () => {
      const entry = await makeEntry(t, team, { name: 'Stranded redaction', stage: 'live', record: 'complete' })
      const move = async (to: string) => assert.equal((await c('contributor').post(page(entry, '/standard'), { version: await formVersion(c('contributor'), entry), standardVersion: to })).statusCode, 303)
      await move('3.0')
      await completeRecord(t, team.contributor.user, entry)
      assert.equal((await c('contributor').post(page(entry, '/redactions'), { version: await formVersion(c('contributor'), entry), field: 'scope', reason: 'Withheld under 3.0.' })).statusCode, 303)
      await move('4.0')
      await completeRecord(t, team.contributor.user, entry)
      const list = await c('contributor').get(page(entry, '/redactions'))
      assert.match(list.body, /name="field" value="scope"/, 'the page lists the stranded redaction')
      assert.match(list.body, /Version 4.0 of the standard has no such field/, 'and says it is not published')
      await approveRecord(t, team.assessor.user, entry)
      await t.services.transparency.publish(team.admin.user, entry.id)
      const [v1] = await publications(entry)
      assert.equal(v1!.standard_version, '4.0')
      assert.ok(!('scope' in v1!.redactions), 'a 4.0 version does not say a 3.0 field was withheld')
      assert.ok(!('scope' in v1!.fields), 'nor publishes it')
      const remove = await c('contributor').post(page(entry, '/redactions'), { version: await formVersion(c('contributor'), entry), field: 'scope', _action: 'remove' })
      assert.equal(remove.statusCode, 303, 'a redaction the page offers to remove can be removed')
      assert.ok(!('scope' in (await recordOf(entry.id))!.redactions))
    })

  test('removing a redaction that was never made of a field this version lacks is still refused', async () => {
      const entry = await makeEntry(t, team, { name: 'No stranded redaction', stage: 'live', record: 'complete' })
      const res = await c('contributor').post(page(entry, '/redactions'), { version: await formVersion(c('contributor'), entry), field: 'scope', _action: 'remove' })
      assert.equal(res.statusCode, 400)
      assert.match(res.body, /href="#field"/)
    })

})

describe('Welsh text', () => {
  test('hostile Welsh values: a list, NUL, 30 kB, items never added, fields with no Welsh: refused or ignored, never a 500', async () => {
    const entry = await makeEntry(t, team, { name: 'Hostile Welsh', stage: 'live', record: 'complete' })
    const before = await snapshot(entry)
    const version = await formVersion(c('contributor'), entry)
    const list = await c('contributor').post(page(entry, '/welsh'), { version, cy_benefit: ['a', 'b'], cy_team: 'Tîm' })
    assert.equal(list.statusCode, 400)
    assert.match(list.body, /href="#cy-benefit"/)
    assert.equal(fieldValue(list.body, 'cy_team'), 'Tîm')
    const nul = await c('contributor').post(page(entry, '/welsh'), { version, cy_benefit: 'a\u0000b' })
    assert.equal(nul.statusCode, 400)
    const long = await c('contributor').post(page(entry, '/welsh'), { version, cy_benefit: 'c'.repeat(30_000) })
    assert.equal(long.statusCode, 400)
    assert.match(long.body, /href="#cy-benefit"/)
    assert.equal(fieldValue(long.body, 'cy_benefit'), 'c'.repeat(30_000))
    const stale = await c('contributor').post(page(entry, '/welsh'), { version: String(Number(version) - 1), cy_benefit: 'Hen' })
    assert.equal(stale.statusCode, 409)
    assert.equal(fieldValue(stale.body, 'cy_benefit'), 'Hen', 'a stale form keeps the Welsh typed')
    assert.deepEqual(await snapshot(entry), before)
    const ignored = await c('contributor').post(page(entry, '/welsh'), {
      version, cy_model_name__9: 'Dim', cy_phase: 'Cynhyrchu', cy_website_url: 'https://cy.example', cy_organisation_name: 'Cyngor Arall',
      cy___proto__: 'x', cy_constructor: 'x', cy_: 'x', cy_scope: 'Cwmpas',
    })
    assert.equal(ignored.statusCode, 303)
    assert.deepEqual(await snapshot(entry), before, 'nothing to save, so the version does not move')
  })

  test('Welsh for a short field is held to that field’s own limit', async () => {
    const entry = await makeEntry(t, team, { name: 'Long Welsh sentence', stage: 'live', record: 'complete' })
    const before = await snapshot(entry)
    const res = await c('contributor').post(page(entry, '/welsh'), { version: await formVersion(c('contributor'), entry), cy_one_sentence_description: 'w'.repeat(5000) })
    assert.equal(res.statusCode, 400)
    assert.deepEqual(await snapshot(entry), before)
  })
})

describe('drafting', () => {
  test('a v4.0 draft’s detailed description says who is affected once', async () => {
    const entry = await makeEntry(t, team, { name: 'Draft wording', stage: 'approved', record: 'draft' })
    const text = (await recordOf(entry.id))!.fields.detailed_description ?? ''
    assert.equal(text.split('People affected:').length - 1, 1, text)
  })
})

describe('HTML in every text field is shown as text', () => {
  const PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'
  const RAW = /<script>alert|<img src=x/

  test('the edit page, the Welsh page, the redactions page and the public record (English and Welsh) escape it', async () => {
    const entry = await makeEntry(t, team, { name: 'Script everywhere', stage: 'live', record: 'complete' })
    const r0 = (await recordOf(entry.id))!
    const std = standardFor(r0.standardVersion)
    const names = Object.keys(r0.fields).filter((k) => isWelshField(k, r0.standardVersion))
    assert.ok(names.length > 30, `many text fields (${names.length})`)
    const form = Object.fromEntries(names.map((k) => [k, `${k} ${PAYLOAD}`]))
    const saved = await save(c('contributor'), entry, { ...form, website_url: 'https://www.example.gov.uk/"><script>alert(1)</script>' })
    assert.equal(saved.statusCode, 303, saved.body.slice(0, 300))
    assert.ok(std.fields.length > 0)
    const welsh = await c('contributor').post(page(entry, '/welsh'), {
      version: await formVersion(c('contributor'), entry), ...Object.fromEntries(names.map((k) => [`cy_${k}`, `cy ${PAYLOAD}`])),
    })
    assert.equal(welsh.statusCode, 303)
    const red = await c('contributor').post(page(entry, '/redactions'), { version: await formVersion(c('contributor'), entry), field: 'benefit', reason: `Reason ${PAYLOAD}` })
    assert.equal(red.statusCode, 303)
    for (const [who, tail] of [['contributor', ''], ['board', ''], ['contributor', '/welsh'], ['contributor', '/redactions']] as const) {
      const res = await c(who).get(page(entry, tail))
      assert.equal(res.statusCode, 200)
      assert.doesNotMatch(res.body, RAW, `${who} ${tail || 'record'} page escapes the payload`)
      assert.match(res.body, /&lt;script&gt;alert/, `${who} ${tail || 'record'} page shows it as text`)
    }
    // A refused save re-renders the payload typed: still escaped.
    const refused = await save(c('contributor'), entry, { title: '', benefit: PAYLOAD })
    assert.equal(refused.statusCode, 400)
    assert.doesNotMatch(refused.body, RAW)
    await approveRecord(t, team.assessor.user, entry)
    assert.equal((await c('admin').post(page(entry, '/publish'))).statusCode, 303)
    const r = (await recordOf(entry.id))!
    const anon = new Client(t.app)
    for (const q of ['', '?lang=cy']) {
      const res = await anon.get(`/public/records/${team.org.slug}/${r.slug}${q}`)
      assert.equal(res.statusCode, 200, `public record ${q}`)
      assert.doesNotMatch(res.body, RAW, `public record ${q} escapes the payload`)
      assert.doesNotMatch(res.body, /href="[^"]*"><script>/, 'the website address cannot close its attribute')
    }
  })
})

describe('repeated items', () => {
  test('removing an item renumbers the rest with all their fields, and the audit trail names each change once', async () => {
    const entry = await makeEntry(t, team, { name: 'Renumbering', stage: 'approved', record: 'draft' })
    // A v4.0 record starts with no model specification (an off-the-shelf model needs none).
    for (let i = 0; i < 3; i++) assert.equal((await save(c('contributor'), entry, { _add: 'model' })).statusCode, 303)
    await save(c('contributor'), entry, {
      model_name__1: 'One', model_version__1: '1', model_name__2: 'Two', model_version__2: '2', model_name__3: 'Three', model_version__3: '3',
    })
    const auditBefore = (await snapshot(entry)).audit
    assert.equal((await save(c('contributor'), entry, { _remove: 'model:2' })).statusCode, 303)
    const r = (await recordOf(entry.id))!
    assert.deepEqual([r.fields.model_name__1, r.fields.model_version__1, r.fields.model_name__2, r.fields.model_version__2], ['One', '1', 'Three', '3'])
    assert.ok(!Object.keys(r.fields).some((k) => /__3$/.test(k) && k.startsWith('model_')), 'no third model left behind')
    const after = await snapshot(entry)
    assert.equal(after.audit, auditBefore + 1, 'one audit event for the save')
    // Removing down past the minimum is not offered, and a crafted post only clears the item.
    for (let i = 0; i < 3; i++) no500(await save(c('contributor'), entry, { _remove: 'model:1' }), 'remove the last')
    const left = (await recordOf(entry.id))!
    assert.ok(Object.keys(left.fields).filter((k) => /^model_name__\d+$/.test(k)).length <= 1)
    // Adding past the maximum stops at the maximum.
    const max = standardFor(left.standardVersion).sections.find((s) => s.id === 'model')!.repeat!.max
    for (let i = 0; i < max + 2; i++) no500(await save(c('contributor'), entry, { _add: 'model' }), 'add')
    const full = (await recordOf(entry.id))!
    assert.equal(Object.keys(full.fields).filter((k) => /^model_name__\d+$/.test(k)).length, max)
    assert.ok(isEditable(`model_name__${max}`, full.standardVersion))
  })
})
