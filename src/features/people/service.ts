import type { Db } from '../../platform/db/db.ts'

/** People and roles in an organisation (administered by the organisation's admins). */
export function createPeopleService(_db: Db) {
  return {}
}
export type PeopleService = ReturnType<typeof createPeopleService>
