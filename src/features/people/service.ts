import { randomBytes, randomInt } from 'node:crypto'
import { auditTrail, recordAudit, recordAudits } from '../../platform/audit.ts'
import { hashPassword } from '../../platform/auth/passwords.ts'
import { can, type Role } from '../../platform/auth/permissions.ts'
import { type CurrentUser, insertUser, normaliseEmail } from '../../platform/auth/store.ts'
import { sha256 } from '../../platform/auth/tokens.ts'
import type { Db, Queryable, Tx } from '../../platform/db/db.ts'
import { forbidden, notFound } from '../../platform/http/errors.ts'
import { t } from '../../platform/i18n/i18n.ts'
import { queueMails } from '../../platform/mail/index.ts'
import { isUuid } from '../../platform/validation.ts'
import { AlreadyMemberError, type NewPersonInput, type Person, SelfChangeRefused } from './model.ts'
import * as repo from './repository.ts'
import type { StaffRow } from './staffCsv.ts'

export { AlreadyMemberError, MIN_PASSWORD_LENGTH, newPersonInput, type NewPersonInput, type Person, rolesInput, SelfChangeRefused } from './model.ts'
export type { UserIdSubquery } from './repository.ts'

/** How long links last: an invitation a week, a password reset an hour. */
export const INVITATION_HOURS = 7 * 24
export const RESET_HOURS = 1

/** Requests for a link allowed per address typed, and per client address, in the window. */
export interface LinkThrottle {
  maxPerEmail: number
  maxPerAddress: number
  windowMinutes: number
}
export const DEFAULT_LINK_THROTTLE: LinkThrottle = { maxPerEmail: 3, maxPerAddress: 20, windowMinutes: 60 }

/** Rows per statement when a file's people are written. */
const BATCH = 1000

/** What an import did, person by person counted. */
export interface ImportSummary {
  added: number
  changed: number
  unchanged: number
}

/** The person is not waiting for an invitation (they have set a password): nothing to re-send. */
export class NotPendingError extends Error {
  constructor() {
    super('not pending')
  }
}

/**
 * A stored hash no password matches: a random key under random salt, in the format the sign-in
 * check reads, so it costs the same time to refuse as a real one (no hint the account exists)
 * and nothing is hashed per imported person.
 */
function unusablePasswordHash(): string {
  return ['scrypt', 2 ** 15, 8, 1, randomBytes(16).toString('base64url'), randomBytes(32).toString('base64url')].join('$')
}

/** A link token: 64 hex characters (a path segment the input boundary accepts); only its hash is stored. */
const newLinkToken = () => randomBytes(32).toString('hex')

function chunks<T>(items: T[], size = BATCH): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/** Letters and digits that cannot be mistaken for each other when read aloud or copied. */
const PASSWORD_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'

/** A random password of four groups of five (about 99 bits), easy to read out and type. */
export function generatePassword(): string {
  const group = () => Array.from({ length: 5 }, () => PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)]).join('')
  return [group(), group(), group(), group()].join('-')
}

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: unknown })?.code === '23505'
}

/**
 * Every change to people takes the organisation's membership rows for update first, so two
 * admins acting at once are serialised, then checks the actor is still an active admin. With
 * the rule that admins cannot demote or deactivate themselves, an organisation always keeps
 * at least one admin.
 */
async function lockAsAdmin(tx: Queryable, user: CurrentUser): Promise<void> {
  await repo.lockMemberships(tx, user.organisationId)
  const roles = await repo.activeRoles(tx, user.organisationId, user.id)
  if (!roles || !can(roles, 'people:manage')) throw forbidden()
}

/** What adding someone did: a new account (with its first password), or a membership for an existing one. */
export type Added =
  | { person: Person; existingAccount: false; password: string; generated: boolean }
  | { person: Person; existingAccount: true }

interface AccountInput {
  organisationId: string
  email: string
  name: string
  roles: Role[]
  /** Used only when a new account is made; an existing account keeps its own password. */
  password: string
  serviceArea?: string | null
}

/**
 * A new account, or a membership of this organisation for the account that already has the
 * address (people who work for two councils keep one sign-in). Nothing about the account's
 * other organisations is read or returned.
 */
