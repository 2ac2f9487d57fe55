import { randomUUID } from 'node:crypto'
import nodemailer from 'nodemailer'
import type { Db } from '../db/db.ts'
import { t } from '../i18n/i18n.ts'
import { DEFAULT_RETRY, retryDelayMs, type RetryPolicy } from './backoff.ts'
import type { ClaimedMessage } from './model.ts'
import * as repo from './repository.ts'

/**
 * Delivering the outbox over SMTP.
 *
 * Each run (1) gives back claims left by a sender that stopped, (2) claims a batch of due
 * messages in a short transaction (`for update skip locked`: two processes never claim one row),
 * then for each message (3) records that it is being handed over, (4) hands it to the server and
 * (5) records the outcome: sent; or the error and the next attempt after an exponential backoff;
 * or failed, after the last attempt or when the server refused it for good (a 5xx reply to the
 * envelope or the message), visible to the organisation's admins.
 *
 * AT MOST ONCE. A message is never sent twice. The only moment a crash leaves the outcome unknown
 * is between (3) and (5): the server may have accepted the message. Such a message is marked
 * failed when its claim goes stale ("interrupted… it may have been delivered") and is not resent:
 * a duplicate invitation or reminder is worse than one an admin can see did not go. A claim that
 * never reached (3) goes back to the queue untouched, and a sender whose claim went stale finds
 * (3) refused and skips the message, so a slow sender and a recovering one never both send it.
 * Every message also carries a Message-ID made from its outbox id, so a receiving system can
 * recognise a copy if one were ever resent by hand.
 */

/** The part of a nodemailer transport the sender uses (tests may pass their own). */
export interface MailTransport {
  sendMail(message: {
    from: string; to: string; subject: string; text: string; html?: string; messageId: string
  }): Promise<{ messageId?: string }>
  close?(): void
}

/** A nodemailer SMTP transport for an smtp:// or smtps:// URL, with bounded timeouts. */
export function smtpTransport(url: string): MailTransport {
  return nodemailer.createTransport({
    url,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  } as Parameters<typeof nodemailer.createTransport>[0])
}

export interface MailSenderOptions {
  db: Db
  transport: MailTransport
  /** The From header: an address, or "Name <address>". */
  from: string
  retry?: RetryPolicy
  /** Messages claimed at a time. */
  batchSize?: number
  /** A claim older than this belongs to a sender that stopped (well above the SMTP timeouts). */
  leaseMs?: number
  /** At most this many messages per run, so one run always ends. */
  maxPerRun?: number
  now?: () => Date
  log?: (message: string) => void
}

export interface RunResult {
  sent: number
  /** Failed this run and waiting for a later attempt. */
  retrying: number
  /** Given up this run. */
  failed: number
  /** Queued after the run (due later, or not reached). */
  left: number
  /** Claims of a stopped sender given back to the queue / marked failed as interrupted. */
  recovered: { requeued: number; failed: number }
}

export interface MailSender {
  runOnce(): Promise<RunResult>
  close(): void
}

interface SmtpError { message?: unknown; code?: unknown; responseCode?: unknown }

/** A 5xx reply to the envelope or the message: this message will never be accepted. */
function isPermanent(err: SmtpError): boolean {
  const code = typeof err.responseCode === 'number' ? err.responseCode : 0
  return code >= 500 && code < 600 && (err.code === 'EENVELOPE' || err.code === 'EMESSAGE')
}

function describe(err: unknown): string {
  const e = (err ?? {}) as SmtpError
  const text = typeof e.message === 'string' && e.message ? e.message : String(err)
  return text.replace(/\s+/g, ' ').trim().slice(0, 1000)
}

/** The domain of the From address, for Message-IDs. */
function fromDomain(from: string): string {
  return /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1] ?? 'localhost'
}

