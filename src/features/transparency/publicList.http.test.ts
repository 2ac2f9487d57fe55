// The public register's list at /public (issue 11 §2): ranked search over every published field,
// filters with counts, sorting, pages of 50, Welsh titles with ?lang=cy, an organisation's page
// paged, and hostile input answered with a normal page (never a 500). The records are seeded
// straight into the tables (publicTestkit.ts), so the counts each filter should show are known.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestApp, type TestApp } from '../../../test/support/app.ts'
import { PAGE_SIZE } from './publicSearch.ts'
import { SEED, seedPublicRecords } from './publicTestkit.ts'

const RECORDS = 130
const ORGS = 4

let t: TestApp
before(async () => {
  t = await createTestApp({ demo: false })
  await seedPublicRecords(t.db, {
    records: RECORDS, organisations: ORGS, prefix: 'list',
    fields: (n): Record<string, string> => n === 7 ? { title: 'Zebra crossing planner', name: 'Zebra crossing planner' }
      : n === 9 ? { description: 'Counts people at each zebra crossing for the road safety team.' }
      : n === 11 ? { external_supplier: 'Quuxly Analytics Ltd' }
      : {},
  })
  await t.db.query(`update public_records set fields_cy = '{"title": "Cynllunydd croesfan sebra"}' where public_id = 'list-org-3/tool-7'`)
})
after(() => t?.close())

const get = (url: string) => t.app.inject({ method: 'GET', url })

/** Record n's values, as the seed makes them. */
const orgOf = (n: number) => 1 + ((n - 1) % ORGS)
const all = Array.from({ length: RECORDS }, (_, i) => i + 1)
const count = (pred: (n: number) => boolean) => all.filter(pred).length

/** The records listed on a page, by their public ids, in order. */
const listed = (html: string) => [...html.matchAll(/href="\/public\/records\/([^"?]+)[^"]*"/g)].map((m) => m[1]!)

/** The text a filter's value shows, "Label (count)". */
const option = (label: string, n: number) => `${label} (${n})`

describe('filters, each with counts', () => {
  test('with nothing chosen: every value of every filter, with how many records it has', async () => {
    const res = await get('/public')
    assert.equal(res.statusCode, 200)
    assert.ok(res.body.includes(`${RECORDS} records`), 'the total')
    for (let k = 1; k <= ORGS; k++) {
      assert.ok(res.body.includes(option(`Seedshire ${k} Council`, count((n) => orgOf(n) === k))), `organisation ${k}`)
    }
    const nationName: Record<string, string> = { england: 'England', scotland: 'Scotland', wales: 'Wales', northern_ireland: 'Northern Ireland' }
    for (const [i, nation] of SEED.NATIONS.entries()) {
      const c = count((n) => orgOf(n) % 4 === i)
      if (c) assert.ok(res.body.includes(option(nationName[nation]!, c)), `${nation}: ${c}`)
    }
    for (const [i, phase] of SEED.PHASES.entries()) assert.ok(res.body.includes(option(phase, count((n) => n % 4 === i))), phase)
    for (const [i, area] of SEED.AREAS.entries()) assert.ok(res.body.includes(option(area, count((n) => n % 5 === i))), area)
    assert.ok(res.body.includes(option('High risk', count((n) => n % 3 === 2))), 'risk tier')
    assert.ok(res.body.includes(option('Yes', count((n) => n % 2 === 0))), 'third party yes')
    assert.ok(res.body.includes(option('No', count((n) => n % 2 === 1))), 'third party no')
  })

  test('a filter narrows the list; its own values keep their counts, the other filters count what is left', async () => {
    const res = await get('/public?phase=Production&service_area=Housing')
    const expected = count((n) => n % 4 === 2 && n % 5 === 0)
    assert.ok(res.body.includes(`${expected} records`), `${expected} records`)
    // The phase filter still shows the other phases, counted with the service area applied.
    assert.ok(res.body.includes(option('Retired', count((n) => n % 4 === 3 && n % 5 === 0))), 'other phases, within Housing')
    assert.ok(res.body.includes(option('Planning', count((n) => n % 5 === 1 && n % 4 === 2))), 'other areas, within Production')
    assert.match(res.body, /value="Production" checked/, 'the chosen phase is ticked')
    for (const id of listed(res.body)) {
      const n = Number(id.split('-').at(-1))
      assert.ok(n % 4 === 2 && n % 5 === 0, `${id} is a Production Housing record`)
    }
  })

  test('several values of one filter: any of them', async () => {
    const res = await get('/public?risk_tier=low&risk_tier=high&third_party=yes')
    const expected = count((n) => n % 3 !== 1 && n % 2 === 0)
    assert.ok(res.body.includes(`${expected} records`), `${expected} records`)
  })

  test('an organisation, an organisation type and a nation', async () => {
    const res = await get('/public?organisation=list-org-2')
    assert.ok(res.body.includes(`${count((n) => orgOf(n) === 2)} records`), 'one organisation')
    const typed = await get(`/public?organisation_type=${encodeURIComponent(SEED.TYPES[1])}`)
    assert.ok(typed.body.includes(`${count((n) => orgOf(n) % 3 === 1)} records`), 'one type')
    const wales = await get('/public?nation=wales')
    assert.ok(wales.body.includes(`${count((n) => orgOf(n) % 4 === 2)} records`), 'one nation')
  })

  test('a value nobody publishes: a normal page that finds nothing', async () => {
    const res = await get('/public?region=Atlantis&service_area=Nowhere')
    assert.equal(res.statusCode, 200)
    assert.ok(res.body.includes('0 records'), 'nothing found')
    assert.ok(res.body.includes('No published records match'), 'says so')
  })
})

