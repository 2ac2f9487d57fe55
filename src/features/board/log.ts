import { z } from 'zod'
import { csvLines } from '../../platform/csv.ts'
import type { Db, Queryable } from '../../platform/db/db.ts'
import { col, many, one } from '../../platform/db/rows.ts'
import type { CurrentUser } from '../../platform/auth/store.ts'
import { t } from '../../platform/i18n/i18n.ts'
import { isoDate, MAX_YEAR, MIN_YEAR } from '../../platform/validation.ts'
import { RISK_TIERS } from '../register/model.ts'
import { ALL_OUTCOMES, type DecisionOutcome, type MemberPresent } from './model.ts'

/**
 * The decision log (issue 10, item 9): every decision of an organisation, newest first, with
 * where it was taken and who was there, filtered and paged in the database; the same rows as a
 * CSV download; and the year's counts by outcome and risk tier that a council puts in its annual
 * report to the audit committee. The entry's name, tier and service area are read from the
 * decision's own snapshot columns (as they were when it was decided), never from the register's
 * table. Every statement is parameterised and scoped by organisation.
 */

export const LOG_PAGE_SIZE = 50
/** Tiers as the summary counts them: a decision on an entry that had no tier counts as "unscreened". */
export const LOG_TIERS = [...RISK_TIERS, 'unscreened'] as const
export type LogTier = (typeof LOG_TIERS)[number]

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v)
const dateFilter = (key: string) => z.preprocess(
  (v) => (typeof v === 'string' ? emptyToUndefined(v.trim()) : v),
  isoDate(key).optional(),
)

/** The log's filters as the page's GET form sends them (each wrong one is named by its own message). */
export const logFilters = z.object({
  board: z.preprocess(emptyToUndefined, z.uuid('board.log.errors.board').optional()),
  outcome: z.preprocess(emptyToUndefined, z.enum(ALL_OUTCOMES, { error: 'board.log.errors.outcome' }).optional()),
  from: dateFilter('board.log.errors.from'),
  to: dateFilter('board.log.errors.to'),
  serviceArea: z.string({ error: 'board.log.errors.serviceArea' }).trim().max(200, 'board.log.errors.serviceArea')
    .refine((s) => !s.includes('\u0000'), 'board.log.errors.serviceArea')
    .optional().transform((s) => s || undefined),
  page: z.preprocess(emptyToUndefined, z.coerce.number({ error: 'board.log.errors.page' }).int('board.log.errors.page')
    .min(1, 'board.log.errors.page').max(100000, 'board.log.errors.page').default(1)),
}).refine((f) => typeof f.from !== 'string' || typeof f.to !== 'string' || f.from <= f.to, {
  path: ['to'], message: 'board.log.errors.order', when: () => true,
})
export type LogFilters = Omit<z.output<typeof logFilters>, 'page'>
/** The filter fields, in the order the form shows them (and the error summary lists them). */
export const LOG_FILTER_FIELDS = ['board', 'outcome', 'from', 'to', 'serviceArea'] as const

/** A calendar year for the annual summary. */
export const summaryYear = z.preprocess(
  (v) => (typeof v === 'string' ? v.trim() : v),
  z.string({ error: 'board.log.errors.year' }).regex(/^\d{4}$/, 'board.log.errors.year').transform(Number)
    .refine((y) => y >= MIN_YEAR && y <= MAX_YEAR, 'board.log.errors.year'),
)

export interface Page { limit: number; offset: number }

export interface LogRow {
  id: string
  decidedAt: Date
  /** The day of the decision in the UK, YYYY-MM-DD. */
  decidedOn: string
  outcome: DecisionOutcome
  rationale: string
  boardId: string | null
  boardName: string | null
  meetingId: string | null
  meetingAt: Date | null
  chairAction: boolean
  decidedBy: string
  entryId: string
  entryName: string | null
  riskTier: string | null
  serviceArea: string | null
  conditions: number
  membersPresent: MemberPresent[]
  minutesRef: string | null
  supersedes: string | null
  supersededBy: string | null
}

const logRow = z.object({
  id: col.uuid,
  decided_at: col.timestamp,
  decided_on: col.date,
  outcome: z.enum(ALL_OUTCOMES),
  rationale: col.text,
  board_id: col.uuid.nullable(),
  board_name: col.text.nullable(),
  meeting_id: col.uuid.nullable(),
  meets_at: col.timestamp.nullable(),
  chair_action: col.bool,
  decided_by: col.text,
  entry_id: col.uuid,
  entry_name: col.text.nullable(),
  risk_tier: col.text.nullable(),
  service_area: col.text.nullable(),
  conditions: col.int,
  members_present: z.array(z.object({ name: z.string(), seat: z.string() })).catch([]),
  minutes_ref: col.text.nullable(),
  supersedes: col.uuid.nullable(),
  superseded_by: col.uuid.nullable(),
}).transform((r): LogRow => ({
  id: r.id, decidedAt: r.decided_at, decidedOn: r.decided_on, outcome: r.outcome, rationale: r.rationale,
  boardId: r.board_id, boardName: r.board_name, meetingId: r.meeting_id, meetingAt: r.meets_at, chairAction: r.chair_action,
  decidedBy: r.decided_by, entryId: r.entry_id, entryName: r.entry_name, riskTier: r.risk_tier, serviceArea: r.service_area,
  conditions: r.conditions, membersPresent: r.members_present, minutesRef: r.minutes_ref,
  supersedes: r.supersedes, supersededBy: r.superseded_by,
}))

