import type { FastifyInstance, FastifyReply } from 'fastify'
import type { CurrentUser } from '../../platform/auth/store.ts'
import { requirePlatformAdmin, requireUser } from '../../platform/http/auth.ts'
import { type FormErrors, formErrors, parseWith } from '../../platform/http/forms.ts'
import { t } from '../../platform/i18n/i18n.ts'
import type { Services } from '../../services.ts'
import { MATURITY_AREAS, THEMES } from './content.ts'
import {
  casesQuery, CONTRIBUTION_KINDS, contributionInput, libraryQuery, QUERY_MAX, REASON_MAX, rejectionInput, SUMMARY_MAX,
} from './model.ts'
import { ContributionRefused } from './service.ts'

type Body = Record<string, unknown>

/** A form field as typed, for showing back: one string, or '' (a repeated field is not one value). */
const typed = (v: unknown): string => (typeof v === 'string' ? v : '')
/** A form or query field for the schema: '' and missing are "not given"; anything else goes as it came. */
const given = (v: unknown): unknown => (v === '' ? undefined : v)

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']

/** "2025" → "2025", "2025-02" → "February 2025", "2025-02-10" → "10 February 2025". */
export function displayDate(iso: string | undefined): string {
  if (!iso) return ''
  const [y, m, d] = iso.split('-')
  const month = m ? MONTHS[Number(m) - 1] : undefined
  if (!month) return y ?? iso
  return d ? `${Number(d)} ${month} ${y}` : `${month} ${y}`
}

/**
 * The guidance library, the impact cases and the glossary are public: the same page for everyone
 * (rendered as if nobody were signed in, see platform/http/security.ts isPublicGet), with an ETag
 * and Cache-Control from the public cache. Sharing a contribution needs a sign-in; moderating one
 * needs a platform admin.
 */
