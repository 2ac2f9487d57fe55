// The use-case library through HTTP: browsing and searching, "Use this" into the person's own
// register (with the library's answers, audited as from the library), sharing an entry to the
// library (admins only, a preview that is exactly what is stored, refused while a shareable field
// holds personal data), other councils using a shared entry, withdrawing, and bad input.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type Client, createTestApp, escapeHtml, shown, type TestApp } from '../../../test/support/app.ts'
import { makeEntry, makeOrganisation, makePerson, makeTeam, type Person, signInAs, type Team } from '../../../test/support/factories.ts'
import type { RegisterEntry } from '../register/model.ts'
import { loadUseCases } from './library.ts'
import { shareableCopy } from './share.ts'

let t: TestApp
let team: Team
let other: Team
let staff: Person
let clean: RegisterEntry
let leaky: RegisterEntry
let otherEntry: RegisterEntry

const OWNER = 'Priya Shah, Head of Customer Services'

before(async () => {
  t = await createTestApp({ demo: false })
  team = await makeTeam(t, await makeOrganisation(t, { slug: 'libraryshire', name: 'Libraryshire Council' }))
  other = await makeTeam(t, await makeOrganisation(t, { slug: 'borrowton', name: 'Borrowton Borough Council' }))
  staff = await makePerson(t, team.org, ['staff'])
  const colleague = await makePerson(t, team.org, ['assessor'], { name: 'Morgan Ellis-Byrne' })
  clean = await makeEntry(t, team, {
    name: 'Planning enquiry triage', purpose: 'Sorts planning enquiries by topic so that they reach the right officer.',
    owner: OWNER, serviceArea: 'Planning', humanOversight: 'An officer checks every suggested route.',
  })
  leaky = await makeEntry(t, team, {
    name: 'Leaky use', purpose: 'Questions to ai.team@libraryshire.example or 01632 960123.', owner: OWNER,
    humanOversight: `${colleague.name.toUpperCase()} checks every output.`,
  })
  otherEntry = await makeEntry(t, other, { name: 'Borrowton entry' })
})

after(async () => {
  await t?.close()
})

const rows = async (sql: string, params: unknown[] = []) => t.db.query<Record<string, unknown>>(sql, params)
const entriesOf = async (orgId: string) => rows('select id, name, stage from register_entries where organisation_id = $1', [orgId])