/** Days are UK days: a decision at 00:30 BST on 1 April belongs to 1 April. */
const ZONE = 'Europe/London'

/**
 * The where clause of the log's filters ($1 is the organisation; the filters take $2…$6). A null
 * parameter is no filter. Dates bound decided_at as UK midnights, so the (organisation_id,
 * decided_at) index is used.
 */
const WHERE = `d.organisation_id = $1
  and ($2::uuid is null or d.board_id = $2::uuid)
  and ($3::text is null or d.outcome = $3::text)
  and ($4::date is null or d.decided_at >= ($4::date)::timestamp at time zone '${ZONE}')
  and ($5::date is null or d.decided_at < ($5::date + 1)::timestamp at time zone '${ZONE}')
  and ($6::text is null or lower(d.service_area) = lower($6::text))`

const whereParams = (organisationId: string, f: LogFilters): unknown[] =>
  [organisationId, f.board ?? null, f.outcome ?? null, f.from ?? null, f.to ?? null, f.serviceArea ?? null]

const SELECT = `select d.id, d.decided_at, to_char(d.decided_at at time zone '${ZONE}', 'YYYY-MM-DD') as decided_on,
    d.outcome, d.rationale, d.board_id, b.name as board_name, d.meeting_id, m.meets_at, d.chair_action,
    u.name as decided_by, d.entry_id, d.entry_name, d.risk_tier, d.service_area,
    (select count(*)::int from decision_conditions c where c.decision_id = d.id and c.organisation_id = d.organisation_id) as conditions,
    d.members_present, d.minutes_ref, d.supersedes, later.id as superseded_by
  from decisions d
  join users u on u.id = d.decided_by
  left join boards b on b.id = d.board_id and b.organisation_id = d.organisation_id
  left join board_meetings m on m.id = d.meeting_id and m.organisation_id = d.organisation_id
  left join decisions later on later.supersedes = d.id and later.organisation_id = d.organisation_id
  where ${WHERE}
  order by d.decided_at desc, d.id desc`

/** One page of the log, newest first, and how many decisions match the filters in all. */
export async function decisionLog(
  q: Queryable, organisationId: string, filters: LogFilters, page: Page,
): Promise<{ rows: LogRow[]; total: number }> {
  const params = whereParams(organisationId, filters)
  const [rows, count] = await Promise.all([
    many(q, logRow, `${SELECT} limit $7 offset $8`, [...params, page.limit, page.offset]),
    one(q, z.object({ total: col.int }), `select count(*)::int as total from decisions d where ${WHERE}`, params),
  ])
  return { rows, total: count.total }
}

/** Every decision matching the filters, newest first (for the CSV). */
export const decisionLogRows = (q: Queryable, organisationId: string, filters: LogFilters): Promise<LogRow[]> =>
  many(q, logRow, SELECT, whereParams(organisationId, filters))

const outcomeText = (o: string) => t(`board.log.outcome.${o}`)
const tierText = (tier: string | null) => t(`board.log.tier.${tier ?? 'unscreened'}`)
const seatText = (seat: string) => t(`board.log.seat.${seat}`)
/** "Ann Smith (Chair); Bo Jones (Data protection officer)". */
export const membersText = (members: readonly MemberPresent[]): string =>
  members.map((m) => `${m.name} (${seatText(m.seat)})`).join('; ')
const ukDate = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d)

/** Where the decision was taken: the meeting's day, the chair's action, or nothing (decided before boards). */
export const sittingText = (r: Pick<LogRow, 'chairAction' | 'meetingAt'>): string =>
  r.chairAction ? t('board.log.chairAction') : r.meetingAt ? ukDate(r.meetingAt) : ''

export const CSV_COLUMNS = [
  'id', 'date', 'board', 'meeting', 'entry', 'serviceArea', 'riskTier', 'outcome', 'rationale', 'conditions',
  'membersPresent', 'minutesRef', 'supersedes', 'supersededBy',
] as const

/**
 * The log as CSV, every row matching the filters (through the platform's CSV helper, which
 * defuses anything a spreadsheet would run as a formula). Supersedes / superseded by hold the
 * other decision's id, which is the first column of its own row.
 */
export async function decisionLogCsv(q: Queryable, organisationId: string, filters: LogFilters): Promise<string> {
  const rows = await decisionLogRows(q, organisationId, filters)
  return csvLines([
    CSV_COLUMNS.map((c) => t(`board.log.csv.${c}`)),
    ...rows.map((r) => [
      r.id, r.decidedOn, r.boardName ?? '', sittingText(r), r.entryName ?? '', r.serviceArea ?? '', tierText(r.riskTier),
      outcomeText(r.outcome), r.rationale, String(r.conditions), membersText(r.membersPresent), r.minutesRef ?? '',
      r.supersedes ?? '', r.supersededBy ?? '',
    ]),
  ])
}

