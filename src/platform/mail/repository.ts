import { z } from 'zod'
import type { Queryable } from '../db/db.ts'
import { col, many, maybeOne, one, run } from '../db/rows.ts'
import { type ClaimedMessage, MAIL_STATUSES, type MailStatus, type OutboxMessage } from './model.ts'

/**
 * All of the mail_outbox table's SQL (a platform table: features queue through `queueMail` and
 * read through `listOutbox`, never here). Times come from the caller's clock (`now`), so the
 * sender's tests can move time on instead of waiting for a backoff.
 */

const status = z.enum(MAIL_STATUSES)

const listRow = z.object({
  id: col.uuid, kind: col.text, to_address: col.text, subject: col.text, status, attempts: col.int,
  next_attempt_at: col.timestamp, last_error: col.text.nullable(), created_at: col.timestamp, sent_at: col.timestamp.nullable(),
}).transform((r): OutboxMessage => ({
  id: r.id, kind: r.kind, to: r.to_address, subject: r.subject, status: r.status, attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at, lastError: r.last_error, createdAt: r.created_at, sentAt: r.sent_at,
}))

const claimedRow = z.object({
  id: col.uuid, to_address: col.text, subject: col.text, body_text: col.text, body_html: col.text.nullable(), attempts: col.int,
}).transform((r): ClaimedMessage => ({ id: r.id, to: r.to_address, subject: r.subject, text: r.body_text, html: r.body_html, attempts: r.attempts }))

export interface NewMailRow {
  organisationId: string
  kind: string
  dedupeKey: string | null
  to: string
  subject: string
  text: string
  html: string | null
}

/** Inserts a queued message; null when the organisation already has a message with this dedupe key. */
export async function insert(q: Queryable, m: NewMailRow): Promise<string | null> {
  const row = await maybeOne(q, z.object({ id: col.uuid }),
    `insert into mail_outbox (organisation_id, kind, dedupe_key, to_address, subject, body_text, body_html)
     values ($1, $2, $3, $4, $5, $6, $7)
     on conflict (organisation_id, dedupe_key) do nothing
     returning id`,
    [m.organisationId, m.kind, m.dedupeKey, m.to, m.subject, m.text, m.html])
  return row?.id ?? null
}

/** Inserts many queued messages in one statement; how many were queued (duplicates by dedupe key are skipped). */
export async function insertMany(q: Queryable, rows: readonly NewMailRow[]): Promise<number> {
  if (!rows.length) return 0
  const inserted = await many(q, z.object({ id: col.uuid }),
    `insert into mail_outbox (organisation_id, kind, dedupe_key, to_address, subject, body_text, body_html)
     select * from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
     on conflict (organisation_id, dedupe_key) do nothing
     returning id`,
    [rows.map((m) => m.organisationId), rows.map((m) => m.kind), rows.map((m) => m.dedupeKey), rows.map((m) => m.to),
      rows.map((m) => m.subject), rows.map((m) => m.text), rows.map((m) => m.html)])
  return inserted.length
}

/**
 * Claims up to `limit` due messages for one sender: each becomes 'sending' under `token`, its
 * attempt counted. `skip locked` lets another sender claim other rows at the same moment instead
 * of waiting, and never the same row: a row is claimed by the transaction that locked it.
 */
export const claimDue = (q: Queryable, now: Date, token: string, limit: number) =>
  many(q, claimedRow,
    `with due as (
       select id from mail_outbox
        where status = 'queued' and next_attempt_at <= $1
        order by next_attempt_at, created_at, id
        limit $3
        for update skip locked
     )
     update mail_outbox m
        set status = 'sending', attempts = m.attempts + 1, claim_token = $2, claimed_at = $1, send_started_at = null
       from due
      where m.id = due.id
     returning m.id, m.to_address, m.subject, m.body_text, m.body_html, m.attempts`,
    [now, token, limit])

