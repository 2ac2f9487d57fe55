import { z } from 'zod'
import type { Queryable } from '../../platform/db/db.ts'
import { col, many, maybeOne, one } from '../../platform/db/rows.ts'
import { isUuid } from '../../platform/validation.ts'
import { DECISION_ROLES, type EntryInput, type ListFilters, type RegisterEntry, RISK_TIERS, type RiskTier, type Stage, STAGES } from './model.ts'

/** All of the register's SQL. Every query is scoped by organisation. */

/** A register_entries row, checked as it is read, and the entry it becomes. */
const entryColumns = z.object({
  id: col.uuid,
  organisation_id: col.uuid,
  created_by: col.uuid.nullable(),
  name: col.text,
  purpose: col.text,
  service_area: col.text,
  owner: col.text,
  supplier: col.text.nullable(),
  technique: col.text,
  personal_data: col.bool,
  special_category_data: col.bool,
  decision_role: z.enum(DECISION_ROLES),
  people_affected: col.text,
  human_oversight: col.text,
  stage: z.enum(STAGES),
  risk_tier: z.enum(RISK_TIERS).nullable(),
  next_review_date: col.date.nullable(),
  version: col.int,
  created_at: col.timestamp,
  updated_at: col.timestamp,
})

const toEntry = (r: z.output<typeof entryColumns>): RegisterEntry => ({
  id: r.id,
  organisationId: r.organisation_id,
  createdBy: r.created_by,
  name: r.name,
  purpose: r.purpose,
  serviceArea: r.service_area,
  owner: r.owner,
  supplier: r.supplier,
  technique: r.technique,
  personalData: r.personal_data,
  specialCategoryData: r.special_category_data,
  decisionRole: r.decision_role,
  peopleAffected: r.people_affected,
  humanOversight: r.human_oversight,
  stage: r.stage,
  riskTier: r.risk_tier,
  nextReviewDate: r.next_review_date,
  version: r.version,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
})

const entryRow = entryColumns.transform(toEntry)

const COLUMNS = `id, organisation_id, created_by, name, purpose, service_area, owner, supplier, technique, personal_data,
  special_category_data, decision_role, people_affected, human_oversight, stage, risk_tier,
  next_review_date, version, created_at, updated_at`

/** Column for each editable field (the only names ever put into SQL text). */
const FIELD_COLUMNS: Record<keyof EntryInput, string> = {
  name: 'name',
  purpose: 'purpose',
  serviceArea: 'service_area',
  owner: 'owner',
  supplier: 'supplier',
  technique: 'technique',
  personalData: 'personal_data',
  specialCategoryData: 'special_category_data',
  decisionRole: 'decision_role',
  peopleAffected: 'people_affected',
  humanOversight: 'human_oversight',
  nextReviewDate: 'next_review_date',
}

export async function findEntry(q: Queryable, organisationId: string, id: string, forUpdate = false): Promise<RegisterEntry | null> {
  if (!isUuid(id)) return null
  return maybeOne(q, entryRow,
    `select ${COLUMNS} from register_entries where organisation_id = $1 and id = $2${forUpdate ? ' for update' : ''}`,
    [organisationId, id],
  )
}

/** One page of the register, filtered and searched, with the number of entries that match. */
export async function listEntries(q: Queryable, organisationId: string, f: ListFilters): Promise<{ entries: RegisterEntry[]; total: number }> {
  const where = ['organisation_id = $1']
  const params: unknown[] = [organisationId]
  const add = (sql: string, value: unknown) => {
    params.push(value)
    where.push(sql.replace('?', `$${params.length}`))
  }
  if (f.stage) add('stage = ?', f.stage)
  if (f.serviceArea) add('service_area = ?', f.serviceArea)
  if (f.tier === 'unscreened') where.push('risk_tier is null')
  else if (f.tier) add('risk_tier = ?', f.tier)
  let order = 'updated_at desc'
  if (f.q) {
    add(`search @@ websearch_to_tsquery('english', ?)`, f.q)
    order = `ts_rank(search, websearch_to_tsquery('english', $${params.length})) desc, updated_at desc`
  }
  const perPage = f.perPage ?? 50
  const offset = ((f.page ?? 1) - 1) * perPage
  const rows = await many(q, entryColumns.extend({ total: col.int }).transform((r) => ({ entry: toEntry(r), total: r.total })),
    `select ${COLUMNS}, count(*) over ()::int as total from register_entries where ${where.join(' and ')}
     order by ${order}, id limit $${params.length + 1} offset $${params.length + 2}`,
    [...params, perPage, offset],
  )
  let total = rows[0]?.total ?? 0
  if (!rows.length && offset > 0) {
    total = (await one(q, z.object({ n: col.int }), `select count(*)::int as n from register_entries where ${where.join(' and ')}`, params)).n
  }
  return { entries: rows.map((r) => r.entry), total }
}