describe('browsing the library', () => {
  it('anyone who may read the register sees every use; staff without it get 403', async () => {
    const viewer = await signInAs(t, team.viewer)
    const res = await viewer.get('/library')
    assert.equal(res.statusCode, 200, 'the list')
    for (const u of loadUseCases()) assert.ok(res.body.includes(`href="/library/${u.id}"`), `lists ${u.id}`)
    const s = await signInAs(t, staff)
    assert.equal((await s.get('/library')).statusCode, 403, 'staff')
    assert.equal((await s.get('/library/meeting-notes')).statusCode, 403, 'staff detail')
  })

  it('searches by words and filters by tier and theme, without JavaScript (a GET form)', async () => {
    const viewer = await signInAs(t, team.viewer)
    const rent = await viewer.get('/library?q=rent+arrears')
    assert.ok(rent.body.includes('href="/library/rent-arrears"'), 'finds rent arrears')
    assert.ok(!rent.body.includes('href="/library/meeting-notes"'), 'not meeting notes')
    assert.ok(rent.body.includes(shown('usecases.list.count', { count: 1 })), 'one use')
    const high = await viewer.get('/library?tier=high')
    for (const u of loadUseCases()) assert.equal(high.body.includes(`href="/library/${u.id}"`), u.riskTier === 'high', `${u.id} by tier`)
    const social = await viewer.get('/library?theme=social_care&tier=')
    assert.ok(social.body.includes('href="/library/case-chronology"') && !social.body.includes('href="/library/website-chatbot"'), 'by theme')
    const none = await viewer.get('/library?q=zzzzqqq')
    assert.ok(none.body.includes(shown('usecases.list.none')), 'nothing matches')
    assert.match((await viewer.get('/library')).body, /<form method="get" action="\/library"/, 'a plain GET form')
  })

  it('a use shows its data, risks, controls, tier and the intake it will prefill', async () => {
    const viewer = await signInAs(t, team.viewer)
    const use = loadUseCases().find((u) => u.id === 'case-chronology')!
    const res = await viewer.get('/library/case-chronology')
    assert.equal(res.statusCode, 200, 'detail')
    for (const text of [use.title, use.typicalData[0]!, use.risks[0]!, use.controls[0]!, use.intake.purpose, use.intake.humanOversight, use.tierReason!]) {
      assert.ok(res.body.includes(escapeHtml(text)), `shows "${text}"`)
    }
    assert.ok(res.body.includes(shown('tier.high')), 'the tier')
    assert.ok(!res.body.includes('action="/library/case-chronology/use"'), 'a viewer has no "Use this"')
  })

  it('bad input is a 4xx, never a 500', async () => {
    const viewer = await signInAs(t, team.viewer)
    const cases: [string, number][] = [
      ['/library?q=a&q=b', 400], [`/library?q=${'x'.repeat(10_000)}`, 400], ['/library?q=%00', 400], ['/library?tier=extreme', 400],
      ['/library?theme[]=x', 200], ['/library?theme=x&theme=y', 400], ['/library?tier=low&tier=high', 400],
      ['/library/no-such-use', 404], ['/library/00000000-0000-4000-8000-000000000000', 404], ['/library/..%2F..%2Fetc', 404],
      [`/library/${'a'.repeat(2000)}`, 404], ['/library/%00', 404],
    ]
    for (const [url, status] of cases) assert.equal((await viewer.get(url)).statusCode, status, url.slice(0, 60))
    const typed = await viewer.get(`/library?q=${'y'.repeat(300)}`)
    assert.ok(typed.body.includes(shown('usecases.errors.search')) && typed.body.includes('y'.repeat(300)), 'message, and what was typed kept')
  })
})

describe('"Use this"', () => {
  const useThis = async (c: Client, id: string) => {
    await c.get(`/library/${id}`)
    return c.post(`/library/${id}/use`)
  }

  it('adds an idea to this council\'s register with the library\'s intake, audited as from the library', async () => {
    const contributor = await signInAs(t, team.contributor)
    const before = (await entriesOf(team.org.id)).length
    const otherBefore = (await entriesOf(other.org.id)).length
    const res = await useThis(contributor, 'rent-arrears')
    assert.equal(res.statusCode, 303, 'redirects')
    const m = /^\/register\/([0-9a-f-]{36})\?done=fromLibrary$/.exec(String(res.headers.location))
    assert.ok(m, `to the new entry: ${res.headers.location}`)
    const entry = await t.services.register.get(team.contributor.user, m[1]!)
    const use = loadUseCases().find((u) => u.id === 'rent-arrears')!
    assert.deepEqual(
      { name: entry.name, purpose: entry.purpose, serviceArea: entry.serviceArea, owner: entry.owner, supplier: entry.supplier, technique: entry.technique,
        personalData: entry.personalData, specialCategoryData: entry.specialCategoryData, decisionRole: entry.decisionRole,
        peopleAffected: entry.peopleAffected, humanOversight: entry.humanOversight },
      use.intake, 'the intake is the library\'s')
    assert.equal(entry.stage, 'idea', 'an idea to review')
    assert.equal(entry.createdBy, team.contributor.id, 'proposed by the person')
    assert.equal((await entriesOf(team.org.id)).length, before + 1, 'one entry more here')
    assert.equal((await entriesOf(other.org.id)).length, otherBefore, 'none in the other council')
    const audit = await rows('select action, actor_id from audit_events where entity_id = $1', [entry.id])
    assert.deepEqual(audit, [{ action: 'created_from_library', actor_id: team.contributor.id }], 'audited as from the library')
    const page = await contributor.get(String(res.headers.location))
    assert.ok(page.body.includes(shown('done.fromLibrary')), 'the banner')
    assert.ok(page.body.includes(shown('usecases.panel.fromLibrary', { title: use.title })), 'the entry says where it came from')
    assert.ok(page.body.includes(shown('audit.action.created_from_library')), 'the history says so')
  })

  it('a viewer gets 403 and nothing is added', async () => {
    const viewer = await signInAs(t, team.viewer)
    const before = (await entriesOf(team.org.id)).length
    assert.equal((await useThis(viewer, 'meeting-notes')).statusCode, 403, 'viewer')
    const s = await signInAs(t, staff)
    await s.get('/home')
    assert.equal((await s.post('/library/meeting-notes/use')).statusCode, 403, 'staff')
    assert.equal((await entriesOf(team.org.id)).length, before, 'nothing added')
  })

  it('without the CSRF token it is refused and nothing is added', async () => {
    const contributor = await signInAs(t, team.contributor)
    const before = (await entriesOf(team.org.id)).length
    await contributor.get('/library/meeting-notes')
    assert.equal((await contributor.post('/library/meeting-notes/use', { _csrf: 'forged' })).statusCode, 403, 'a wrong token')
    assert.equal((await contributor.post('/library/meeting-notes/use', { _csrf: '' })).statusCode, 403, 'no token')
    assert.equal((await entriesOf(team.org.id)).length, before, 'nothing added')
  })

  it('an unknown use is a 404, and a body of junk changes nothing', async () => {
    const contributor = await signInAs(t, team.contributor)
    await contributor.get('/library')
    const before = (await entriesOf(team.org.id)).length
    assert.equal((await contributor.post('/library/no-such-use/use')).statusCode, 404, 'unknown slug')
    assert.equal((await contributor.post('/library/00000000-0000-4000-8000-000000000000/use')).statusCode, 404, 'unknown uuid')
    assert.equal((await contributor.post('/library/meeting-notes/use', { x: ['a', 'b'], y: 'z'.repeat(10_000) })).statusCode, 303, 'extra fields are ignored')
    assert.equal((await contributor.post('/library/meeting-notes/use', { x: 'a\u0000b' })).statusCode, 400, 'NUL refused at the boundary')
    assert.equal((await entriesOf(team.org.id)).length, before + 1, 'only the good one added')
  })
})

