import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { requirePermission } from '../../platform/http/auth.ts'
import { HttpError } from '../../platform/http/errors.ts'
import { t } from '../../platform/i18n/i18n.ts'
import { MAIL_STATUSES, type MailStatus } from '../../platform/mail/index.ts'
import type { Services } from '../../services.ts'
import { OUTBOX_PAGE_LIMIT } from './service.ts'

const query = z.object({ status: z.enum(MAIL_STATUSES).optional() })

const TAG: Record<MailStatus, string> = {
  queued: 'govuk-tag--blue', sending: 'govuk-tag--yellow', sent: 'govuk-tag--green', failed: 'govuk-tag--red',
}

/** /outbox: the organisation's e-mail, queued, sending, sent and failed (admins only). */
export function outboxRoutes(app: FastifyInstance, services: Services, opts: { smtpConfigured: boolean }): void {
  app.get('/outbox', async (request, reply) => {
    const user = requirePermission(request, 'organisation:manage')
    const parsed = query.safeParse(request.query)
    if (!parsed.success) throw new HttpError(400, 'error.badRequest')
    const status = parsed.data.status
    const { messages, counts, total } = await services.outbox.view(user, status)
    const filters = [
      { href: '/outbox', text: t('outbox.filter.all', { count: total }), current: !status },
      ...MAIL_STATUSES.map((s) => ({ href: `/outbox?status=${s}`, text: t(`outbox.filter.${s}`, { count: counts[s] }), current: status === s })),
    ]
    const shown = status ? counts[status] : total
    return reply.header('cache-control', 'no-store').view('outbox/views/list.njk', {
      pageTitle: t('outbox.title'),
      smtpConfigured: opts.smtpConfigured,
      filters,
      waiting: counts.queued + counts.sending,
      failed: counts.failed,
      messages: messages.map((m) => ({ ...m, statusText: t(`outbox.status.${m.status}`), tagClass: TAG[m.status] })),
      truncated: shown > messages.length ? t('outbox.truncated', { limit: OUTBOX_PAGE_LIMIT, count: shown }) : null,
    })
  })
}
