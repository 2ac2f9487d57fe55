import { randomInt } from 'node:crypto'
import { z } from 'zod'
import { auditTrail, recordAudit } from '../../platform/audit.ts'
import { can, isRole, ROLES, type Role } from '../../platform/auth/permissions.ts'
import { type CurrentUser, insertUser } from '../../platform/auth/store.ts'
import type { Db, Queryable } from '../../platform/db/db.ts'
import { forbidden, notFound } from '../../platform/http/errors.ts'

/** A person's membership of the organisation, as the people pages show it. */
export interface Person {
  id: string
  name: string
  email: string
  roles: Role[]
  active: boolean
  createdAt: Date
}

export const MIN_PASSWORD_LENGTH = 12

/** Roles ticked on a form: at least one, known ones only, kept in ROLES order without repeats. */
const roles = z
  .array(z.enum(ROLES, { error: 'people.errors.roles' }), { error: 'people.errors.roles' })
  .min(1, 'people.errors.roles')
  .transform((rs) => ROLES.filter((r) => rs.includes(r)))

/** A person an admin adds. No password means one is generated and shown once. */
export const newPersonInput = z.object({
  name: z.string({ error: 'people.errors.name' }).trim().min(1, 'people.errors.name').max(200, 'people.errors.tooLong'),
  email: z
    .string({ error: 'people.errors.email' })
    .trim()
    .toLowerCase()
    .min(1, 'people.errors.email')
    .max(320, 'people.errors.tooLong')
    .pipe(z.email({ error: 'people.errors.emailFormat' })),
  roles,
  password: z
    .string({ error: 'people.errors.passwordShort' })
    .min(MIN_PASSWORD_LENGTH, 'people.errors.passwordShort')
    .max(1000, 'people.errors.tooLong')
    .optional(),
})
export type NewPersonInput = z.output<typeof newPersonInput>

export const rolesInput = z.object({ roles })

/** The email address belongs to an existing account (in this or any organisation). */
export class EmailTakenError extends Error {
  constructor() {
    super('email taken')
  }
}

/** An admin may not do this to their own account; `reason` is a message key. */
export class SelfChangeRefused extends Error {
  constructor(readonly reason: string) {
    super(reason)
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Letters and digits that cannot be mistaken for each other when read aloud or copied. */
const PASSWORD_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'

/** A random password of four groups of five (about 99 bits), easy to read out and type. */
export function generatePassword(): string {
  const group = () => Array.from({ length: 5 }, () => PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)]).join('')
  return [group(), group(), group(), group()].join('-')
}

interface PersonRow {
  id: string
  name: string
  email: string
  roles: string[]
  active: boolean
  created_at: Date
}

const PERSON_COLUMNS = 'u.id, u.name, u.email, m.roles, u.active, u.created_at'

function toPerson(r: PersonRow): Person {
  return { id: r.id, name: r.name, email: r.email, roles: ROLES.filter((role) => r.roles.includes(role)), active: r.active, createdAt: r.created_at }
}

async function findPerson(q: Queryable, organisationId: string, id: string): Promise<Person | null> {
  if (!UUID.test(id)) return null
  const rows = await q.query<PersonRow>(
    `select ${PERSON_COLUMNS} from users u join memberships m on m.user_id = u.id
     where m.organisation_id = $1 and u.id = $2`,
    [organisationId, id],
  )
  return rows[0] ? toPerson(rows[0]) : null
}

/**
 * Every change to people takes the organisation's membership rows for update first, so two
 * admins acting at once are serialised, then checks the actor is still an active admin. With
 * the rule that admins cannot demote or deactivate themselves, an organisation always keeps
 * at least one admin.
 */
