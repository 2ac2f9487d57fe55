import { recordAudit } from '../audit.ts'
import type { Db, Queryable } from '../db/db.ts'
import { DUMMY_HASH_PROMISE, hashPassword, verifyPassword } from './passwords.ts'
import { isRole, type Role } from './permissions.ts'
import { newSecret, sha256 } from './tokens.ts'

/** The person making a request, in the organisation they are working in. */
export interface CurrentUser {
  id: string
  email: string
  name: string
  organisationId: string
  organisationName: string
  organisationSlug: string
  roles: Role[]
  via: 'session' | 'token'
  /** Present for session logins: the token every form must send back. */
  csrfToken?: string
}

interface PrincipalRow {
  id: string
  email: string
  name: string
  organisation_id: string
  organisation_name: string
  organisation_slug: string
  roles: string[]
  csrf_token?: string
}

const PRINCIPAL = `u.id, u.email, u.name, o.id as organisation_id, o.name as organisation_name,
  o.slug as organisation_slug, m.roles`

function toUser(row: PrincipalRow, via: 'session' | 'token'): CurrentUser {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    organisationId: row.organisation_id,
    organisationName: row.organisation_name,
    organisationSlug: row.organisation_slug,
    roles: row.roles.filter(isRole),
    via,
    csrfToken: row.csrf_token,
  }
}

export function createAuthStore(db: Db, opts: { sessionTtlHours: number }) {
  return {
    /** Checks a password; returns the user's id and first organisation, or null. */
    async checkCredentials(email: string, password: string): Promise<{ userId: string; organisationId: string } | null> {
      const rows = await db.query<{ id: string; password_hash: string; organisation_id: string | null }>(
        `select u.id, u.password_hash,
           (select m.organisation_id from memberships m where m.user_id = u.id order by m.created_at limit 1) as organisation_id
         from users u where u.email = $1 and u.active`,
        [email.trim().toLowerCase()],
      )
      const row = rows[0]
      // Spend the same time whether or not the email exists.
      const ok = await verifyPassword(password, row?.password_hash ?? (await DUMMY_HASH_PROMISE))
      if (!row || !ok || !row.organisation_id) return null
      return { userId: row.id, organisationId: row.organisation_id }
    },

    /** Starts a session: a fresh random id every login (so a planted id is useless). */
    async createSession(userId: string, organisationId: string): Promise<{ sessionId: string; csrfToken: string }> {
      const sessionId = newSecret()
      const csrfToken = newSecret()
      await db.query(
        `insert into sessions (id_hash, user_id, organisation_id, csrf_token, expires_at)
         values ($1, $2, $3, $4, now() + make_interval(hours => $5))`,
        [sha256(sessionId), userId, organisationId, csrfToken, opts.sessionTtlHours],
      )
      return { sessionId, csrfToken }
    },

    async endSession(sessionId: string): Promise<void> {
      await db.query('delete from sessions where id_hash = $1', [sha256(sessionId)])
    },

    /** The user behind a session cookie, only while the session, user and membership are all valid. */
    async userForSession(sessionId: string): Promise<CurrentUser | null> {
      const rows = await db.query<PrincipalRow>(
        `select ${PRINCIPAL}, s.csrf_token
         from sessions s
         join users u on u.id = s.user_id and u.active
         join memberships m on m.user_id = u.id and m.organisation_id = s.organisation_id
         join organisations o on o.id = s.organisation_id
         where s.id_hash = $1 and s.expires_at > now()`,
        [sha256(sessionId)],
      )
      return rows[0] ? toUser(rows[0], 'session') : null
    },

    async userForToken(token: string): Promise<CurrentUser | null> {
      const rows = await db.query<PrincipalRow>(
        `update api_tokens t set last_used_at = now()
         from users u, memberships m, organisations o
         where t.token_hash = $1 and t.revoked_at is null
           and u.id = t.user_id and u.active
           and m.user_id = u.id and m.organisation_id = t.organisation_id
           and o.id = t.organisation_id
         returning ${PRINCIPAL}`,
        [sha256(token)],
      )
      return rows[0] ? toUser(rows[0], 'token') : null
    },

    async createApiToken(userId: string, organisationId: string, name: string): Promise<string> {
      const token = newSecret('aigov_')
      await db.transaction(async (tx) => {
        const [row] = await tx.query<{ id: string }>(
          'insert into api_tokens (user_id, organisation_id, name, token_hash) values ($1, $2, $3, $4) returning id',
          [userId, organisationId, name, sha256(token)],
        )
        await recordAudit(tx, {
          organisationId, actorId: userId, entityType: 'user', entityId: userId, action: 'api_token_created',
          changes: { token: { from: null, to: `${name} (${row!.id})` } },
        })
      })
      return token
    },

    async listApiTokens(userId: string, organisationId: string) {
      return db.query<{ id: string; name: string; created_at: Date; last_used_at: Date | null }>(
        `select id, name, created_at, last_used_at from api_tokens
         where user_id = $1 and organisation_id = $2 and revoked_at is null order by created_at`,
        [userId, organisationId],
      )
    },

    async revokeApiToken(userId: string, tokenId: string): Promise<boolean> {
      return db.transaction(async (tx) => {
        const rows = await tx.query<{ name: string; organisation_id: string }>(
          'update api_tokens set revoked_at = now() where id = $1 and user_id = $2 and revoked_at is null returning name, organisation_id',
          [tokenId, userId],
        )
        if (!rows[0]) return false
        await recordAudit(tx, {
          organisationId: rows[0].organisation_id, actorId: userId, entityType: 'user', entityId: userId, action: 'api_token_revoked',
          changes: { token: { from: `${rows[0].name} (${tokenId})`, to: null } },
        })
        return true
      })
    },
  }
}
export type AuthStore = ReturnType<typeof createAuthStore>

/** Creates a person with roles in one organisation (CLI, demo data, admin pages). */
export async function insertUser(
  q: Queryable,
  u: { email: string; name: string; password: string; organisationId: string; roles: Role[] },
): Promise<string> {
  const hash = await hashPassword(u.password)
  const [row] = await q.query<{ id: string }>(
    `insert into users (email, name, password_hash) values ($1, $2, $3) returning id`,
    [u.email.trim().toLowerCase(), u.name, hash],
  )
  await q.query('insert into memberships (user_id, organisation_id, roles) values ($1, $2, $3)', [
    row!.id,
    u.organisationId,
    u.roles,
  ])
  return row!.id
}
