import type { FastifyInstance } from 'fastify'
import { requireUser } from '../../platform/http/auth.ts'
import { t } from '../../platform/i18n/i18n.ts'
import type { Services } from '../../services.ts'

/** GET /hub: every section other features add for this person, in order. */
export function hubRoutes(app: FastifyInstance, services: Services): void {
  app.get('/hub', async (request, reply) => {
    const user = requireUser(request)
    const sections = await services.hub.sections.load(user, user)
    return reply.view('hub/views/hub.njk', { pageTitle: t('hub.title'), sections })
  })
}
