import { recordAudit } from '../../platform/audit.ts'
import { can, type Permission } from '../../platform/auth/permissions.ts'
import type { CurrentUser } from '../../platform/auth/store.ts'
import type { Db, Queryable } from '../../platform/db/db.ts'
import { forbidden, notFound } from '../../platform/http/errors.ts'
import { t } from '../../platform/i18n/i18n.ts'
import { isUuid } from '../../platform/validation.ts'
import type { OrganisationService } from '../organisations/service.ts'
import type { PeopleService } from '../people/service.ts'
import type { RegisterEntry } from '../register/model.ts'
import type { RegisterService } from '../register/service.ts'
import { loadUseCases } from './library.ts'
import { type Adoption, intakeToEntry, type LibraryFilters, type LibraryUse, searchWords, type SharedContent } from './model.ts'
import * as repo from './repository.ts'
import { type PersonalDataFound, personalDataIn, searchTextOf, shareableCopy } from './share.ts'

/** Sharing refused: the shareable fields that still hold personal data. */
export class ShareRefused extends Error {
  constructor(readonly found: PersonalDataFound[]) {
    super('share refused')
    this.name = 'ShareRefused'
  }
}

/** The entry changed after the admin saw the preview: what they approved is not what would be shared. */
export class StalePreview extends Error {
  constructor() {
    super('stale preview')
    this.name = 'StalePreview'
  }
}

/** What an admin sees before sharing: exactly the copy that would be stored, and what stops it. */
export interface SharePreview {
  entry: RegisterEntry
  copy: SharedContent
  found: PersonalDataFound[]
  current: repo.SharedUse | null
}

const need = (user: CurrentUser, permission: Permission) => {
  if (!can(user.roles, permission)) throw forbidden()
}

/** Does a library use mention every word (in its title, summary, description, data, risks, controls or intake)? */
function matches(use: LibraryUse, words: string[]): boolean {
  if (!words.length) return true
  const text = [use.title, use.summary, use.description, ...use.typicalData, ...use.risks, ...use.controls,
    use.intake.serviceArea, use.intake.technique, use.intake.purpose].join(' ').toLowerCase()
  return words.every((w) => text.includes(w))
}

/** A council's shared entry as the library shows it (nothing but its shared copy and the council's name). */
function sharedToUse(s: repo.SharedUse): LibraryUse {
  const c = s.content
  return {
    id: s.id, kind: 'shared', title: c.name, summary: c.purpose, description: c.purpose, theme: null,
    typicalData: [], risks: [], controls: [], riskTier: c.riskTier, tierReason: null,
    intake: {
      name: c.name, purpose: c.purpose, serviceArea: c.serviceArea, owner: t('usecases.intake.ownerToConfirm'), supplier: c.supplier,
      technique: c.technique, personalData: c.personalData, specialCategoryData: c.specialCategoryData, decisionRole: c.decisionRole,
      peopleAffected: c.peopleAffected, humanOversight: c.humanOversight,
    },
    sharedBy: { organisationId: s.organisationId, organisationName: s.organisationName, entryId: s.entryId, sharedAt: s.sharedAt },
  }
}

