// The guidance library, impact cases and glossary (issue 12 §2, §3): public pages that search and
// filter without JavaScript, 404 for an unknown id; the "share a case study or resource" form
// (validation, CSRF), moderation by platform admins only, nothing public before approval, the
// contributor following their own contributions; and each assessment question linking its guidance.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type Client, createTestApp, escapeHtml, fieldValue, shown, type TestApp } from '../../../test/support/app.ts'
import { makeEntry, makeOrganisation, makePerson, makePlatformAdmin, makeTeam, type Person, signInAs, type Team } from '../../../test/support/factories.ts'

let t: TestApp
let team: Team
let other: Team
let staff: Person
let operator: Person

before(async () => {
  t = await createTestApp({ demo: false })
  team = await makeTeam(t, await makeOrganisation(t, { slug: 'guideshire', name: 'Guideshire District Council' }))
  other = await makeTeam(t, await makeOrganisation(t, { slug: 'otherton', name: 'Otherton Borough Council' }))
  staff = await makePerson(t, team.org, ['staff'])
  operator = await makePlatformAdmin(t)
})

after(async () => {
  await t?.close()
})

const anon = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers })

/** The titles a list page links, in order. */
const listed = (html: string, prefix: string) =>
  [...html.matchAll(new RegExp(`<h3 class="govuk-heading-s[^"]*">\\s*<a class="govuk-link" href="${prefix}([^"]+)"`, 'g'))].map((m) => m[1]!)

