import { z } from 'zod'
import type { Queryable } from '../../platform/db/db.ts'
import { col, many, maybeOne, one, run } from '../../platform/db/rows.ts'
import { isUuid } from '../../platform/validation.ts'
import { THEMES } from './content.ts'
import { type Contribution, CONTRIBUTION_KINDS, CONTRIBUTION_STATUSES, type ContributionInput, type ContributionKind } from './model.ts'

/** All of the guidance feature's SQL (its own table; names of organisations and people to credit). */

const row = z.object({
  id: col.uuid, organisation_id: col.uuid, organisation_name: col.text, contributor_id: col.uuid, contributor_name: col.text.nullable(),
  kind: z.enum(CONTRIBUTION_KINDS), title: col.text, theme: z.enum(THEMES), link: col.text.nullable(), summary: col.text,
  status: z.enum(CONTRIBUTION_STATUSES), reason: col.text.nullable(), created_at: col.timestamp, moderated_at: col.timestamp.nullable(),
}).transform((r): Contribution => ({
  id: r.id, organisationId: r.organisation_id, organisationName: r.organisation_name, contributorId: r.contributor_id,
  contributorName: r.contributor_name, kind: r.kind, title: r.title, theme: r.theme, link: r.link, summary: r.summary,
  status: r.status, reason: r.reason, createdAt: r.created_at, moderatedAt: r.moderated_at,
}))

const SELECT = `select c.id, c.organisation_id, o.name as organisation_name, c.contributor_id, u.name as contributor_name,
  c.kind, c.title, c.theme, c.link, c.summary, c.status, c.reason, c.created_at, c.moderated_at
  from guidance_contributions c join organisations o on o.id = c.organisation_id left join users u on u.id = c.contributor_id`

export async function insert(q: Queryable, organisationId: string, contributorId: string, input: ContributionInput): Promise<string> {
  const r = await one(q, z.object({ id: col.uuid }),
    `insert into guidance_contributions (organisation_id, contributor_id, kind, title, theme, link, summary)
     values ($1, $2, $3, $4, $5, $6, $7) returning id`,
    [organisationId, contributorId, input.kind, input.title, input.theme, input.link, input.summary])
  return r.id
}

/** Approved contributions of a kind (what the public lists show), newest first. */
export const approved = (q: Queryable, kind: ContributionKind) =>
  many(q, row, `${SELECT} where c.status = 'approved' and c.kind = $1 order by c.moderated_at desc, c.id`, [kind])

/** One person's own contributions in an organisation, newest first. */
export const mine = (q: Queryable, organisationId: string, contributorId: string) =>
  many(q, row, `${SELECT} where c.organisation_id = $1 and c.contributor_id = $2 order by c.created_at desc, c.id limit 200`,
    [organisationId, contributorId])

/** Every contribution in a status, oldest first (the moderation queue), for platform admins. */
export const withStatus = (q: Queryable, status: Contribution['status'], limit = 200) =>
  many(q, row, `${SELECT} where c.status = $1 order by c.created_at, c.id limit $2`, [status, limit])

export async function get(q: Queryable, id: string, forUpdate = false): Promise<Contribution | null> {
  if (!isUuid(id)) return null
  return maybeOne(q, row, `${SELECT} where c.id = $1${forUpdate ? ' for update of c' : ''}`, [id])
}

export const moderate = (q: Queryable, id: string, moderatorId: string, status: 'approved' | 'rejected', reason: string | null) =>
  run(q, `update guidance_contributions set status = $3, reason = $4, moderated_by = $2, moderated_at = now()
    where id = $1 and status = 'pending'`, [id, moderatorId, status, reason])
