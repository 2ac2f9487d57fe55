import type { CurrentUser } from '../../platform/auth/store.ts'
import { can } from '../../platform/auth/permissions.ts'
import type { Db } from '../../platform/db/db.ts'
import { forbidden } from '../../platform/http/errors.ts'
import { listOutbox, type MailStatus, outboxCounts, type OutboxMessage } from '../../platform/mail/index.ts'

/** How many messages the page lists at most (newest first). */
export const OUTBOX_PAGE_LIMIT = 200

export interface OutboxView {
  messages: OutboxMessage[]
  counts: Record<MailStatus, number>
  total: number
}

/** The organisation's outbox, for its admins: always their own organisation's messages only. */
export function createOutboxService(db: Db) {
  return {
    async view(user: CurrentUser, status?: MailStatus): Promise<OutboxView> {
      if (!can(user.roles, 'organisation:manage')) throw forbidden()
      const [messages, counts] = await Promise.all([
        listOutbox(db, user.organisationId, { status, limit: OUTBOX_PAGE_LIMIT }),
        outboxCounts(db, user.organisationId),
      ])
      return { messages, counts, total: counts.queued + counts.sending + counts.sent + counts.failed }
    },
  }
}
export type OutboxService = ReturnType<typeof createOutboxService>
