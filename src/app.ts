import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import cookie from '@fastify/cookie'
import formbody from '@fastify/formbody'
import fastifyStatic from '@fastify/static'
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import type { Config } from './config.ts'
import type { CurrentUser } from './platform/auth/store.ts'
import type { Db } from './platform/db/db.ts'
import { setUpAuthentication } from './platform/http/auth.ts'
import { HttpError, ValidationError } from './platform/http/errors.ts'
import { isApiRequest, setUpInputBoundary } from './platform/http/input.ts'
import { setUpRouteTable } from './platform/http/routeTable.ts'
import { applySecurityHeaders, setUpCsrf, setUpSecurityHeaders } from './platform/http/security.ts'
import { createViews, GOVUK_ASSETS } from './platform/http/views.ts'
import { currentLang, langForUrl, runWithLang, t } from './platform/i18n/i18n.ts'
import { navigationFor } from './platform/http/navigation.ts'
import { createServices, type Services } from './services.ts'
import type { QuestionSetCatalogue } from './features/assessments/catalogue.ts'
import { authRoutes } from './features/people/authRoutes.ts'
import { peopleRoutes } from './features/people/routes.ts'
import { organisationRoutes } from './features/organisations/routes.ts'
import { registerRoutes } from './features/register/routes.ts'
import { registerApi } from './features/register/api.ts'
import { assessmentRoutes } from './features/assessments/routes.ts'
import { riskRoutes } from './features/assessments/riskRoutes.ts'
import { assessmentApi } from './features/assessments/api.ts'
import { boardRoutes } from './features/board/routes.ts'
import { boardPagesRoutes } from './features/board/boardRoutes.ts'
import { decisionLogRoutes } from './features/board/logRoutes.ts'
import { transparencyRoutes } from './features/transparency/routes.ts'
import { publicRoutes } from './features/transparency/publicRoutes.ts'
import { publicRecordRoutes } from './features/transparency/publicRecordRoutes.ts'
import { publicApi } from './features/transparency/publicApi.ts'
import { setUpPublicCache } from './platform/http/publicCache.ts'
import { policyRoutes } from './features/policies/routes.ts'
import { outboxRoutes } from './features/outbox/routes.ts'
import { platformAdminRoutes } from './features/platformAdmin/routes.ts'
import { homeRoutes } from './features/home/routes.ts'
import { hubRoutes } from './features/hub/routes.ts'
import { dashboardRoutes } from './features/dashboard/routes.ts'
import { toolRoutes } from './features/tools/routes.ts'
import { useCaseRoutes } from './features/usecases/routes.ts'
import { guidanceRoutes } from './features/guidance/routes.ts'
import { interchangeRoutes } from './features/interchange/routes.ts'
import { packRoutes } from './features/assessments/packs/routes.ts'
import { maturityRoutes } from './features/maturity/routes.ts'
import { benchmarkRoutes } from './features/benchmark/routes.ts'
import { schemaValidationFields, setUpOpenApi } from './platform/http/openapi.ts'

declare module 'fastify' {
  interface FastifyRequest {
    user: CurrentUser | null
    cspNonce: string
    csrfToken: string
  }
  interface FastifyReply {
    /** Renders a page with the layout's common context (user, CSRF token, navigation). */
    view(template: string, context?: Record<string, unknown>): FastifyReply
  }
}

