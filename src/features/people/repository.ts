import { z } from 'zod'
import { ROLES, type Role } from '../../platform/auth/permissions.ts'
import type { Queryable } from '../../platform/db/db.ts'
import { col, many, maybeOne, one, run } from '../../platform/db/rows.ts'
import type { Person } from './model.ts'

/** All of the people feature's SQL: memberships of an organisation and the accounts behind them. */

const roles = z.array(z.string()).transform((rs): Role[] => ROLES.filter((r) => rs.includes(r)))

const personRow = z.object({
  id: col.uuid, name: col.text, email: col.text, roles, active: col.bool, added_at: col.timestamp,
  service_area: col.text.nullable(), pending: col.bool,
}).transform((r): Person => ({
  id: r.id, name: r.name, email: r.email, roles: r.roles, active: r.active, createdAt: r.added_at,
  serviceArea: r.service_area, invitationPending: r.pending,
}))

// "Added" is when the person joined this organisation, not when their account was made (which
// could have been in another organisation, and is none of this one's business).
const PERSON = `select u.id, u.name, u.email, m.roles, m.active, m.created_at as added_at, m.service_area,
    exists (select 1 from pending_accounts p where p.user_id = u.id) as pending
  from users u join memberships m on m.user_id = u.id`

export const findPerson = (q: Queryable, organisationId: string, id: string) =>
  maybeOne(q, personRow, `${PERSON} where m.organisation_id = $1 and u.id = $2`, [organisationId, id])

export const listPeople = (q: Queryable, organisationId: string) =>
  many(q, personRow, `${PERSON} where m.organisation_id = $1 order by m.active desc, lower(u.name), u.email`, [organisationId])

/** An organisation's active members on active accounts, with service area and roles (policy coverage, reminders). */
const directoryRow = z.object({ id: col.uuid, name: col.text, email: col.text, service_area: col.text.nullable(), roles }).transform((r) => ({
  id: r.id, name: r.name, email: r.email, serviceArea: r.service_area, roles: r.roles,
}))
// One row holding every member as JSON: thousands of people cost one value to read, not thousands of rows.
export const directory = async (q: Queryable, organisationId: string) =>
  (await one(q, z.object({ people: z.array(directoryRow) }),
    `select coalesce(json_agg(json_build_object('id', u.id, 'name', u.name, 'email', u.email, 'service_area', m.service_area, 'roles', m.roles)
       order by lower(u.name), u.email), '[]') as people
     from users u join memberships m on m.user_id = u.id
     where m.organisation_id = $1 and m.active and u.active`, [organisationId])).people

/**
 * A set of user ids as a subquery another feature writes over its own tables (for example, who has
 * acknowledged a policy): given `param`, which adds a value to the statement and returns its
 * placeholder, it returns SQL selecting one uuid column named `user_id`. Passing the set as SQL
 * rather than as thousands of ids keeps the whole count in one statement.
 */
export type UserIdSubquery = (param: (value: unknown) => string) => string

/**
 * The organisation's active members split by a set, counted in one statement: per service area how
 * many members and how many of them are in the set, and one page (by name) of the members not in
 * it, in one area when `area` is given (null: no service area). How many are outside comes from
 * the area counts, so a page past the end still knows the total.
 */
export async function directorySplit(q: Queryable, organisationId: string, inSet: UserIdSubquery,
  page: { area?: string | null; limit: number; offset: number }) {
  const params: unknown[] = [organisationId, page.area !== undefined, page.area ?? null, page.limit, page.offset]
  const param = (value: unknown) => `$${params.push(value)}`
  const set = inSet(param)
  // Each use of the set is a hashed subplan: one pass over it, one probe per member. The counts need
  // no names, so they only look up the (few) closed accounts rather than joining every account.
  const row = await one(q, z.object({
    areas: z.array(z.object({ service_area: col.text.nullable(), total: col.int, in_set: col.int })),
    outside: z.array(directoryRow),
  }), `select
      (select coalesce(json_agg(a), '[]') from (
        select m.service_area, count(*)::int as total, (count(*) filter (where m.user_id in (${set})))::int as in_set
        from memberships m
        where m.organisation_id = $1 and m.active and m.user_id not in (select id from users where not active)
        group by m.service_area) a) as areas,
      (select coalesce(json_agg(json_build_object('id', p.id, 'name', p.name, 'email', p.email, 'service_area', p.service_area, 'roles', p.roles)
        order by lower(p.name), p.email), '[]') from (
        select u.id, u.name, u.email, m.service_area, m.roles
        from memberships m join users u on u.id = m.user_id and u.active
        where m.organisation_id = $1 and m.active and m.user_id not in (${set})
          and (not $2::boolean or m.service_area is not distinct from $3::text)
        order by lower(u.name), u.email limit $4 offset $5) p) as outside`, params)
  const counted = page.area === undefined ? row.areas : row.areas.filter((a) => a.service_area === page.area)
  return { ...row, outside_total: counted.reduce((n, a) => n + a.total - a.in_set, 0) }
}

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

