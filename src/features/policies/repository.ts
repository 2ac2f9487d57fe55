import { z } from 'zod'
import type { Queryable } from '../../platform/db/db.ts'
import { col, many, maybeOne, one, run } from '../../platform/db/rows.ts'
import { CHANGE_KINDS, type ChangeKind, type Policy, type PolicyVersion, VERSION_STATUSES } from './model.ts'
import { versionLabel } from './model.ts'
import { POLICY_KINDS } from './templates.ts'

/** All of the policies feature's SQL (tables `policies`, `policy_versions`). */

const policyRow = z.object({
  id: col.uuid, organisation_id: col.uuid, slug: col.text, kind: z.enum(POLICY_KINDS), template_id: col.text.nullable(),
  template_version: col.int.nullable(), public: col.bool, created_at: col.timestamp,
}).transform((r): Policy => ({
  id: r.id, organisationId: r.organisation_id, slug: r.slug, kind: r.kind, templateId: r.template_id,
  templateVersion: r.template_version, public: r.public, createdAt: r.created_at,
}))
const POLICY_COLUMNS = 'p.id, p.organisation_id, p.slug, p.kind, p.template_id, p.template_version, p.public, p.created_at'

const versionRow = z.object({
  id: col.uuid, policy_id: col.uuid, number: col.int, status: z.enum(VERSION_STATUSES), title: col.text, body: col.text,
  author_id: col.uuid.nullable(), contributors: z.array(col.uuid), author_name: col.text.nullable(), submitted_by: col.uuid.nullable(), submitted_at: col.timestamp.nullable(),
  return_comments: col.text.nullable(), returned_by_name: col.text.nullable(), approved_by: col.uuid.nullable(),
  approved_by_name: col.text.nullable(), approved_at: col.timestamp.nullable(), change_kind: z.enum(CHANGE_KINDS).nullable(),
  version_major: col.int.nullable(), version_minor: col.int.nullable(), published_body: col.text.nullable(),
  effective_date: col.date.nullable(), review_date: col.date.nullable(), published_at: col.timestamp.nullable(),
  superseded_at: col.timestamp.nullable(), updated_at: col.timestamp, revision: col.int,
}).transform((r): PolicyVersion => ({
  id: r.id, policyId: r.policy_id, number: r.number, status: r.status, title: r.title, body: r.body, authorId: r.author_id,
  contributors: r.contributors, authorName: r.author_name, submittedBy: r.submitted_by, submittedAt: r.submitted_at, returnComments: r.return_comments,
  returnedByName: r.returned_by_name, approvedBy: r.approved_by, approvedByName: r.approved_by_name, approvedAt: r.approved_at,
  changeKind: r.change_kind, label: versionLabel(r.version_major, r.version_minor), publishedBody: r.published_body,
  effectiveDate: r.effective_date, reviewDate: r.review_date, publishedAt: r.published_at, supersededAt: r.superseded_at,
  updatedAt: r.updated_at, revision: r.revision,
}))
const VERSION_SELECT = `select v.id, v.policy_id, v.number, v.status, v.title, v.body, v.author_id, array_to_json(v.contributors) as contributors, ua.name as author_name,
    v.submitted_by, v.submitted_at, v.return_comments, ur.name as returned_by_name, v.approved_by, up.name as approved_by_name,
    v.approved_at, v.change_kind, v.version_major, v.version_minor, v.published_body, v.effective_date, v.review_date,
    v.published_at, v.superseded_at, v.updated_at, v.revision
  from policy_versions v
  left join users ua on ua.id = v.author_id
  left join users ur on ur.id = v.returned_by
  left join users up on up.id = v.approved_by`

// --- policies ---------------------------------------------------------------------------------

export const findPolicy = (q: Queryable, orgId: string, id: string) =>
  maybeOne(q, policyRow, `select ${POLICY_COLUMNS} from policies p where p.organisation_id = $1 and p.id = $2`, [orgId, id])

export const findPolicyBySlug = (q: Queryable, orgId: string, slug: string) =>
  maybeOne(q, policyRow, `select ${POLICY_COLUMNS} from policies p where p.organisation_id = $1 and p.slug = $2`, [orgId, slug])

