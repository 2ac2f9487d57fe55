import { z } from 'zod'
import type { SignInThrottle } from '../../config.ts'
import { recordAudit } from '../audit.ts'
import type { Db, Queryable } from '../db/db.ts'
import { col, many, maybeOne, one, run } from '../db/rows.ts'
import { DUMMY_HASH_PROMISE, hashPassword, verifyPassword } from './passwords.ts'
import { isRole, type Role } from './permissions.ts'
import { type AttemptKey, DEFAULT_THROTTLE, forgetFailure, isThrottled, recentFailures, recordFailure } from './throttle.ts'
import { newSecret, sha256 } from './tokens.ts'

/** What an API token may do: read only, or read and change (the person's roles still apply). */
export const TOKEN_SCOPES = ['read', 'read_write'] as const
export type TokenScope = (typeof TOKEN_SCOPES)[number]

/** How long a new API token lasts, in days: chosen when it is made. */
export const TOKEN_LIFETIMES = [30, 90, 365] as const
export type TokenLifetime = (typeof TOKEN_LIFETIMES)[number]

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
  /** Present for API token requests: what the token may do. */
  tokenScope?: TokenScope
  /** Runs the platform for every organisation (platform_admins): organisations, framework packs, moderation. */
  platformAdmin?: boolean
}

/** A browser's "known device" cookie: it signed in to this account before. */
export interface KnownDevice {
  userId: string
  deviceId: string
}

export type SignInResult =
  | { ok: true; userId: string; organisationId: string }
  | { ok: false; reason: 'invalid' | 'throttled' }

export interface ApiToken {
  id: string
  name: string
  scope: TokenScope
  createdAt: Date
  expiresAt: Date
  lastUsedAt: Date | null
  expired: boolean
}

const roles = z.array(z.string()).transform((rs) => rs.filter(isRole))

const principal = z.object({
  id: col.uuid, email: col.text, name: col.text, organisation_id: col.uuid, organisation_name: col.text,
  organisation_slug: col.text, roles, csrf_token: col.text.optional(), scope: z.enum(TOKEN_SCOPES).optional(),
  platform_admin: col.bool,
})

const PRINCIPAL = `u.id, u.email, u.name, o.id as organisation_id, o.name as organisation_name,
  o.slug as organisation_slug, m.roles,
  exists (select 1 from platform_admins pa where pa.user_id = u.id) as platform_admin`

function toUser(row: z.output<typeof principal>, via: 'session' | 'token'): CurrentUser {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    organisationId: row.organisation_id,
    organisationName: row.organisation_name,
    organisationSlug: row.organisation_slug,
    roles: row.roles,
    via,
    ...(row.platform_admin ? { platformAdmin: true } : {}),
    ...(row.csrf_token !== undefined ? { csrfToken: row.csrf_token } : {}),
    ...(row.scope !== undefined ? { tokenScope: row.scope } : {}),
  }
}

/** An account by e-mail, with its first active membership (the organisation a sign-in starts in). */
const account = z.object({ id: col.uuid, password_hash: col.text, organisation_id: col.uuid.nullable() })
const findAccount = (q: Queryable, email: string) => maybeOne(q, account,
  `select u.id, u.password_hash,
     (select m.organisation_id from memberships m join organisations o on o.id = m.organisation_id and o.suspended_at is null
      where m.user_id = u.id and m.active
      order by m.created_at, m.organisation_id limit 1) as organisation_id
   from users u where u.email = $1 and u.active`,
  [email])

const tokenRow = z.object({
  id: col.uuid, name: col.text, scope: z.enum(TOKEN_SCOPES), created_at: col.timestamp, expires_at: col.timestamp,
  last_used_at: col.timestamp.nullable(), expired: col.bool,
}).transform((r): ApiToken => ({
  id: r.id, name: r.name, scope: r.scope, createdAt: r.created_at, expiresAt: r.expires_at, lastUsedAt: r.last_used_at, expired: r.expired,
}))

export const normaliseEmail = (email: string) => email.trim().toLowerCase()