describe('search', () => {
  test('matches any published field, ranked: a title match comes before a match deep in the text', async () => {
    const res = await get('/public?q=zebra')
    assert.ok(res.body.includes('2 records match'), res.body.match(/<h2[^>]*id="results"[^>]*>[^<]*/)?.[0])
    assert.deepEqual(listed(res.body), ['list-org-3/tool-7', 'list-org-1/tool-9'])
  })

  test('a supplier named only in a Tier 2 field is found', async () => {
    const res = await get('/public?q=Quuxly')
    assert.deepEqual(listed(res.body), ['list-org-3/tool-11'])
  })

  test('phrases, or and minus (web search syntax)', async () => {
    assert.deepEqual(listed((await get(`/public?q=${encodeURIComponent('"zebra crossing planner"')}`)).body), ['list-org-3/tool-7'])
    assert.deepEqual(listed((await get(`/public?q=${encodeURIComponent('zebra -planner')}`)).body), ['list-org-1/tool-9'])
    assert.equal(listed((await get(`/public?q=${encodeURIComponent('zebra or quuxly')}`)).body).length, 3)
  })

  test('search and filters together; counts are of the matches', async () => {
    const res = await get('/public?q=zebra&third_party=no')
    assert.deepEqual(listed(res.body), ['list-org-3/tool-7', 'list-org-1/tool-9'])
    assert.ok(res.body.includes(option('Seedshire 3 Council', 1)), 'organisation counts within the matches')
  })
})

describe('sorting and pages', () => {
  test('newest first by default; by name; relevance only with a search', async () => {
    const newest = listed((await get('/public')).body)
    assert.equal(newest.length, PAGE_SIZE)
    assert.equal(newest[0], `list-org-${orgOf(RECORDS)}/tool-${RECORDS}`, 'the newest first')
    const byName = listed((await get('/public?sort=name')).body)
    const titles = byName.map((id) => `Seeded tool ${id.split('-').at(-1)}`)
    assert.deepEqual(byName.slice(0, 3), ['list-org-1/tool-1', 'list-org-2/tool-10', 'list-org-4/tool-100'], `by name: ${titles.slice(0, 3).join(', ')}`)
    const noRelevance = await get('/public?sort=relevance')
    assert.equal(listed(noRelevance.body)[0], newest[0], 'no search: relevance means newest')
    assert.doesNotMatch(noRelevance.body, /value="relevance"/, 'and is not offered')
    assert.match((await get('/public?q=zebra')).body, /value="relevance" selected/, 'offered and chosen with a search')
  })

  test('pages of 50, every record once and in order (the later pages read from the other end), links keeping the filters', async () => {
    for (const sort of ['name', 'newest']) {
      const seen: string[] = []
      for (let page = 1; page <= 3; page++) {
        const res = await get(`/public?page=${page}&sort=${sort}`)
        assert.equal(res.statusCode, 200)
        seen.push(...listed(res.body))
        if (page === 1) assert.match(res.body, new RegExp(`href="/public\\?sort=${sort}&amp;page=2"`), 'the next page keeps the sort')
      }
      assert.equal(seen.length, RECORDS)
      assert.equal(new Set(seen).size, RECORDS, 'no record twice')
      const n = (id: string) => Number(id.split('-').at(-1))
      if (sort === 'newest') assert.deepEqual(seen.map(n), all.slice().reverse(), 'newest first throughout')
      else assert.deepEqual(seen, [...seen].sort((a, b) => (n(a) === 7 ? 'zebra' : `seeded tool ${n(a)}`).localeCompare(n(b) === 7 ? 'zebra' : `seeded tool ${n(b)}`)), 'by name throughout')
    }
    assert.ok((await get('/public?page=3')).body.includes(`Showing 101 to ${RECORDS}`), 'the last page says which records')
  })

  test('a page past the end, or not a number: a normal page (the last, or the first)', async () => {
    for (const page of ['1000000000', '99999999999999999999999', '4']) {
      const res = await get(`/public?page=${page}`)
      assert.equal(res.statusCode, 200, page)
      assert.ok(res.body.includes('There are only 3 pages of results'), `${page}: says it is the last page`)
      assert.equal(listed(res.body).length, RECORDS - 2 * PAGE_SIZE, `${page}: the last page`)
    }
    for (const page of ['abc', '-1', '0', '1.5', '%00x', '']) {
      const res = await get(`/public?page=${page}`)
      assert.ok(res.statusCode === 200 || res.statusCode === 400, `${page}: ${res.statusCode}`)
      if (res.statusCode === 200) assert.equal(listed(res.body).length, PAGE_SIZE, `${page}: the first page`)
    }
    const arr = await get('/public?page=2&page=3')
    assert.equal(arr.statusCode, 200, 'two pages: the first of them')
  })
})

