import type { Queryable, Tx } from '../db/db.ts'
import { type MailInput, mailInput, type MailStatus, type OutboxMessage, type QueueResult } from './model.ts'
import * as repo from './repository.ts'

export class MailOutsideTransactionError extends Error {
  constructor() {
    super('queueMail needs the caller\'s transaction (the tx of db.transaction), so the message exists only if the action commits')
    this.name = 'MailOutsideTransactionError'
  }
}

/**
 * Queues an e-mail IN THE CALLER'S TRANSACTION: it is sent only if the action that caused it
 * commits, and it is never lost once that action has committed (the sender delivers it later,
 * retrying). With a `dedupeKey` a second message with the same key in the same organisation is
 * not queued ({ queued: false }), so "once per item per period" needs no check of its own.
 * Subject and text come already translated through t().
 */
export async function queueMail(tx: Tx, input: MailInput): Promise<QueueResult> {
  // A Db has the shape of a Tx too; a message queued outside the action's transaction could
  // outlive an action that rolled back, so the database handle itself is refused.
  if (typeof (tx as Partial<{ transaction: unknown }>).transaction === 'function') throw new MailOutsideTransactionError()
  const m = mailInput.parse(input)
  const id = await repo.insert(tx, {
    organisationId: m.organisationId, kind: m.kind, dedupeKey: m.dedupeKey ?? null,
    to: m.to, subject: m.subject, text: m.text, html: m.html ?? null,
  })
  return id ? { queued: true, id } : { queued: false, reason: 'duplicate' }
}

/**
 * Queues many messages in one statement (an import inviting thousands of people), in the caller's
 * transaction like queueMail; each message is checked the same way. Returns how many were queued.
 */
export async function queueMails(tx: Tx, inputs: readonly MailInput[]): Promise<number> {
  if (typeof (tx as Partial<{ transaction: unknown }>).transaction === 'function') throw new MailOutsideTransactionError()
  const rows = inputs.map((input) => {
    const m = mailInput.parse(input)
    return { organisationId: m.organisationId, kind: m.kind, dedupeKey: m.dedupeKey ?? null, to: m.to, subject: m.subject, text: m.text, html: m.html ?? null }
  })
  return repo.insertMany(tx, rows)
}

/** One organisation's messages, newest first (the admin's outbox page). */
export function listOutbox(q: Queryable, organisationId: string, opts: { status?: MailStatus; limit?: number } = {}): Promise<OutboxMessage[]> {
  return repo.listFor(q, organisationId, { status: opts.status, limit: opts.limit ?? 200 })
}

/** How many of one organisation's messages are in each status. */
export const outboxCounts = (q: Queryable, organisationId: string) => repo.countsFor(q, organisationId)

/** How many messages are in each status across the installation (the CLI). */
export const outboxCountsAll = (q: Queryable) => repo.countsAll(q)