export const listPolicies = (q: Queryable, orgId: string) =>
  many(q, policyRow, `select ${POLICY_COLUMNS} from policies p where p.organisation_id = $1 order by p.created_at, p.slug`, [orgId])

/** Policies an organisation has made public that have a version in force. */
export const listPublicPolicies = (q: Queryable, orgId: string) =>
  many(q, policyRow, `select ${POLICY_COLUMNS} from policies p
    where p.organisation_id = $1 and p.public
      and exists (select 1 from policy_versions v where v.policy_id = p.id and v.status = 'in_force')
    order by p.created_at, p.slug`, [orgId])

export async function slugTaken(q: Queryable, orgId: string, slug: string): Promise<boolean> {
  return (await maybeOne(q, z.object({ id: col.uuid }), 'select id from policies where organisation_id = $1 and slug = $2', [orgId, slug])) !== null
}

export interface NewPolicyRow {
  organisationId: string
  slug: string
  kind: Policy['kind']
  templateId: string | null
  templateVersion: number | null
  createdBy: string
}

export const insertPolicy = (q: Queryable, p: NewPolicyRow) =>
  one(q, policyRow, `insert into policies as p (organisation_id, slug, kind, template_id, template_version, created_by)
    values ($1, $2, $3, $4, $5, $6) returning ${POLICY_COLUMNS}`,
  [p.organisationId, p.slug, p.kind, p.templateId, p.templateVersion, p.createdBy])

export const setPublic = (q: Queryable, orgId: string, id: string, on: boolean) =>
  run(q, 'update policies set public = $3 where organisation_id = $1 and id = $2 returning id', [orgId, id, on])

// --- versions ---------------------------------------------------------------------------------

export const versionsOf = (q: Queryable, orgId: string, policyId: string) =>
  many(q, versionRow, `${VERSION_SELECT} where v.organisation_id = $1 and v.policy_id = $2 order by v.number desc`, [orgId, policyId])

export const versionByNumber = (q: Queryable, orgId: string, policyId: string, n: number) =>
  maybeOne(q, versionRow, `${VERSION_SELECT} where v.organisation_id = $1 and v.policy_id = $2 and v.number = $3`, [orgId, policyId, n])

export const inForce = (q: Queryable, orgId: string, policyId: string) =>
  maybeOne(q, versionRow, `${VERSION_SELECT} where v.organisation_id = $1 and v.policy_id = $2 and v.status = 'in_force'`, [orgId, policyId])

/** The version being worked on (draft, submitted or approved), locked for the rest of the transaction. */
export const workingForUpdate = (q: Queryable, orgId: string, policyId: string) =>
  maybeOne(q, versionRow, `${VERSION_SELECT} where v.organisation_id = $1 and v.policy_id = $2
    and v.status in ('draft', 'submitted', 'approved') for update of v`, [orgId, policyId])

export const working = (q: Queryable, orgId: string, policyId: string) =>
  maybeOne(q, versionRow, `${VERSION_SELECT} where v.organisation_id = $1 and v.policy_id = $2
    and v.status in ('draft', 'submitted', 'approved')`, [orgId, policyId])

/** The version in force and the working version of every policy of an organisation. */
export const currentVersions = (q: Queryable, orgId: string) =>
  many(q, versionRow, `${VERSION_SELECT} where v.organisation_id = $1
    and v.status in ('draft', 'submitted', 'approved', 'in_force')`, [orgId])

export async function lastNumber(q: Queryable, policyId: string): Promise<number> {
  return (await one(q, z.object({ n: col.int }), 'select coalesce(max(number), 0)::int as n from policy_versions where policy_id = $1', [policyId])).n
}

export async function insertVersion(q: Queryable, v: { organisationId: string; policyId: string; number: number; title: string; body: string; authorId: string }): Promise<string> {
  const r = await one(q, z.object({ id: col.uuid }), `insert into policy_versions (organisation_id, policy_id, number, status, title, body, author_id, contributors)
    values ($1, $2, $3, 'draft', $4, $5, $6, array[$6::uuid]) returning id`, [v.organisationId, v.policyId, v.number, v.title, v.body, v.authorId])
  return r.id
}