export function createMailSender(opts: MailSenderOptions): MailSender {
  const { db, transport, from } = opts
  const retry = opts.retry ?? DEFAULT_RETRY
  const batchSize = opts.batchSize ?? 10
  const leaseMs = opts.leaseMs ?? 15 * 60_000
  const maxPerRun = opts.maxPerRun ?? 500
  const now = opts.now ?? (() => new Date())
  const log = opts.log ?? (() => undefined)
  const domain = fromDomain(from)

  async function deliver(m: ClaimedMessage, token: string, result: RunResult): Promise<void> {
    if (!(await repo.markStarted(db, m.id, token, now()))) return
    try {
      const info = await transport.sendMail({
        from, to: m.to, subject: m.subject, text: m.text, ...(m.html ? { html: m.html } : {}), messageId: `<${m.id}@${domain}>`,
      })
      const marked = await repo.markSent(db, m.id, token, now(), typeof info.messageId === 'string' ? info.messageId : null)
      // 0: this sender stalled past its lease and the claim was recovered; the message stays marked interrupted.
      if (!marked) log(`mail ${m.id} was delivered after its claim had gone stale; it stays marked as interrupted`)
      result.sent++
    } catch (err) {
      const error = describe(err)
      const wait = isPermanent(err as SmtpError) ? null : retryDelayMs(m.attempts, retry)
      if (wait === null) {
        await repo.markFailed(db, m.id, token, error)
        result.failed++
        log(`mail ${m.id} failed after ${m.attempts} attempt(s): ${error}`)
      } else {
        await repo.markRetry(db, m.id, token, error, new Date(now().getTime() + wait))
        result.retrying++
        log(`mail ${m.id} attempt ${m.attempts} failed, next in ${Math.round(wait / 1000)}s: ${error}`)
      }
    }
  }

  return {
    async runOnce() {
      const result: RunResult = { sent: 0, retrying: 0, failed: 0, left: 0, recovered: { requeued: 0, failed: 0 } }
      result.recovered = await db.transaction((tx) =>
        repo.recoverStale(tx, new Date(now().getTime() - leaseMs), t('mail.error.interrupted')))
      let handled = 0
      while (handled < maxPerRun) {
        const token = randomUUID()
        const batch = await db.transaction((tx) => repo.claimDue(tx, now(), token, Math.min(batchSize, maxPerRun - handled)))
        for (const m of batch) await deliver(m, token, result)
        handled += batch.length
        // Not `< batchSize`: another sender holding some due rows makes a short batch, not an empty queue.
        if (batch.length === 0) break
      }
      result.left = (await repo.countsAll(db)).queued
      return result
    },
    close() {
      transport.close?.()
    },
  }
}

export interface RunningSender {
  /** Stops the timer and waits for a run in progress to finish. */
  stop(): Promise<void>
}

/** Runs the sender every `intervalMs` (the next run starts that long after the last one ended). */
export function startMailSender(sender: MailSender, opts: { intervalMs?: number; onError?: (err: unknown) => void } = {}): RunningSender {
  const intervalMs = opts.intervalMs ?? 5000
  let stopped = false
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> = Promise.resolve()
  const tick = () => {
    running = sender.runOnce().then(
      () => undefined,
      (err: unknown) => opts.onError?.(err),
    ).finally(() => {
      if (!stopped) {
        timer = setTimeout(tick, intervalMs)
        timer.unref()
      }
    })
  }
  timer = setTimeout(tick, 0)
  timer.unref()
  return {
    async stop() {
      stopped = true
      clearTimeout(timer)
      await running
      sender.close()
    },
  }
}

/** The sender for the configured SMTP server, or null when none is configured (the outbox is kept). */
export function mailSenderFor(
  db: Db, mail: { smtpUrl: string | undefined; from: string | undefined }, opts: Partial<Omit<MailSenderOptions, 'db' | 'transport' | 'from'>> = {},
): MailSender | null {
  if (!mail.smtpUrl) return null
  if (!mail.from) throw new Error('MAIL_FROM must be set when SMTP_URL is set')
  return createMailSender({ ...opts, db, transport: smtpTransport(mail.smtpUrl), from: mail.from })
}