async function lockAsAdmin(tx: Queryable, user: CurrentUser): Promise<void> {
  await tx.query('select user_id from memberships where organisation_id = $1 for update', [user.organisationId])
  const [me] = await tx.query<{ roles: string[] }>(
    `select m.roles from memberships m join users u on u.id = m.user_id and u.active
     where m.organisation_id = $1 and m.user_id = $2`,
    [user.organisationId, user.id],
  )
  if (!me || !can(me.roles.filter(isRole), 'people:manage')) throw forbidden()
}

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: unknown })?.code === '23505'
}

/** People and roles in an organisation (administered by the organisation's admins). */
export function createPeopleService(db: Db) {
  async function mustFind(q: Queryable, user: CurrentUser, id: string): Promise<Person> {
    const person = await findPerson(q, user.organisationId, id)
    if (!person) throw notFound()
    return person
  }

  async function setActive(user: CurrentUser, id: string, active: boolean): Promise<Person> {
    return db.transaction(async (tx) => {
      await lockAsAdmin(tx, user)
      const person = await mustFind(tx, user, id)
      if (!active && person.id === user.id) throw new SelfChangeRefused('people.errors.deactivateSelf')
      if (person.active === active) return person
      await tx.query('update users set active = $2 where id = $1', [person.id, active])
      // Signed-in sessions end now; API tokens stop working because every request checks u.active.
      if (!active) {
        // End every way in at once: sessions go, and tokens are revoked so reactivation
        // does not quietly bring old tokens back to life.
        await tx.query('delete from sessions where user_id = $1', [person.id])
        await tx.query('update api_tokens set revoked_at = now() where user_id = $1 and revoked_at is null', [person.id])
      }
      await recordAudit(tx, {
        organisationId: user.organisationId, actorId: user.id, entityType: 'user', entityId: person.id,
        action: active ? 'reactivated' : 'deactivated', changes: { active: { from: person.active, to: active } },
      })
      return { ...person, active }
    })
  }

  return {
    async list(user: CurrentUser): Promise<Person[]> {
      const rows = await db.query<PersonRow>(
        `select ${PERSON_COLUMNS} from users u join memberships m on m.user_id = u.id
         where m.organisation_id = $1 order by u.active desc, lower(u.name), u.email`,
        [user.organisationId],
      )
      return rows.map(toPerson)
    },

    get: (user: CurrentUser, id: string) => mustFind(db, user, id),

    /** Adds a person to the admin's organisation; returns them and the password they start with. */
    async add(user: CurrentUser, input: NewPersonInput): Promise<{ person: Person; password: string; generated: boolean }> {
      const generated = input.password === undefined
      const password = input.password ?? generatePassword()
      try {
        const person = await db.transaction(async (tx) => {
          await lockAsAdmin(tx, user)
          const taken = await tx.query('select 1 from users where email = $1', [input.email])
          if (taken.length) throw new EmailTakenError()
          const id = await insertUser(tx, { email: input.email, name: input.name, password, organisationId: user.organisationId, roles: input.roles })
          await recordAudit(tx, {
            organisationId: user.organisationId, actorId: user.id, entityType: 'user', entityId: id, action: 'created',
            changes: {
              name: { from: null, to: input.name },
              email: { from: null, to: input.email },
              roles: { from: null, to: input.roles },
            },
          })
          return mustFind(tx, user, id)
        })
        return { person, password, generated }
      } catch (err) {
        // Two admins adding the same address at once: the unique index decides.
        if (isUniqueViolation(err)) throw new EmailTakenError()
        throw err
      }
    },

    async changeRoles(user: CurrentUser, id: string, roles: Role[]): Promise<Person> {
      return db.transaction(async (tx) => {
        await lockAsAdmin(tx, user)
        const person = await mustFind(tx, user, id)
        if (person.id === user.id && !roles.includes('admin')) throw new SelfChangeRefused('people.errors.ownAdminRole')
        if (JSON.stringify(person.roles) === JSON.stringify(roles)) return person
        await tx.query('update memberships set roles = $3 where organisation_id = $1 and user_id = $2', [
          user.organisationId, person.id, roles,
        ])
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
