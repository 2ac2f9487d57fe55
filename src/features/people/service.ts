import { randomInt } from 'node:crypto'
import { auditTrail, recordAudit } from '../../platform/audit.ts'
import { can, type Role } from '../../platform/auth/permissions.ts'
import { type CurrentUser, insertUser, normaliseEmail } from '../../platform/auth/store.ts'
import type { Db, Queryable } from '../../platform/db/db.ts'
import { forbidden, notFound } from '../../platform/http/errors.ts'
import { isUuid } from '../../platform/validation.ts'
import { AlreadyMemberError, type NewPersonInput, type Person, SelfChangeRefused } from './model.ts'
import * as repo from './repository.ts'

export { AlreadyMemberError, MIN_PASSWORD_LENGTH, newPersonInput, type NewPersonInput, type Person, rolesInput, SelfChangeRefused } from './model.ts'

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
    await repo.insertMembership(tx, id, input.organisationId, input.roles)
  } else {
    id = await insertUser(tx, { email, name: input.name, password: input.password, organisationId: input.organisationId, roles: input.roles })
  }
  await recordAudit(tx, {
    organisationId: input.organisationId, actorId, entityType: 'user', entityId: id,
    action: existing ? 'membership_added' : 'created',
    changes: existing
      ? { roles: { from: null, to: input.roles } }
      : { name: { from: null, to: input.name }, email: { from: null, to: email }, roles: { from: null, to: input.roles } },
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

/** People and roles in an organisation (administered by the organisation's admins). */
export function createPeopleService(db: Db) {
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

    deactivate: (user: CurrentUser, id: string) => setActive(user, id, false),
    reactivate: (user: CurrentUser, id: string) => setActive(user, id, true),

    audit: (user: CurrentUser, id: string) => auditTrail(db, user.organisationId, 'user', id),
  }
}
export type PeopleService = ReturnType<typeof createPeopleService>