describe('the public pages', () => {
  for (const url of ['/guidance', '/guidance/glossary', '/guidance/ico-dpia-guidance', '/cases', '/cases/social-care-case-notes']) {
    it(`${url} renders for anyone, cacheable, with nobody signed in`, async () => {
      const res = await anon(url)
      assert.equal(res.statusCode, 200, url)
      assert.match(res.headers['cache-control'] as string, /^public/, 'public cache')
      assert.ok(res.headers.etag, 'an ETag')
      assert.equal(res.headers['set-cookie'], undefined, 'no cookie')
      const again = await anon(url, { 'if-none-match': String(res.headers.etag) })
      assert.equal(again.statusCode, 304, 'the same page again is a 304')
    })
  }

  it('a signed-in person gets the same page as anyone (nothing personal, no CSRF token)', async () => {
    const c = await signInAs(t, team.admin)
    const mine = await c.get('/guidance?q=dpia')
    const theirs = await anon('/guidance?q=dpia')
    assert.equal(mine.headers.etag, theirs.headers.etag)
    assert.doesNotMatch(mine.body, /name="_csrf"/)
    assert.ok(!mine.body.includes(escapeHtml(team.admin.name)), 'no name on the page')
  })

  it('the library lists every resource with its publisher, and a resource page links its source', async () => {
    const all = await anon('/guidance')
    const count = t.services.guidance.content().resources.length
    assert.equal(listed(all.body, '/guidance/').length, count)
    assert.ok(all.body.includes(shown('guidance.list.count', { count })), 'the count')
    const page = await anon('/guidance/ncsc-secure-ai-guidelines')
    assert.ok(page.body.includes('https://www.ncsc.gov.uk/collection/guidelines-secure-ai-system-development'), 'the source link')
    assert.ok(page.body.includes('National Cyber Security Centre'), 'the publisher')
    assert.ok(page.body.includes(escapeHtml('Security checklist')) || page.body.includes(shown('guidance.show.wholeSet')), 'what it informs')
  })

  it('searches by words (every word must match, title first) and filters by theme', async () => {
    const dpia = listed((await anon('/guidance?q=impact+assessments')).body, '/guidance/')
    assert.equal(dpia[0], 'ico-dpia-guidance', 'the title match first')
    const procurement = listed((await anon('/guidance?theme=procurement')).body, '/guidance/')
    assert.ok(procurement.length > 0)
    for (const id of procurement) assert.ok(t.services.guidance.resource(id).themes.includes('procurement'), `${id} is about procurement`)
    const both = listed((await anon('/guidance?q=suppliers&theme=security')).body, '/guidance/')
    assert.deepEqual(both, ['ncsc-secure-ai-guidelines'])
    const none = await anon('/guidance?q=zzzyxq')
    assert.equal(none.statusCode, 200)
    assert.ok(none.body.includes(shown('guidance.list.none')))
    assert.equal(fieldValue(none.body, 'q'), 'zzzyxq', 'the words stay in the box')
  })

  it('filters cases by theme and data-maturity area', async () => {
    const culture = listed((await anon('/cases?maturity=culture_and_structure')).body, '/cases/')
    assert.ok(culture.includes('staff-ai-skills') && !culture.includes('camden-rentsense-atrs'), culture.join())
    const transparency = listed((await anon('/cases?theme=transparency&maturity=governance_and_compliance')).body, '/cases/')
    assert.deepEqual(transparency.sort(), ['camden-rentsense-atrs', 'west-berkshire-bin-form'])
    const page = await anon('/cases/camden-rentsense-atrs')
    assert.ok(page.body.includes('https://www.gov.uk/algorithmic-transparency-records/camden-council-rentsense'), 'its source')
    assert.ok(page.body.includes(shown('guidance.basis.publishedNote')))
    const illustrative = await anon('/cases/social-care-case-notes')
    assert.ok(illustrative.body.includes(shown('guidance.basis.illustrativeNote')), 'an illustrative case says so')
    assert.match(illustrative.body, /<h2 class="govuk-heading-m">What the team wanted<\/h2>/, 'the Markdown rendered with GOV.UK classes')
  })

  it('the glossary has an anchor for each term, the OECD definition with its source, ATRS and DPIAs', async () => {
    const res = await anon('/guidance/glossary')
    for (const id of ['what-counts-as-ai', 'atrs', 'dpia']) assert.match(res.body, new RegExp(`id="${id}"`), id)
    assert.ok(res.body.includes('machine-based system'), 'the quoted definition')
    assert.ok(res.body.includes('OECD definition of an AI system'), 'attributed')
    assert.ok(t.services.guidance.terms().length >= 13, 'at least 13 terms')
  })

  it('bad filters are a 400 with the GOV.UK error summary, never a 500', async () => {
    for (const url of ['/guidance?theme=astrology', '/guidance?q=a&q=b', `/guidance?q=${'x'.repeat(201)}`, '/cases?maturity=nope', '/cases?theme=policy&theme=skills']) {
      const res = await anon(url)
      assert.equal(res.statusCode, 400, url)
      assert.match(res.body, /govuk-error-summary/, url)
    }
    const nul = await anon('/guidance?q=a%00b')
    assert.equal(nul.statusCode, 400, 'a NUL is refused at the boundary')
  })

  it('an unknown id is a 404', async () => {
    for (const url of ['/guidance/no-such-thing', '/cases/no-such-case', '/guidance/Not_A_Thing', `/guidance/${'a'.repeat(300)}`]) {
      assert.equal((await anon(url)).statusCode, 404, url)
    }
  })
})

