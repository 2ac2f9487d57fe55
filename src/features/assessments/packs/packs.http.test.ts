// Framework packs (issue 12 §8): a platform admin uploads a question set's YAML, checked by the
// start-up loader (file, path and line in every problem), previews it, puts it live for chosen
// organisations or all, and withdraws it; only the organisations it is published to see it, and a
// new version supersedes the old one coherently. Every one else gets 403; forms need CSRF.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { buildApp } from '../../../app.ts'
import { loadConfig } from '../../../config.ts'
import { type Client, createTestApp, escapeHtml, signIn, type TestApp } from '../../../../test/support/app.ts'
import { makeEntry, makePlatformAdmin, makeTeam, PASSWORD, type Person, type Team } from '../../../../test/support/factories.ts'
import { loadCatalogue } from '../catalogue.ts'
import { LOCAL_V1, LOCAL_V2 } from './fixtures.ts'
import { PACK_REFRESH_MS } from './service.ts'

let t: TestApp
let operator: Person
let op: Client
let teamA: Team
let teamB: Team

before(async () => {
  t = await createTestApp({ demo: false })
  operator = await makePlatformAdmin(t)
  op = await signIn(t.app, operator.email, PASSWORD)
  teamA = await makeTeam(t)
  teamB = await makeTeam(t)
})
after(() => t.close())

const BOUNDARY = '----aigovPackBoundary1x2y3z'
/** A multipart body as a browser sends the upload form: the CSRF field, then the file, then the textarea. */
function multipart(parts: { csrf?: string; file?: { name: string; content: string | Buffer }; yaml?: string }) {
  const chunks: Buffer[] = []
  if (parts.csrf !== undefined) chunks.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${parts.csrf}\r\n`))
  if (parts.file) {
    chunks.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${parts.file.name}"\r\nContent-Type: application/yaml\r\n\r\n`))
    chunks.push(Buffer.isBuffer(parts.file.content) ? parts.file.content : Buffer.from(parts.file.content))
    chunks.push(Buffer.from('\r\n'))
  }
  if (parts.yaml !== undefined) chunks.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="yaml"\r\n\r\n${parts.yaml}\r\n`))
  chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`))
  return Buffer.concat(chunks)
}

