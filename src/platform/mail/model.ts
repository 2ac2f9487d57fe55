import { z } from 'zod'

/** What a caller queues. Subject and text are already translated (through t()) by the caller. */
export const mailInput = z.object({
  organisationId: z.string().uuid(),
  to: z.email().max(320),
  // A header: one line, so no header can be smuggled in. A line break a caller let through (a
  // name stored before names were checked) becomes a space rather than a failed action.
  subject: z.string().transform((s) => s.replace(/[\r\n\u0085\u2028\u2029]+/g, ' ')).pipe(z.string().trim().min(1).max(998)),
  text: z.string().min(1).max(100_000),
  html: z.string().min(1).max(500_000).optional(),
  /** What the message is for ('invitation', 'password_reset', 'reminder.acknowledgement'…). */
  kind: z.string().regex(/^[a-z][a-z0-9_.-]{0,63}$/),
  /** Unique per organisation: a second message with the same key is not queued. */
  dedupeKey: z.string().min(1).max(300).optional(),
})
export type MailInput = z.input<typeof mailInput>

export const MAIL_STATUSES = ['queued', 'sending', 'sent', 'failed'] as const
export type MailStatus = (typeof MAIL_STATUSES)[number]

/** A message as the outbox page lists it. */
export interface OutboxMessage {
  id: string
  kind: string
  to: string
  subject: string
  status: MailStatus
  attempts: number
  nextAttemptAt: Date
  lastError: string | null
  createdAt: Date
  sentAt: Date | null
}

/** A claimed message, as the sender hands it to SMTP. */
export interface ClaimedMessage {
  id: string
  to: string
  subject: string
  text: string
  html: string | null
  attempts: number
}

export type QueueResult = { queued: true; id: string } | { queued: false; reason: 'duplicate' }
