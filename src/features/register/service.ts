import { auditTrail, diff, recordAudit } from '../../platform/audit.ts'
import type { CurrentUser } from '../../platform/auth/store.ts'
import type { Db, Queryable } from '../../platform/db/db.ts'
import { notFound } from '../../platform/http/errors.ts'
import { createRegisterExtensions } from './extensions.ts'
import { checkTransition, nextStages } from './lifecycle.ts'
import {
  EDITABLE_FIELDS, type EntryInput, entryInput, type EntryUpdate, type ListFilters, type NewEntryInput, newEntryInput, type RegisterEntry, type RiskTier, type Stage,
} from './model.ts'
import * as repo from './repository.ts'

/** Someone else saved the entry after this edit began; `current` is what is stored now. */
export class StaleEntryError extends Error {
  constructor(readonly current: RegisterEntry) {
    super('stale entry')
  }
}

/** A lifecycle guard said no; `reason` is a message key, `vars` fill it (the actions it names). */
export class TransitionRefused extends Error {
  constructor(readonly reason: string, readonly vars?: Record<string, string | number>) {
    super(reason)
  }
}

type SystemPatch = Partial<Pick<RegisterEntry, 'stage' | 'riskTier' | 'nextReviewDate'>>
const SYSTEM_FIELDS = ['stage', 'riskTier', 'nextReviewDate'] as const