export interface AppDeps {
  config: Config
  db: Db
  questionSets: QuestionSetCatalogue
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

/** Builds the whole application, unstarted. main/cli listen; tests call app.inject(). */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, db } = deps
  const app = Fastify({
    // Tests log only server errors, so a 500 in a test explains itself.
    logger: {
      level: config.env === 'test' ? 'error' : 'info',
      redact: ['req.headers.cookie', 'req.headers.authorization', 'req.headers["x-csrf-token"]'],
    },
    bodyLimit: 1024 * 1024,
    // A long path segment reaches the route and its id check (a 404), not the router's own 414.
    routerOptions: { maxParamLength: 2000 },
    trustProxy: config.env === 'production',
    // Errors Fastify meets before any route (a malformed URL) go through the app's own error page.
    frameworkErrors: (error, request, reply) => {
      applySecurityHeaders(request, reply)
      request.user = null
      request.csrfToken = ''
      void sendError(request, reply, new HttpError(400, 'error.badUrl', { code: error.code }), (tpl, ctx) => views.render(tpl, ctx))
    },
  })
  setUpRouteTable(app)
  const services: Services = createServices(db, deps.questionSets, config)
  const views = createViews()
  // Every request answers in its own language (Welsh on public pages with ?lang=cy): t() reads it.
  app.addHook('onRequest', (request, _reply, done) => runWithLang(langForUrl(request.url), done))

  await app.register(cookie, { secret: config.sessionSecret })
  // A form posted with no fields at all still reaches the handler's own validation.
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined || request.body === null) request.body = {}
  })
  await app.register(formbody, { bodyLimit: 512 * 1024 })
  setUpSecurityHeaders(app, { hsts: config.env === 'production' })
  setUpInputBoundary(app)

  // Static files: govuk-frontend's own assets and our compiled stylesheet.
  await app.register(fastifyStatic, { root: GOVUK_ASSETS, prefix: '/assets/govuk/', decorateReply: false, index: false })
  const appCssPath = join(root, 'public/app.css')
  const initJs = readFileSync(join(root, 'src/platform/http/assets/init.js'), 'utf8')
  app.get('/assets/app.css', async (_req, reply) => {
    try {
      return reply.type('text/css').header('cache-control', 'public, max-age=300').send(readFileSync(appCssPath))
    } catch {
      throw new HttpError(404, 'error.cssMissing')
    }
  })
  app.get('/assets/init.js', async (_req, reply) => reply.type('text/javascript').send(initJs))

  setUpAuthentication(app, services.auth)
  setUpCsrf(app, { secureCookies: config.secureCookies })
  // After authentication: its onSend runs first, so a public answer's Cache-Control is the cache's.
  setUpPublicCache(app, { generation: () => services.transparency.publicIndex.generation() })

  app.decorateReply('view', function (this: FastifyReply, template: string, context: Record<string, unknown> = {}) {
    const request = this.request
    const html = views.render(template, {
      user: request.user,
      csrfToken: request.csrfToken,
      cspNonce: request.cspNonce,
      navigation: navigationFor(request.user, request.url, Boolean(context.publicPage)),
      currentUrl: request.url,
      htmlLang: currentLang(),
      ...context,
    })
    return this.type('text/html; charset=utf-8').send(html)
  })

  app.get('/health', async (_req, reply) => {
    try {
      await db.query('select 1')
      return reply.header('cache-control', 'no-store').send({ status: 'ok', database: db.kind })
    } catch {
      return reply.code(503).send({ status: 'unavailable' })
    }
  })

  app.get('/', async (request, reply) =>
    // Signed in: the home page, what needs this person.
    request.user ? reply.redirect('/home') : reply.view('people/views/home.njk', { pageTitle: t('home.title') }),
  )

  // Set before the routes are registered, so every route inherits them.
  app.setNotFoundHandler(async (request, reply) => sendError(request, reply, new HttpError(404, 'error.notFound')))
  app.setErrorHandler(async (error, request, reply) => sendError(request, reply, error))

  await setUpOpenApi(app, {
    title: 'AI Governance Hub API',
    version: '1',
    description:
      'The register of AI uses and its assessments. Authenticate with a personal API token (Authorization: Bearer …) made ' +
      'on the Account page, or with a signed-in session plus the x-csrf-token header for changes. Another ' +
      "organisation's entries answer 404. Errors are JSON: `error` says what is wrong, `fields` names each wrong field. " +
      'The public register (/api/public/v1/…) needs no authentication: published records only, the same answer for everyone, ' +
      'with an ETag and Cache-Control, and CORS open.',
  })

  await app.register(async (scope) => {
    authRoutes(scope, services, config, db)
    peopleRoutes(scope, services)
    organisationRoutes(scope, services)
    registerRoutes(scope, services)
    assessmentRoutes(scope, services)
    riskRoutes(scope, services)
    boardRoutes(scope, services)
    boardPagesRoutes(scope, services)
    decisionLogRoutes(scope, services)
    transparencyRoutes(scope, services)
    publicRoutes(scope, services)
    publicRecordRoutes(scope, services, { baseUrl: config.publicBaseUrl })
    publicApi(scope, services)
    policyRoutes(scope, services)
    outboxRoutes(scope, services, { smtpConfigured: Boolean(config.mail.smtpUrl) })
    platformAdminRoutes(scope, services)
    homeRoutes(scope, services)
    hubRoutes(scope, services)
    dashboardRoutes(scope, services)
    toolRoutes(scope, services)
    useCaseRoutes(scope, services)
    guidanceRoutes(scope, services)
    interchangeRoutes(scope, services, { baseUrl: config.publicBaseUrl })
    packRoutes(scope, services)
    maturityRoutes(scope, services)
    benchmarkRoutes(scope, services)
    assessmentApi(scope, services)
    registerApi(scope, services)
  })


  return app
}


/** The one place errors become responses: JSON for the API, a GOV.UK page for people. */
async function sendError(request: FastifyRequest, reply: FastifyReply, error: unknown, render?: (template: string, context: Record<string, unknown>) => string) {
  let status = 500
  let key = 'error.server'
  let fields: Record<string, string> | undefined
  const schemaFields = schemaValidationFields(error)
  if (schemaFields) {
    status = 400
    key = 'error.validation'
    fields = schemaFields
  } else if (error instanceof HttpError) {
    status = error.statusCode
    key = error.messageKey
    if (error instanceof ValidationError) fields = error.fields
  } else if (isFastifyClientError(error)) {
    status = error.statusCode
    key = status === 413 ? 'error.tooLarge' : status === 414 ? 'error.uriTooLong' : status === 415 ? 'error.unsupportedMedia' : 'error.badRequest'
    if (status === 400 && error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') key = 'error.badJson'
    if (status === 400 && error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') key = 'error.emptyJson'
  }
  if (status >= 500) request.log.error({ err: error }, 'request failed')

  if (isApiRequest(request.url)) {
    return reply.code(status).send({ error: t(key), ...(fields ? { fields } : {}) })
  }
  if (status === 401) return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`)
  const context = {
    pageTitle: t(`${key}.title`),
    heading: t(`${key}.title`),
    message: t(key),
    fieldErrors: fields ? Object.entries(fields).map(([field, text]) => ({ text, href: `#${field}` })) : [],
  }
  // Errors met before routing (a malformed URL) have a bare reply, without the view decorator.
  if (typeof reply.view !== 'function' && render) {
    return reply.code(status).type('text/html; charset=utf-8').send(render('error.njk', {
      user: null, csrfToken: '', cspNonce: request.cspNonce, navigation: [], currentUrl: '/', ...context,
    }))
  }
  return reply.code(status).view('error.njk', context)
}

function isFastifyClientError(e: unknown): e is { statusCode: number; code?: string } {
  const code = (e as { statusCode?: unknown })?.statusCode
  return typeof code === 'number' && code >= 400 && code < 500
}