export function guidanceRoutes(app: FastifyInstance, services: Services): void {
  const { guidance, home, hub } = services

  // The signed-in home page and the sector hub: the way in to the library, sharing, one's own
  // contributions and (for platform admins) moderation.
  const panel = {
    id: 'guidance-library',
    template: 'guidance/views/_home.njk',
    load: async (user: CurrentUser) => {
      const mine = await guidance.mine(user)
      return {
        mine: mine.length, pending: mine.filter((c) => c.status === 'pending').length,
        moderation: user.platformAdmin === true ? (await guidance.moderation(user)).pending.length : null,
      }
    },
  }
  home.panels.add({ ...panel, order: 60 })
  hub.sections.add({ ...panel, order: 20 })
  const themeItems = (chosen: string) => [
    { value: '', text: t('guidance.filters.allThemes'), selected: chosen === '' },
    ...THEMES.map((th) => ({ value: th, text: t(`guidance.theme.${th}`), selected: chosen === th })),
  ]

  app.get('/guidance', { config: { publicCache: 'etag' } }, async (request, reply) => {
    const query = request.query as Record<string, unknown>
    const values = { q: typed(query.q), theme: typed(query.theme) }
    const parsed = parseWith(libraryQuery, { q: given(query.q), theme: given(query.theme) })
    const items = parsed.ok ? await guidance.library(parsed.data) : []
    const errors = parsed.ok ? undefined : parsed.errors
    if (errors) reply.code(400)
    return reply.view('guidance/views/list.njk', {
      pageTitle: t('guidance.list.title'), publicPage: true,
      values, items: items.map((i) => ({ ...i, shownDate: displayDate(i.date) })), searched: Boolean(values.q || values.theme),
      themeItems: themeItems(values.theme), queryMax: QUERY_MAX,
      errors: errors?.fields ?? {}, errorList: errors?.errorList ?? [],
    })
  })

  app.get('/guidance/glossary', { config: { publicCache: 'etag' } }, async (_request, reply) =>
    reply.view('guidance/views/glossary.njk', {
      pageTitle: t('guidance.glossary.title'), publicPage: true,
      terms: guidance.terms().map((term) => ({
        ...term,
        paragraphs: term.definition.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean),
        see: term.see.map((id) => guidance.resource(id)),
      })),
    }))

  app.get<{ Params: { item: string } }>('/guidance/:item', { config: { publicCache: 'etag' } }, async (request, reply) => {
    const r = guidance.resource(request.params.item)
    return reply.view('guidance/views/show.njk', {
      pageTitle: r.title, publicPage: true, r, shownDate: displayDate(r.date), informs: guidance.informs(r),
      cases: guidance.content().cases.filter((c) => c.guidance.includes(r.id)),
    })
  })

  // --- impact cases -------------------------------------------------------------------------

  app.get('/cases', { config: { publicCache: 'etag' } }, async (request, reply) => {
    const query = request.query as Record<string, unknown>
    const values = { q: typed(query.q), theme: typed(query.theme), maturity: typed(query.maturity) }
    const parsed = parseWith(casesQuery, { q: given(query.q), theme: given(query.theme), maturity: given(query.maturity) })
    const items = parsed.ok ? await guidance.cases(parsed.data) : []
    const errors = parsed.ok ? undefined : parsed.errors
    if (errors) reply.code(400)
    return reply.view('guidance/views/cases.njk', {
      pageTitle: t('guidance.cases.title'), publicPage: true,
      values, items: items.map((i) => ({ ...i, shownDate: displayDate(i.date) })), searched: Boolean(values.q || values.theme || values.maturity),
      themeItems: themeItems(values.theme), queryMax: QUERY_MAX,
      maturityItems: [
        { value: '', text: t('guidance.filters.allAreas'), selected: values.maturity === '' },
        ...MATURITY_AREAS.map((m) => ({ value: m, text: t(`guidance.maturity.${m}`), selected: values.maturity === m })),
      ],
      errors: errors?.fields ?? {}, errorList: errors?.errorList ?? [],
    })
  })

  app.get<{ Params: { case: string } }>('/cases/:case', { config: { publicCache: 'etag' } }, async (request, reply) => {
    const c = guidance.impactCase(request.params.case)
    return reply.view('guidance/views/case.njk', {
      pageTitle: c.title, publicPage: true, c, shownDate: displayDate(c.date),
      used: c.guidance.map((id) => guidance.resource(id)),
    })
  })

  // --- sharing a case study or resource (signed in) ------------------------------------------

  const renderContribute = (reply: FastifyReply, opts: { values?: Body; errors?: FormErrors } = {}) => {
    const values = opts.values ?? { title: '', kind: '', theme: '', link: '', summary: '' }
    return reply.view('guidance/views/contribute.njk', {
      pageTitle: t('guidance.contribute.title'),
      values, summaryMax: SUMMARY_MAX,
      kindItems: CONTRIBUTION_KINDS.map((k) => ({ value: k, text: t(`guidance.kind.${k}`), checked: values.kind === k })),
      themeItems: [{ value: '', text: t('guidance.contribute.chooseTheme'), selected: values.theme === '' },
        ...THEMES.map((th) => ({ value: th, text: t(`guidance.theme.${th}`), selected: values.theme === th }))],
      errors: opts.errors?.fields ?? {}, errorList: opts.errors?.errorList ?? [],
    })
  }

  app.get('/guidance/contribute', async (request, reply) => {
    requireUser(request)
    return renderContribute(reply)
  })

  app.post<{ Body: Body }>('/guidance/contribute', async (request, reply) => {
    const user = requireUser(request)
    const b = request.body
    const fields = ['title', 'kind', 'theme', 'link', 'summary'] as const
    const values = Object.fromEntries(fields.map((f) => [f, typed(b[f])]))
    const parsed = parseWith(contributionInput, Object.fromEntries(fields.map((f) => [f, given(b[f])])))
    if (!parsed.ok) {
      // The radios' first item carries the group's id (GOV.UK): `kind` links to it.
      return renderContribute(reply.code(400), { values, errors: formErrors(parsed.errors.fields) })
    }
    await guidance.contribute(user, parsed.data)
    return reply.redirect('/guidance/contributions?done=shared', 303)
  })

  app.get('/guidance/contributions', async (request, reply) => {
    const user = requireUser(request)
    const done = (request.query as Record<string, unknown>).done
    return reply.view('guidance/views/mine.njk', {
      pageTitle: t('guidance.mine.title'),
      contributions: await guidance.mine(user),
      flash: done === 'shared' ? t('guidance.mine.shared') : undefined,
    })
  })

  // --- moderation (platform admins) ---------------------------------------------------------

  const renderModeration = async (reply: FastifyReply, user: CurrentUser, opts: { rejecting?: { id: string; reason: string; errors: FormErrors }; refusal?: string; flash?: string } = {}) => {
    const queue = await guidance.moderation(user)
    return reply.view('guidance/views/moderation.njk', {
      pageTitle: t('guidance.moderation.title'), ...queue, reasonMax: REASON_MAX,
      rejecting: opts.rejecting ?? null, refusal: opts.refusal ?? null, flash: opts.flash,
      errorList: opts.rejecting?.errors.errorList ?? [],
    })
  }

  app.get('/guidance/moderation', async (request, reply) => {
    const user = requirePlatformAdmin(request)
    const done = (request.query as Record<string, unknown>).done
    return renderModeration(reply, user, { flash: done === 'approved' || done === 'rejected' ? t(`guidance.moderation.done.${done}`) : undefined })
  })

  app.post<{ Params: { id: string }; Body: Body }>('/guidance/moderation/:id/approve', async (request, reply) => {
    const user = requirePlatformAdmin(request)
    try {
      await guidance.approve(user, request.params.id)
    } catch (err) {
      if (!(err instanceof ContributionRefused)) throw err
      return renderModeration(reply.code(409), user, { refusal: t(err.reason) })
    }
    return reply.redirect('/guidance/moderation?done=approved', 303)
  })

  app.post<{ Params: { id: string }; Body: Body }>('/guidance/moderation/:id/reject', async (request, reply) => {
    const user = requirePlatformAdmin(request)
    const c = await guidance.contribution(user, request.params.id)
    const parsed = parseWith(rejectionInput, { reason: given(request.body.reason) })
    if (!parsed.ok) {
      const errors = formErrors({ reason: parsed.errors.fields.reason ?? t('guidance.errors.reason') }, () => `reason-${c.id}`)
      return renderModeration(reply.code(400), user, { rejecting: { id: c.id, reason: typed(request.body.reason), errors } })
    }
    try {
      await guidance.reject(user, c.id, parsed.data.reason)
    } catch (err) {
      if (!(err instanceof ContributionRefused)) throw err
      return renderModeration(reply.code(409), user, { refusal: t(err.reason) })
    }
    return reply.redirect('/guidance/moderation?done=rejected', 303)
  })
}