async function addToOrganisation(tx: Queryable, actorId: string | null, input: AccountInput): Promise<{ id: string; existingAccount: boolean }> {
  const email = normaliseEmail(input.email)
  const existing = await repo.findAccountByEmail(tx, email, input.organisationId)
  if (existing?.member) throw new AlreadyMemberError()
  let id: string
  if (existing) {
    id = existing.id
    await repo.insertMembership(tx, id, input.organisationId, input.roles, input.serviceArea ?? null)
  } else {
    id = await insertUser(tx, { email, name: input.name, password: input.password, organisationId: input.organisationId, roles: input.roles })
    if (input.serviceArea) await repo.setServiceArea(tx, input.organisationId, id, input.serviceArea)
  }
  await recordAudit(tx, {
    organisationId: input.organisationId, actorId, entityType: 'user', entityId: id,
    action: existing ? 'membership_added' : 'created',
    changes: {
      ...(existing ? {} : { name: { from: null, to: input.name }, email: { from: null, to: email } }),
      roles: { from: null, to: input.roles },
      ...(input.serviceArea ? { serviceArea: { from: null, to: input.serviceArea } } : {}),
    },
  })
  return { id, existingAccount: Boolean(existing) }
}

/** Runs `add` again once if two admins added the same new address at the same moment. */
async function retryingOnRace<T>(add: () => Promise<T>): Promise<T> {
  try {
    return await add()
  } catch (err) {
    // The loser of the race on the unique e-mail index tries again, and now finds the account.
    if (!isUniqueViolation(err)) throw err
    try {
      return await add()
    } catch (again) {
      if (isUniqueViolation(again)) throw new AlreadyMemberError()
      throw again
    }
  }
}

/** The e-mail that carries a link: subject and text through t(). */
function linkMail(purpose: repo.LinkPurpose, vars: { name: string; org: string; link: string; hours: number }) {
  const prefix = purpose === 'invitation' ? 'links.mail.invitation' : 'links.mail.reset'
  const days = Math.round(vars.hours / 24)
  return {
    // One line whatever the organisation's name holds: a subject with a line break is refused by the outbox.
    subject: t(`${prefix}.subject`, { org: vars.org }).replace(/[\p{Cc}\u2028\u2029]+/gu, ' '),
    text: t(`${prefix}.text`, { ...vars, days }),
  }
}