export function createAuthStore(db: Db, opts: { sessionTtlHours: number; signInThrottle?: SignInThrottle }) {
  const policy = opts.signInThrottle ?? DEFAULT_THROTTLE

  /**
   * One password check under the throttle: refused without looking at the password when the
   * account or address has failed too often (unless this browser is a known device of the
   * account); otherwise the attempt is counted as a failure until the password proves right.
   */
  async function checkThrottled(
    email: string, password: string, accountRow: z.output<typeof account> | null, key: AttemptKey, device: KnownDevice | null,
  ): Promise<'ok' | 'wrong' | { throttled: 'account' | 'address' }> {
    const knownDevice = Boolean(accountRow && device && device.userId === accountRow.id)
    const throttled = isThrottled(await recentFailures(db, key, policy.windowMinutes), policy, knownDevice)
    if (throttled) return { throttled }
    const attempt = await recordFailure(db, key, policy.windowMinutes)
    // Spend the same time whether or not the email exists.
    const ok = await verifyPassword(password, accountRow?.password_hash ?? (await DUMMY_HASH_PROMISE))
    if (!ok || !accountRow) return 'wrong'
    await forgetFailure(db, attempt)
    return 'ok'
  }

  return {
    policy,

    /**
     * Checks a sign-in. Failed and throttled attempts are audited as 'sign_in' events, with the
     * account's id when the e-mail address has one; what was typed is never stored (people type
     * passwords into the e-mail box).
     */
    async signIn(input: { email: string; password: string; address: string; device: KnownDevice | null }): Promise<SignInResult> {
      const email = normaliseEmail(input.email)
      const row = await findAccount(db, email)
      const key: AttemptKey = { accountKey: email, address: input.address, deviceId: input.device?.deviceId ?? null }
      const outcome = await checkThrottled(email, input.password, row, key, input.device)
      const audit = (action: string, changes: Record<string, unknown>) => recordAudit(db, {
        organisationId: row?.organisation_id ?? null, actorId: null, entityType: 'sign_in', entityId: row?.id ?? null, action,
        changes: { address: input.address, ...changes },
      })
      if (outcome === 'ok' && row?.organisation_id) return { ok: true, userId: row.id, organisationId: row.organisation_id }
      if (typeof outcome === 'object') {
        await audit('sign_in_throttled', { reason: outcome.throttled })
        return { ok: false, reason: 'throttled' }
      }
      await audit('sign_in_failed', {})
      return { ok: false, reason: 'invalid' }
    },

    /**
     * A signed-in person changes their password: the current one is checked under the sign-in
     * throttle; on success every other session of theirs ends (in every organisation). Audited.
     */
    async changePassword(user: CurrentUser, input: {
      current: string; next: string; keepSessionId: string; address: string; device: KnownDevice | null
    }): Promise<'changed' | 'wrong' | 'throttled'> {
      const row = await maybeOne(db, account.omit({ organisation_id: true }),
        'select id, password_hash from users where id = $1 and active', [user.id])
      const key: AttemptKey = { accountKey: normaliseEmail(user.email), address: input.address, deviceId: input.device?.deviceId ?? null }
      const outcome = await checkThrottled(user.email, input.current, row ? { ...row, organisation_id: null } : null, key, input.device)
      if (outcome !== 'ok') {
        await recordAudit(db, {
          organisationId: user.organisationId, actorId: user.id, entityType: 'user', entityId: user.id,
          action: outcome === 'wrong' ? 'password_change_failed' : 'sign_in_throttled',
          changes: { address: input.address, ...(outcome === 'wrong' ? {} : { reason: outcome.throttled }) },
        })
        return outcome === 'wrong' ? 'wrong' : 'throttled'
      }
      const hash = await hashPassword(input.next)
      await db.transaction(async (tx) => {
        await run(tx, 'update users set password_hash = $2 where id = $1', [user.id, hash])
        const ended = await run(tx, 'delete from sessions where user_id = $1 and id_hash <> $2 returning 1', [user.id, sha256(input.keepSessionId)])
        await recordAudit(tx, {
          organisationId: user.organisationId, actorId: user.id, entityType: 'user', entityId: user.id, action: 'password_changed',
          changes: { otherSessionsEnded: ended },
        })
      })
      return 'changed'
    },

    /** The organisations a person may work in (their active memberships), first-joined first. */
    organisationsOf(userId: string): Promise<{ id: string; name: string }[]> {
      return many(db, z.object({ id: col.uuid, name: col.text }),
        `select o.id, o.name from memberships m join organisations o on o.id = m.organisation_id and o.suspended_at is null
         where m.user_id = $1 and m.active order by m.created_at, o.id`,
        [userId])
    },

    /**
     * Moves a signed-in person to another organisation they belong to: the session ends and a
     * new one (fresh id and CSRF token) starts there. Null when they are not an active member.
     */
    async switchOrganisation(user: CurrentUser, sessionId: string, organisationId: string): Promise<{ sessionId: string } | null> {
      const member = await maybeOne(db, z.object({ ok: col.bool }),
        `select true as ok from memberships m join users u on u.id = m.user_id and u.active
         join organisations o on o.id = m.organisation_id and o.suspended_at is null
         where m.user_id = $1 and m.organisation_id = $2 and m.active`,
        [user.id, organisationId])
      if (!member) return null
      const sid = newSecret()
      await db.transaction(async (tx) => {
        await run(tx, 'delete from sessions where id_hash = $1', [sha256(sessionId)])
        await run(tx,
          `insert into sessions (id_hash, user_id, organisation_id, csrf_token, expires_at)
           values ($1, $2, $3, $4, now() + make_interval(hours => $5))`,
          [sha256(sid), user.id, organisationId, newSecret(), opts.sessionTtlHours])
        await recordAudit(tx, {
          organisationId, actorId: user.id, entityType: 'user', entityId: user.id, action: 'signed_in', changes: { switched: true },
        })
      })
      return { sessionId: sid }
    },

    /**
     * Makes a person a platform admin (who runs the platform for every organisation) or takes it
     * away. Only from the command line and the demo: no page grants it. Audited in their organisation.
     */
    async setPlatformAdmin(userId: string, on: boolean, actorId: string | null = null): Promise<void> {
      await db.transaction(async (tx) => {
        const changed = on
          ? await run(tx, 'insert into platform_admins (user_id) values ($1) on conflict do nothing returning 1', [userId])
          : await run(tx, 'delete from platform_admins where user_id = $1 returning 1', [userId])
        if (!changed) return
        const m = await maybeOne(tx, z.object({ organisation_id: col.uuid }),
          'select organisation_id from memberships where user_id = $1 order by created_at limit 1', [userId])
        await recordAudit(tx, {
          organisationId: m?.organisation_id ?? null, actorId, entityType: 'user', entityId: userId,
          action: on ? 'platform_admin_granted' : 'platform_admin_revoked', changes: { platformAdmin: { from: !on, to: on } },
        })
      })
    },

    /** Starts a session: a fresh random id every login (so a planted id is useless). */
    async createSession(userId: string, organisationId: string): Promise<{ sessionId: string; csrfToken: string }> {
      const sessionId = newSecret()
      const csrfToken = newSecret()
      await run(db,
        `insert into sessions (id_hash, user_id, organisation_id, csrf_token, expires_at)
         values ($1, $2, $3, $4, now() + make_interval(hours => $5))`,
        [sha256(sessionId), userId, organisationId, csrfToken, opts.sessionTtlHours],
      )
      return { sessionId, csrfToken }
    },

    async endSession(sessionId: string): Promise<void> {
      await run(db, 'delete from sessions where id_hash = $1', [sha256(sessionId)])
    },

    /** The user behind a session cookie, only while the session, user and membership are all valid. */
    async userForSession(sessionId: string): Promise<CurrentUser | null> {
      const row = await maybeOne(db, principal,
        `select ${PRINCIPAL}, s.csrf_token
         from sessions s
         join users u on u.id = s.user_id and u.active
         join memberships m on m.user_id = u.id and m.organisation_id = s.organisation_id and m.active
         join organisations o on o.id = s.organisation_id and o.suspended_at is null
         where s.id_hash = $1 and s.expires_at > now()`,
        [sha256(sessionId)],
      )
      return row ? toUser(row, 'session') : null
    },

    /**
     * The user behind an API token, while the token, user and membership are valid; 'expired'
     * for a token that was valid but has passed its expiry (so the API can say so).
     */
    async userForToken(token: string): Promise<CurrentUser | 'expired' | null> {
      const hash = sha256(token)
      const row = await maybeOne(db, principal,
        `update api_tokens t set last_used_at = now()
         from users u, memberships m, organisations o
         where t.token_hash = $1 and t.revoked_at is null and t.expires_at > now()
           and u.id = t.user_id and u.active
           and m.user_id = u.id and m.organisation_id = t.organisation_id and m.active
           and o.id = t.organisation_id and o.suspended_at is null
         returning ${PRINCIPAL}, t.scope`,
        [hash],
      )
      if (row) return toUser(row, 'token')
      const expired = await maybeOne(db, z.object({ expired: col.bool }),
        'select true as expired from api_tokens where token_hash = $1 and revoked_at is null and expires_at <= now()', [hash])
      return expired ? 'expired' : null
    },

    async createApiToken(
      userId: string, organisationId: string, name: string,
      choice: { scope: TokenScope; days: TokenLifetime } = { scope: 'read_write', days: 90 },
    ): Promise<string> {
      const token = newSecret('aigov_')
      await db.transaction(async (tx) => {
        const row = await one(tx, z.object({ id: col.uuid, expires_at: col.timestamp }),
          `insert into api_tokens (user_id, organisation_id, name, token_hash, scope, expires_at)
           values ($1, $2, $3, $4, $5, now() + make_interval(days => $6::int)) returning id, expires_at`,
          [userId, organisationId, name, sha256(token), choice.scope, choice.days],
        )
        await recordAudit(tx, {
          organisationId, actorId: userId, entityType: 'user', entityId: userId, action: 'api_token_created',
          changes: {
            token: { from: null, to: `${name} (${row.id})` },
            scope: { from: null, to: choice.scope },
            expiresAt: { from: null, to: row.expires_at.toISOString() },
          },
        })
      })
      return token
    },

    /** The person's tokens in this organisation that are not revoked (expired ones too, marked). */
    listApiTokens(userId: string, organisationId: string): Promise<ApiToken[]> {
      return many(db, tokenRow,
        `select id, name, scope, created_at, expires_at, last_used_at, expires_at <= now() as expired from api_tokens
         where user_id = $1 and organisation_id = $2 and revoked_at is null order by created_at`,
        [userId, organisationId],
      )
    },

    async revokeApiToken(userId: string, tokenId: string): Promise<boolean> {
      return db.transaction(async (tx) => {
        const row = await maybeOne(tx, z.object({ name: col.text, organisation_id: col.uuid }),
          'update api_tokens set revoked_at = now() where id = $1 and user_id = $2 and revoked_at is null returning name, organisation_id',
          [tokenId, userId],
        )
        if (!row) return false
        await recordAudit(tx, {
          organisationId: row.organisation_id, actorId: userId, entityType: 'user', entityId: userId, action: 'api_token_revoked',
          changes: { token: { from: `${row.name} (${tokenId})`, to: null } },
        })
        return true
      })
    },
  }
}
export type AuthStore = ReturnType<typeof createAuthStore>

/** Creates an account with roles in one organisation (people admin, CLI, demo data). */
export async function insertUser(
  q: Queryable,
  u: { email: string; name: string; password: string; organisationId: string; roles: Role[] },
): Promise<string> {
  const hash = await hashPassword(u.password)
  const row = await one(q, z.object({ id: col.uuid }),
    'insert into users (email, name, password_hash) values ($1, $2, $3) returning id',
    [normaliseEmail(u.email), u.name, hash],
  )
  await run(q, 'insert into memberships (user_id, organisation_id, roles) values ($1, $2, $3)', [row.id, u.organisationId, u.roles])
  return row.id
}