/** Saves a draft's text over the revision it was opened at; false when that is no longer the stored one. */
export const updateText = async (q: Queryable, id: string, title: string, body: string, by: string, revision: number) =>
  (await many(q, z.object({ id: col.uuid }), `update policy_versions set title = $2, body = $3, updated_at = now(), revision = revision + 1,
    contributors = case when $4::uuid = any(contributors) then contributors else array_append(contributors, $4::uuid) end
    where id = $1 and status = 'draft' and revision = $5 returning id`, [id, title, body, by, revision])).length === 1

export const markSubmitted = (q: Queryable, id: string, by: string) =>
  run(q, `update policy_versions set status = 'submitted', submitted_by = $2, submitted_at = now(), updated_at = now()
    where id = $1 and status = 'draft' returning id`, [id, by])

export const markReturned = (q: Queryable, id: string, by: string, comments: string) =>
  run(q, `update policy_versions set status = 'draft', returned_by = $2, return_comments = $3, submitted_by = null,
    submitted_at = null, updated_at = now() where id = $1 and status = 'submitted' returning id`, [id, by, comments])

export const markApproved = (q: Queryable, id: string, by: string, kind: ChangeKind, major: number, minor: number) =>
  run(q, `update policy_versions set status = 'approved', approved_by = $2, approved_at = now(), change_kind = $3,
    version_major = $4, version_minor = $5, updated_at = now() where id = $1 and status = 'submitted' returning id`, [id, by, kind, major, minor])

export const markSuperseded = (q: Queryable, id: string) =>
  run(q, `update policy_versions set status = 'superseded', superseded_at = now() where id = $1 and status = 'in_force' returning id`, [id])

export const markInForce = (q: Queryable, id: string, by: string, publishedBody: string, effectiveDate: string, reviewDate: string) =>
  run(q, `update policy_versions set status = 'in_force', published_by = $2, published_at = now(), published_body = $3,
    effective_date = $4, review_date = $5, updated_at = now() where id = $1 and status = 'approved' returning id`,
  [id, by, publishedBody, effectiveDate, reviewDate])

// --- acknowledgements (table `policy_acknowledgements`) ----------------------------------------

/** The versions in force of an organisation's policies of these kinds (one per policy). */
export const inForceOfKinds = (q: Queryable, orgId: string, kinds: readonly string[]) =>
  many(q, versionRow, `${VERSION_SELECT} join policies p on p.id = v.policy_id
    where v.organisation_id = $1 and v.status = 'in_force' and p.kind = any($2::text[]) order by p.created_at, p.slug`, [orgId, kinds])

const ackRow = z.object({
  policy_id: col.uuid, version_id: col.uuid, user_id: col.uuid, version_major: col.int, version_minor: col.int, acknowledged_at: col.timestamp,
}).transform((r) => ({
  policyId: r.policy_id, versionId: r.version_id, userId: r.user_id, major: r.version_major, minor: r.version_minor,
  label: `${r.version_major}.${r.version_minor}`, acknowledgedAt: r.acknowledged_at,
}))
export type AcknowledgementRow = z.output<typeof ackRow>
const ACK_COLUMNS = 'a.policy_id, a.version_id, a.user_id, a.version_major, a.version_minor, a.acknowledged_at'

/** Everything one person acknowledged of these policies, newest first. */
export const acknowledgementsOf = (q: Queryable, orgId: string, userId: string, policyIds: readonly string[]) =>
  many(q, ackRow, `select ${ACK_COLUMNS} from policy_acknowledgements a
    where a.organisation_id = $1 and a.user_id = $2 and a.policy_id = any($3::uuid[]) order by a.acknowledged_at desc`, [orgId, userId, policyIds])

const majorAckRow = z.object({ user_id: col.uuid, minor: col.int, at: z.iso.datetime({ offset: true }) })
  .transform((r) => ({ userId: r.user_id, minor: r.minor, acknowledgedAt: new Date(r.at) }))

/**
 * Who acknowledged a version of a policy with this major number (only those can still count), newest
 * first. One row holding them all as JSON: thousands of acknowledgements cost one value to read.
 */
export const acknowledgementsOfMajor = async (q: Queryable, orgId: string, policyId: string, major: number) =>
  (await one(q, z.object({ acks: z.array(majorAckRow) }),
    `select coalesce(json_agg(json_build_object('user_id', a.user_id, 'minor', a.version_minor,
       'at', to_char(a.acknowledged_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')) order by a.acknowledged_at desc), '[]') as acks
     from policy_acknowledgements a where a.organisation_id = $1 and a.policy_id = $2 and a.version_major = $3`, [orgId, policyId, major])).acks

