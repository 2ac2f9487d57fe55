import { z } from 'zod'
import { ROLES, type Role } from '../../platform/auth/permissions.ts'
import type { Queryable } from '../../platform/db/db.ts'
import { col, many, maybeOne, run } from '../../platform/db/rows.ts'
import type { Person } from './model.ts'

/** All of the people feature's SQL: memberships of an organisation and the accounts behind them. */

const roles = z.array(z.string()).transform((rs): Role[] => ROLES.filter((r) => rs.includes(r)))

const personRow = z.object({
  id: col.uuid, name: col.text, email: col.text, roles, active: col.bool, added_at: col.timestamp,
}).transform((r): Person => ({ id: r.id, name: r.name, email: r.email, roles: r.roles, active: r.active, createdAt: r.added_at }))

// "Added" is when the person joined this organisation, not when their account was made (which
// could have been in another organisation, and is none of this one's business).
const PERSON = `select u.id, u.name, u.email, m.roles, m.active, m.created_at as added_at
  from users u join memberships m on m.user_id = u.id`

export const findPerson = (q: Queryable, organisationId: string, id: string) =>
  maybeOne(q, personRow, `${PERSON} where m.organisation_id = $1 and u.id = $2`, [organisationId, id])

export const listPeople = (q: Queryable, organisationId: string) =>
  many(q, personRow, `${PERSON} where m.organisation_id = $1 order by m.active desc, lower(u.name), u.email`, [organisationId])

/** Takes the organisation's membership rows for update, so changes to its people are serialised. */
export async function lockMemberships(tx: Queryable, organisationId: string): Promise<void> {
  await run(tx, 'select user_id from memberships where organisation_id = $1 for update', [organisationId])
}

/** The roles of an active member on an active account, or null. */
export async function activeRoles(q: Queryable, organisationId: string, userId: string): Promise<Role[] | null> {
  const row = await maybeOne(q, z.object({ roles }),
    `select m.roles from memberships m join users u on u.id = m.user_id and u.active
     where m.organisation_id = $1 and m.user_id = $2 and m.active`,
    [organisationId, userId])
  return row?.roles ?? null
}

/** The account with this e-mail address (in any organisation), and whether it is in this one. */
export const findAccountByEmail = (q: Queryable, email: string, organisationId: string) =>
  maybeOne(q, z.object({ id: col.uuid, member: col.bool }),
    `select u.id, exists (select 1 from memberships m where m.user_id = u.id and m.organisation_id = $2) as member
     from users u where u.email = $1`,
    [email, organisationId])

export async function insertMembership(q: Queryable, userId: string, organisationId: string, roles: Role[]): Promise<void> {
  await run(q, 'insert into memberships (user_id, organisation_id, roles) values ($1, $2, $3)', [userId, organisationId, roles])
}

export async function updateRoles(q: Queryable, organisationId: string, userId: string, roles: Role[]): Promise<void> {
  await run(q, 'update memberships set roles = $3 where organisation_id = $1 and user_id = $2', [organisationId, userId, roles])
}

export async function setMembershipActive(q: Queryable, organisationId: string, userId: string, active: boolean): Promise<void> {
  await run(q, 'update memberships set active = $3 where organisation_id = $1 and user_id = $2', [organisationId, userId, active])
}

/**
 * Ends every way in to this organisation at once: its sessions go and its API tokens are revoked
 * (so reactivation does not quietly bring old tokens back). Access to other organisations the
 * person belongs to is not this organisation's to end.
 */
export async function endAccess(q: Queryable, organisationId: string, userId: string): Promise<void> {
  await run(q, 'delete from sessions where user_id = $1 and organisation_id = $2', [userId, organisationId])
  await run(q, 'update api_tokens set revoked_at = now() where user_id = $1 and organisation_id = $2 and revoked_at is null', [
    userId, organisationId,
  ])
}