describe('hostile input: a normal page, never a server error', () => {
  const cases = [
    `q=${encodeURIComponent('"')}`, `q=${encodeURIComponent('"""')}`, `q=${encodeURIComponent("'; drop table public_records; --")}`,
    `q=${encodeURIComponent('1) or 1=1 --')}`, `q=${encodeURIComponent('a & | ! <-> :* ( ')}`, `q=${encodeURIComponent('the and of')}`,
    `q=${'x'.repeat(10_000)}`, `q=${encodeURIComponent('é'.repeat(5000))}`,
    'nation=atlantis', 'risk_tier=extreme', 'third_party=maybe', 'sort=evil', 'sort[]=name', 'lang=klingon',
    'organisation=a&organisation=b', 'organisation[]=x', 'phase[]=x', 'nation=wales&nation=wales', `region=${'r'.repeat(2000)}`,
    `${Array.from({ length: 30 }, (_, i) => `phase=p${i}`).join('&')}`, 'service_area=%25%27%22', 'technique=%3Cscript%3E',
    'q=%00', 'phase=%00', 'third_party=%ED%A0%80', '__proto__=x', 'constructor[prototype][x]=1',
  ]
  for (const qs of cases) {
    test(qs.length > 70 ? `${qs.slice(0, 70)}…` : qs, async () => {
      const res = await get(`/public?${qs}`)
      assert.ok(res.statusCode === 200 || res.statusCode === 400, `${res.statusCode}: ${res.body.slice(0, 300)}`)
      if (res.statusCode === 400) assert.match(res.body, /govuk-error-summary/, 'a refusal says why')
      assert.doesNotMatch(res.body, /<script>alert/, 'nothing typed runs')
    })
  }

  test('a malformed filter is refused naming the field; the form keeps what was typed', async () => {
    const res = await get('/public?nation=atlantis&q=traffic')
    assert.equal(res.statusCode, 400)
    assert.match(res.body, /href="#nation">Choose nations from the list/)
    assert.match(res.body, /id="q"[^>]*value="traffic"/)
    const tp = await get('/public?third_party=maybe')
    assert.match(tp.body, /href="#third_party">Choose whether a third party was involved/)
  })

  test('the SQL was only ever searched for', async () => {
    await get(`/public?q=${encodeURIComponent("'; drop table public_records; --")}`)
    const [row] = await t.db.query<{ n: number }>('select count(*)::int as n from public_records')
    assert.equal(row!.n, RECORDS)
  })
})

describe('Welsh', () => {
  test('?lang=cy: the Welsh title where the record has one, English marked as English, and every link keeps the language', async () => {
    const res = await get('/public?q=zebra&lang=cy')
    assert.equal(res.statusCode, 200)
    assert.ok(res.body.includes('>Cynllunydd croesfan sebra</a>'), 'the Welsh title')
    assert.match(res.body, /href="\/public\/records\/list-org-1\/tool-9\?lang=cy" lang="en">Seeded tool 9</, 'an English fallback is marked')
    assert.match(res.body, /<input type="hidden" name="lang" value="cy">/, 'the form keeps the language')
    assert.match(res.body, /href="\/public\/records\.csv\?q=zebra&amp;lang=cy"/, 'so do the downloads')
    const paged = await get('/public?lang=cy')
    assert.match(paged.body, /href="\/public\?sort=newest&amp;lang=cy&amp;page=2"/, 'and the pages')
  })
})

describe("an organisation's page", () => {
  test('its records, paged, newest first, with its contact and downloads of its records', async () => {
    const res = await get('/public/list-org-1')
    assert.equal(res.statusCode, 200)
    const mine = count((n) => orgOf(n) === 1)
    assert.ok(res.body.includes(`${mine} published records`), 'how many')
    assert.ok(res.body.includes('href="mailto:ai@list-org-1.example"'), 'the contact')
    const first = listed(res.body)
    assert.equal(first.length, Math.min(PAGE_SIZE, mine))
    assert.ok(first.every((id) => id.startsWith('list-org-1/')), 'only its own')
    assert.match(res.body, /href="\/public\/records\.csv\?organisation=list-org-1"/, 'its download')
    const last = await get('/public/list-org-1?page=99')
    assert.equal(last.statusCode, 200)
    assert.ok(mine < PAGE_SIZE && last.body.includes('There is only 1 page of results'), 'a page past the end: the last, saying so')
    assert.equal(listed(last.body).length, mine, 'a page past the end: the last')
  })
})
