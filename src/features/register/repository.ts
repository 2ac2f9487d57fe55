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
