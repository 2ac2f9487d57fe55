import { activityByOrganisation } from '../../platform/audit.ts'
import type { CurrentUser } from '../../platform/auth/store.ts'
import type { Db } from '../../platform/db/db.ts'
import { forbidden } from '../../platform/http/errors.ts'
import type { Organisation, PlatformOrganisationInput } from '../organisations/model.ts'
import type { OrganisationService } from '../organisations/service.ts'
import type { PeopleService } from '../people/service.ts'
import type { RegisterService } from '../register/service.ts'
import type { TransparencyService } from '../transparency/service.ts'

/** How much an organisation uses the platform: counts only, never anything an organisation wrote. */
export interface Usage {
  members: number
  entries: number
  publishedRecords: number
  /** Audited actions in the last ACTIVITY_DAYS days, and the latest. */
  recentActions: number
  lastActivityAt: Date | null
}

export const ACTIVITY_DAYS = 30

/** A platform admin may not suspend the organisation they are signed in to (they would lock themselves out). */
export class OwnOrganisationRefused extends Error {}

export interface OrganisationWithUsage {
  organisation: Organisation
  usage: Usage
}

/**
 * Platform administration (issue 12 §9): the people who run the platform list and add
 * organisations, suspend and reinstate them, and see how much each uses it. Everything here is for
 * platform admins only; each feature gives its counts through its own service.
 */
export function createPlatformAdminService(db: Db, deps: {
  organisations: OrganisationService; register: RegisterService; people: PeopleService; transparency: TransparencyService
}) {
  const mustBePlatformAdmin = (user: CurrentUser) => {
    if (user.platformAdmin !== true) throw forbidden()
  }

  async function usageByOrganisation(): Promise<(id: string) => Usage> {
    const [members, entries, published, activity] = await Promise.all([
      deps.people.memberCountsByOrganisation(), deps.register.entryCountsByOrganisation(),
      deps.transparency.publishedCountsByOrganisation(), activityByOrganisation(db, ACTIVITY_DAYS),
    ])
    return (id) => ({
      members: members.get(id) ?? 0, entries: entries.get(id) ?? 0, publishedRecords: published.get(id) ?? 0,
      recentActions: activity.get(id)?.events ?? 0, lastActivityAt: activity.get(id)?.lastAt ?? null,
    })
  }

  return {
    /** Every organisation on the platform with its usage, by name. */
    async organisations(admin: CurrentUser): Promise<OrganisationWithUsage[]> {
      mustBePlatformAdmin(admin)
      const [list, usage] = await Promise.all([deps.organisations.list(), usageByOrganisation()])
      return list.map((organisation) => ({ organisation, usage: usage(organisation.id) }))
    },

    async organisation(admin: CurrentUser, id: string): Promise<OrganisationWithUsage> {
      mustBePlatformAdmin(admin)
      const organisation = await deps.organisations.get(id)
      return { organisation, usage: (await usageByOrganisation())(id) }
    },

    create: (admin: CurrentUser, input: PlatformOrganisationInput) => deps.organisations.createByPlatformAdmin(admin, input),
    async suspend(admin: CurrentUser, id: string, reason: string): Promise<Organisation> {
      mustBePlatformAdmin(admin)
      if (id === admin.organisationId) throw new OwnOrganisationRefused()
      return deps.organisations.setSuspension(admin, id, reason)
    },
    reinstate: (admin: CurrentUser, id: string) => deps.organisations.setSuspension(admin, id, null),
  }
}
export type PlatformAdminService = ReturnType<typeof createPlatformAdminService>
