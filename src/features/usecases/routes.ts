import type { FastifyInstance, FastifyReply } from 'fastify'
import { z } from 'zod'
import { can } from '../../platform/auth/permissions.ts'
import type { CurrentUser } from '../../platform/auth/store.ts'
import { requirePermission } from '../../platform/http/auth.ts'
import { formErrors, parseWith } from '../../platform/http/forms.ts'
import { t } from '../../platform/i18n/i18n.ts'
import type { Services } from '../../services.ts'
import { RISK_TIERS } from '../register/model.ts'
import { type LibraryFilters, libraryFilters, type LibraryUse, SHARED_FIELDS, THEMES } from './model.ts'
import type { PersonalDataFound } from './share.ts'
import { ShareRefused, StalePreview } from './service.ts'

type Body = Record<string, unknown>
type UseParams = { useCase: string }
type EntryParams = { entryId: string }

/** The intake fields a use prefills, in the register form's order, as label and shown value. */
function intakeRows(use: LibraryUse) {
  const i = use.intake
  const yn = (b: boolean) => t(b ? 'common.yes' : 'common.no')
  return [
    ['name', i.name], ['purpose', i.purpose], ['serviceArea', i.serviceArea], ['owner', i.owner],
    ['supplier', i.supplier ?? t('usecases.intake.noSupplier')], ['technique', i.technique], ['personalData', yn(i.personalData)],
    ['specialCategoryData', yn(i.specialCategoryData)], ['decisionRole', t(`decisionRole.${i.decisionRole}`)],
    ['peopleAffected', i.peopleAffected], ['humanOversight', i.humanOversight],
  ].map(([field, value]) => ({ field: field!, label: t(`register.field.${field}`), value: value! }))
}

/** One refusal message per field that still holds personal data, naming the field and what was found. */
export function refusalErrors(found: readonly PersonalDataFound[]) {
  const fields = Object.fromEntries(found.map((f) => [f.field, t('usecases.share.holds', {
    field: t(`register.field.${f.field}`),
    what: f.kinds.map((k) => t(`usecases.found.${k}`)).join(t('usecases.share.and')),
  })]))
  return formErrors(fields, (f) => `shared-${f}`)
}

function selectItems(anyText: string, options: [string, string][], selected: string | undefined) {
  return [{ value: '', text: anyText }, ...options.map(([value, text]) => ({ value, text, selected: value === selected }))]
}