/**
 * Notes that this claim is about to hand the message to the server. False when the claim is no
 * longer ours (it went stale and was given back to the queue): then the message must not be sent.
 */
export async function markStarted(q: Queryable, id: string, token: string, now: Date): Promise<boolean> {
  return (await run(q, `update mail_outbox set send_started_at = $3
    where id = $1 and claim_token = $2 and status = 'sending' returning id`, [id, token, now])) === 1
}

export const markSent = (q: Queryable, id: string, token: string, now: Date, smtpMessageId: string | null) =>
  run(q, `update mail_outbox set status = 'sent', sent_at = $3, smtp_message_id = $4, last_error = null, claim_token = null
    where id = $1 and claim_token = $2 and status = 'sending' returning id`, [id, token, now, smtpMessageId])

export const markRetry = (q: Queryable, id: string, token: string, error: string, nextAttemptAt: Date) =>
  run(q, `update mail_outbox set status = 'queued', next_attempt_at = $4, last_error = $3,
      claim_token = null, claimed_at = null, send_started_at = null
    where id = $1 and claim_token = $2 and status = 'sending' returning id`, [id, token, error, nextAttemptAt])

export const markFailed = (q: Queryable, id: string, token: string, error: string) =>
  run(q, `update mail_outbox set status = 'failed', last_error = $3, claim_token = null
    where id = $1 and claim_token = $2 and status = 'sending' returning id`, [id, token, error])

/**
 * Claims older than `claimedBefore` belong to a sender that stopped (a crash, a kill). A message
 * it never started handing over goes back to the queue, its attempt uncounted; one it had started
 * may have been delivered, so it is marked failed with `error` and never sent again automatically.
 */
export async function recoverStale(q: Queryable, claimedBefore: Date, error: string): Promise<{ requeued: number; failed: number }> {
  const requeued = await run(q, `update mail_outbox set status = 'queued', attempts = greatest(attempts - 1, 0),
      claim_token = null, claimed_at = null
    where status = 'sending' and claimed_at < $1 and send_started_at is null returning id`, [claimedBefore])
  const failed = await run(q, `update mail_outbox set status = 'failed', last_error = $2, claim_token = null
    where status = 'sending' and claimed_at < $1 and send_started_at is not null returning id`, [claimedBefore, error])
  return { requeued, failed }
}

export type StatusCounts = Record<MailStatus, number>

const countRows = z.object({ status, n: col.int })

function toCounts(rows: { status: MailStatus; n: number }[]): StatusCounts {
  const counts: StatusCounts = { queued: 0, sending: 0, sent: 0, failed: 0 }
  for (const r of rows) counts[r.status] = r.n
  return counts
}

/** Messages per status, in one organisation. */
export async function countsFor(q: Queryable, organisationId: string): Promise<StatusCounts> {
  return toCounts(await many(q, countRows,
    'select status, count(*)::int as n from mail_outbox where organisation_id = $1 group by status', [organisationId]))
}

/** Messages per status, across the installation (the CLI's summary). */
export async function countsAll(q: Queryable): Promise<StatusCounts> {
  return toCounts(await many(q, countRows, 'select status, count(*)::int as n from mail_outbox group by status'))
}

/** Queued messages due now or earlier (what the next run would try). */
export async function countDue(q: Queryable, now: Date): Promise<number> {
  return (await one(q, z.object({ n: col.int }),
    `select count(*)::int as n from mail_outbox where status = 'queued' and next_attempt_at <= $1`, [now])).n
}

/** One organisation's messages, newest first, optionally of one status. */
export const listFor = (q: Queryable, organisationId: string, opts: { status?: MailStatus; limit: number }) =>
  many(q, listRow,
    `select id, kind, to_address, subject, status, attempts, next_attempt_at, last_error, created_at, sent_at
       from mail_outbox
      where organisation_id = $1 and ($2::text is null or status = $2)
      order by created_at desc, id
      limit $3`,
    [organisationId, opts.status ?? null, opts.limit])
