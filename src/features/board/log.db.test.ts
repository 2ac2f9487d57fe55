// The decision log's SQL against a real database: filters, newest-first order, paging with a
// total, the supersedes self-join, the CSV (formulas defused) and the annual summary's counts;
// another organisation's decisions never appear. Boards, meetings and decisions are plain
// inserts (the entries, people and organisations come through the services).
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createTestApp, parseCsv, type TestApp } from '../../../test/support/app.ts'
import { makeEntry, makeTeam, type Team } from '../../../test/support/factories.ts'
import { t as msg } from '../../platform/i18n/i18n.ts'
import {
  annualSummary, createDecisionLog, CSV_COLUMNS, decisionLog, decisionLogCsv, type LogFilters, logFilters, summaryYear,
} from './log.ts'

let t: TestApp
let a: Team
let b: Team
const ids: Record<string, string> = {}
const entries: Record<string, string> = {}
const boards: Record<string, string> = {}

async function insertBoard(team: Team, name: string): Promise<string> {
  const [row] = await t.db.query<{ id: string }>(
    `insert into boards (organisation_id, name, purpose, cadence, reporting_line, decision_types, quorum, fast_track)
     values ($1, $2, 'Oversees AI.', 'monthly', 'Audit committee', $3, $4::jsonb, true) returning id`,
    [team.org.id, name, ['approve', 'reject'], JSON.stringify({ minPresent: 2, mustInclude: [] })])
  return row!.id
}

async function insertMeeting(team: Team, boardId: string, meetsAt: string): Promise<string> {
  const [row] = await t.db.query<{ id: string }>(
    'insert into board_meetings (organisation_id, board_id, meets_at, retrospective) values ($1, $2, $3, true) returning id',
    [team.org.id, boardId, meetsAt])
  return row!.id
}

interface Ins {
  entry: string
  outcome: string
  rationale?: string
  at: string
  board?: string | null
  meeting?: string | null
  chair?: boolean
  members?: { name: string; seat: string }[]
  minutesRef?: string | null
  name?: string | null
  tier?: string | null
  area?: string | null
  supersedes?: string | null
}

async function insertDecision(team: Team, d: Ins): Promise<string> {
  const [row] = await t.db.query<{ id: string }>(
    `insert into decisions (organisation_id, entry_id, outcome, rationale, decided_by, decided_at, board_id, meeting_id, chair_action,
       members_present, minutes_ref, entry_name, risk_tier, service_area, supersedes)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12, $13, $14, $15) returning id`,
    [team.org.id, d.entry, d.outcome, d.rationale ?? `Rationale for ${d.outcome}`, team.board.id, d.at, d.board ?? null,
      d.meeting ?? null, d.chair ?? false, JSON.stringify(d.members ?? []), d.minutesRef ?? null, d.name ?? null,
      d.tier ?? null, d.area ?? null, d.supersedes ?? null])
  return row!.id
}

before(async () => {
  t = await createTestApp({ demo: false })
  ;[a, b] = await Promise.all([makeTeam(t), makeTeam(t)])
  for (const n of ['e1', 'e2', 'e3', 'e4']) entries[n] = (await makeEntry(t, a, { name: `Log entry ${n}` })).id
  entries.other = (await makeEntry(t, b, { name: 'Other council entry' })).id

  boards.main = await insertBoard(a, 'AI board')
  boards.fast = await insertBoard(a, 'Fast-track panel')
  boards.other = await insertBoard(b, 'AI board')
  const march = await insertMeeting(a, boards.main, '2025-03-10T10:00:00Z')
  const july = await insertMeeting(a, boards.main, '2025-07-01T10:00:00Z')
  const otherMeeting = await insertMeeting(b, boards.other, '2025-03-10T10:00:00Z')
  const present = [{ name: 'Ann Chair', seat: 'chair' }, { name: 'Bo Privacy', seat: 'dpo' }]

  ids.d1 = await insertDecision(a, {
    entry: entries.e1!, outcome: 'approve', rationale: '=SUM(1)', at: '2025-03-10T11:00:00Z', board: boards.main, meeting: march,
    members: present, minutesRef: 'M-2025-03/4', name: 'Log entry e1', tier: 'low', area: 'Housing',
  })
  ids.d2 = await insertDecision(a, {
    entry: entries.e2!, outcome: 'approve_with_conditions', at: '2025-03-10T11:30:00Z', board: boards.main, meeting: march,
    members: present, name: 'Log entry e2', tier: 'medium', area: 'Waste',
  })
  for (const text of ['Train staff', 'Publish the ATRS record']) {
    await t.db.query('insert into decision_conditions (organisation_id, decision_id, entry_id, text) values ($1, $2, $3, $4)',
      [a.org.id, ids.d2, entries.e2, text])
  }
  // 00:30 BST on 1 April 2025 is 23:30 UTC on 31 March: a decision of 1 April in the UK.
  ids.d5 = await insertDecision(a, {
    entry: entries.e4!, outcome: 'escalate', at: '2025-03-31T23:30:00Z', board: boards.main, name: 'Log entry e4', tier: 'high', area: 'housing',
  })
  ids.d3 = await insertDecision(a, {
    entry: entries.e3!, outcome: 'approve', at: '2025-06-01T09:00:00Z', board: boards.fast, chair: true,
    members: [{ name: 'Ann Chair', seat: 'chair' }], name: 'Log entry e3', tier: 'low', area: 'Housing',
  })
  ids.d4 = await insertDecision(a, {
    entry: entries.e1!, outcome: 'reject', rationale: 'Correction: the risk was understated, "high" not low', at: '2025-07-01T11:00:00Z',
    board: boards.main, meeting: july, members: present, name: 'Log entry e1', tier: 'high', area: 'Housing', supersedes: ids.d1,
  })
  // Recorded before boards existed: no board, no meeting, no tier.
  ids.d6 = await insertDecision(a, { entry: entries.e2!, outcome: 'defer', at: '2026-01-05T10:00:00Z', name: 'Log entry e2', area: 'Waste' })
  ids.other = await insertDecision(b, {
    entry: entries.other, outcome: 'approve', rationale: 'Other council secret', at: '2025-03-10T11:00:00Z', board: boards.other,
    meeting: otherMeeting, members: present, name: 'Other council entry', tier: 'low', area: 'Housing',
  })
})
after(async () => t.close())

