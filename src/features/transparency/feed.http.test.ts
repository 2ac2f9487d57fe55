// The Atom feed of new and changed public records (/public/feed.atom): the newest publications
// first, one entry per published version with a stable id and a link to that version's page,
// text XML-escaped; and an organisation's own feed.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createTestApp, type TestApp } from '../../../test/support/app.ts'
import { approveRecord, makeEntry, makeOrganisation, makeTeam, type Team } from '../../../test/support/factories.ts'
import { atomFeed, xmlEscape } from './feed.ts'

let t: TestApp
let team: Team
let slug: string

const get = (url: string) => t.app.inject({ method: 'GET', url })
const entries = (xml: string) => [...xml.matchAll(/<entry>([\s\S]*?)<\/entry>/g)].map((m) => m[1]!)
const tag = (xml: string, name: string) => new RegExp(`<${name}[^>]*>([^<]*)</${name}>`).exec(xml)?.[1]

before(async () => {
  t = await createTestApp({ demo: false })
  team = await makeTeam(t, await makeOrganisation(t, { slug: 'feedshire', name: 'Feedshire & District Council' }))
  const first = await makeEntry(t, team, {
    stage: 'live', name: 'Tom & Jerry <b>"bot"</b>', record: 'published',
    recordFields: { one_sentence_description: 'Answers <questions> & "more".' },
  })
  slug = (await t.services.transparency.recordFor(team.contributor.user, first.id))!.slug
  await makeEntry(t, team, { stage: 'live', name: 'Second tool', record: 'published' })
  // A new version of the first record: a changed record, newest of all.
  const s = t.services.transparency
  const r = (await s.recordFor(team.contributor.user, first.id))!
  await s.update(team.contributor.user, first.id, r.version, { description: 'Now also answers in Welsh.' })
  await approveRecord(t, team.assessor.user, first)
  await s.publish(team.admin.user, first.id)
})

after(async () => {
  await t?.close()
})

describe('the Atom feed', () => {
  it('is Atom 1.0, newest publication first, one entry per version, with ids, links, titles and summaries', async () => {
    const res = await get('/public/feed.atom')
    assert.equal(res.statusCode, 200)
    assert.equal(res.headers['content-type'], 'application/atom+xml; charset=utf-8')
    const xml = res.body
    assert.ok(xml.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"'), 'an Atom document')
    assert.ok(tag(xml, 'id') && tag(xml, 'title') && tag(xml, 'updated'), 'the feed’s id, title and updated')
    assert.match(xml, /<link rel="self" type="application\/atom\+xml" href="http:\/\/[^"]+\/public\/feed\.atom"\/>/, 'its own address')
    const list = entries(xml)
    assert.equal(list.length, 3, 'two records, one of them twice (a new version)')
    const [newest, , oldest] = list
    assert.ok(tag(newest!, 'id')!.endsWith(`/public/records/feedshire/${slug}?version=2`), 'the newest is version 2, its id the version’s address')
    assert.ok(tag(oldest!, 'id')!.endsWith(`/public/records/feedshire/${slug}?version=1`), 'version 1 keeps its own entry')
    assert.match(newest!, /<link rel="alternate" type="text\/html" href="http:\/\/[^"]+\/public\/records\/feedshire\/[^"]+\?version=2"\/>/, 'a link to the version')
    const updated = list.map((e) => tag(e, 'updated')!)
    assert.deepEqual([...updated].sort().reverse(), updated, 'newest first')
    for (const u of updated) assert.ok(!Number.isNaN(Date.parse(u)) && u.endsWith('Z'), 'RFC 3339 times')
    assert.equal(tag(xml, 'updated'), updated[0], 'the feed was updated when its newest entry was')
  })

  it('escapes every piece of text', async () => {
    const xml = (await get('/public/feed.atom')).body
    assert.ok(xml.includes('Tom &amp; Jerry &lt;b&gt;&quot;bot&quot;&lt;/b&gt;'), 'the title escaped')
    assert.ok(xml.includes('Answers &lt;questions&gt; &amp; &quot;more&quot;.'), 'the summary escaped')
    assert.ok(xml.includes('Feedshire &amp; District Council'), 'the organisation escaped')
    assert.ok(!/<b>|<questions>/.test(xml), 'no markup got through')
  })

  it('has an organisation feed; an unknown organisation is a 404', async () => {
    const res = await get('/public/feedshire/feed.atom')
    assert.equal(res.statusCode, 200)
    assert.equal(entries(res.body).length, 3)
    assert.equal((await get('/public/nowhere/feed.atom')).statusCode, 404)
    await makeOrganisation(t, { slug: 'quietfeed', name: 'Quiet Council' })
    const quiet = await get('/public/quietfeed/feed.atom')
    assert.equal(quiet.statusCode, 200, 'an organisation with nothing published has an empty feed')
    assert.equal(entries(quiet.body).length, 0)
    assert.ok(quiet.body.includes('from Quiet Council'), 'named')
    assert.equal((await get('/public/NOT_A_SLUG/feed.atom')).statusCode, 404)
  })

  it('in Welsh (?lang=cy): the feed’s words in Welsh, each record’s Welsh where it has it, its English marked as English', async () => {
    const xml = (await get('/public/feed.atom?lang=cy')).body
    assert.ok(xml.includes('<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="cy">'), 'a Welsh feed')
    assert.ok(xml.includes('Cofnodion tryloywder AI ac algorithmig newydd a newidiedig'), 'its title in Welsh')
    assert.ok(xml.includes(': fersiwn 2</title>'), 'the entry’s own words in Welsh')
    assert.match(xml, /<summary type="text" xml:lang="en">Answers &lt;questions&gt;/, 'English text without Welsh is marked')
    assert.match(xml, /<link rel="alternate" type="text\/html" href="[^"]+\?version=2&amp;lang=cy"\/>/, 'links to the Welsh page')
    assert.ok(tag(entries(xml)[0]!, 'id')!.endsWith('?version=2'), 'the same ids in every language')
  })

  it('is linked from public pages', async () => {
    const page = await get(`/public/records/feedshire/${slug}`)
    assert.match(page.body, /<link rel="alternate" type="application\/atom\+xml" href="\/public\/feed\.atom"/)
  })
})

describe('atomFeed', () => {
  it('drops characters XML cannot hold and escapes the rest', () => {
    assert.equal(xmlEscape('a\u0000b\u0008c\uFFFEd\uD800e <&>"\''), 'abcde &lt;&amp;&gt;&quot;&apos;')
    assert.equal(xmlEscape('line\nbreak\ttab'), 'line\nbreak\ttab', 'tabs and line breaks stay')
  })

  it('an empty feed is still valid: the epoch as its updated time', () => {
    const xml = atomFeed({ baseUrl: 'https://x.example', id: 'https://x.example/f', title: 'T', selfPath: '/f', alternatePath: '/', author: 'A', entries: [] })
    assert.ok(xml.includes('<updated>1970-01-01T00:00:00.000Z</updated>'))
    assert.ok(!xml.includes('<entry>'))
  })
})