export function useCaseRoutes(app: FastifyInstance, services: Services): void {
  const { usecases, register, home, hub } = services

  // --- where the library shows up on other features' pages --------------------------------------

  // The home page and the sector hub: where a council starts its register.
  const panel = {
    id: 'use-case-library',
    template: 'usecases/views/_home.njk',
    load: async (user: CurrentUser) => (can(user.roles, 'register:read')
      ? { count: usecases.libraryUses().length, canWrite: can(user.roles, 'register:write') } : null),
  }
  home.panels.add({ ...panel, order: 30 })
  hub.sections.add({ ...panel, order: 10 })

  // The entry page: where an entry came from, and (for admins) sharing it to the library.
  register.extensions.entryPanels.add({
    id: 'use-case-library',
    order: 90,
    template: 'usecases/views/_entry.njk',
    load: async (user, entry) => {
      const admin = can(user.roles, 'organisation:manage')
      const [adoption, share] = await Promise.all([usecases.adoptionOf(user, entry), admin ? usecases.shareOf(user, entry) : null])
      if (!adoption && !admin) return null
      return { entryId: entry.id, adoption, share, admin }
    },
  })

  // --- browsing ----------------------------------------------------------------------------------

  app.get('/library', async (request, reply) => {
    const user = requirePermission(request, 'register:read')
    const parsed = parseWith(libraryFilters, request.query)
    const filters: LibraryFilters = parsed.ok ? parsed.data : { q: undefined, tier: undefined, theme: undefined }
    const typed = request.query as Record<string, unknown>
    const uses = parsed.ok ? await usecases.browse(user, filters) : []
    if (!parsed.ok) reply.code(400)
    return reply.view('usecases/views/list.njk', {
      pageTitle: t('usecases.list.title'),
      uses,
      refused: !parsed.ok,
      q: parsed.ok ? filters.q ?? '' : typeof typed.q === 'string' ? typed.q : '',
      errors: parsed.ok ? {} : parsed.errors.fields,
      errorList: parsed.ok ? [] : parsed.errors.errorList,
      themeItems: selectItems(t('usecases.list.anyTheme'),
        [...THEMES.map((th) => [th, t(`usecases.theme.${th}`)] as [string, string]), ['shared', t('usecases.theme.shared')]], filters.theme),
      tierItems: selectItems(t('usecases.list.anyTier'),
        [...RISK_TIERS.map((r) => [r, t(`tier.${r}`)] as [string, string]), ['unscreened', t('tier.unscreened')]], filters.tier),
      filtered: Boolean(filters.q || filters.tier || filters.theme),
    })
  })

  app.get<{ Params: UseParams }>('/library/:useCase', async (request, reply) => {
    const user = requirePermission(request, 'register:read')
    const use = await usecases.get(user, request.params.useCase)
    return reply.view('usecases/views/show.njk', {
      pageTitle: use.title,
      use,
      intake: intakeRows(use),
      canUse: can(user.roles, 'register:write'),
      ownShare: use.sharedBy?.organisationId === user.organisationId,
    })
  })

  // "Use this": an idea in this council's register with the use's answers, to review and change.
  app.post<{ Params: UseParams }>('/library/:useCase/use', async (request, reply) => {
    const user = requirePermission(request, 'register:write')
    const entry = await usecases.use(user, request.params.useCase)
    return reply.redirect(`/register/${entry.id}?done=fromLibrary`, 303)
  })

  // --- sharing one of the organisation's entries -------------------------------------------------

  const renderShare = async (reply: FastifyReply, user: CurrentUser, entryId: string, opts: { stale?: boolean } = {}) => {
    const preview = await usecases.preview(user, entryId)
    const errors = preview.found.length ? refusalErrors(preview.found)
      : opts.stale ? formErrors({ version: t('usecases.share.stale') }, () => 'shared-copy') : null
    return reply.view('usecases/views/share.njk', {
      pageTitle: t('usecases.share.title', { name: preview.entry.name }),
      entry: preview.entry,
      copy: preview.copy,
      rows: SHARED_FIELDS.map((f) => {
        const v = preview.copy[f]
        return {
          field: f, label: t(`register.field.${f}`),
          value: typeof v === 'boolean' ? t(v ? 'common.yes' : 'common.no') : f === 'decisionRole' ? t(`decisionRole.${String(v)}`) : v ?? t('usecases.intake.noSupplier'),
          error: errors?.fields[f],
        }
      }),
      refused: preview.found.length > 0,
      current: preview.current,
      sharedBy: user.organisationName,
      errorList: errors?.errorList ?? [],
    })
  }

  app.get<{ Params: EntryParams }>('/library/entries/:entryId/share', async (request, reply) => {
    const user = requirePermission(request, 'organisation:manage')
    return renderShare(reply, user, request.params.entryId)
  })

  app.post<{ Params: EntryParams; Body: Body }>('/library/entries/:entryId/share', async (request, reply) => {
    const user = requirePermission(request, 'organisation:manage')
    const version = z.coerce.number().int().positive().max(2 ** 31 - 1).safeParse(typeof request.body.version === 'string' ? request.body.version : undefined)
    try {
      if (!version.success) throw new StalePreview()
      await usecases.share(user, request.params.entryId, version.data)
    } catch (err) {
      if (err instanceof ShareRefused) return renderShare(reply.code(400), user, request.params.entryId)
      if (err instanceof StalePreview) return renderShare(reply.code(409), user, request.params.entryId, { stale: true })
      throw err
    }
    return reply.redirect(`/register/${request.params.entryId}?done=sharedToLibrary#use-case-library`, 303)
  })

  app.post<{ Params: EntryParams }>('/library/entries/:entryId/withdraw', async (request, reply) => {
    const user = requirePermission(request, 'organisation:manage')
    await usecases.withdraw(user, request.params.entryId)
    return reply.redirect(`/register/${request.params.entryId}?done=libraryShareWithdrawn#use-case-library`, 303)
  })
}