export interface AnnualSummary {
  year: number
  total: number
  byOutcome: Record<DecisionOutcome, number>
  byTier: Record<LogTier, number>
  /** outcome → tier → count. */
  matrix: Record<DecisionOutcome, Record<LogTier, number>>
  chairActions: number
  /** Decisions of the year that a later decision corrected. */
  superseded: number
}

const zeros = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>

/**
 * The year's decisions (UK calendar year) counted by outcome, by tier and by both, each decision that
 * stands counted once (a superseded one is counted through its correction), with chair's actions and
 * the number superseded.
 */
export async function annualSummary(q: Queryable, organisationId: string, year: number): Promise<AnnualSummary> {
  const params = [organisationId, `${year}-01-01`, `${year + 1}-01-01`]
  const inYear = `d.organisation_id = $1
    and d.decided_at >= ($2::date)::timestamp at time zone '${ZONE}'
    and d.decided_at < ($3::date)::timestamp at time zone '${ZONE}'`
  const [cells, extra] = await Promise.all([
    many(q, z.object({ outcome: z.enum(ALL_OUTCOMES), tier: z.string(), n: col.int }),
      `select d.outcome, coalesce(d.risk_tier, 'unscreened') as tier, count(*)::int as n
       from decisions d where ${inYear}
         -- A superseded decision is counted once, as its correction (it shows in "superseded").
         and not exists (select 1 from decisions later where later.supersedes = d.id and later.organisation_id = d.organisation_id)
       group by 1, 2`, params),
    one(q, z.object({ chair_actions: col.int, superseded: col.int }),
      `select count(*) filter (where d.chair_action)::int as chair_actions,
         count(*) filter (where exists (select 1 from decisions later
           where later.supersedes = d.id and later.organisation_id = d.organisation_id))::int as superseded
       from decisions d where ${inYear}`, params),
  ])
  const byOutcome = zeros(ALL_OUTCOMES)
  const byTier = zeros(LOG_TIERS)
  const matrix = Object.fromEntries(ALL_OUTCOMES.map((o) => [o, zeros(LOG_TIERS)])) as Record<DecisionOutcome, Record<LogTier, number>>
  let total = 0
  for (const c of cells) {
    const tier: LogTier = (LOG_TIERS as readonly string[]).includes(c.tier) ? (c.tier as LogTier) : 'unscreened'
    byOutcome[c.outcome] += c.n
    byTier[tier] += c.n
    matrix[c.outcome][tier] += c.n
    total += c.n
  }
  return { year, total, byOutcome, byTier, matrix, chairActions: extra.chair_actions, superseded: extra.superseded }
}

/** The organisation's boards (for the filter), by name. */
export const logBoards = (q: Queryable, organisationId: string): Promise<{ id: string; name: string }[]> =>
  many(q, z.object({ id: col.uuid, name: col.text }),
    'select id, name from boards where organisation_id = $1 order by name, id', [organisationId])

/** The service areas the organisation's decisions were taken in (their snapshots), for the filter. */
export const logServiceAreas = async (q: Queryable, organisationId: string): Promise<string[]> =>
  (await many(q, z.object({ area: col.text }),
    `select distinct d.service_area as area from decisions d
     where d.organisation_id = $1 and d.service_area is not null and d.service_area <> '' order by 1`, [organisationId]))
    .map((r) => r.area)

/** The UK calendar years in which the organisation decided anything, newest first. */
export const logYears = async (q: Queryable, organisationId: string): Promise<number[]> =>
  (await many(q, z.object({ year: col.int }),
    `select distinct extract(year from d.decided_at at time zone '${ZONE}')::int as year
     from decisions d where d.organisation_id = $1 order by 1 desc`, [organisationId]))
    .map((r) => r.year)

/**
 * The decision log as a service for the routes (wired as `services.board.log`): each call reads
 * the signed-in person's organisation only.
 */
export function createDecisionLog(db: Db) {
  type Who = Pick<CurrentUser, 'organisationId'>
  return {
    /** One page (1-based) of the log; a page past the end shows the last one. */
    async page(user: Who, filters: LogFilters, page: number, pageSize = LOG_PAGE_SIZE) {
      let result = await decisionLog(db, user.organisationId, filters, { limit: pageSize, offset: (page - 1) * pageSize })
      const pages = Math.max(1, Math.ceil(result.total / pageSize))
      let current = page
      if (page > pages) {
        current = pages
        result = await decisionLog(db, user.organisationId, filters, { limit: pageSize, offset: (pages - 1) * pageSize })
      }
      return { ...result, page: current, pages }
    },
    csv: (user: Who, filters: LogFilters) => decisionLogCsv(db, user.organisationId, filters),
    summary: (user: Who, year: number) => annualSummary(db, user.organisationId, year),
    boards: (user: Who) => logBoards(db, user.organisationId),
    serviceAreas: (user: Who) => logServiceAreas(db, user.organisationId),
    years: (user: Who) => logYears(db, user.organisationId),
  }
}
export type DecisionLog = ReturnType<typeof createDecisionLog>
