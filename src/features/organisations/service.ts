import { type AuditEvent, auditTrail, recordAudit } from '../../platform/audit.ts'
import type { CurrentUser } from '../../platform/auth/store.ts'
import type { Db, Queryable } from '../../platform/db/db.ts'
import { can } from '../../platform/auth/permissions.ts'
import { forbidden, notFound } from '../../platform/http/errors.ts'
import {
  DETAIL_FIELDS, type NewOrganisationInput, type Organisation, type OrganisationDetails, type PlatformOrganisationInput, type PolicySettings,
} from './model.ts'
import * as repo from './repository.ts'

/** The organisation already exists (its slug is taken). */
export class OrganisationExists extends Error {
  constructor(readonly slug: string) {
    super(`An organisation with the slug "${slug}" already exists`)
  }
}

/** Another organisation already has this official identifier. */
export class IdentifierTaken extends Error {
  constructor(readonly identifier: string) {
    super(`Another organisation has the identifier "${identifier}"`)
  }
}

const requirePlatformAdmin = (user: CurrentUser) => {
  if (user.platformAdmin !== true) throw forbidden()
}

export function createOrganisationService(db: Db) {
  /** Writes the changed settings and one audit event naming each field's from → to (none when nothing changed). */
  async function saveSettings(user: CurrentUser, apply: (tx: Queryable) => Promise<Organisation | null>, fields: readonly (keyof Organisation)[]) {
    if (!can(user.roles, 'organisation:manage')) throw forbidden()
    return db.transaction(async (tx) => {
      const before = await repo.findById(tx, user.organisationId)
      if (!before) throw notFound()
      const after = await apply(tx)
      if (!after) throw notFound()
      const changes: Record<string, { from: unknown; to: unknown }> = {}
      for (const k of fields) if (before[k] !== after[k]) changes[k] = { from: before[k], to: after[k] }
      if (Object.keys(changes).length) {
        await recordAudit(tx, {
          organisationId: user.organisationId, actorId: user.id, entityType: 'organisation', entityId: user.organisationId,
          action: 'settings_changed', changes,
        })
      }
      return after
    })
  }

  return {
    /** The organisation by id; `q` lets another feature read it inside its own transaction. */
    async get(id: string, q: Queryable = db): Promise<Organisation> {
      const org = await repo.findById(q, id)
      if (!org) throw notFound()
      return org
    },
    bySlug: (slug: string, q: Queryable = db): Promise<Organisation | null> => repo.findBySlug(q, slug),
    list: (): Promise<Organisation[]> => repo.listAll(db),
    count: (): Promise<number> => repo.count(db),

    async create(input: NewOrganisationInput): Promise<Organisation> {
      return db.transaction(async (tx) => {
        if (await repo.findBySlug(tx, input.slug)) throw new OrganisationExists(input.slug)
        return repo.insert(tx, input)
      })
    },

    /**
     * The organisation an import names, made if it is missing (inside the importer's transaction):
     * the first of `slugBase`, `slugBase-2`, … that is free or already holds this body (the same
     * name and region). A new one gets the name, type, region and contact e-mail given; audited.
     */
    async ensureForImport(tx: Queryable, input: {
      name: string; slugBase: string; organisationType: string | null; region: string | null; contactEmail: string | null; actorId: string | null
    }): Promise<{ organisation: Organisation; created: boolean }> {
      const base = input.slugBase.slice(0, 59).replace(/-+$/, '')
      for (let n = 1; n < 1000; n++) {
        const slug = n === 1 ? input.slugBase : `${base}-${n}`
        const found = await repo.findBySlug(tx, slug)
        if (found && found.name === input.name && found.region === input.region) return { organisation: found, created: false }
        if (found) continue
        const made = await repo.insert(tx, { slug, name: input.name, contactEmail: input.contactEmail, websiteUrl: null, region: input.region })
        const organisation = (await repo.setDetails(tx, made.id, {
          name: made.name, organisationType: input.organisationType, nation: null, region: made.region, contactEmail: made.contactEmail,
          websiteUrl: null, siro: null, dpoContact: null, aiLead: null, aiLeadEmail: null, boardName: null, policyApprovers: made.policyApprovers,
        }))!
        await recordAudit(tx, {
          organisationId: made.id, actorId: input.actorId, entityType: 'organisation', entityId: made.id, action: 'created_by_import',
          changes: { name: { from: null, to: made.name }, organisationType: { from: null, to: input.organisationType } },
        })
        return { organisation, created: true }
      }
      throw new OrganisationExists(input.slugBase)
    },

    /**
     * A platform admin adds an organisation with its type, nation, region and official identifier
     * (refused when the slug or the identifier is taken); audited in the new organisation's trail.
     */
    async createByPlatformAdmin(admin: CurrentUser, input: PlatformOrganisationInput): Promise<Organisation> {
      requirePlatformAdmin(admin)
      // Two admins adding the same slug or identifier at once: the unique index refuses the second.
      const taken = (err: unknown) => {
        const e = err as { code?: unknown; constraint?: unknown; message?: unknown }
        if (e?.code !== '23505') return err
        return String(e.constraint ?? e.message).includes('official_identifier')
          ? new IdentifierTaken(input.officialIdentifier ?? '') : new OrganisationExists(input.slug)
      }
      return db.transaction(async (tx) => {
        if (await repo.findBySlug(tx, input.slug)) throw new OrganisationExists(input.slug)
        if (input.officialIdentifier && await repo.findByOfficialIdentifier(tx, input.officialIdentifier)) throw new IdentifierTaken(input.officialIdentifier)
        const made = await repo.insert(tx, { slug: input.slug, name: input.name, contactEmail: input.contactEmail, websiteUrl: null, region: input.region })
        const org = (await repo.setPlatformDetails(tx, made.id, input))!
        await recordAudit(tx, {
          organisationId: org.id, actorId: admin.id, entityType: 'organisation', entityId: org.id, action: 'created_by_platform_admin',
          changes: Object.fromEntries(Object.entries(input).filter(([, v]) => v !== null).map(([k, v]) => [k, { from: null, to: v }])),
        })
        return org
      }).catch((err: unknown) => {
        throw taken(err)
      })
    },

    /**
     * A platform admin suspends an organisation (reason given) or reinstates it (null). While
     * suspended its people cannot sign in, sessions and API tokens stop working; nothing is deleted.
     */
    async setSuspension(admin: CurrentUser, organisationId: string, reason: string | null): Promise<Organisation> {
      requirePlatformAdmin(admin)
      return db.transaction(async (tx) => {
        const before = await repo.findById(tx, organisationId)
        if (!before) throw notFound()
        if ((before.suspendedAt !== null) === (reason !== null) && before.suspendedReason === reason) return before
        const after = (await repo.setSuspension(tx, organisationId, reason))!
        await recordAudit(tx, {
          organisationId, actorId: admin.id, entityType: 'organisation', entityId: organisationId,
          action: reason === null ? 'reinstated' : 'suspended', changes: { suspendedReason: { from: before.suspendedReason, to: reason } },
        })
        return after
      })
    },

    /** Of these organisations, those not suspended of this type and nation (null: any): ids only (the sector benchmark). */
    idsMatching: (ids: readonly string[], f: { organisationType: string | null; nation: string | null }, q: Queryable = db) =>
      repo.idsMatching(q, ids, f),
    /** The organisation types at least `min` of these organisations have recorded (the benchmark's filter; no names). */
    typesAmong: (ids: readonly string[], min: number, q: Queryable = db) => repo.typesAmong(q, ids, min),
    /** The suspended organisations: what they shared with other councils is not shown while they are. */
    suspendedIds: async (q: Queryable = db): Promise<Set<string>> => new Set(await repo.suspendedIds(q)),
    /** Every organisation not suspended (the reminder runs go to these). */
    activeList: async (): Promise<Organisation[]> => (await repo.listAll(db)).filter((o) => o.suspendedAt === null),
    /** The type and nation of each of these organisations (not the suspended): how the benchmark groups them. */
    facetsOf: async (ids: readonly string[], q: Queryable = db): Promise<{ id: string; organisationType: string | null; nation: string | null }[]> =>
      (await repo.facetsOf(q, ids)).map((r) => ({ id: r.id, organisationType: r.organisation_type, nation: r.nation })),

    /** Changes to the organisation's settings, newest first. */
    history: (user: CurrentUser): Promise<AuditEvent[]> => auditTrail(db, user.organisationId, 'organisation', user.organisationId),

    /** An admin edits the organisation's details, the people its policies name and who approves them; audited. */
    setDetails: (user: CurrentUser, details: OrganisationDetails): Promise<Organisation> =>
      saveSettings(user, (tx) => repo.setDetails(tx, user.organisationId, details), DETAIL_FIELDS),

    /** The placeholders policies are filled from and who approves policies (the policies feature's own settings form). */
    setPolicySettings: (user: CurrentUser, settings: PolicySettings): Promise<Organisation> =>
      saveSettings(user, (tx) => repo.setPolicySettings(tx, user.organisationId, settings), ['siro', 'dpoContact', 'aiLead', 'boardName', 'policyApprovers']),

    /** An admin turns separation of duties on or off for their organisation; audited. */
    async setSeparationOfDuties(user: CurrentUser, on: boolean): Promise<Organisation> {
      if (!can(user.roles, 'organisation:manage')) throw forbidden()
      return db.transaction(async (tx) => {
        const before = await repo.findById(tx, user.organisationId)
        if (!before) throw notFound()
        const after = await repo.setSeparationOfDuties(tx, user.organisationId, on)
        if (before.separationOfDuties !== on) {
          await recordAudit(tx, {
            organisationId: user.organisationId, actorId: user.id, entityType: 'organisation', entityId: user.organisationId,
            action: 'settings_changed', changes: { separationOfDuties: { from: before.separationOfDuties, to: on } },
          })
        }
        return after!
      })
    },
  }
}
export type OrganisationService = ReturnType<typeof createOrganisationService>
