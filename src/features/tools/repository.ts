import { z } from 'zod'
import type { Queryable } from '../../platform/db/db.ts'
import { col, many, maybeOne, one, run } from '../../platform/db/rows.ts'
import { isUuid } from '../../platform/validation.ts'
import { type Approval, type ApprovalInput, type AskInput, INFORMATION_KINDS, type ToolRequest } from './model.ts'

/** All of the tools feature's SQL (its own tables only). Every query is scoped by organisation. */

const approvalRow = z.object({
  id: col.uuid, entry_id: col.uuid, public_name: col.text, approved_for: col.text, approved_by: col.uuid,
  approved_by_name: col.text.nullable(), approved_at: col.timestamp,
}).transform((r): Approval => ({
  id: r.id, entryId: r.entry_id, publicName: r.public_name, approvedFor: r.approved_for, approvedBy: r.approved_by,
  approvedByName: r.approved_by_name, approvedAt: r.approved_at,
}))

const APPROVAL = `select a.id, a.entry_id, a.public_name, a.approved_for, a.approved_by, u.name as approved_by_name, a.approved_at
  from approved_tools a left join users u on u.id = a.approved_by`

/** The entry's current approval (not withdrawn), or null. */
export const currentApproval = (q: Queryable, organisationId: string, entryId: string, forUpdate = false) =>
  maybeOne(q, approvalRow, `${APPROVAL} where a.organisation_id = $1 and a.entry_id = $2 and a.withdrawn_at is null${forUpdate ? ' for update of a' : ''}`,
    [organisationId, entryId])

/** Every current approval of the organisation, by name. */
export const currentApprovals = (q: Queryable, organisationId: string) =>
  many(q, approvalRow, `${APPROVAL} where a.organisation_id = $1 and a.withdrawn_at is null order by lower(a.public_name), a.id`, [organisationId])

export const insertApproval = (q: Queryable, organisationId: string, entryId: string, userId: string, input: ApprovalInput) =>
  run(q, `insert into approved_tools (organisation_id, entry_id, public_name, approved_for, approved_by) values ($1, $2, $3, $4, $5)`,
    [organisationId, entryId, input.publicName, input.approvedFor, userId])

export const updateApproval = (q: Queryable, organisationId: string, id: string, input: ApprovalInput) =>
  run(q, 'update approved_tools set public_name = $3, approved_for = $4 where organisation_id = $1 and id = $2 and withdrawn_at is null',
    [organisationId, id, input.publicName, input.approvedFor])

export const withdrawApproval = (q: Queryable, organisationId: string, id: string, userId: string, reason: string) =>
  run(q, `update approved_tools set withdrawn_at = now(), withdrawn_by = $3, withdrawn_reason = $4
    where organisation_id = $1 and id = $2 and withdrawn_at is null`, [organisationId, id, userId, reason])

const requestRow = z.object({
  id: col.uuid, entry_id: col.uuid, requester_id: col.uuid, tool_name: col.text, purpose: col.text, information: z.enum(INFORMATION_KINDS),
  detail: col.text.nullable(), notified: z.enum(['ai_lead', 'admins', 'contact', 'nobody']), created_at: col.timestamp,
}).transform((r): ToolRequest => ({
  id: r.id, entryId: r.entry_id, requesterId: r.requester_id, toolName: r.tool_name, purpose: r.purpose, information: r.information,
  detail: r.detail, notified: r.notified, createdAt: r.created_at,
}))

const REQUEST = 'select id, entry_id, requester_id, tool_name, purpose, information, detail, notified, created_at from tool_requests'

export async function insertRequest(
  q: Queryable, organisationId: string, entryId: string, requesterId: string, input: AskInput, notified: ToolRequest['notified'],
): Promise<string> {
  const row = await one(q, z.object({ id: col.uuid }),
    `insert into tool_requests (organisation_id, entry_id, requester_id, tool_name, purpose, information, detail, notified)
     values ($1, $2, $3, $4, $5, $6, $7, $8) returning id`,
    [organisationId, entryId, requesterId, input.toolName, input.purpose, input.information, input.detail, notified])
  return row.id
}

/** One person's requests in an organisation, newest first. */
export const requestsOf = (q: Queryable, organisationId: string, requesterId: string, limit = 50) =>
  many(q, requestRow, `${REQUEST} where organisation_id = $1 and requester_id = $2 order by created_at desc, id limit $3`,
    [organisationId, requesterId, limit])

/** One of this person's requests; someone else's (or another organisation's) is null. */
export async function requestOf(q: Queryable, organisationId: string, requesterId: string, id: string): Promise<ToolRequest | null> {
  if (!isUuid(id)) return null
  return maybeOne(q, requestRow, `${REQUEST} where organisation_id = $1 and requester_id = $2 and id = $3`, [organisationId, requesterId, id])
}