const ALL = { limit: 100, offset: 0 }
const none: LogFilters = { board: undefined, outcome: undefined, from: undefined, to: undefined, serviceArea: undefined }
const listed = async (f: Partial<LogFilters>, page = ALL) => (await decisionLog(t.db, a.org.id, { ...none, ...f }, page)).rows.map((r) => r.id)
const named = (...keys: string[]) => keys.map((k) => ids[k])

describe('board: the decision log in the database', () => {
  it('lists every decision of the organisation, newest first, and none of another', async () => {
    const { rows, total } = await decisionLog(t.db, a.org.id, none, ALL)
    assert.equal(total, 6, 'six decisions in all')
    assert.deepEqual(rows.map((r) => r.id), named('d6', 'd4', 'd3', 'd5', 'd2', 'd1'), 'newest first')
    assert.ok(!rows.some((r) => r.id === ids.other || r.rationale.includes('Other council')), 'no decision of the other council')
    const other = await decisionLog(t.db, b.org.id, none, ALL)
    assert.deepEqual(other.rows.map((r) => r.id), [ids.other], 'the other council sees only its own')
  })

  it('joins the board, the meeting and the decider, and reads the entry from the snapshot', async () => {
    const { rows } = await decisionLog(t.db, a.org.id, none, ALL)
    const by = new Map(rows.map((r) => [r.id, r]))
    const d1 = by.get(ids.d1!)!
    assert.equal(d1.boardName, 'AI board', 'board name')
    assert.equal(d1.meetingAt?.toISOString(), '2025-03-10T10:00:00.000Z', 'meeting date')
    assert.equal(d1.decidedBy, a.board.name, 'who recorded it')
    assert.deepEqual([d1.entryId, d1.entryName, d1.riskTier, d1.serviceArea], [entries.e1, 'Log entry e1', 'low', 'Housing'], 'entry snapshot')
    assert.deepEqual(d1.membersPresent, [{ name: 'Ann Chair', seat: 'chair' }, { name: 'Bo Privacy', seat: 'dpo' }], 'members present')
    assert.equal(d1.minutesRef, 'M-2025-03/4', 'minutes reference')
    assert.equal(d1.supersededBy, ids.d4, 'd1 was superseded by d4')
    assert.equal(by.get(ids.d4!)!.supersedes, ids.d1, 'd4 supersedes d1')
    assert.equal(by.get(ids.d4!)!.supersededBy, null, 'd4 stands')
    assert.equal(by.get(ids.d2!)!.conditions, 2, 'two conditions')
    assert.equal(d1.conditions, 0, 'no conditions')
    const d3 = by.get(ids.d3!)!
    assert.deepEqual([d3.chairAction, d3.meetingId, d3.boardName], [true, null, 'Fast-track panel'], "chair's action")
    const d6 = by.get(ids.d6!)!
    assert.deepEqual([d6.boardName, d6.meetingAt, d6.riskTier, d6.chairAction], [null, null, null, false], 'a decision from before boards')
    assert.equal(by.get(ids.d5!)!.decidedOn, '2025-04-01', 'the UK day of a decision just after midnight BST')
  })

  it('filters by board, outcome, dates (UK days, inclusive) and service area (any case)', async () => {
    assert.deepEqual(await listed({ board: boards.main }), named('d4', 'd5', 'd2', 'd1'), 'the AI board')
    assert.deepEqual(await listed({ board: boards.fast }), named('d3'), 'the fast-track panel')
    assert.deepEqual(await listed({ board: boards.other }), [], "another council's board: nothing")
    assert.deepEqual(await listed({ outcome: 'approve' }), named('d3', 'd1'), 'approvals')
    assert.deepEqual(await listed({ outcome: 'retire' }), [], 'no retirements')
    assert.deepEqual(await listed({ from: '2025-04-01', to: '2025-06-30' }), named('d3', 'd5'), 'April to June, 1 April 00:30 BST included')
    assert.deepEqual(await listed({ to: '2025-03-31' }), named('d2', 'd1'), 'to 31 March leaves out 1 April BST')
    assert.deepEqual(await listed({ from: '2025-07-01', to: '2025-07-01' }), named('d4'), 'one day')
    assert.deepEqual(await listed({ from: '2026-01-01' }), named('d6'), 'from a date on')
    assert.deepEqual(await listed({ serviceArea: 'HOUSING' }), named('d4', 'd3', 'd5', 'd1'), 'service area in any case')
    assert.deepEqual(await listed({ board: boards.main, outcome: 'approve', serviceArea: 'Housing' }), named('d1'), 'filters combine')
    const { total } = await decisionLog(t.db, a.org.id, { ...none, serviceArea: 'Housing' }, { limit: 1, offset: 0 })
    assert.equal(total, 4, 'the total counts every match, not the page')
  })

  it('pages with limit and offset: each decision once, in order; a page past the end shows the last (service)', async () => {
    const seen: string[] = []
    for (let offset = 0; offset < 6; offset += 4) seen.push(...(await listed({}, { limit: 4, offset })))
    assert.deepEqual(seen, named('d6', 'd4', 'd3', 'd5', 'd2', 'd1'), 'two pages of four')
    const log = createDecisionLog(t.db)
    const page2 = await log.page({ organisationId: a.org.id }, none, 2, 4)
    assert.deepEqual([page2.page, page2.pages, page2.total, page2.rows.length], [2, 2, 6, 2], 'page 2 of 2')
    const past = await log.page({ organisationId: a.org.id }, none, 9, 4)
    assert.deepEqual([past.page, past.rows.map((r) => r.id)], [2, named('d2', 'd1')], 'page 9 shows the last page')
    const empty = await log.page({ organisationId: a.org.id }, { ...none, outcome: 'retire' }, 1, 4)
    assert.deepEqual([empty.page, empty.pages, empty.total, empty.rows.length], [1, 1, 0, 0], 'nothing matches: one empty page')
  })

  it('writes the CSV of every matching row, with formulas defused and the other council left out', async () => {
    const csv = await decisionLogCsv(t.db, a.org.id, none)
    assert.ok(csv.endsWith('\r\n'), 'CRLF line ends')
    const rows = parseCsv(csv)
    assert.deepEqual(rows[0], CSV_COLUMNS.map((c) => msg(`board.log.csv.${c}`)), 'the header')
    assert.equal(rows.length, 7, 'a header and six decisions')
    assert.ok(!csv.includes('Other council'), 'nothing of the other council')
    const byId = new Map(rows.slice(1).map((r) => [r[0], r]))
    const col = (id: string, name: (typeof CSV_COLUMNS)[number]) => byId.get(ids[id])![CSV_COLUMNS.indexOf(name)]
    assert.equal(col('d1', 'rationale'), "'=SUM(1)", 'a rationale that looks like a formula is defused')
    assert.equal(col('d1', 'date'), '2025-03-10', 'date')
    assert.equal(col('d1', 'board'), 'AI board', 'board')
    assert.equal(col('d1', 'meeting'), '2025-03-10', 'the meeting day')
    assert.equal(col('d1', 'entry'), 'Log entry e1', 'entry')
    assert.equal(col('d1', 'serviceArea'), 'Housing', 'service area')
    assert.equal(col('d1', 'riskTier'), msg('board.log.tier.low'), 'risk tier')
    assert.equal(col('d1', 'outcome'), msg('board.log.outcome.approve'), 'outcome')
    assert.equal(col('d1', 'membersPresent'), `Ann Chair (${msg('board.log.seat.chair')}); Bo Privacy (${msg('board.log.seat.dpo')})`, 'members')
    assert.equal(col('d1', 'minutesRef'), 'M-2025-03/4', 'minutes reference')
    assert.equal(col('d1', 'supersededBy'), ids.d4, 'superseded by d4')
    assert.equal(col('d4', 'supersedes'), ids.d1, 'd4 supersedes d1')
    assert.equal(col('d4', 'rationale'), 'Correction: the risk was understated, "high" not low', 'commas and quotes survive')
    assert.equal(col('d2', 'conditions'), '2', 'conditions')
    assert.equal(col('d3', 'meeting'), msg('board.log.chairAction'), "chair's action")
    assert.equal(col('d5', 'date'), '2025-04-01', 'the UK day')
    assert.equal(col('d6', 'riskTier'), msg('board.log.tier.unscreened'), 'no tier')
    assert.equal(col('d6', 'meeting'), '', 'no meeting before boards')
    const filtered = parseCsv(await decisionLogCsv(t.db, a.org.id, { ...none, board: boards.fast }))
    assert.deepEqual(filtered.slice(1).map((r) => r[0]), named('d3'), 'the CSV keeps the filters')
  })

  it("counts a year's decisions by outcome, by tier and both, with chair's actions and superseded ones", async () => {
    const s = await annualSummary(t.db, a.org.id, 2025)
    assert.equal(s.total, 4, 'five decisions in 2025, one superseded: four stand')
    assert.deepEqual(Object.entries(s.byOutcome).filter(([, n]) => n), [['approve', 1], ['approve_with_conditions', 1], ['reject', 1], ['escalate', 1]], 'by outcome: the superseded approval counts through its correction')
    assert.deepEqual(s.byTier, { low: 1, medium: 1, high: 2, prohibited: 0, unscreened: 0 }, 'by tier')
    assert.equal(s.matrix.approve.low, 1, 'approve × low')
    assert.equal(s.matrix.reject.high, 1, 'reject × high')
    assert.equal(s.matrix.escalate.high, 1, 'escalate × high')
    assert.equal(s.matrix.approve.high, 0, 'approve × high')
    assert.equal(s.chairActions, 1, "one chair's action")
    assert.equal(s.superseded, 1, 'one superseded')
    const y2026 = await annualSummary(t.db, a.org.id, 2026)
    assert.deepEqual([y2026.total, y2026.byOutcome.defer, y2026.byTier.unscreened, y2026.chairActions, y2026.superseded], [1, 1, 1, 0, 0], '2026')
    const y2024 = await annualSummary(t.db, a.org.id, 2024)
    assert.equal(y2024.total, 0, 'nothing in 2024')
    const other = await annualSummary(t.db, b.org.id, 2025)
    assert.deepEqual([other.total, other.byOutcome.approve, other.chairActions], [1, 1, 0], 'the other council counts its own only')
    assert.deepEqual(await createDecisionLog(t.db).years({ organisationId: a.org.id }), [2026, 2025], 'the years with decisions')
  })

  it("lists the organisation's own boards and service areas for the filter", async () => {
    const log = createDecisionLog(t.db)
    assert.deepEqual((await log.boards({ organisationId: a.org.id })).map((x) => x.id), [boards.main, boards.fast], 'own boards, by name')
    assert.deepEqual(await log.serviceAreas({ organisationId: a.org.id }), ['Housing', 'Waste', 'housing'], 'areas of the decisions')
  })
})

