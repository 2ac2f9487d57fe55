import type { Queryable } from '../../platform/db/db.ts'
import { col, many, maybeOne, one } from '../../platform/db/rows.ts'
import { z } from 'zod'
import { type NewOrganisationInput, type Organisation, type OrganisationDetails, POLICY_APPROVERS, type PolicySettings } from './model.ts'

/** All of the organisations table's SQL. */

const row = z.object({
  id: col.uuid, slug: col.text, name: col.text, contact_email: col.text.nullable(), website_url: col.text.nullable(),
  region: col.text.nullable(), organisation_type: col.text.nullable(), nation: col.text.nullable(),
  separation_of_duties: col.bool, created_at: col.timestamp,
  siro: col.text.nullable(), dpo_contact: col.text.nullable(), ai_lead: col.text.nullable(), ai_lead_email: col.text.nullable(), board_name: col.text.nullable(),
  policy_approvers: z.enum(POLICY_APPROVERS),
  official_identifier: col.text.nullable(), suspended_at: col.timestamp.nullable(), suspended_reason: col.text.nullable(),
}).transform((r): Organisation => ({
  id: r.id, slug: r.slug, name: r.name, contactEmail: r.contact_email, websiteUrl: r.website_url, region: r.region,
  organisationType: r.organisation_type, nation: r.nation, separationOfDuties: r.separation_of_duties, createdAt: r.created_at,
  siro: r.siro, dpoContact: r.dpo_contact, aiLead: r.ai_lead, aiLeadEmail: r.ai_lead_email, boardName: r.board_name, policyApprovers: r.policy_approvers,
  officialIdentifier: r.official_identifier, suspendedAt: r.suspended_at, suspendedReason: r.suspended_reason,
}))

const COLUMNS = 'id, slug, name, contact_email, website_url, region, organisation_type, nation, separation_of_duties, created_at, ' +
  'siro, dpo_contact, ai_lead, ai_lead_email, board_name, policy_approvers, official_identifier, suspended_at, suspended_reason'

export const findById = (q: Queryable, id: string) => maybeOne(q, row, `select ${COLUMNS} from organisations where id = $1`, [id])

export const findBySlug = (q: Queryable, slug: string) => maybeOne(q, row, `select ${COLUMNS} from organisations where slug = $1`, [slug])

export const listAll = (q: Queryable) => many(q, row, `select ${COLUMNS} from organisations order by name`)

export async function count(q: Queryable): Promise<number> {
  return (await one(q, z.object({ n: col.int }), 'select count(*)::int as n from organisations')).n
}

export const insert = (q: Queryable, input: NewOrganisationInput) =>
  one(q, row, `insert into organisations (slug, name, contact_email, website_url, region) values ($1, $2, $3, $4, $5)
    returning ${COLUMNS}`, [input.slug, input.name, input.contactEmail, input.websiteUrl, input.region])

export const setSeparationOfDuties = (q: Queryable, id: string, on: boolean) =>
  maybeOne(q, row, `update organisations set separation_of_duties = $2 where id = $1 returning ${COLUMNS}`, [id, on])

/** The people and names an organisation's policies are filled from, and who approves its policies (issue 9). */
export const setPolicySettings = (q: Queryable, id: string, s: PolicySettings) =>
  maybeOne(q, row, `update organisations set siro = $2, dpo_contact = $3, ai_lead = $4, board_name = $5, policy_approvers = $6
    where id = $1 returning ${COLUMNS}`, [id, s.siro, s.dpoContact, s.aiLead, s.boardName, s.policyApprovers])

/** Everything the settings page edits, in one update. */
export const setDetails = (q: Queryable, id: string, d: OrganisationDetails) =>
  maybeOne(q, row, `update organisations set name = $2, organisation_type = $3, nation = $4, region = $5, contact_email = $6,
    website_url = $7, siro = $8, dpo_contact = $9, ai_lead = $10, ai_lead_email = $11, board_name = $12, policy_approvers = $13
    where id = $1 returning ${COLUMNS}`,
  [id, d.name, d.organisationType, d.nation, d.region, d.contactEmail, d.websiteUrl, d.siro, d.dpoContact, d.aiLead, d.aiLeadEmail,
    d.boardName, d.policyApprovers])

/** Another organisation already holding this official identifier (they are unique on the platform). */
export const findByOfficialIdentifier = (q: Queryable, identifier: string) =>
  maybeOne(q, row, `select ${COLUMNS} from organisations where lower(official_identifier) = lower($1)`, [identifier])

/** What only platform admins set: the identifier, type and nation an organisation joins with. */
export const setPlatformDetails = (q: Queryable, id: string, d: { organisationType: string | null; nation: string | null; officialIdentifier: string | null }) =>
  maybeOne(q, row, `update organisations set organisation_type = $2, nation = $3, official_identifier = $4 where id = $1 returning ${COLUMNS}`,
    [id, d.organisationType, d.nation, d.officialIdentifier])

/** Suspends (reason given) or reinstates (null) an organisation. */
export const setSuspension = (q: Queryable, id: string, reason: string | null) =>
  maybeOne(q, row, `update organisations set suspended_at = case when $2::text is null then null else coalesce(suspended_at, now()) end, suspended_reason = $2
    where id = $1 returning ${COLUMNS}`, [id, reason])

/** Of these organisations, the ids of those not suspended and of this type and nation (null: any); no other column is read. */
export const idsMatching = async (q: Queryable, ids: readonly string[], f: { organisationType: string | null; nation: string | null }): Promise<string[]> =>
  (await many(q, z.object({ id: col.uuid }), `select id from organisations where id = any($1::uuid[]) and suspended_at is null
    and ($2::text is null or organisation_type = $2) and ($3::text is null or nation = $3)`, [ids, f.organisationType, f.nation])).map((r) => r.id)

/** The ids of the suspended organisations. */
export const suspendedIds = async (q: Queryable): Promise<string[]> =>
  (await many(q, z.object({ id: col.uuid }), 'select id from organisations where suspended_at is not null')).map((r) => r.id)

/** The type and nation of each of these organisations (suspended ones left out): the benchmark's groups. */
export const facetsOf = async (q: Queryable, ids: readonly string[]) =>
  many(q, z.object({ id: col.uuid, organisation_type: col.text.nullable(), nation: col.text.nullable() }),
    'select id, organisation_type, nation from organisations where id = any($1::uuid[]) and suspended_at is null', [ids])

/** The organisation types at least `min` of these organisations have recorded, in order. */
export const typesAmong = async (q: Queryable, ids: readonly string[], min: number): Promise<string[]> =>
  (await many(q, z.object({ organisation_type: col.text }), `select organisation_type from organisations
    where id = any($1::uuid[]) and suspended_at is null and organisation_type is not null
    group by organisation_type having count(*) >= $2::int order by organisation_type`, [ids, min])).map((r) => r.organisation_type)
