// Relevance is bounded (publicIndex.ts, RANK_WINDOW): the newest RANK_WINDOW matches are ranked,
// any further matches follow newest first. Paging through a search with more matches than that
// still lists every match exactly once, the best first.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { createTestApp, type TestApp } from '../../../test/support/app.ts'
import { RANK_WINDOW } from './publicIndex.ts'
import { PAGE_SIZE } from './publicSearch.ts'
import { seedPublicRecords } from './publicTestkit.ts'

const RECORDS = RANK_WINDOW + 120

let t: TestApp
before(async () => {
  t = await createTestApp({ demo: false })
  // Every record says "officers"; the oldest one says it in its title as well.
  await seedPublicRecords(t.db, { records: RECORDS, organisations: 5, prefix: 'rank',
    fields: (n): Record<string, string> => (n === 1 ? { title: 'Officers rota planner' } : {}) })
})
after(() => t?.close())

test('every match once across the pages, whether inside the ranked window or past it', async () => {
  const seen: string[] = []
  const pages = Math.ceil(RECORDS / PAGE_SIZE)
  for (let page = 1; page <= pages; page++) {
    const res = await t.app.inject({ method: 'GET', url: `/api/public/v1/records?q=officers&page=${page}` })
    assert.equal(res.statusCode, 200, `page ${page}`)
    seen.push(...(JSON.parse(res.body) as { items: { id: string }[] }).items.map((i) => i.id))
  }
  assert.equal(seen.length, RECORDS)
  assert.equal(new Set(seen).size, RECORDS, 'no match twice, none left out')
  assert.ok(seen.slice(RANK_WINDOW).every((id) => Number(id.split('-').at(-1)) <= RECORDS - RANK_WINDOW), 'past the window: the oldest matches')
  // The title match is the oldest record, outside the newest RANK_WINDOW: it is not ranked first.
  assert.equal(seen.indexOf('rank-org-1/tool-1'), RECORDS - 1, 'past the window, newest first (the oldest last)')
})
