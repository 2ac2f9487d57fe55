// The decision log's pages as a signed-in person sees them: the log with its filters and paging,
// the CSV download (headers, filters kept, formulas defused), the annual summary, a 400 page that
// names a wrong filter and keeps what was typed, and nothing of another organisation.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type Client, createTestApp, escapeHtml, fieldValue, parseCsv, shown, type TestApp } from '../../../test/support/app.ts'
import { makeEntry, makePerson, makeTeam, signInAs, type Team } from '../../../test/support/factories.ts'
import { t as msg } from '../../platform/i18n/i18n.ts'

let t: TestApp
let a: Team
let b: Team
let viewer: Client
const boards: Record<string, string> = {}
const ids: Record<string, string> = {}

async function insertBoard(team: Team, name: string): Promise<string> {
  const [row] = await t.db.query<{ id: string }>(
    `insert into boards (organisation_id, name, purpose, cadence, reporting_line, decision_types, quorum)
     values ($1, $2, 'Oversees AI.', 'monthly', 'Audit committee', $3, $4::jsonb) returning id`,
    [team.org.id, name, ['approve'], JSON.stringify({ minPresent: 2, mustInclude: [] })])
  return row!.id
}

async function insertDecision(team: Team, entryId: string, d: {
  outcome: string; rationale: string; at: string; board?: string; meeting?: string; chair?: boolean; tier?: string; area: string; name: string
}): Promise<string> {
  const [row] = await t.db.query<{ id: string }>(
    `insert into decisions (organisation_id, entry_id, outcome, rationale, decided_by, decided_at, board_id, meeting_id, chair_action,
       members_present, entry_name, risk_tier, service_area)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12, $13) returning id`,
    [team.org.id, entryId, d.outcome, d.rationale, team.board.id, d.at, d.board ?? null, d.meeting ?? null, d.chair ?? false,
      JSON.stringify([{ name: 'Ann Chair', seat: 'chair' }]), d.name, d.tier ?? null, d.area])
  return row!.id
}

before(async () => {
  t = await createTestApp({ demo: false })
  ;[a, b] = await Promise.all([makeTeam(t), makeTeam(t)])
  const e1 = await makeEntry(t, a, { name: 'Chatbot for council tax' })
  const e2 = await makeEntry(t, a, { name: 'Route planner' })
  const other = await makeEntry(t, b, { name: 'Other council tool' })
  boards.main = await insertBoard(a, 'AI board')
  boards.other = await insertBoard(b, 'Their board')
  const [m] = await t.db.query<{ id: string }>(
    'insert into board_meetings (organisation_id, board_id, meets_at) values ($1, $2, $3) returning id',
    [a.org.id, boards.main, '2025-03-10T10:00:00Z'])
  ids.formula = await insertDecision(a, e1.id, {
    outcome: 'approve', rationale: '=SUM(1)', at: '2025-03-10T11:00:00Z', board: boards.main, meeting: m!.id, tier: 'low', area: 'Revenues', name: e1.name,
  })
  ids.chair = await insertDecision(a, e2.id, {
    outcome: 'approve', rationale: 'Low risk, chair approved', at: '2025-05-02T11:00:00Z', board: boards.main, chair: true, tier: 'low', area: 'Highways', name: e2.name,
  })
  // 55 more, to have two pages of 50.
  for (let i = 0; i < 55; i++) {
    await insertDecision(a, e2.id, {
      outcome: 'defer', rationale: `Deferred ${i}`, at: `2024-0${1 + (i % 9)}-15T10:00:00Z`, board: boards.main, tier: 'medium', area: 'Highways', name: e2.name,
    })
  }
  ids.other = await insertDecision(b, other.id, {
    outcome: 'reject', rationale: 'Secret of the other council', at: '2025-03-10T11:00:00Z', board: boards.other, tier: 'high', area: 'Revenues', name: other.name,
  })
  viewer = await signInAs(t, a.viewer)
})
after(async () => t.close())

