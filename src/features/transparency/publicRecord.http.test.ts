// The public record page (/public/records/<organisation>/<record>): laid out like the standard
// (title, organisation, summary, Tier 1, Tier 2), safe links only, every version listed with
// "what changed" between two versions, its Welsh text with ?lang=cy (English field by field where
// there is none), and never a 500 for a bad version or path.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createTestApp, type TestApp } from '../../../test/support/app.ts'
import { approveRecord, makeEntry, makeOrganisation, makeTeam, type Team } from '../../../test/support/factories.ts'
import type { RegisterEntry } from '../register/model.ts'

let t: TestApp
let team: Team
let entry: RegisterEntry
let welsh: RegisterEntry
let base: string
let welshBase: string

const get = (url: string) => t.app.inject({ method: 'GET', url })

/** Writes fields into the record and publishes them as a new version (reviewed by someone who did not write them). */
async function publishAgain(e: RegisterEntry, fields: Record<string, string>) {
  const s = t.services.transparency
  const r = (await s.recordFor(team.contributor.user, e.id))!
  await s.update(team.contributor.user, e.id, r.version, fields)
  await approveRecord(t, team.assessor.user, e)
  return s.publish(team.admin.user, e.id)
}

before(async () => {
  t = await createTestApp({ demo: false })
  team = await makeTeam(t, await makeOrganisation(t, { slug: 'recordshire', name: 'Recordshire Council' }))
  entry = await makeEntry(t, team, {
    stage: 'live', name: 'Parking permit helper', record: 'published',
    recordFields: { one_sentence_description: 'Helps residents renew a parking permit online.', description: 'The tool answers questions about parking permits.' },
  })
  base = `/public/records/recordshire/${(await t.services.transparency.recordFor(team.contributor.user, entry.id))!.slug}`
  await publishAgain(entry, { description: 'The tool answers questions about parking permits and visitor passes.', website_url: 'https://recordshire.example/parking' })

  welsh = await makeEntry(t, team, { stage: 'live', name: 'Bin day finder', record: 'complete' })
  const s = t.services.transparency
  const r = (await s.recordFor(team.contributor.user, welsh.id))!
  await s.update(team.contributor.user, welsh.id, r.version, { title: 'Bin day finder', description: 'Finds your bin collection day.' })
  const r2 = (await s.recordFor(team.contributor.user, welsh.id))!
  await s.updateWelsh(team.contributor.user, welsh.id, r2.version, { title: 'Canfod diwrnod biniau', description: 'Yn dod o hyd i’ch diwrnod casglu biniau.' })
  await approveRecord(t, team.assessor.user, welsh)
  await s.publish(team.admin.user, welsh.id)
  welshBase = `/public/records/recordshire/${r.slug}`
})

after(async () => {
  await t?.close()
})