/** People and roles in an organisation (administered by the organisation's admins). */
export function createPeopleService(db: Db, opts: { baseUrl?: string; linkThrottle?: LinkThrottle } = {}) {
  const baseUrl = (opts.baseUrl ?? 'http://localhost:3000').replace(/\/+$/, '')
  const throttle = opts.linkThrottle ?? DEFAULT_LINK_THROTTLE
  const linkUrl = (token: string) => `${baseUrl}/account/link/${token}`

  /**
   * New links for these people (in the caller's transaction), each e-mailed through the outbox:
   * the message exists only if the action commits, and carries the only copy of the token.
   */
  async function sendLinks(
    tx: Tx, organisation: { id: string; name: string }, purpose: repo.LinkPurpose,
    people: { id: string; name: string; email: string }[],
  ): Promise<void> {
    const hours = purpose === 'invitation' ? INVITATION_HOURS : RESET_HOURS
    for (const batch of chunks(people)) {
      const tokens = batch.map(() => newLinkToken())
      await repo.insertLinks(tx, organisation.id, purpose, hours, batch.map((p, i) => ({ userId: p.id, tokenHash: sha256(tokens[i]!) })))
      await queueMails(tx, batch.map((p, i) => ({
        organisationId: organisation.id, to: p.email, kind: purpose,
        ...linkMail(purpose, { name: p.name, org: organisation.name, link: linkUrl(tokens[i]!), hours }),
      })))
    }
  }

  /**
   * Imports a checked staff file into the organisation in ONE transaction: new addresses get an
   * account with no usable password and an invitation; accounts from elsewhere get a membership;
   * members whose name or service area differs are updated; the rest are left alone (their roles
   * are never changed by a file). Audited per person and for the import as a whole.
   */
  async function importStaff(
    actor: CurrentUser | null, organisation: { id: string; name: string }, rows: StaffRow[], source: string,
  ): Promise<ImportSummary> {
    return db.transaction(async (tx) => {
      if (actor) await lockAsAdmin(tx, actor)
      else await repo.lockMemberships(tx, organisation.id)
      const summary: ImportSummary = { added: 0, changed: 0, unchanged: 0 }
      const event = (id: string, action: string, changes: Record<string, unknown>) => ({
        organisationId: organisation.id, actorId: actor?.id ?? null, entityType: 'user', entityId: id, action, changes,
      })
      // A batch at a time, start to finish, so what is held besides the file's rows is one batch.
      for (const batch of chunks(rows)) {
        const known = new Map((await repo.knownAccounts(tx, organisation.id, batch.map((r) => r.email))).map((k) => [k.email, k]))
        const fresh = batch.filter((r) => !known.has(r.email))
        const joining = batch.filter((r) => known.get(r.email)?.member === false)
        const renamed: { id: string; name: string }[] = []
        const moved: { id: string; serviceArea: string | null }[] = []
        const changes: { id: string; changes: Record<string, { from: unknown; to: unknown }> }[] = []
        for (const row of batch) {
          const k = known.get(row.email)
          if (!k?.member) continue
          const changed: Record<string, { from: unknown; to: unknown }> = {}
          if (k.name !== row.name) {
            renamed.push({ id: k.id, name: row.name })
            changed.name = { from: k.name, to: row.name }
          }
          if (k.serviceArea !== row.serviceArea) {
            moved.push({ id: k.id, serviceArea: row.serviceArea })
            changed.serviceArea = { from: k.serviceArea, to: row.serviceArea }
          }
          if (Object.keys(changed).length) changes.push({ id: k.id, changes: changed })
          else summary.unchanged++
        }

        // New addresses: accounts no password opens, memberships, and an invitation each.
        const ids = new Map(fresh.length
          ? (await repo.insertUsers(tx, fresh.map((r) => ({ email: r.email, name: r.name, passwordHash: unusablePasswordHash() })))).map((u) => [u.email, u.id])
          : [])
        const members = [
          ...fresh.map((r) => ({ row: r, userId: ids.get(r.email)! })),
          ...joining.map((r) => ({ row: r, userId: known.get(r.email)!.id })),
        ]
        if (members.length) {
          await repo.insertMemberships(tx, organisation.id, members.map((m) => ({
            userId: m.userId, roles: m.row.roles ?? (['staff'] as Role[]), serviceArea: m.row.serviceArea,
          })))
        }
        if (fresh.length) await repo.markPending(tx, fresh.map((r) => ids.get(r.email)!))
        if (renamed.length) await repo.updateNames(tx, renamed)
        if (moved.length) await repo.updateServiceAreas(tx, organisation.id, moved)
        await sendLinks(tx, organisation, 'invitation', fresh.map((r) => ({ id: ids.get(r.email)!, name: r.name, email: r.email })))

        await recordAudits(tx, [...members.map((m) => {
          const isNew = ids.has(m.row.email)
          return event(m.userId, isNew ? 'imported' : 'membership_added', {
            ...(isNew ? { name: { from: null, to: m.row.name }, email: { from: null, to: m.row.email } } : {}),
            roles: { from: null, to: m.row.roles ?? ['staff'] },
            serviceArea: { from: null, to: m.row.serviceArea },
          })
        }), ...changes.map((c) => event(c.id, 'import_changed', c.changes))])
        summary.added += members.length
        summary.changed += changes.length
      }
      await recordAudit(tx, {
        organisationId: organisation.id, actorId: actor?.id ?? null, entityType: 'staff_import', entityId: null, action: 'imported',
        changes: { source: source.slice(0, 200), rows: rows.length, ...summary },
      })
      return summary
    })
  }

  async function mustFind(q: Queryable, user: CurrentUser, id: string): Promise<Person> {
    const person = isUuid(id) ? await repo.findPerson(q, user.organisationId, id) : null
    if (!person) throw notFound()
    return person
  }

  async function setActive(user: CurrentUser, id: string, active: boolean): Promise<Person> {
    return db.transaction(async (tx) => {
      await lockAsAdmin(tx, user)
      const person = await mustFind(tx, user, id)
      if (!active && person.id === user.id) throw new SelfChangeRefused('people.errors.deactivateSelf')
      if (person.active === active) return person
      await repo.setMembershipActive(tx, user.organisationId, person.id, active)
      // Signed-in sessions end now, and every request re-checks the membership.
      if (!active) await repo.endAccess(tx, user.organisationId, person.id)
      await recordAudit(tx, {
        organisationId: user.organisationId, actorId: user.id, entityType: 'user', entityId: person.id,
        action: active ? 'reactivated' : 'deactivated', changes: { active: { from: person.active, to: active } },
      })
      return { ...person, active }
    })
  }

  return {
    list: (user: CurrentUser): Promise<Person[]> => repo.listPeople(db, user.organisationId),
    /** Active members per organisation id (platform administration's usage figures: counts only). */
    memberCountsByOrganisation: async (): Promise<Map<string, number>> =>
      new Map((await repo.memberCountsByOrganisation(db)).map((r) => [r.organisation_id, r.n])),

    get: (user: CurrentUser, id: string) => mustFind(db, user, id),

    /**
     * Adds a person to the admin's organisation. A new address gets an account and the password
     * it starts with; an address that already has an account gets a membership here and keeps
     * its own password. Someone already in this organisation is refused (AlreadyMemberError).
     */
    async add(user: CurrentUser, input: NewPersonInput): Promise<Added> {
      const generated = input.password === undefined
      const password = input.password ?? generatePassword()
      const { person, existingAccount } = await retryingOnRace(() => db.transaction(async (tx) => {
        await lockAsAdmin(tx, user)
        const added = await addToOrganisation(tx, user.id, { organisationId: user.organisationId, ...input, password })
        return { person: await mustFind(tx, user, added.id), existingAccount: added.existingAccount }
      }))
      return existingAccount ? { person, existingAccount } : { person, existingAccount, password, generated }
    },

    /**
     * Creates an account, or adds an existing account to the organisation, with no admin acting
     * (the command line and demo data). Audited with no actor.
     */
    createAccount: (input: AccountInput): Promise<{ id: string; existingAccount: boolean }> =>
      retryingOnRace(() => db.transaction((tx) => addToOrganisation(tx, null, input))),

    async changeRoles(user: CurrentUser, id: string, roles: Role[]): Promise<Person> {
      return db.transaction(async (tx) => {
        await lockAsAdmin(tx, user)
        const person = await mustFind(tx, user, id)
        if (person.id === user.id && !roles.includes('admin')) throw new SelfChangeRefused('people.errors.ownAdminRole')
        if (JSON.stringify(person.roles) === JSON.stringify(roles)) return person
        await repo.updateRoles(tx, user.organisationId, person.id, roles)
        await recordAudit(tx, {
          organisationId: user.organisationId, actorId: user.id, entityType: 'user', entityId: person.id,
          action: 'roles_changed', changes: { roles: { from: person.roles, to: roles } },
        })
        return { ...person, roles }
      })
    },

    /** Sets (or clears) a member's service area in this organisation. Audited. */
    async changeServiceArea(user: CurrentUser, id: string, serviceArea: string | null): Promise<Person> {
      return db.transaction(async (tx) => {
        await lockAsAdmin(tx, user)
        const person = await mustFind(tx, user, id)
        if (person.serviceArea === serviceArea) return person
        await repo.setServiceArea(tx, user.organisationId, person.id, serviceArea)
        await recordAudit(tx, {
          organisationId: user.organisationId, actorId: user.id, entityType: 'user', entityId: person.id,
          action: 'service_area_changed', changes: { serviceArea: { from: person.serviceArea, to: serviceArea } },
        })
        return { ...person, serviceArea }
      })
    },

    /** The web import: an admin of the organisation, the file already checked. */
    importStaff: (user: CurrentUser, rows: StaffRow[], source: string) =>
      importStaff(user, { id: user.organisationId, name: user.organisationName }, rows, source),

    /** The command line's import: no admin acting (audited with no actor). */
    importStaffAsSystem: (organisation: { id: string; name: string }, rows: StaffRow[], source: string) =>
      importStaff(null, organisation, rows, source),

    /**
     * A fresh invitation for someone who has not set a password yet (older links stop working).
     * NotPendingError for someone who has: they use "Forgotten your password?" instead.
     */
    async resendInvitation(user: CurrentUser, id: string): Promise<Person> {
      return db.transaction(async (tx) => {
        await lockAsAdmin(tx, user)
        const person = await mustFind(tx, user, id)
        if (!person.invitationPending || !person.active) throw new NotPendingError()
        await repo.useUpLinks(tx, person.id)
        await sendLinks(tx, { id: user.organisationId, name: user.organisationName }, 'invitation', [person])
        await recordAudit(tx, {
          organisationId: user.organisationId, actorId: user.id, entityType: 'user', entityId: person.id, action: 'invitation_sent',
        })
        return person
      })
    },

    /** Whether a link's token can still be used, and what for (the link page's first question). */
    async usableLink(token: string): Promise<{ purpose: repo.LinkPurpose; name: string; email: string } | null> {
      const link = await repo.usableLink(db, sha256(token))
      return link ? { purpose: link.purpose, name: link.name, email: link.email } : null
    },

    /**
     * Sets the password from a link, once: the link (and every other link of the account) is used
     * up, every session of the account ends. Returns who to sign in, or null when the link can no
     * longer be used (used, expired, or the person was deactivated meanwhile).
     */
    async setPasswordFromLink(token: string, password: string): Promise<{ userId: string; organisationId: string } | null> {
      const tokenHash = sha256(token)
      if (!(await repo.usableLink(db, tokenHash))) return null
      const hash = await hashPassword(password)
      return db.transaction(async (tx) => {
        // Checked again, locked, inside the transaction: two tabs posting the same link cannot both use it.
        const link = await repo.usableLink(tx, tokenHash, true)
        if (!link) return null
        await repo.setPasswordHash(tx, link.user_id, hash)
        await repo.useUpLinks(tx, link.user_id)
        const ended = await repo.endAllSessions(tx, link.user_id)
        await recordAudit(tx, {
          organisationId: link.organisation_id, actorId: link.user_id, entityType: 'user', entityId: link.user_id,
          action: link.purpose === 'invitation' ? 'invitation_accepted' : 'password_reset', changes: { sessionsEnded: ended },
        })
        return { userId: link.user_id, organisationId: link.organisation_id }
      })
    },

    /**
     * "Forgotten your password?" and "Send me a new link": the same answer whatever the address.
     * An active account gets an e-mail (a fresh invitation if it never set a password, a reset
     * link otherwise), unless the address or the client has asked too often lately.
     */
    async requestLink(email: string, address: string): Promise<void> {
      const key = normaliseEmail(email)
      await db.transaction(async (tx) => {
        const recent = await repo.recentLinkRequests(tx, key, address, throttle.windowMinutes)
        await repo.recordLinkRequest(tx, key, address, throttle.windowMinutes)
        if (recent.email >= throttle.maxPerEmail || recent.address >= throttle.maxPerAddress) return
        const account = await repo.accountForLink(tx, key)
        if (!account) return
        const purpose = account.pending ? 'invitation' : 'password_reset'
        await sendLinks(tx, { id: account.organisation_id, name: account.organisation_name }, purpose, [{ id: account.id, name: account.name, email: key }])
        await recordAudit(tx, {
          organisationId: account.organisation_id, actorId: null, entityType: 'user', entityId: account.id,
          action: purpose === 'invitation' ? 'invitation_requested' : 'password_reset_requested', changes: { address },
        })
      })
    },

    deactivate: (user: CurrentUser, id: string) => setActive(user, id, false),
    reactivate: (user: CurrentUser, id: string) => setActive(user, id, true),

    audit: (user: CurrentUser, id: string) => auditTrail(db, user.organisationId, 'user', id),

    /** The organisation's active members with service area and roles, by name (for other features' counts and e-mail). */
    directory: (q: Queryable, organisationId: string) => repo.directory(q, organisationId),

    /** Active members of these organisations as a subquery of (organisation_id, user_id) (the sector benchmark: counts only). */
    activeMembersSubquery: (organisationIds: readonly string[]) => repo.activeMembersSubquery(organisationIds),

    /** Active members, and how many of them are in a set (a subquery of the caller's own tables): counts only (the dashboard). */
    countInSet: (q: Queryable, organisationId: string, inSet: repo.UserIdSubquery) => repo.countInSet(q, organisationId, inSet),

    /** Active members split by a set (a subquery of the caller's own tables), counted per service area, with a page of those outside it (policy coverage). */
    directorySplit: (q: Queryable, organisationId: string, inSet: repo.UserIdSubquery, page: { area?: string | null; limit: number; offset: number }) =>
      repo.directorySplit(q, organisationId, inSet, page),

    /** Sets a member's service area with no admin acting (demo data, tests). */
    setServiceArea: (organisationId: string, userId: string, serviceArea: string | null) =>
      db.transaction((tx) => repo.setServiceArea(tx, organisationId, userId, serviceArea)),
  }
}
export type PeopleService = ReturnType<typeof createPeopleService>