/**
 * Who holds an acknowledgement that counts for the version in force: one of the same major version
 * and no later minor (the SQL form of model.ts acknowledgementHolds), as a subquery of `user_id`s
 * for the people service to count its members against in one statement.
 */
export const acknowledgedSubquery = (orgId: string, policyId: string, inForce: { major: number; minor: number }) =>
  (param: (value: unknown) => string): string =>
    `select a.user_id from policy_acknowledgements a where a.organisation_id = ${param(orgId)}::uuid
      and a.policy_id = ${param(policyId)}::uuid and a.version_major = ${param(inForce.major)}::int and a.version_minor <= ${param(inForce.minor)}::int`

/** Records an acknowledgement; false when this person had already acknowledged this version. */
export async function insertAcknowledgement(q: Queryable, a: { organisationId: string; policyId: string; versionId: string; userId: string; major: number; minor: number }): Promise<boolean> {
  const rows = await many(q, z.object({ id: col.uuid }), `insert into policy_acknowledgements (organisation_id, policy_id, version_id, user_id, version_major, version_minor)
    values ($1, $2, $3, $4, $5, $6) on conflict (version_id, user_id) do nothing returning id`,
  [a.organisationId, a.policyId, a.versionId, a.userId, a.major, a.minor])
  return rows.length === 1
}

/** The version in force of a policy, locked so publishing a new one waits for the acknowledgement (and the other way round). */
export const inForceForShare = (q: Queryable, orgId: string, policyId: string) =>
  maybeOne(q, versionRow, `${VERSION_SELECT} where v.organisation_id = $1 and v.policy_id = $2 and v.status = 'in_force' for share of v`, [orgId, policyId])

/** Of these organisations, how many have a policy in force of one of these kinds (the sector benchmark: a count only). */
export const countWithInForce = (q: Queryable, orgIds: readonly string[], kinds: readonly string[]) =>
  one(q, z.object({ n: col.int }), `select count(distinct v.organisation_id)::int as n from policy_versions v join policies p on p.id = v.policy_id
    where v.organisation_id = any($1::uuid[]) and v.status = 'in_force' and p.kind = any($2::text[])`, [orgIds, kinds])

/**
 * The median, over these organisations, of the share of their active people holding an
 * acknowledgement of the staff policies in force (each person × policy in force counts once),
 * and how many organisations it is drawn from (those with a staff policy in force and at least
 * one active person): aggregated in one statement. `members` is the people feature's subquery of
 * (organisation_id, user_id) rows.
 */
export async function medianAcknowledgement(q: Queryable, orgIds: readonly string[], kinds: readonly string[],
  members: (param: (value: unknown) => string) => string) {
  const params: unknown[] = [orgIds, kinds]
  const param = (value: unknown) => `$${params.push(value)}`
  return one(q, z.object({ contributors: col.int, median: z.number().nullable() }), `with in_force as (
      select v.organisation_id, v.policy_id, v.version_major, v.version_minor from policy_versions v join policies p on p.id = v.policy_id
      where v.organisation_id = any($1::uuid[]) and v.status = 'in_force' and p.kind = any($2::text[]) and v.version_major is not null),
    -- Each person × policy in force once; acknowledged when they hold an acknowledgement of its major
    -- version at or below its minor one (a minor version keeps earlier acknowledgements).
    pairs as (
      select i.organisation_id, s.user_id, i.policy_id, (h.user_id is not null) as held
      from in_force i join (${members(param)}) s on s.organisation_id = i.organisation_id
      left join (select distinct a.policy_id, a.user_id from policy_acknowledgements a join in_force f on f.policy_id = a.policy_id
          and a.version_major = f.version_major and a.version_minor <= f.version_minor) h
        on h.policy_id = i.policy_id and h.user_id = s.user_id),
    rates as (select organisation_id, avg(held::int)::float8 as rate from pairs group by organisation_id)
    select count(*)::int as contributors, (percentile_cont(0.5) within group (order by rate))::float8 as median from rates`, params)
}