describe('sharing an entry to the library', () => {
  it('only an admin may preview or share; a contributor and a viewer get 403', async () => {
    for (const p of [team.contributor, team.viewer, team.board]) {
      const c = await signInAs(t, p)
      assert.equal((await c.get(`/library/entries/${clean.id}/share`)).statusCode, 403, `${p.name} preview`)
      assert.equal((await c.post(`/library/entries/${clean.id}/share`, { version: String(clean.version) })).statusCode, 403, `${p.name} share`)
      assert.equal((await c.post(`/library/entries/${clean.id}/withdraw`)).statusCode, 403, `${p.name} withdraw`)
    }
    assert.equal((await rows('select 1 from shared_use_cases')).length, 0, 'nothing shared')
  })

  it('another council\'s entry is a 404 (preview, share and withdraw)', async () => {
    const admin = await signInAs(t, team.admin)
    assert.equal((await admin.get(`/library/entries/${otherEntry.id}/share`)).statusCode, 404, 'preview')
    assert.equal((await admin.post(`/library/entries/${otherEntry.id}/share`, { version: String(otherEntry.version) })).statusCode, 404, 'share')
    assert.equal((await admin.post(`/library/entries/${otherEntry.id}/withdraw`)).statusCode, 404, 'withdraw')
    assert.equal((await admin.get('/library/entries/not-a-uuid/share')).statusCode, 404, 'a malformed id')
    assert.equal((await rows('select 1 from shared_use_cases')).length, 0, 'nothing shared')
  })

  it('an entry whose shareable fields hold personal data is refused, naming each field, and nothing is stored', async () => {
    const admin = await signInAs(t, team.admin)
    const preview = await admin.get(`/library/entries/${leaky.id}/share`)
    assert.equal(preview.statusCode, 200, 'the preview explains')
    const purpose = shown('usecases.share.holds', { field: shown('register.field.purpose'), what: `${shown('usecases.found.email')} and ${shown('usecases.found.phone')}` })
    const oversight = shown('usecases.share.holds', { field: shown('register.field.humanOversight'), what: shown('usecases.found.knownName') })
    assert.ok(preview.body.includes('govuk-error-summary'), 'an error summary')
    assert.ok(preview.body.includes(purpose), `names the purpose: ${purpose}`)
    assert.ok(preview.body.includes(oversight), 'names human oversight (a colleague\'s name)')
    assert.ok(preview.body.includes('href="#shared-purpose"') && preview.body.includes('id="shared-purpose"'), 'the summary links to the field')
    assert.ok(!preview.body.includes(`action="/library/entries/${leaky.id}/share"`), 'no share button')
    const res = await admin.post(`/library/entries/${leaky.id}/share`, { version: String(leaky.version) })
    assert.equal(res.statusCode, 400, 'refused')
    assert.ok(res.body.includes(purpose) && res.body.includes(oversight), 'naming the fields')
    assert.equal((await rows('select 1 from shared_use_cases')).length, 0, 'nothing shared')
  })

  it('the preview is exactly what is stored and shown, and never the owner', async () => {
    const admin = await signInAs(t, team.admin)
    const preview = await admin.get(`/library/entries/${clean.id}/share`)
    assert.equal(preview.statusCode, 200, 'preview')
    assert.ok(!preview.body.includes('Priya'), 'the owner is not in the preview')
    const previewed = (await t.services.usecases.preview(team.admin.user, clean.id)).copy
    const res = await admin.post(`/library/entries/${clean.id}/share`, { version: String(clean.version) })
    assert.equal(res.statusCode, 303, 'shared')
    assert.equal(res.headers.location, `/register/${clean.id}?done=sharedToLibrary#use-case-library`)
    const [stored] = await rows('select id, content, organisation_name, entry_version from shared_use_cases where entry_id = $1 and withdrawn_at is null', [clean.id])
    assert.ok(stored, 'stored')
    assert.deepEqual(stored.content, previewed, 'stored == previewed')
    assert.deepEqual(stored.content, shareableCopy(await t.services.register.get(team.admin.user, clean.id)), 'the same function')
    assert.equal(stored.organisation_name, 'Libraryshire Council')
    assert.ok(!JSON.stringify(stored).includes('Priya'), 'no owner stored')
    // Every value the preview page showed is what another council now sees.
    const seen = await (await signInAs(t, other.viewer)).get(`/library/${String(stored.id)}`)
    assert.equal(seen.statusCode, 200, 'another council sees it')
    for (const v of [previewed.name, previewed.purpose, previewed.serviceArea, previewed.technique, previewed.peopleAffected, previewed.humanOversight]) {
      assert.ok(preview.body.includes(escapeHtml(v)) && seen.body.includes(escapeHtml(v)), `"${v}" in both`)
    }
    assert.ok(seen.body.includes(shown('usecases.sharedBy', { org: 'Libraryshire Council' })), 'marked with the council')
    assert.ok(!seen.body.includes('Priya'), 'no owner shown')
    const audit = await rows('select action from audit_events where entity_id = $1 order by id desc limit 1', [clean.id])
    assert.equal(audit[0]!.action, 'shared_to_library', 'audited')
  })

  it('shared entries are listed for other councils, who can use them in their own register', async () => {
    const [shared] = await rows('select id from shared_use_cases where entry_id = $1 and withdrawn_at is null', [clean.id])
    const c = await signInAs(t, other.contributor)
    const list = await c.get('/library?theme=shared')
    assert.ok(list.body.includes(`href="/library/${String(shared!.id)}"`), 'listed under "Shared by councils"')
    assert.ok(!list.body.includes('href="/library/meeting-notes"'), 'only shared ones under that filter')
    assert.ok((await c.get('/library?q=planning+enquiry')).body.includes(`href="/library/${String(shared!.id)}"`), 'found by search')
    await c.get(`/library/${String(shared!.id)}`)
    const res = await c.post(`/library/${String(shared!.id)}/use`)
    assert.equal(res.statusCode, 303, 'used')
    const id = /\/register\/([0-9a-f-]{36})/.exec(String(res.headers.location))![1]!
    const entry = await t.services.register.get(other.contributor.user, id)
    assert.equal(entry.organisationId, other.org.id, 'in the other council')
    assert.equal(entry.purpose, clean.purpose, 'with the shared answers')
    assert.notEqual(entry.owner, OWNER, 'but not the sharer\'s owner')
    const page = await c.get(`/register/${id}`)
    assert.ok(page.body.includes(shown('usecases.panel.fromShared', { title: clean.name, org: 'Libraryshire Council' })), 'says where it came from')
  })

  it('a stale or malformed version is refused, and sharing again replaces the copy', async () => {
    const admin = await signInAs(t, team.admin)
    await admin.get(`/library/entries/${clean.id}/share`)
    for (const version of ['0', 'x', '99999999999', String(clean.version + 1)]) {
      const res = await admin.post(`/library/entries/${clean.id}/share`, { version })
      assert.equal(res.statusCode, 409, `version ${version}`)
      assert.ok(res.body.includes(shown('usecases.share.stale')), 'says why')
    }
    assert.equal((await admin.post(`/library/entries/${clean.id}/share`, { version: ['1', '2'] })).statusCode, 409, 'an array')
    assert.equal((await admin.post(`/library/entries/${clean.id}/share`, {})).statusCode, 409, 'none')
    const updated = await t.services.register.update(team.admin.user, clean.id, { version: clean.version, purpose: 'Routes planning enquiries to the right officer.' })
    assert.equal((await admin.post(`/library/entries/${clean.id}/share`, { version: String(clean.version) })).statusCode, 409, 'the previewed version is stale now')
    assert.equal((await admin.post(`/library/entries/${clean.id}/share`, { version: String(updated.version) })).statusCode, 303, 'the new one')
    const current = await rows('select content from shared_use_cases where entry_id = $1 and withdrawn_at is null', [clean.id])
    assert.equal(current.length, 1, 'one current copy')
    assert.equal((current[0]!.content as { purpose: string }).purpose, 'Routes planning enquiries to the right officer.', 'the new copy')
  })

  it('the sharer can withdraw it: gone from the library, and withdrawing again is a 404', async () => {
    const admin = await signInAs(t, team.admin)
    const [shared] = await rows('select id from shared_use_cases where entry_id = $1 and withdrawn_at is null', [clean.id])
    const otherAdmin = await signInAs(t, other.admin)
    await otherAdmin.get('/library')
    assert.equal((await otherAdmin.post(`/library/entries/${clean.id}/withdraw`)).statusCode, 404, 'another council cannot')
    await admin.get(`/library/entries/${clean.id}/share`)
    const res = await admin.post(`/library/entries/${clean.id}/withdraw`)
    assert.equal(res.statusCode, 303, 'withdrawn')
    assert.equal((await admin.get(`/library/${String(shared!.id)}`)).statusCode, 404, 'no longer in the library')
    assert.ok(!(await admin.get('/library')).body.includes(String(shared!.id)), 'not listed')
    assert.equal((await admin.post(`/library/entries/${clean.id}/withdraw`)).statusCode, 404, 'nothing left to withdraw')
    const audit = await rows('select action from audit_events where entity_id = $1 order by id desc limit 1', [clean.id])
    assert.equal(audit[0]!.action, 'library_share_withdrawn', 'audited')
  })
})

describe('where the library shows up', () => {
  it('the home page offers the library to people who keep the register', async () => {
    const c = await signInAs(t, team.contributor)
    const home = await c.get('/home')
    assert.ok(home.body.includes(shown('usecases.home.heading')) && home.body.includes('href="/library"'), 'a way in')
    const s = await signInAs(t, staff)
    assert.ok(!(await s.get('/home')).body.includes(shown('usecases.home.heading')), 'not for staff')
  })

  it('an admin sees "share to the library" on an entry; a contributor does not', async () => {
    const admin = await signInAs(t, team.admin)
    assert.ok((await admin.get(`/register/${leaky.id}`)).body.includes(`href="/library/entries/${leaky.id}/share"`), 'admin')
    const c = await signInAs(t, team.contributor)
    assert.ok(!(await c.get(`/register/${leaky.id}`)).body.includes(`/library/entries/${leaky.id}/share`), 'contributor')
  })
})