export function createRegisterService(db: Db) {
  const extensions = createRegisterExtensions()
  async function mustFind(q: Queryable, user: CurrentUser, id: string, forUpdate = false) {
    const entry = await repo.findEntry(q, user.organisationId, id, forUpdate)
    if (!entry) throw notFound()
    return entry
  }

  /**
   * A change another feature makes to an entry inside its own transaction (a decision
   * moving the stage, a screening deriving the tier), audited under that feature's action.
   */
  async function applyChange(
    tx: Queryable, user: CurrentUser, entry: RegisterEntry, patch: SystemPatch, action: string,
  ): Promise<RegisterEntry> {
    const changes = diff(entry, patch, SYSTEM_FIELDS)
    if (Object.keys(changes).length === 0) return entry
    const updated = await repo.updateEntry(tx, user.organisationId, entry.id, entry.version, patch)
    if (!updated) throw new StaleEntryError(entry)
    await recordAudit(tx, {
      organisationId: user.organisationId, actorId: user.id, entityType: 'register_entry', entityId: entry.id,
      action, changes,
    })
    return updated
  }

  return {
    /** Where other features plug in: lifecycle facts and entry-page panels. */
    extensions,
    /** Entries per organisation id (platform administration's usage figures: counts only, never an entry). */
    entryCountsByOrganisation: async (): Promise<Map<string, number>> =>
      new Map((await repo.entryCountsByOrganisation(db)).map((r) => [r.organisation_id, r.n])),
    list: (user: CurrentUser, filters: ListFilters) => repo.listEntries(db, user.organisationId, filters),
    serviceAreas: (user: CurrentUser) => repo.serviceAreas(db, user.organisationId),
    get: (user: CurrentUser, id: string) => mustFind(db, user, id),
    /** Finds and locks an entry for another feature's transaction. */
    getForUpdate: (tx: Queryable, user: CurrentUser, id: string) => mustFind(tx, user, id, true),
    applyChange,

    /** Entries in use whose review is due on or before `until` (YYYY-MM-DD), in every organisation: for the reminders run only. */
    reviewsDue: (until: string, q: Queryable = db) => repo.reviewsDue(q, until),
    /** The same for one organisation (the board's and the owner's lists of reviews due). */
    reviewsDueFor: (organisationId: string, until: string, q: Queryable = db) => repo.reviewsDue(q, until, organisationId),

    /** The stage of each of these entries (those the organisation does not have are left out). */
    stagesOf: (organisationId: string, ids: readonly string[], q: Queryable = db) => repo.stagesOf(q, organisationId, ids),

    /** Counts for the organisation dashboard: by stage, risk tier and service area; reviews overdue and due by `soon`. */
    dashboardCounts: (user: CurrentUser, today: string, soon: string, q: Queryable = db) => repo.dashboardCounts(q, user.organisationId, today, soon),
    /** The name of each of these entries (those the organisation does not have are left out). */
    namesOf: (organisationId: string, ids: readonly string[], q: Queryable = db) => repo.namesOf(q, organisationId, ids),
    /** The entries this person proposed, newest change first (their home page). */
    proposedBy: (user: CurrentUser, limit = 20, q: Queryable = db) => repo.proposedBy(q, user.organisationId, user.id, limit),
    /** How many entries are at a stage, and how many of those are in another feature's set of entry ids (a subquery). */
    countAtStageIn: (user: CurrentUser, stage: Stage, inSet: repo.EntryIdSubquery, q: Queryable = db) =>
      repo.countAtStageIn(q, user.organisationId, stage, inSet),

    /**
     * A member of the organisation who may not write to the register asks for a new use: it becomes
     * an idea they proposed (so they are its contact), inside the caller's transaction, audited as
     * "requested". What they may see of it afterwards is the caller's business.
     */
    async createIdeaFromRequest(tx: Queryable, user: CurrentUser, input: EntryInput): Promise<RegisterEntry> {
      const entry = await repo.insertEntry(tx, user.organisationId, user.id, { ...entryInput.parse(input), stage: 'idea' })
      const changes = Object.fromEntries([...EDITABLE_FIELDS, 'stage' as const].map((f) => [f, { from: null, to: entry[f] }]))
      await recordAudit(tx, {
        organisationId: user.organisationId, actorId: user.id, entityType: 'register_entry', entityId: entry.id, action: 'requested', changes,
      })
      return entry
    },

    /**
     * A new entry another feature starts for a person who may write to the register, inside that
     * feature's transaction (for example from a template it keeps), audited under the caller's
     * `action` with every field as "created" records it.
     */
    async createWithin(tx: Queryable, user: CurrentUser, input: NewEntryInput, action: string): Promise<RegisterEntry> {
      const entry = await repo.insertEntry(tx, user.organisationId, user.id, newEntryInput.parse(input))
      const changes = Object.fromEntries([...EDITABLE_FIELDS, 'stage' as const].map((f) => [f, { from: null, to: entry[f] }]))
      await recordAudit(tx, {
        organisationId: user.organisationId, actorId: user.id, entityType: 'register_entry', entityId: entry.id, action, changes,
      })
      return entry
    },

    /**
     * An entry brought in from another register (the interchange imports), inside the importer's
     * transaction: made at the stage the source gives (the use was decided on there, so no
     * lifecycle guard applies), or, given the entry an earlier import made, changed to match.
     * Audited as "imported" by `actorId` (the import account).
     */
    async importEntry(
      tx: Queryable, organisationId: string, input: EntryInput & { stage: Stage; riskTier?: RiskTier | null }, existingId: string | null, actorId: string | null,
    ): Promise<RegisterEntry> {
      const clean = { ...entryInput.parse(input), stage: input.stage }
      const riskTier = input.riskTier ?? null
      const audit = (entry: RegisterEntry, changes: Record<string, { from: unknown; to: unknown }>) => recordAudit(tx, {
        organisationId, actorId, entityType: 'register_entry', entityId: entry.id, action: 'imported', changes,
      })
      const current = existingId ? await repo.findEntry(tx, organisationId, existingId, true) : null
      if (!current) {
        let entry = await repo.insertEntry(tx, organisationId, null, clean)
        if (riskTier) entry = (await repo.updateEntry(tx, organisationId, entry.id, entry.version, { riskTier }))!
        await audit(entry, Object.fromEntries([...EDITABLE_FIELDS, 'stage' as const, 'riskTier' as const].map((f) => [f, { from: null, to: entry[f] }])))
        return entry
      }
      const patch = { ...clean, riskTier }
      const changes = diff(current, patch, [...EDITABLE_FIELDS, 'stage', 'riskTier'])
      if (!Object.keys(changes).length) return current
      const changed = Object.fromEntries(Object.keys(changes).map((k) => [k, patch[k as keyof typeof patch]]))
      const updated = await repo.updateEntry(tx, organisationId, current.id, current.version, changed)
      if (!updated) throw new StaleEntryError(current)
      await audit(updated, changes)
      return updated
    },

    async create(user: CurrentUser, input: NewEntryInput): Promise<RegisterEntry> {
      return db.transaction(async (tx) => {
        const entry = await repo.insertEntry(tx, user.organisationId, user.id, input)
        const changes = Object.fromEntries(
          [...EDITABLE_FIELDS, 'stage' as const].map((f) => [f, { from: null, to: entry[f] }]),
        )
        await recordAudit(tx, {
          organisationId: user.organisationId, actorId: user.id, entityType: 'register_entry', entityId: entry.id,
          action: 'created', changes,
        })
        return entry
      })
    },

    /** Applies an edit made from `update.version`; refuses it if the entry has moved on since. */
    async update(user: CurrentUser, id: string, update: EntryUpdate): Promise<RegisterEntry> {
      return db.transaction(async (tx) => {
        const current = await mustFind(tx, user, id, true)
        if (current.version !== update.version) throw new StaleEntryError(current)
        const { version, ...patch } = update
        const changes = diff(current, patch, EDITABLE_FIELDS)
        if (Object.keys(changes).length === 0) return current
        const changed = Object.fromEntries(Object.keys(changes).map((k) => [k, patch[k as keyof typeof patch]]))
        const updated = await repo.updateEntry(tx, user.organisationId, id, version, changed)
        if (!updated) throw new StaleEntryError(current)
        await recordAudit(tx, {
          organisationId: user.organisationId, actorId: user.id, entityType: 'register_entry', entityId: id,
          action: 'updated', changes,
        })
        await extensions.entryUpdated(tx, user, current, updated)
        return updated
      })
    },

    async transition(user: CurrentUser, id: string, to: Stage): Promise<RegisterEntry> {
      return db.transaction(async (tx) => {
        const entry = await mustFind(tx, user, id, true)
        const check = checkTransition(entry.stage, to, await extensions.facts(tx, user.organisationId, id))
        if (!check.ok) throw new TransitionRefused(check.reason, check.vars)
        return applyChange(tx, user, entry, { stage: to }, 'stage_changed')
      })
    },

    async lifecycle(user: CurrentUser, entry: RegisterEntry) {
      const ctx = await extensions.facts(db, user.organisationId, entry.id)
      return { ctx, moves: nextStages(entry.stage, ctx) }
    },

    audit: (user: CurrentUser, id: string) => auditTrail(db, user.organisationId, 'register_entry', id),
  }
}
export type RegisterService = ReturnType<typeof createRegisterService>