export async function serviceAreas(q: Queryable, organisationId: string): Promise<string[]> {
  const rows = await many(q, z.object({ service_area: col.text }),
    'select distinct service_area from register_entries where organisation_id = $1 order by service_area',
    [organisationId],
  )
  return rows.map((r) => r.service_area)
}

export async function insertEntry(
  q: Queryable,
  organisationId: string,
  userId: string | null,
  input: EntryInput & { stage: Stage },
): Promise<RegisterEntry> {
  return one(q, entryRow,
    `insert into register_entries (organisation_id, created_by, name, purpose, service_area, owner, supplier,
       technique, personal_data, special_category_data, decision_role, people_affected, human_oversight,
       next_review_date, stage)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
     returning ${COLUMNS}`,
    [organisationId, userId, input.name, input.purpose, input.serviceArea, input.owner, input.supplier,
      input.technique, input.personalData, input.specialCategoryData, input.decisionRole, input.peopleAffected,
      input.humanOversight, input.nextReviewDate, input.stage],
  )
}

/** Updates fields only if the stored version is still `version`; null means someone else saved first. */
export async function updateEntry(
  q: Queryable,
  organisationId: string,
  id: string,
  version: number,
  patch: Partial<EntryInput> & { stage?: Stage; riskTier?: RiskTier | null },
): Promise<RegisterEntry | null> {
  const sets: string[] = []
  const params: unknown[] = [organisationId, id, version]
  for (const [field, column] of Object.entries({ ...FIELD_COLUMNS, stage: 'stage', riskTier: 'risk_tier' })) {
    if (field in patch) {
      params.push((patch as Record<string, unknown>)[field])
      sets.push(`${column} = $${params.length}`)
    }
  }
  sets.push('version = version + 1', 'updated_at = now()')
  return maybeOne(q, entryRow,
    `update register_entries set ${sets.join(', ')}
     where organisation_id = $1 and id = $2 and version = $3 returning ${COLUMNS}`,
    params,
  )
}

/** An approved use whose review is due on or before a day (the board's review reminders and lists). */
export interface ReviewDue {
  id: string
  organisation_id: string
  name: string
  next_review_date: string
  created_by: string | null
  stage: Stage
}

const REVIEW_STAGES: readonly Stage[] = ['approved', 'pilot', 'live']
const reviewDueRow = z.object({
  id: col.uuid, organisation_id: col.uuid, name: col.text, next_review_date: col.date, created_by: col.uuid.nullable(), stage: z.enum(STAGES),
})

/**
 * Entries in use (approved, pilot, live) whose next review date is on or before `until`, earliest
 * first. Across every organisation (the reminders run), unless `organisationId` is given: the one
 * query here not scoped by organisation, so only a system job may call it without one.
 */
export const reviewsDue = (q: Queryable, until: string, organisationId: string | null = null): Promise<ReviewDue[]> =>
  many(q, reviewDueRow,
    `select id, organisation_id, name, next_review_date, created_by, stage from register_entries
     where stage = any($1::text[]) and next_review_date <= $2::date and ($3::uuid is null or organisation_id = $3)
     order by next_review_date, organisation_id, name, id`,
    [REVIEW_STAGES, until, organisationId])

/** The stage of each of these entries of the organisation; ids it does not have are left out. */
export async function stagesOf(q: Queryable, organisationId: string, ids: readonly string[]): Promise<Map<string, Stage>> {
  const wanted = ids.filter(isUuid)
  if (!wanted.length) return new Map()
  const rows = await many(q, z.object({ id: col.uuid, stage: z.enum(STAGES) }),
    'select id, stage from register_entries where organisation_id = $1 and id = any($2::uuid[])', [organisationId, wanted])
  return new Map(rows.map((r) => [r.id, r.stage]))
}