describe('board: the decision log filters at the edge', () => {
  const issues = (input: unknown) => {
    const r = logFilters.safeParse(input)
    return r.success ? {} : Object.fromEntries(r.error.issues.map((i) => [i.path.join('.'), i.message]))
  }

  it('takes empty fields as no filter', () => {
    const r = logFilters.parse({ board: '', outcome: '', from: '', to: ' ', serviceArea: '  ' })
    assert.deepEqual(r, { ...none, page: 1 }, 'nothing filtered')
  })

  it('names each wrong field with its own message, all at once', () => {
    assert.deepEqual(issues({ board: 'nope', outcome: 'maybe', from: '2025-02-30', to: '31/12/2025', serviceArea: 'x'.repeat(201), page: '0' }), {
      board: 'board.log.errors.board', outcome: 'board.log.errors.outcome', from: 'board.log.errors.from', to: 'board.log.errors.to',
      serviceArea: 'board.log.errors.serviceArea', page: 'board.log.errors.page',
    }, 'every field')
    assert.deepEqual(issues({ from: '2025-05-01', to: '2025-04-30' }), { to: 'board.log.errors.order' }, 'from after to')
    assert.deepEqual(issues({ from: '2025-04-30', to: '2025-04-30' }), {}, 'the same day is fine')
    assert.deepEqual(issues({ outcome: ['approve', 'reject'] }), { outcome: 'board.log.errors.outcome' }, 'a repeated field')
  })

  it('takes a four-digit year in range for the summary', () => {
    assert.equal(summaryYear.parse('2025'), 2025, 'a year')
    for (const bad of ['25', '20255', 'abcd', '0000', '9999', ['2025']]) {
      assert.equal(summaryYear.safeParse(bad).success, false, `refuses ${JSON.stringify(bad)}`)
    }
  })
})