describe('the public record page', () => {
  it('shows the title, the organisation linked, the summary first, then Tier 1 and Tier 2, with the phase as a tag', async () => {
    const res = await get(base)
    assert.equal(res.statusCode, 200, 'the page')
    const body = res.body
    assert.ok(body.includes('href="/public/recordshire"'), 'the organisation is linked')
    assert.ok(body.includes('Helps residents renew a parking permit online.'), 'the one-sentence summary')
    const summary = body.indexOf('Helps residents renew')
    const tier1 = body.indexOf('Tier 1: summary')
    const tier2 = body.indexOf('Tier 2: detail')
    assert.ok(summary > 0 && tier1 > summary && tier2 > tier1, 'summary, then Tier 1, then Tier 2')
    assert.match(body, /class="govuk-tag[^"]*"[^>]*>\s*Production/, 'the phase is a tag')
    assert.match(body, />Version<\/dt>\s*<dd[^>]*>2 of 2</, 'version N of M')
    assert.ok(body.includes('visitor passes'), 'the latest text')
    assert.equal(res.headers['content-type'], 'text/html; charset=utf-8')
  })

  it('links the website only as http(s), the contact as mailto:, and links the JSON and the report form', async () => {
    const body = (await get(base)).body
    assert.ok(body.includes('href="https://recordshire.example/parking"'), 'the website is a link')
    assert.match(body, /href="mailto:ai@recordshire\.example"/, 'the contact e-mail is a mailto: link')
    const json = `/api/public/v1/records/recordshire/${base.split('/').pop()}`
    assert.ok(body.includes(`href="${json}"`), 'the record as JSON')
    assert.equal((await get(json)).statusCode, 200, 'which is there')
    assert.ok(body.includes(`href="${base}/report"`), 'report a problem')
    assert.ok(body.includes('rel="alternate" type="application/atom+xml"'), 'the feed is linked from the head')
  })

  it('lists every version, with "see what changed", and shows an earlier version as such', async () => {
    const latest = (await get(base)).body
    assert.ok(latest.includes(`href="${base}?version=1"`), 'version 1 is linked')
    assert.ok(latest.includes(`href="${base}/changes?from=1&amp;to=2"`), 'what changed from 1 to 2')
    const older = await get(`${base}?version=1`)
    assert.equal(older.statusCode, 200)
    assert.match(older.body, />Version<\/dt>\s*<dd[^>]*>1 of 2</, 'version 1 of 2')
    assert.ok(older.body.includes('This is an earlier version of the record.'), 'said to be earlier')
    assert.ok(!older.body.includes('visitor passes'), 'the text as it was then')
  })

  it('answers 404, never 500, for an unknown record, organisation or version, and for a bad version', async () => {
    for (const url of [
      `${base}?version=3`, `${base}?version=0`, `${base}?version=abc`, `${base}?version=1&version=2`, `${base}?version=99999999999`,
      '/public/records/recordshire/no-such-record', '/public/records/nowhere/parking-permit-helper', '/public/records/UPPER/x',
      `/public/records/recordshire/${'a'.repeat(150)}`, "/public/records/recordshire/x'%20or%201=1",
    ]) {
      const res = await get(url)
      assert.equal(res.statusCode, 404, url)
    }
  })
})

describe('what changed between two versions', () => {
  it('shows only the fields that differ, words added and removed marked in words too', async () => {
    const res = await get(`${base}/changes`)
    assert.equal(res.statusCode, 200, 'the page (previous → latest by default)')
    const body = res.body
    assert.match(body, /<ins><span class="govuk-visually-hidden">\[added: <\/span>[^<]*visitor[^<]*<span class="govuk-visually-hidden">\]<\/span><\/ins>/, 'the words added')
    assert.ok(body.includes('Website URL'), 'the changed website')
    assert.ok(!body.includes('>Team<'), 'a field that did not change is not listed')
    const main = (html: string) => html.slice(html.indexOf('<main'), html.indexOf('</main>'))
    assert.equal(main((await get(`${base}/changes?from=1&to=2`)).body), main(body), 'the same as the explicit versions')
  })

  it('says when a field is new, and when there is nothing to compare', async () => {
    const body = (await get(`${base}/changes?from=1&to=2`)).body
    // The website was the organisation's before; the removed part of its old address is struck through.
    assert.ok(body.includes('<del>'), 'removed words')
    const same = await get(`${base}/changes?from=2&to=2`)
    assert.equal(same.statusCode, 200)
    assert.ok(same.body.includes('Choose two different versions to compare.'), 'same version: a message')
    const one = await get(`${welshBase}/changes`)
    assert.equal(one.statusCode, 200)
    assert.ok(one.body.includes('only one published version'), 'one version: a message')
  })

  it('answers 404 for unknown or bad versions, never 500', async () => {
    for (const q of ['from=1&to=9', 'from=x&to=2', 'from=1&to=2&to=3', 'from=-1', 'to=1e3', 'from=%00']) {
      const res = await get(`${base}/changes?${q}`)
      assert.ok([400, 404].includes(res.statusCode), `${q}: ${res.statusCode}`)
    }
    assert.equal((await get('/public/records/recordshire/nothing-here/changes')).statusCode, 404)
  })
})