describe('sharing a case study or resource', () => {
  const form = { title: 'Our AI register in a week', kind: 'case_study', theme: 'governance', link: 'https://example.org/register', summary: 'We copied the intake and listed 40 tools.' }

  it('needs a sign-in', async () => {
    const res = await anon('/guidance/contribute')
    assert.equal(res.statusCode, 302)
    assert.match(res.headers.location as string, /^\/login\?next=/)
  })

  it('refuses bad input with field errors and keeps what was typed', async () => {
    const c = await signInAs(t, staff)
    await c.get('/guidance/contribute')
    const cases: [Record<string, string | string[]>, string, string][] = [
      [{}, 'title', 'guidance.errors.title'],
      [{ ...form, title: '   ' }, 'title', 'guidance.errors.title'],
      [{ ...form, title: 'x'.repeat(201) }, 'title', 'guidance.errors.titleTooLong'],
      [{ ...form, summary: 's'.repeat(10_000) }, 'summary', 'guidance.errors.summaryTooLong'],
      [{ ...form, kind: 'novel' }, 'kind', 'guidance.errors.kind'],
      [{ ...form, theme: 'astrology' }, 'theme', 'guidance.errors.theme'],
      [{ ...form, link: 'javascript:alert(1)' }, 'link', 'guidance.errors.link'],
      [{ ...form, link: 'http://example.org/plain' }, 'link', 'guidance.errors.link'],
      [{ ...form, link: 'https://user:pw@example.org/' }, 'link', 'guidance.errors.link'],
      [{ ...form, title: ['one', 'two'] }, 'title', 'guidance.errors.title'],
      [{ ...form, theme: ['policy', 'skills'] }, 'theme', 'guidance.errors.theme'],
    ]
    for (const [body, field, key] of cases) {
      const res = await c.post('/guidance/contribute', body)
      assert.equal(res.statusCode, 400, `${field}: ${key}`)
      assert.ok(res.body.includes(shown(key)), `${field} shows ${key}`)
      assert.match(res.body, new RegExp(`href="#${field}"`), `the summary links ${field}`)
      if (body.summary && typeof body.summary === 'string' && body.summary.length < 4000) assert.equal(fieldValue(res.body, 'summary'), body.summary, 'the summary kept')
    }
    const nul = await c.post('/guidance/contribute', { ...form, title: 'a\u0000b' })
    assert.equal(nul.statusCode, 400, 'a NUL is refused')
    assert.equal((await t.services.guidance.mine(staff.user)).length, 0, 'nothing was stored')
  })

  it('refuses a post without the CSRF token', async () => {
    const c = await signInAs(t, staff)
    const res = await c.post('/guidance/contribute', { ...form, _csrf: 'forged' })
    assert.equal(res.statusCode, 403)
    assert.equal((await t.services.guidance.mine(staff.user)).length, 0)
  })

  it('is pending and not public until a platform admin approves it; then it is listed, credited to the organisation', async () => {
    const c = await signInAs(t, staff)
    await c.get('/guidance/contribute')
    const title = 'Guideshire chatbot tender questions'
    const res = await c.post('/guidance/contribute', { ...form, title, kind: 'resource', theme: 'procurement' })
    assert.equal(res.statusCode, 303)
    const mine = await c.get('/guidance/contributions?done=shared')
    assert.ok(mine.body.includes(escapeHtml(title)) && mine.body.includes(shown('guidance.status.pending')), 'the contributor sees it pending')

    for (const url of ['/guidance', `/guidance?q=${encodeURIComponent(title)}`, '/guidance?theme=procurement', '/cases']) {
      assert.ok(!(await anon(url)).body.includes(`>${escapeHtml(title)}</a>`), `not on ${url} before approval`)
    }
    // Another council's people do not see it among their own.
    assert.equal((await t.services.guidance.mine(other.admin.user)).length, 0)

    const [pending] = (await t.services.guidance.moderation(operator.user)).pending.filter((p) => p.title === title)
    assert.ok(pending)
    const mod = await signInAs(t, operator)
    const queue = await mod.get('/guidance/moderation')
    assert.equal(queue.statusCode, 200)
    assert.ok(queue.body.includes(escapeHtml(title)))
    const approved = await mod.post(`/guidance/moderation/${pending.id}/approve`)
    assert.equal(approved.statusCode, 303)

    const list = await anon('/guidance?q=chatbot+tender')
    assert.ok(list.body.includes(`>${escapeHtml(title)}</a>`), 'listed after approval')
    assert.ok(list.body.includes(shown('guidance.list.sharedBy', { organisation: team.org.name })), 'credited to the organisation')
    assert.ok(!list.body.includes(escapeHtml(staff.name)), 'not to the person')
    assert.ok((await c.get('/guidance/contributions')).body.includes(shown('guidance.status.approved')))

    const again = await mod.post(`/guidance/moderation/${pending.id}/approve`)
    assert.equal(again.statusCode, 409, 'a decided contribution cannot be decided again')
    const [event] = await t.db.query<{ action: string; organisation_id: string }>(
      "select action, organisation_id from audit_events where entity_id = $1 and action = 'guidance_contribution_approved'", [pending.id])
    assert.equal(event?.organisation_id, team.org.id, 'audited against the contributing organisation')
  })

  it('a rejection needs a reason, which the contributor sees; a rejected case never appears', async () => {
    const c = await signInAs(t, team.contributor)
    await c.get('/guidance/contribute')
    const title = 'Case notes pilot we would rather not publish'
    await c.post('/guidance/contribute', { ...form, title })
    const [p] = (await t.services.guidance.moderation(operator.user)).pending.filter((x) => x.title === title)
    assert.ok(p)
    const mod = await signInAs(t, operator)
    await mod.get('/guidance/moderation')
    const empty = await mod.post(`/guidance/moderation/${p.id}/reject`, { reason: ' ' })
    assert.equal(empty.statusCode, 400)
    assert.ok(empty.body.includes(shown('guidance.errors.reason')))
    assert.match(empty.body, new RegExp(`href="#reason-${p.id}"`))
    const long = await mod.post(`/guidance/moderation/${p.id}/reject`, { reason: 'r'.repeat(10_000) })
    assert.equal(long.statusCode, 400)
    const ok = await mod.post(`/guidance/moderation/${p.id}/reject`, { reason: 'It names a resident.' })
    assert.equal(ok.statusCode, 303)
    const mine = await c.get('/guidance/contributions')
    assert.ok(mine.body.includes(shown('guidance.status.rejected')) && mine.body.includes('It names a resident.'))
    assert.ok(!(await anon('/cases')).body.includes(escapeHtml(title)), 'a rejected case is not listed')
  })

  it('moderation is for platform admins only: an organisation admin gets 403, a bad id 404', async () => {
    const admin = await signInAs(t, team.admin)
    assert.equal((await admin.get('/guidance/moderation')).statusCode, 403)
    await admin.get('/guidance/contribute')
    await admin.post('/guidance/contribute', { ...form, title: 'Admin share' })
    const [p] = (await t.services.guidance.moderation(operator.user)).pending.filter((x) => x.title === 'Admin share')
    assert.ok(p)
    assert.equal((await admin.post(`/guidance/moderation/${p.id}/approve`)).statusCode, 403)
    assert.equal((await admin.post(`/guidance/moderation/${p.id}/reject`, { reason: 'no' })).statusCode, 403)
    const still = (await t.services.guidance.moderation(operator.user)).pending.find((x) => x.id === p.id)
    assert.ok(still, 'still pending')
    const mod = await signInAs(t, operator)
    await mod.get('/guidance/moderation')
    assert.equal((await mod.post('/guidance/moderation/not-a-uuid/approve')).statusCode, 404)
    assert.equal((await mod.post('/guidance/moderation/00000000-0000-4000-8000-000000000000/approve')).statusCode, 404)
    assert.equal((await mod.post(`/guidance/moderation/${p.id}/approve`, { _csrf: 'forged' })).statusCode, 403, 'CSRF on moderation too')
  })
})

