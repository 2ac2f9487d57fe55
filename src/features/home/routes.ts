import type { FastifyInstance } from 'fastify'
import { requireUser } from '../../platform/http/auth.ts'
import { t } from '../../platform/i18n/i18n.ts'
import type { Services } from '../../services.ts'

/** GET /home: every panel other features add for this person, in order. */
export function homeRoutes(app: FastifyInstance, services: Services): void {
  app.get('/home', async (request, reply) => {
    const user = requireUser(request)
    const panels = await services.home.panels.load(user, user)
    // A panel says how many things in it wait for this person (`attention`); the page sums them, naming no feature.
    const attention = panels.reduce((n, p) => n + (typeof p.params.attention === 'number' ? p.params.attention : 0), 0)
    return reply.view('home/views/home.njk', { pageTitle: t('home.signedIn.title'), panels, attention })
  })
}