describe('board: the decision log pages', () => {
  it('lists the decisions with board, meeting, entry and outcome, 50 a page, and none of another council', async () => {
    const res = await viewer.get('/board/decisions')
    assert.equal(res.statusCode, 200, 'the log')
    assert.ok(res.body.includes(shown('board.log.count', { count: 57 })), '57 decisions')
    assert.ok(res.body.includes('Chatbot for council tax'), 'entry name')
    assert.ok(res.body.includes(shown('board.log.chairAction')), "chair's action")
    assert.ok(res.body.includes(escapeHtml('=SUM(1)')), 'the rationale as typed (the page escapes it)')
    assert.ok(!res.body.includes('Secret of the other council') && !res.body.includes('Their board'), 'nothing of the other council')
    assert.equal((res.body.match(/<tr class="govuk-table__row" id="decision-/g) ?? []).length, 50, 'fifty on the first page')
    assert.ok(res.body.includes('href="/board/decisions?page=2"'), 'a link to page 2')
    const page2 = await viewer.get('/board/decisions?page=2')
    assert.equal((page2.body.match(/<tr class="govuk-table__row" id="decision-/g) ?? []).length, 7, 'seven on page 2')
  })

  it('filters, keeps the filters in the CSV link and in the pages', async () => {
    const res = await viewer.get(`/board/decisions?board=${boards.main}&outcome=approve&from=2025-01-01&to=2025-12-31&serviceArea=Revenues`)
    assert.equal(res.statusCode, 200, 'filtered')
    assert.ok(res.body.includes(shown('board.log.count', { count: 1 })), 'one decision')
    assert.equal(fieldValue(res.body, 'from'), '2025-01-01', 'from kept')
    assert.equal(fieldValue(res.body, 'serviceArea'), 'Revenues', 'service area kept')
    const csvLink = /id="download-csv" href="([^"]+)"/.exec(res.body)?.[1]
    assert.equal(csvLink, escapeHtml(`/board/decisions.csv?board=${boards.main}&outcome=approve&from=2025-01-01&to=2025-12-31&serviceArea=Revenues`), 'the CSV link keeps the filters')
  })

  it('downloads the CSV with its headers, the filters applied and formulas defused', async () => {
    const res = await viewer.get(`/board/decisions.csv?from=2025-01-01`)
    assert.equal(res.statusCode, 200, 'the CSV')
    assert.match(String(res.headers['content-type']), /^text\/csv; charset=utf-8/, 'content type')
    assert.equal(res.headers['content-disposition'], `attachment; filename="${a.org.slug}-decision-log.csv"`, 'an attachment')
    assert.equal(res.headers['cache-control'], 'no-store', 'not cached')
    const rows = parseCsv(res.body)
    assert.equal(rows.length, 3, 'a header and the two decisions of 2025')
    assert.equal(rows[0]![1], msg('board.log.csv.date'), 'the header')
    assert.deepEqual(rows.slice(1).map((r) => r[0]), [ids.chair, ids.formula], 'newest first')
    assert.ok(rows[2]!.includes("'=SUM(1)"), 'the formula is defused')
    assert.ok(!res.body.includes('Secret of the other council'), 'nothing of the other council')
  })

  it('refuses a wrong filter with a 400 page naming the field and keeping what was typed', async () => {
    const res = await viewer.get('/board/decisions?from=2025-02-30&to=2025-01-01&outcome=perhaps&serviceArea=Roads')
    assert.equal(res.statusCode, 400, '400')
    assert.ok(res.body.includes('govuk-error-summary'), 'an error summary')
    assert.ok(res.body.includes(shown('board.log.errors.from')) && res.body.includes('href="#from"'), 'names from')
    assert.ok(res.body.includes(shown('board.log.errors.outcome')) && res.body.includes('href="#outcome"'), 'names outcome')
    assert.equal(fieldValue(res.body, 'from'), '2025-02-30', 'what was typed')
    assert.equal(fieldValue(res.body, 'serviceArea'), 'Roads', 'what was typed')
    const order = await viewer.get('/board/decisions?from=2025-05-01&to=2025-04-01')
    assert.equal(order.statusCode, 400, 'from after to')
    assert.ok(order.body.includes(shown('board.log.errors.order')) && order.body.includes('href="#to"'), 'names to')
    const page = await viewer.get('/board/decisions?page=abc')
    assert.equal(page.statusCode, 400, 'a page that is not a number')
    const repeated = await viewer.get('/board/decisions?serviceArea=a&serviceArea=b')
    assert.equal(repeated.statusCode, 400, 'a repeated field')
    const csv = await viewer.get('/board/decisions.csv?outcome=perhaps')
    assert.equal(csv.statusCode, 400, 'a wrong filter on the CSV')
    assert.match(String(csv.headers['content-type']), /^text\/html/, 'the page, not a CSV')
  })

  it("refuses another council's board as a filter, and shows none of its decisions", async () => {
    const res = await viewer.get(`/board/decisions?board=${boards.other}`)
    assert.equal(res.statusCode, 400, 'not one of our boards')
    assert.ok(res.body.includes(shown('board.log.errors.board')), 'names the board')
    assert.ok(!res.body.includes('Secret of the other council') && !res.body.includes('Their board'), 'nothing of theirs')
    const csv = await viewer.get(`/board/decisions.csv?board=${boards.other}`)
    assert.equal(csv.statusCode, 400, 'nor as a CSV')
    assert.ok(!csv.body.includes('Secret of the other council'), 'nothing of theirs in the answer')
  })

  it('shows the annual summary, links other years, and refuses a wrong year with 400', async () => {
    const res = await viewer.get('/board/decisions/summary?year=2025')
    assert.equal(res.statusCode, 200, 'the summary')
    assert.ok(res.body.includes(shown('board.log.summary.decisions', { count: 2, year: 2025 })), 'two decisions in 2025')
    assert.match(res.body, /id="chair-actions">1</, "one chair's action")
    assert.match(res.body, /id="tier-low"[\s\S]*?numeric">2</, 'two low-risk')
    assert.ok(res.body.includes('href="/board/decisions/summary?year=2024"'), 'a link to 2024')
    const y2024 = await viewer.get('/board/decisions/summary?year=2024')
    assert.ok(y2024.body.includes(shown('board.log.summary.decisions', { count: 55, year: 2024 })), '55 in 2024')
    assert.match(y2024.body, /id="outcome-defer"[\s\S]*?numeric">55</, '55 deferred')
    const current = await viewer.get('/board/decisions/summary')
    assert.equal(current.statusCode, 200, 'this year by default')
    for (const bad of ['20x5', '99', '0001']) {
      const r = await viewer.get(`/board/decisions/summary?year=${bad}`)
      assert.equal(r.statusCode, 400, `year ${bad}: 400`)
      assert.ok(r.body.includes(shown('board.log.errors.year')) && r.body.includes('href="#year"'), 'names the year')
      assert.equal(fieldValue(r.body, 'year'), bad, 'keeps what was typed')
    }
    const theirs = await signInAs(t, b.viewer)
    const other = await theirs.get('/board/decisions/summary?year=2025')
    assert.ok(other.body.includes(shown('board.log.summary.decisions', { count: 1, year: 2025 })), 'the other council counts its own')
  })

  it('needs register:read; signed out goes to the login page', async () => {
    const staff = await makePerson(t, a.org, ['staff'])
    const c = await signInAs(t, staff)
    for (const url of ['/board/decisions', '/board/decisions.csv', '/board/decisions/summary']) {
      assert.equal((await c.get(url)).statusCode, 403, `${url}: staff refused`)
    }
    const anon = await t.app.inject({ method: 'GET', url: '/board/decisions' })
    assert.ok([302, 303, 401].includes(anon.statusCode), `signed out: ${anon.statusCode}`)
  })
})