describe('the home page', () => {
  it('links the library for everyone signed in, and moderation for platform admins only', async () => {
    const home = await (await signInAs(t, staff)).get('/home')
    assert.equal(home.statusCode, 200)
    assert.match(home.body, /id="guidance-library"/)
    assert.match(home.body, /href="\/guidance\/contribute"/)
    assert.doesNotMatch(home.body, /href="\/guidance\/moderation"/)
    const op = await (await signInAs(t, operator)).get('/home')
    assert.match(op.body, /href="\/guidance\/moderation"/)
  })
})

describe('each assessment question links the guidance it draws on', () => {
  let c: Client
  let entryId: string
  before(async () => {
    entryId = (await makeEntry(t, team)).id
    c = await signInAs(t, team.assessor)
  })

  it('on a section page: the set\'s own source under every question, and specific items where listed', async () => {
    const set = t.services.assessments.setNamed('dpia')
    const section = set.sections.find((s) => s.questions.some((q) => q.id === 'data_matching'))!
    const res = await c.get(`/register/${entryId}/assessments/dpia/sections/${section.id}`)
    assert.equal(res.statusCode, 200)
    assert.match(res.body, /id="guidance-data_matching"/)
    const block = res.body.slice(res.body.indexOf('id="guidance-data_matching"'))
    const end = block.indexOf('</details>')
    const links = block.slice(0, end)
    assert.ok(links.includes('href="/guidance/ico-dpia-guidance"'), 'the set\'s own source')
    assert.ok(links.includes('href="/guidance/ico-high-risk-processing"'), 'the specific item')
  })

  it('every question set has at least some links', () => {
    for (const set of t.services.assessments.allSets()) {
      const links = t.services.assessments.questionGuidance.flatMap((p) => [...p(set).keys()])
      assert.ok(links.length > 0, `${set.id} has links`)
    }
  })
})