export function createUseCaseService(db: Db, register: RegisterService, people: PeopleService, organisations: OrganisationService, contentDir?: string) {
  const library = loadUseCases(contentDir)
  const byId = new Map(library.map((u) => [u.id, u]))

  const audit = (tx: Queryable, user: CurrentUser, entryId: string, action: string, changes: Record<string, unknown> = {}) =>
    recordAudit(tx, { organisationId: user.organisationId, actorId: user.id, entityType: 'register_entry', entityId: entryId, action, changes })

  /** Names of the organisation's people: found in a shareable field, they are personal data. */
  const knownNames = async (q: Queryable, organisationId: string) => (await people.directory(q, organisationId)).map((p) => p.name)

  async function find(id: string, q: Queryable = db): Promise<LibraryUse> {
    const own = byId.get(id)
    if (own) return own
    const shared = isUuid(id) ? await repo.findShared(q, id) : null
    // A suspended council's shares are not shown (nor used) while it is suspended.
    if (!shared || (await organisations.suspendedIds(q)).has(shared.organisationId)) throw notFound()
    return sharedToUse(shared)
  }

  return {
    /** The library's own uses (content), by title. */
    libraryUses: (): LibraryUse[] => library,

    /** The library as one list: its own uses, then councils' shared ones, filtered. */
    async browse(user: CurrentUser, filters: LibraryFilters): Promise<LibraryUse[]> {
      need(user, 'register:read')
      const words = searchWords(filters.q)
      const own = filters.theme === 'shared' ? [] : library.filter((u) =>
        matches(u, words) && (!filters.theme || u.theme === filters.theme) && (!filters.tier || u.riskTier === filters.tier))
      const suspended = await organisations.suspendedIds()
      const shared = filters.theme && filters.theme !== 'shared' ? []
        : (await repo.listShared(db, { words, tier: filters.tier })).filter((s) => !suspended.has(s.organisationId)).map(sharedToUse)
      return [...own, ...shared]
    },

    async get(user: CurrentUser, id: string): Promise<LibraryUse> {
      need(user, 'register:read')
      return find(id)
    },

    /**
     * "Use this": a new idea in the person's own register with the use's intake answers, audited as
     * made from the library, with where it came from kept (one transaction).
     */
    async use(user: CurrentUser, id: string): Promise<RegisterEntry> {
      need(user, 'register:write')
      return db.transaction(async (tx) => {
        const use = await find(id, tx)
        const entry = await register.createWithin(tx, user, intakeToEntry(use.intake), 'created_from_library')
        await repo.insertAdoption(tx, {
          organisationId: user.organisationId, entryId: entry.id, sourceKind: use.kind, sourceId: use.id, sourceTitle: use.title,
          sourceOrganisation: use.sharedBy?.organisationName ?? null, userId: user.id,
        })
        return entry
      })
    },

    /** Where an entry of the person's organisation came from, if it was started from the library. */
    adoptionOf: (user: CurrentUser, entry: RegisterEntry): Promise<Adoption | null> => repo.adoptionOf(db, user.organisationId, entry.id),

    /** The entry's current share, if an admin shared it. */
    shareOf: (user: CurrentUser, entry: RegisterEntry) => repo.currentShareOf(db, user.organisationId, entry.id),

    /** The preview of sharing one of the organisation's entries (another organisation's is a 404). */
    async preview(user: CurrentUser, entryId: string): Promise<SharePreview> {
      need(user, 'organisation:manage')
      const entry = await register.get(user, entryId)
      const copy = shareableCopy(entry)
      const [found, current] = await Promise.all([
        knownNames(db, user.organisationId).then((names) => personalDataIn(copy, names)),
        repo.currentShareOf(db, user.organisationId, entry.id),
      ])
      return { entry, copy, found, current }
    },

    /**
     * Shares the entry as it was at `version` (the version the preview showed): refused when it has
     * changed since, or when a shareable field holds personal data. Sharing an entry again replaces
     * its earlier copy.
     */
    async share(user: CurrentUser, entryId: string, version: number): Promise<repo.SharedUse> {
      need(user, 'organisation:manage')
      return db.transaction(async (tx) => {
        const entry = await register.getForUpdate(tx, user, entryId)
        if (entry.version !== version) throw new StalePreview()
        const copy = shareableCopy(entry)
        const found = personalDataIn(copy, await knownNames(tx, user.organisationId))
        if (found.length) throw new ShareRefused(found)
        const current = await repo.currentShareOf(tx, user.organisationId, entry.id, true)
        if (current) await repo.withdrawShare(tx, user.organisationId, current.id, user.id)
        const shared = await repo.insertShare(tx, {
          organisationId: user.organisationId, organisationName: user.organisationName, entryId: entry.id, entryVersion: entry.version,
          content: copy, searchText: searchTextOf(copy), userId: user.id,
        })
        await audit(tx, user, entry.id, current ? 'library_share_updated' : 'shared_to_library')
        return shared
      })
    },

    /** Takes the entry's copy out of the library (councils that already used it keep their own entries). */
    async withdraw(user: CurrentUser, entryId: string): Promise<void> {
      need(user, 'organisation:manage')
      await db.transaction(async (tx) => {
        const entry = await register.getForUpdate(tx, user, entryId)
        const current = await repo.currentShareOf(tx, user.organisationId, entry.id, true)
        if (!current || !(await repo.withdrawShare(tx, user.organisationId, current.id, user.id))) throw notFound()
        await audit(tx, user, entry.id, 'library_share_withdrawn')
      })
    },
  }
}
export type UseCaseService = ReturnType<typeof createUseCaseService>