export async function insertMembership(
  q: Queryable, userId: string, organisationId: string, roles: Role[], serviceArea: string | null = null,
): Promise<void> {
  await run(q, 'insert into memberships (user_id, organisation_id, roles, service_area) values ($1, $2, $3, $4)', [
    userId, organisationId, roles, serviceArea,
  ])
}

export async function setServiceArea(q: Queryable, organisationId: string, userId: string, serviceArea: string | null): Promise<void> {
  await run(q, 'update memberships set service_area = $3 where organisation_id = $1 and user_id = $2', [organisationId, userId, serviceArea])
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

// ---- Staff import: a whole file's people in a few statements (arrays unnested), not one per row.

/** What the organisation already knows of an address in the file. */
export interface KnownAccount {
  id: string
  email: string
  name: string
  member: boolean
  serviceArea: string | null
}

const knownAccountRow = z.object({
  id: col.uuid, email: col.text, name: col.text, member: col.bool, service_area: col.text.nullable(),
}).transform((r): KnownAccount => ({ id: r.id, email: r.email, name: r.name, member: r.member, serviceArea: r.service_area }))

/** The accounts with these addresses, and for each whether (and in which service area) it is a member here. */
export const knownAccounts = (q: Queryable, organisationId: string, emails: string[]) =>
  many(q, knownAccountRow,
    `select u.id, u.email, u.name, m.user_id is not null as member, m.service_area
     from users u left join memberships m on m.user_id = u.id and m.organisation_id = $1
     where u.email = any($2::text[])`,
    [organisationId, emails])

/** New accounts; returns each one's id by e-mail address. */
export const insertUsers = (q: Queryable, rows: { email: string; name: string; passwordHash: string }[]) =>
  many(q, z.object({ id: col.uuid, email: col.text }),
    `insert into users (email, name, password_hash)
     select * from unnest($1::text[], $2::text[], $3::text[]) returning id, email`,
    [rows.map((r) => r.email), rows.map((r) => r.name), rows.map((r) => r.passwordHash)])

/** Memberships of one organisation; roles travel as comma-separated text (arrays of arrays cannot be ragged). */
export async function insertMemberships(
  q: Queryable, organisationId: string, rows: { userId: string; roles: Role[]; serviceArea: string | null }[],
): Promise<void> {
  await run(q,
    `insert into memberships (user_id, organisation_id, roles, service_area)
     select t.user_id, $1, string_to_array(t.roles, ','), t.service_area
     from unnest($2::uuid[], $3::text[], $4::text[]) as t(user_id, roles, service_area)`,
    [organisationId, rows.map((r) => r.userId), rows.map((r) => r.roles.join(',')), rows.map((r) => r.serviceArea)])
}

export async function updateNames(q: Queryable, rows: { id: string; name: string }[]): Promise<void> {
  await run(q,
    `update users set name = t.name from unnest($1::uuid[], $2::text[]) as t(id, name) where users.id = t.id`,
    [rows.map((r) => r.id), rows.map((r) => r.name)])
}

export async function updateServiceAreas(q: Queryable, organisationId: string, rows: { id: string; serviceArea: string | null }[]): Promise<void> {
  await run(q,
    `update memberships m set service_area = t.service_area
     from unnest($2::uuid[], $3::text[]) as t(user_id, service_area)
     where m.organisation_id = $1 and m.user_id = t.user_id`,
    [organisationId, rows.map((r) => r.id), rows.map((r) => r.serviceArea)])
}

export async function markPending(q: Queryable, userIds: string[]): Promise<void> {
  await run(q, 'insert into pending_accounts (user_id) select * from unnest($1::uuid[]) on conflict do nothing', [userIds])
}

// ---- Sign-in links (invitations and password resets): only the token's SHA-256 is stored.

export type LinkPurpose = 'invitation' | 'password_reset'

export async function insertLinks(
  q: Queryable, organisationId: string, purpose: LinkPurpose, hours: number, rows: { userId: string; tokenHash: string }[],
): Promise<void> {
  await run(q,
    `insert into account_links (token_hash, purpose, user_id, organisation_id, expires_at)
     select t.token_hash, $2, t.user_id, $1, now() + make_interval(hours => $3::int)
     from unnest($4::text[], $5::uuid[]) as t(token_hash, user_id)`,
    [organisationId, purpose, hours, rows.map((r) => r.tokenHash), rows.map((r) => r.userId)])
}

const linkRow = z.object({
  user_id: col.uuid, organisation_id: col.uuid, purpose: z.enum(['invitation', 'password_reset']), email: col.text, name: col.text,
})

/**
 * The link behind a token while it can still be used: not used, not expired, on an active
 * account that is an active member of the link's organisation. Null otherwise (which of these
 * failed is nobody's business but the link page's single answer).
 */
export const usableLink = (q: Queryable, tokenHash: string, lock = false) =>
  maybeOne(q, linkRow,
    `select l.user_id, l.organisation_id, l.purpose, u.email, u.name
     from account_links l
     join users u on u.id = l.user_id and u.active
     join memberships m on m.user_id = l.user_id and m.organisation_id = l.organisation_id and m.active
     where l.token_hash = $1 and l.used_at is null and l.expires_at > now()${lock ? ' for update of l' : ''}`,
    [tokenHash])

/** Uses up every link the account still has (the one just used, and any older ones). */
export async function useUpLinks(q: Queryable, userId: string): Promise<void> {
  await run(q, 'update account_links set used_at = now() where user_id = $1 and used_at is null', [userId])
}

export async function setPasswordHash(q: Queryable, userId: string, hash: string): Promise<void> {
  await run(q, 'update users set password_hash = $2 where id = $1', [userId, hash])
  await run(q, 'delete from pending_accounts where user_id = $1', [userId])
}

/** Ends every session of the account, in every organisation; returns how many. */
export async function endAllSessions(q: Queryable, userId: string): Promise<number> {
  const rows = await many(q, z.object({ one: col.int }), 'delete from sessions where user_id = $1 returning 1 as one', [userId])
  return rows.length
}

/** An active account by address, with its first active organisation (where a reset link signs it in). */
export const accountForLink = (q: Queryable, email: string) =>
  maybeOne(q, z.object({
    id: col.uuid, name: col.text, pending: col.bool, organisation_id: col.uuid, organisation_name: col.text,
  }),
  `select u.id, u.name, exists (select 1 from pending_accounts p where p.user_id = u.id) as pending,
          o.id as organisation_id, o.name as organisation_name
   from users u
   join lateral (select m.organisation_id from memberships m where m.user_id = u.id and m.active
                 order by m.created_at, m.organisation_id limit 1) fm on true
   join organisations o on o.id = fm.organisation_id
   where u.email = $1 and u.active`,
  [email])

// ---- Requests for links, counted so the form cannot flood an inbox.

export const recentLinkRequests = (q: Queryable, emailKey: string, address: string, minutes: number) =>
  one(q, z.object({ email: col.int, address: col.int }),
    `select count(*) filter (where email_key = $1)::int as email, count(*) filter (where address = $2)::int as address
     from account_link_requests
     where at > now() - make_interval(mins => $3::int) and (email_key = $1 or address = $2)`,
    [emailKey, address, minutes])

export async function recordLinkRequest(q: Queryable, emailKey: string, address: string, minutes: number): Promise<void> {
  await run(q, 'delete from account_link_requests where at < now() - make_interval(mins => $1::int)', [minutes * 2])
  await run(q, 'insert into account_link_requests (email_key, address) values ($1, $2)', [emailKey, address])
}

/** {organisation id → count} rows, for the platform admins' usage figures. */
const orgCount = z.object({ organisation_id: col.uuid, n: col.int })

/** Active members per organisation, for the platform admins' usage figures. */
export const memberCountsByOrganisation = (q: Queryable) =>
  many(q, orgCount, `select m.organisation_id, count(*)::int as n from memberships m join users u on u.id = m.user_id and u.active
    where m.active group by m.organisation_id`)

/**
 * The active members (active membership, active account) of these organisations, as a subquery
 * of (organisation_id, user_id) rows another feature counts against in one statement (the sector
 * benchmark's acknowledgement rate): no names or addresses leave this feature.
 */
export const activeMembersSubquery = (organisationIds: readonly string[]) =>
  (param: (value: unknown) => string): string =>
    `select m.organisation_id, m.user_id from memberships m join users u on u.id = m.user_id and u.active
      where m.active and m.organisation_id = any(${param(organisationIds)}::uuid[])`

/** Active members, and how many of them are in a set (a subquery of the caller's own tables): two counts, no names (the dashboard). */
export async function countInSet(q: Queryable, organisationId: string, inSet: UserIdSubquery) {
  const params: unknown[] = [organisationId]
  const param = (value: unknown) => `$${params.push(value)}`
  const set = inSet(param)
  return one(q, z.object({ total: col.int, in_set: col.int }),
    `select count(*)::int as total, (count(*) filter (where m.user_id in (${set})))::int as in_set
     from memberships m
     where m.organisation_id = $1 and m.active and m.user_id not in (select id from users where not active)`, params)
}