describe('the record in Welsh (?lang=cy)', () => {
  it('shows each field’s Welsh where it has one, its English marked lang="en" where it has not, and the page in Welsh', async () => {
    const res = await get(`${welshBase}?lang=cy`)
    assert.equal(res.statusCode, 200)
    const body = res.body
    assert.match(body, /<html lang="cy"/, 'the page is Welsh')
    assert.ok(body.includes('Canfod diwrnod biniau'), 'the Welsh title')
    assert.ok(body.includes('Yn dod o hyd i’ch diwrnod casglu biniau.') || body.includes('Yn dod o hyd i&#39;ch') || body.includes('Yn dod o hyd i’ch'), 'the Welsh description')
    assert.match(body, /<span class="app-pre-line" lang="en">/, 'a field without Welsh falls back to English, marked as English')
    assert.ok(body.includes('Haen 1'), 'the page’s own words in Welsh')
    assert.ok(body.includes('>Disgrifiad<'), 'the standard’s field names in Welsh')
    assert.match(body, /\d{1,2} (Ionawr|Chwefror|Mawrth|Ebrill|Mai|Mehefin|Gorffennaf|Awst|Medi|Hydref|Tachwedd|Rhagfyr) \d{4}/, 'dates in Welsh')
    assert.ok(body.includes(`href="${welshBase}/report?lang=cy"`), 'links keep the language')
    assert.ok(body.includes('class="govuk-service-navigation__link" href="/public?lang=cy"'), 'so does the navigation')
    assert.ok(body.includes('class="govuk-footer__link" href="/public?lang=cy"'), 'and the footer')
    assert.ok(body.includes('href="/login"'), 'signing in is not in Welsh, so its link has no language')
    assert.ok(body.includes(`href="${welshBase}"`) && body.includes('>English<'), 'the toggle back to English keeps the page')
  })

  it('in English shows the English text only', async () => {
    const body = (await get(welshBase)).body
    assert.match(body, /<html lang="en"/)
    assert.ok(body.includes('Bin day finder') && !body.includes('Canfod diwrnod biniau'), 'English')
    assert.ok(body.includes(`href="${welshBase}?lang=cy"`) && body.includes('>Cymraeg<'), 'the toggle to Welsh')
  })
})

describe('the same page for every resident', () => {
  it('sets no cookie, has an ETag and Cache-Control, answers 304 to a matching If-None-Match, and shows a new version at once', async () => {
    for (const url of [base, `${base}?lang=cy`, `${base}/changes`, '/public/feed.atom']) {
      const res = await get(url)
      assert.equal(res.statusCode, 200, url)
      assert.equal(res.headers['set-cookie'], undefined, `${url}: no cookie`)
      assert.ok(res.headers.etag, `${url}: an ETag`)
      assert.match(String(res.headers['cache-control']), /public/, `${url}: cacheable`)
      const again = await t.app.inject({ url, headers: { 'if-none-match': String(res.headers.etag) } })
      assert.equal(again.statusCode, 304, `${url}: not modified`)
    }
    const form = await get(`${base}/report`)
    assert.ok(form.headers['set-cookie'], 'the report form hands out its CSRF cookie')
    assert.match(String(form.headers['cache-control']), /no-store/, 'and is never cached')

    const before = await get(base)
    await publishAgain(entry, { description: 'Version three of the description.' })
    const after = await get(base)
    assert.notEqual(after.headers.etag, before.headers.etag, 'a new ETag')
    assert.ok(after.body.includes('Version three of the description.') && />Version<\/dt>\s*<dd[^>]*>3 of 3</.test(after.body), 'the new version at once')
    assert.ok((await get('/public/feed.atom')).body.includes('?version=3'), 'and in the feed')
  })
})