/** {organisation id → count} rows, for the platform admins' usage figures. */
const orgCount = z.object({ organisation_id: col.uuid, n: col.int })

/** Register entries per organisation (every stage), for the platform admins' usage figures. */
export const entryCountsByOrganisation = (q: Queryable) =>
  many(q, orgCount, 'select organisation_id, count(*)::int as n from register_entries group by organisation_id')

/**
 * The dashboard's counts of an organisation's register: by stage, by risk tier, by service area,
 * and reviews overdue and due by `soon`, in one pass over the organisation's entries (grouping
 * sets), with no row read into JavaScript.
 */
export async function dashboardCounts(q: Queryable, organisationId: string, today: string, soon: string) {
  const rows = await many(q, z.object({
    by_stage: col.bool, by_tier: col.bool, by_area: col.bool,
    stage: z.enum(STAGES).nullable(), tier: z.enum(RISK_TIERS).nullable(), area: col.text.nullable(),
    n: col.int, overdue: col.int, due_soon: col.int,
  }),
    `select grouping(stage) = 0 as by_stage, grouping(risk_tier) = 0 as by_tier, grouping(service_area) = 0 as by_area,
       stage, risk_tier as tier, service_area as area, count(*)::int as n, 0 as overdue, 0 as due_soon
     from register_entries where organisation_id = $1
     group by grouping sets ((stage), (risk_tier), (service_area))
     union all
     -- Reviews of uses in service (REVIEW_STAGES, written out so the partial index register_entries_review_due serves it).
     select false, false, false, null, null, null, 0,
       (count(*) filter (where next_review_date < $2::date))::int, (count(*) filter (where next_review_date >= $2::date))::int
     from register_entries where organisation_id = $1 and stage in ('approved', 'pilot', 'live') and next_review_date <= $3::date`,
    [organisationId, today, soon])
  const all = rows.find((r) => !r.by_stage && !r.by_tier && !r.by_area)
  return {
    stages: rows.filter((r) => r.by_stage).map((r) => ({ stage: r.stage!, n: r.n })),
    tiers: rows.filter((r) => r.by_tier).map((r) => ({ tier: r.tier, n: r.n })),
    areas: rows.filter((r) => r.by_area).map((r) => ({ area: r.area!, n: r.n }))
      .sort((a, b) => b.n - a.n || a.area.localeCompare(b.area, 'en-GB')),
    overdue: all?.overdue ?? 0,
    due_soon: all?.due_soon ?? 0,
  }
}

/** Entries a person proposed (added to the register), newest change first, with their stage. */
export const proposedBy = (q: Queryable, organisationId: string, userId: string, limit: number) =>
  many(q, z.object({ id: col.uuid, name: col.text, stage: z.enum(STAGES), updated_at: col.timestamp, total: col.int }),
    `select id, name, stage, updated_at, (count(*) over ())::int as total from register_entries
     where organisation_id = $1 and created_by = $2
     order by updated_at desc, name, id limit $3`, [organisationId, userId, limit])

/** A set of entry ids, as another feature's subquery (parameters through `param`). */
export type EntryIdSubquery = (param: (value: unknown) => string) => string

/** How many of the organisation's entries are at a stage, and how many of those are in another feature's set. */
export async function countAtStageIn(q: Queryable, organisationId: string, stage: Stage, inSet: EntryIdSubquery) {
  const params: unknown[] = [organisationId, stage]
  const param = (value: unknown) => `$${params.push(value)}`
  const set = inSet(param)
  return one(q, z.object({ total: col.int, in_set: col.int }),
    `select count(*)::int as total, (count(*) filter (where e.id in (${set})))::int as in_set
     from register_entries e where e.organisation_id = $1 and e.stage = $2`, params)
}

/** The name of each of these entries of the organisation; ids it does not have are left out. */
export async function namesOf(q: Queryable, organisationId: string, ids: readonly string[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter(isUuid))]
  if (!wanted.length) return new Map()
  const rows = await many(q, z.object({ id: col.uuid, name: col.text }),
    'select id, name from register_entries where organisation_id = $1 and id = any($2::uuid[])', [organisationId, wanted])
  return new Map(rows.map((r) => [r.id, r.name]))
}