async function upload(c: Client, parts: { file?: { name: string; content: string | Buffer }; yaml?: string; csrf?: string }) {
  await c.get('/platform/question-sets/upload')
  return c.app.inject({
    method: 'POST', url: '/platform/question-sets/upload',
    headers: { cookie: c.cookieHeader(), 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
    payload: multipart({ csrf: parts.csrf ?? c.csrf, ...parts }),
  })
}

const packIdFrom = (location: unknown) => {
  const m = /^\/platform\/question-sets\/([0-9a-f-]{36})\?done=/.exec(String(location))
  assert.ok(m, `redirected to the preview (got ${String(location)})`)
  return m[1]!
}

const packCount = async () => Number((await t.db.query<{ n: number }>('select count(*)::int as n from question_set_packs'))[0]!.n)

describe('who may upload', () => {
  test('organisation admins, other roles and anonymous visitors get 403 (or the login), and nothing is stored', async () => {
    const uploaded = await upload(op, { file: { name: 'guarded.yaml', content: LOCAL_V1.replace('id: local_checks', 'id: guarded_checks') } })
    const id = packIdFrom(uploaded.headers.location)
    for (const p of [teamA.admin, teamA.assessor, teamA.viewer]) {
      const c = await signIn(t.app, p.email, PASSWORD)
      for (const url of ['/platform/question-sets', '/platform/question-sets/upload', `/platform/question-sets/${id}`, `/platform/question-sets/${id}/download`]) {
        assert.equal((await c.get(url)).statusCode, 403, `${p.roles.join()} GET ${url}`)
      }
      const res = await c.app.inject({
        method: 'POST', url: '/platform/question-sets/upload',
        headers: { cookie: c.cookieHeader(), 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
        payload: multipart({ csrf: c.csrf, file: { name: 'x.yaml', content: LOCAL_V1.replace('id: local_checks', 'id: sneaky_checks') } }),
      })
      assert.equal(res.statusCode, 403, `${p.roles.join()} upload`)
      assert.equal((await c.post(`/platform/question-sets/${id}/live`, { audience: 'all' })).statusCode, 403)
      assert.equal((await c.post(`/platform/question-sets/${id}/withdraw`)).statusCode, 403)
      assert.equal((await c.post(`/platform/question-sets/${id}/discard`)).statusCode, 403)
    }
    const anon = await t.app.inject({ method: 'GET', url: '/platform/question-sets' })
    assert.ok([302, 303].includes(anon.statusCode), `anonymous: ${anon.statusCode}`)
    assert.match(String(anon.headers.location), /^\/login/)
    assert.equal((await t.db.query("select 1 from question_set_packs where set_id = 'sneaky_checks'")).length, 0)
    assert.equal((await t.db.query("select status from question_set_packs where id = $1", [id]))[0]?.status, 'draft', 'never went live')
    // A made-up or malformed pack id is a 404 for the operator.
    assert.equal((await op.get('/platform/question-sets/00000000-0000-4000-8000-000000000000')).statusCode, 404)
    assert.equal((await op.get('/platform/question-sets/not-a-uuid')).statusCode, 404)
    assert.equal((await op.post(`/platform/question-sets/${id}/discard`)).statusCode, 303, 'the operator deletes the draft')
  })

  test('an upload or a go-live without the CSRF token is refused', async () => {
    const before = await packCount()
    const res = await upload(op, { csrf: 'wrong', file: { name: 'csrf.yaml', content: LOCAL_V1.replace('id: local_checks', 'id: csrf_checks') } })
    assert.equal(res.statusCode, 403)
    const none = await upload(op, { csrf: '', file: { name: 'csrf.yaml', content: LOCAL_V1.replace('id: local_checks', 'id: csrf_checks') } })
    assert.equal(none.statusCode, 403)
    assert.equal(await packCount(), before)
    const ok = await upload(op, { file: { name: 'csrf.yaml', content: LOCAL_V1.replace('id: local_checks', 'id: csrf_checks') } })
    const id = packIdFrom(ok.headers.location)
    assert.equal((await op.post(`/platform/question-sets/${id}/live`, { audience: 'all', _csrf: 'wrong' })).statusCode, 403)
    assert.equal((await t.db.query('select status from question_set_packs where id = $1', [id]))[0]?.status, 'draft')
    await op.post(`/platform/question-sets/${id}/discard`)
  })
})

describe('upload errors carry file, path and line', () => {
  const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
  for (let i = 1; i < 9; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill('*' + String.fromCharCode(96 + i)).join(',')}]`)
  const cases: [string, string | Buffer, RegExp][] = [
    ['unknown-key.yaml', LOCAL_V1.replace('title: Northshire local AI checks\n', 'title: Northshire local AI checks\ncolour: red\n'), /unknown-key\.yaml: colour: unknown field \(line 5\)/],
    ['bad-kind.yaml', LOCAL_V1.replace('kind: yes_no', 'kind: yesno'), /bad-kind\.yaml: sections\[0\]\.questions\[1\]\.kind: must be one of: yes_no, .* \(line 17\)/],
    ['bad-rule.yaml', LOCAL_V1.replace('when: { q: local_owner_named, eq: false }', 'when: { q: local_owner, eq: false }'), /bad-rule\.yaml: rules\[0\]\.when\.q: unknown question &quot;local_owner&quot; \(line 29\)/],
    ['syntax.yaml', LOCAL_V1.replace('    title: Basics', '    title: [Basics'), /syntax\.yaml: line 14, column 5: invalid YAML/],
    ['duplicate-key.yaml', LOCAL_V1.replace('    title: Basics', '    title: Basics\n    title: Again'), /duplicate-key\.yaml: line 14, column 5: invalid YAML: Map keys must be unique/],
    ['unknown-use.yaml', LOCAL_V1.replace('- use: personal_data', '- use: personal_dta'), /unknown-use\.yaml: sections\[0\]\.questions\[0\]\.use: unknown shared question &quot;personal_dta&quot;.* \(line 15\)/],
    ['shared-inline.yaml', LOCAL_V1.replace('id: local_reviewer', 'id: purpose'), /shared-inline\.yaml: sections\[0\]\.questions\[2\]\.id: &quot;purpose&quot; is a shared question .* \(line 21\)/],
    ['other-kind.yaml', LOCAL_V1.replace('id: local_reviewer', 'id: council_nation'), /other-kind\.yaml: sections\[0\]\.questions\[2\]\.id: question &quot;council_nation&quot; is a text question here but a single-choice question in content\/assessments\/equality\/v1\.yaml.* \(line 21\)/],
    ['built-in.yaml', LOCAL_V1.replace('id: local_checks', 'id: dpia'), /built-in\.yaml: version: &quot;dpia&quot; is a built-in set up to version 1 .* \(line 3\)/],
    ['release-only.yaml', LOCAL_V1.replace('id: local_checks', 'id: screening').replace('version: 1', 'version: 9'), /release-only\.yaml: id: &quot;screening&quot; is read by the application itself.* \(line 2\)/],
    ['scalar.yaml', 'just some words', /scalar\.yaml: must be a mapping, not a string \(line 1\)/],
    ['bomb.yaml', bomb.join('\n'), /bomb\.yaml: invalid YAML: Excessive alias count/],
    ['deep.yaml', '['.repeat(20000) + ']'.repeat(20000), /deep\.yaml: line \d+, column \d+: invalid YAML/],
    ['binary.yaml', Buffer.from([0x69, 0x64, 0x3a, 0x00, 0x01, 0x02]), /binary\.yaml: the file is not text \(it contains NUL bytes\)/],
    ['latin1.yaml', Buffer.from([0x69, 0x64, 0x3a, 0x20, 0xe9, 0x0a]), /latin1\.yaml: the file is not UTF-8 text/],
    ['blank.yaml', '   \n\n', /blank\.yaml: the file is empty/],
  ]
  for (const [name, content, expected] of cases) {
    test(name, async () => {
      const before = await packCount()
      const res = await upload(op, { file: { name, content } })
      assert.equal(res.statusCode, 400, `${name}: ${res.statusCode}`)
      assert.match(res.body, /govuk-error-summary/)
      assert.match(res.body, expected)
      assert.match(res.body, /id="problems"/, 'the problems table')
      assert.equal(await packCount(), before, 'nothing stored')
    })
  }

  test('pasted YAML is checked the same way, named pasted.yaml, and kept in the box', async () => {
    const res = await upload(op, { yaml: LOCAL_V1.replace('kind: yes_no', 'kind: yesno') })
    assert.equal(res.statusCode, 400)
    assert.match(res.body, /pasted\.yaml: sections\[0\]\.questions\[1\]\.kind: must be one of.* \(line 17\)/)
    assert.match(res.body, /kind: yesno/, 'what was pasted is shown again')
  })

  test('a file over the limit, an empty form and a repeated field are field errors, not 500s', async () => {
    const big = await upload(op, { file: { name: 'big.yaml', content: `description: ${'x'.repeat(300 * 1024)}` } })
    assert.equal(big.statusCode, 400)
    assert.match(big.body, /must be 256 kB or smaller/)
    const nothing = await upload(op, {})
    assert.equal(nothing.statusCode, 400)
    assert.match(nothing.body, /Choose a YAML file or paste the YAML/)
    const form = await op.post('/platform/question-sets/upload', { yaml: ['a', 'b'] })
    assert.ok([400, 303].includes(form.statusCode), `a form post is answered (${form.statusCode})`)
    assert.notEqual(form.statusCode, 500)
  })
})

describe('preview, go live for chosen organisations, and assess', () => {
  let packId: string
  let entryA: string
  let entryB: string

  before(async () => {
    entryA = (await makeEntry(t, teamA, { name: 'Northshire chatbot', personalData: true, stage: 'under_assessment' })).id
    entryB = (await makeEntry(t, teamB, { name: 'Other council chatbot', personalData: true, stage: 'under_assessment' })).id
  })

  test('the upload is a draft whose preview shows the questions as assessors see them and the rules in words', async () => {
    const res = await upload(op, { file: { name: 'northshire-local.yaml', content: LOCAL_V1 } })
    assert.equal(res.statusCode, 303)
    packId = packIdFrom(res.headers.location)
    const page = await op.get(`/platform/question-sets/${packId}?done=uploaded`)
    assert.equal(page.statusCode, 200)
    assert.match(page.body, /Northshire local AI checks \(version 1\)/)
    assert.match(page.body, /Draft/)
    // The assessment's own question partial: GOV.UK radios named as on the assessor's form.
    assert.match(page.body, /name="q_local_owner_named" type="radio" value="yes"|type="radio" value="yes"[^>]*name="q_local_owner_named"|name="q_local_owner_named"[^>]*value="yes"/)
    assert.match(page.body, /Is a named officer responsible for the tool\?/)
    assert.match(page.body, /name="q_personal_data"/, 'the shared question is included')
    // The rules: condition in words, tier, the MUST action, reason and source.
    assert.match(page.body, /“Is a named officer responsible for the tool\?” is No/)
    assert.match(page.body, /Name an officer responsible for the tool/)
    assert.match(page.body, /Risk tier: High risk/)
    assert.match(page.body, /Needed when:<\/strong> “[^”]+” is Yes/)
    assert.match(page.body, /northshire-local\.yaml/)
    const download = await op.get(`/platform/question-sets/${packId}/download`)
    assert.equal(download.body, LOCAL_V1)
    // Not live yet: no organisation can open it.
    const a = await signIn(t.app, teamA.contributor.email, PASSWORD)
    assert.equal((await a.get(`/register/${entryA}/assessments/local_checks`)).statusCode, 404)
    assert.doesNotMatch((await a.get(`/register/${entryA}/assessments`)).body, /Northshire local AI checks/)
  })

  test('going live needs an audience, and "selected" needs an organisation that exists', async () => {
    for (const [form, message] of [
      [{}, 'Select who the question set is published to'],
      [{ audience: 'some' }, 'Select who the question set is published to'],
      [{ audience: 'selected' }, 'Select at least one organisation'],
      [{ audience: 'selected', organisations: 'not-an-id' }, 'Select at least one organisation'],
      [{ audience: 'selected', organisations: '00000000-0000-4000-8000-000000000000' }, 'Select organisations from the list'],
    ] as [Record<string, string>, string][]) {
      const res = await op.post(`/platform/question-sets/${packId}/live`, form)
      assert.equal(res.statusCode, 400, JSON.stringify(form))
      assert.match(res.body, new RegExp(escapeHtml(message)))
      assert.match(res.body, /govuk-error-summary/)
    }
    assert.equal((await t.db.query('select status from question_set_packs where id = $1', [packId]))[0]?.status, 'draft')
  })

  test('live for one organisation: it assesses an entry end to end; the other never sees it', async () => {
    const live = await op.post(`/platform/question-sets/${packId}/live`, { audience: 'selected', organisations: teamA.org.id })
    assert.equal(live.statusCode, 303)
    const page = await op.get(`/platform/question-sets/${packId}`)
    assert.match(page.body, /govuk-tag--green[^>]*>Live/)
    assert.match(page.body, new RegExp(escapeHtml(teamA.org.name)))

    const a = await signIn(t.app, teamA.contributor.email, PASSWORD)
    const results = await a.get(`/register/${entryA}/assessments`)
    assert.match(results.body, /Northshire local AI checks/, 'listed among the sets the entry needs')
    const section = `/register/${entryA}/assessments/local_checks/sections/basics`
    const form = await a.get(section)
    assert.equal(form.statusCode, 200)
    const saved = await a.post(section, { q_personal_data: 'yes', q_local_owner_named: 'no', q_local_reviewer: 'Data protection officer', version: '0' })
    assert.equal(saved.statusCode, 303, saved.body.slice(0, 300))
    const check = await a.get(`/register/${entryA}/assessments/local_checks/check`)
    const version = /name="version" value="(\d+)"/.exec(check.body)?.[1]
    const submitted = await a.post(`/register/${entryA}/assessments/local_checks/check`, { version: version ?? '' })
    assert.equal(submitted.statusCode, 303, submitted.body.slice(0, 300))
    const stored = await t.db.query<{ set_version: number; status: string; outcome: { tier: string } }>(
      "select set_version, status, outcome from assessments where entry_id = $1 and set_id = 'local_checks'", [entryA])
    assert.equal(stored[0]?.status, 'submitted')
    assert.equal(stored[0]?.set_version, 1)
    assert.equal(stored[0]?.outcome.tier, 'high', 'the rule fired')
    const answers = await t.db.query<{ question_id: string }>('select question_id from entry_answers where entry_id = $1', [entryA])
    assert.ok(answers.some((r) => r.question_id === 'local_owner_named'), 'the answer is stored once for the entry')
    const actions = await a.get(`/register/${entryA}/assessments/actions`)
    assert.match(actions.body, /Name an officer responsible for the tool/)
    assert.match(actions.body, /Northshire local AI checks/, 'the action names the set by its title')

    // The other council: not listed, and every way in is a 404.
    const b = await signIn(t.app, teamB.contributor.email, PASSWORD)
    assert.doesNotMatch((await b.get(`/register/${entryB}/assessments`)).body, /Northshire local AI checks/)
    assert.equal((await b.get(`/register/${entryB}/assessments/local_checks`)).statusCode, 404)
    assert.equal((await b.get(`/register/${entryB}/assessments/local_checks/sections/basics`)).statusCode, 404)
    assert.equal((await b.post(`/register/${entryB}/assessments/local_checks/sections/basics`, { q_local_owner_named: 'no', version: '0' })).statusCode, 404)
    assert.equal((await b.post(`/register/${entryB}/assessments/local_checks`, { q_local_owner_named: 'no', intent: 'submit' })).statusCode, 404)
    assert.equal((await b.api('GET', `/api/v1/entries/${entryB}/assessments/local_checks`)).statusCode, 404)
    assert.equal((await t.db.query("select 1 from assessments where entry_id = $1 and set_id = 'local_checks'", [entryB])).length, 0)
  })

  test('the same id and version again is refused; a new version supersedes it coherently', async () => {
    const again = await upload(op, { file: { name: 'again.yaml', content: LOCAL_V1 } })
    assert.equal(again.statusCode, 400)
    assert.match(again.body, /again\.yaml: version: local_checks version 1 is already live .* \(line 3\)/)

    const v2 = await upload(op, { file: { name: 'northshire-local-2.yaml', content: LOCAL_V2 } })
    assert.equal(v2.statusCode, 303)
    const v2Id = packIdFrom(v2.headers.location)
    assert.equal((await op.post(`/platform/question-sets/${v2Id}/live`, { audience: 'all' })).statusCode, 303)

    // Council A: the set page now offers version 2; its assessment made with version 1 keeps it until saved again.
    const a = await signIn(t.app, teamA.contributor.email, PASSWORD)
    const setPage = await a.get(`/register/${entryA}/assessments/local_checks`)
    assert.equal(setPage.statusCode, 200)
    assert.match(setPage.body, /Northshire local AI checks \(2027\)/)
    let stored = await t.db.query<{ set_version: number }>("select set_version from assessments where entry_id = $1 and set_id = 'local_checks'", [entryA])
    assert.equal(stored[0]?.set_version, 1, 'not rewritten by the go-live')
    const section = `/register/${entryA}/assessments/local_checks/sections/basics`
    const form = await a.get(section)
    assert.match(form.body, /finished Northshire&#39;s AI training|finished Northshire's AI training/)
    assert.match(form.body, /name="q_local_owner_named"[^>]*value="no"[^>]*checked|value="no"[^>]*checked[^>]*name="q_local_owner_named"|name="q_local_owner_named" type="radio" value="no" checked/, 'the stored answer is prefilled')
    const version = /name="version" value="(\d+)"/.exec(form.body)?.[1] ?? ''
    const saved = await a.post(section, { q_personal_data: 'yes', q_local_owner_named: 'yes', q_local_training_done: 'yes', version })
    assert.equal(saved.statusCode, 303)
    stored = await t.db.query<{ set_version: number }>("select set_version from assessments where entry_id = $1 and set_id = 'local_checks'", [entryA])
    assert.equal(stored[0]?.set_version, 2, 'the next save uses the new version')

    // Council B: published to all now, so it sees version 2.
    const b = await signIn(t.app, teamB.contributor.email, PASSWORD)
    assert.match((await b.get(`/register/${entryB}/assessments/local_checks`)).body, /Northshire local AI checks \(2027\)/)

    // A lower version than one in force is refused.
    const lower = await upload(op, { file: { name: 'lower.yaml', content: LOCAL_V1.replace('version: 1', 'version: 1').replace('id: local_checks', 'id: local_checks') } })
    assert.equal(lower.statusCode, 400)

    // Withdrawing version 2: council B sees no version; council A is offered version 1 again (still published to it).
    const withdrawn = await op.post(`/platform/question-sets/${v2Id}/withdraw`)
    assert.equal(withdrawn.statusCode, 303)
    assert.equal((await b.get(`/register/${entryB}/assessments/local_checks`)).statusCode, 404)
    const back = await a.get(`/register/${entryA}/assessments/local_checks`)
    assert.equal(back.statusCode, 200)
    assert.doesNotMatch(back.body, /\(2027\)/)
    // The results page still shows council A's assessment made with the withdrawn version.
    assert.equal((await a.get(`/register/${entryA}/assessments`)).statusCode, 200)
    assert.equal((await op.post(`/platform/question-sets/${v2Id}/live`, { audience: 'all' })).statusCode, 409, 'a withdrawn version does not come back')
  })

  test('each upload, go-live and withdrawal is audited, and shown on the preview', async () => {
    const rows = await t.db.query<{ action: string; organisation_id: string | null; actor_id: string }>(
      "select a.action, a.organisation_id, a.actor_id from audit_events a join question_set_packs p on p.id = a.entity_id where a.entity_type = 'question_set_pack' and p.set_id = 'local_checks' order by a.id")
    assert.deepEqual(rows.map((r) => r.action), ['question_set_uploaded', 'question_set_live', 'question_set_uploaded', 'question_set_live', 'question_set_withdrawn'])
    assert.ok(rows.every((r) => r.actor_id === operator.id && r.organisation_id === null))
    const page = await op.get(`/platform/question-sets/${packId}`)
    assert.match(page.body, /Put live · /)
    assert.match(page.body, /Uploaded · /)
    const list = await op.get('/platform/question-sets')
    assert.match(list.body, /Withdrawn/)
    assert.match(list.body, /Built-in question sets/)
  })
})

describe('another process on the same database', () => {
  test('sees a pack go live within the refresh interval, without a restart', async () => {
    const config = { ...loadConfig({ NODE_ENV: 'test' }), databaseUrl: undefined }
    const other = await buildApp({ config, db: t.db, questionSets: await loadCatalogue() })
    try {
      await other.ready()
      const entry = (await makeEntry(t, teamA, { name: 'Second process entry', personalData: true, stage: 'under_assessment' })).id
      const c = await signIn(other, teamA.contributor.email, PASSWORD)
      assert.equal((await c.get(`/register/${entry}/assessments/process_checks`)).statusCode, 404)
      const up = await upload(op, { file: { name: 'process.yaml', content: LOCAL_V1.replace('id: local_checks', 'id: process_checks').replace(/local_/g, 'proc_') } })
      assert.equal(up.statusCode, 303, up.body.slice(0, 500))
      assert.equal((await op.post(`/platform/question-sets/${packIdFrom(up.headers.location)}/live`, { audience: 'all' })).statusCode, 303)
      await new Promise((r) => setTimeout(r, PACK_REFRESH_MS + 100))
      assert.equal((await c.get(`/register/${entry}/assessments/process_checks`)).statusCode, 200)
    } finally {
      await other.close()
    }
  })
})

describe('a built-in set by upload, and drafts', () => {
  test('a higher version of a built-in set supersedes it for the organisations it is published to only', async () => {
    const { readFileSync } = await import('node:fs')
    const { contentPath } = await import('../../../platform/content/index.ts')
    const equality = readFileSync(contentPath('content', 'assessments', 'equality', 'v1.yaml'), 'utf8')
    const v2 = equality.replace(/^version: 1$/m, 'version: 2').replace(/^title: Equality impact screening$/m, 'title: Equality impact screening (local edition)')
    assert.notEqual(v2, equality)
    const res = await upload(op, { file: { name: 'equality-v2.yaml', content: v2 } })
    assert.equal(res.statusCode, 303, res.body.slice(0, 400))
    const id = packIdFrom(res.headers.location)
    assert.equal((await op.post(`/platform/question-sets/${id}/live`, { audience: 'selected', organisations: teamA.org.id })).statusCode, 303)
    const entryA = (await makeEntry(t, teamA, { name: 'Equality entry A', personalData: true, stage: 'under_assessment' })).id
    const entryB = (await makeEntry(t, teamB, { name: 'Equality entry B', personalData: true, stage: 'under_assessment' })).id
    const a = await signIn(t.app, teamA.contributor.email, PASSWORD)
    const b = await signIn(t.app, teamB.contributor.email, PASSWORD)
    assert.match((await a.get(`/register/${entryA}/assessments/equality`)).body, /Equality impact screening \(local edition\)/)
    const other = await b.get(`/register/${entryB}/assessments/equality`)
    assert.equal(other.statusCode, 200)
    assert.doesNotMatch(other.body, /local edition/)
  })

  test('a draft uploaded again with the same id and version is replaced, not duplicated', async () => {
    const yaml = LOCAL_V1.replace('id: local_checks', 'id: draft_checks').replace(/local_/g, 'draft_')
    const first = await upload(op, { file: { name: 'draft.yaml', content: yaml } })
    const second = await upload(op, { file: { name: 'draft-fixed.yaml', content: yaml.replace('title: Northshire', 'title: Fixed Northshire') } })
    assert.equal(packIdFrom(first.headers.location), packIdFrom(second.headers.location))
    assert.match(String(second.headers.location), /done=replaced/)
    const rows = await t.db.query<{ title: string; file_name: string }>("select title, file_name from question_set_packs where set_id = 'draft_checks'")
    assert.deepEqual(rows, [{ title: 'Fixed Northshire local AI checks', file_name: 'draft-fixed.yaml' }])
  })
})
