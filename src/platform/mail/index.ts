// The platform's e-mail: queue in the caller's transaction, deliver from the outbox.
export { queueMail, queueMails, listOutbox, outboxCounts, outboxCountsAll, MailOutsideTransactionError } from './outbox.ts'
export { createMailSender, mailSenderFor, smtpTransport, startMailSender, type MailSender, type MailTransport, type RunResult, type RunningSender } from './sender.ts'
export { DEFAULT_RETRY, retryDelayMs, retrySchedule, type RetryPolicy } from './backoff.ts'
export { MAIL_STATUSES, type MailInput, type MailStatus, type OutboxMessage, type QueueResult } from './model.ts'
