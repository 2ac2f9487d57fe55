import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { addRegisterDashboardMetrics } from './dashboardMetrics.ts'
import { addRegisterHomePanel } from './homePanel.ts'
import { paginationFor } from '../../platform/http/pagination.ts'
import { can } from '../../platform/auth/permissions.ts'
import type { CurrentUser } from '../../platform/auth/store.ts'
import { requirePermission } from '../../platform/http/auth.ts'
import { type FormErrors, formErrors, parseWith } from '../../platform/http/forms.ts'
import { hasMessage, t } from '../../platform/i18n/i18n.ts'
import type { Services } from '../../services.ts'
import { entryFromForm, formValuesFor, formValuesFromBody } from './forms.ts'
import {
  DECISION_ROLES, entryInput, listFilters, type ListFilters, newEntryInput, RISK_TIERS, type RegisterEntry, STAGES,
} from './model.ts'
import { StaleEntryError, TransitionRefused } from './service.ts'
import type { TransitionCheck } from './lifecycle.ts'
import { z } from 'zod'
import { todayIso } from '../../platform/validation.ts'

type Params = { id: string }
type Body = Record<string, unknown>

/**
 * The banner a page shows after a redirect: ?done=<name> shows the message "done.<name>" when
 * there is one (any feature may redirect here with its own), anything else is ignored.
 */
export function doneMessage(request: FastifyRequest): string | undefined {
  const done = (request.query as Record<string, unknown>).done
  return typeof done === 'string' && /^[a-z][a-zA-Z]{0,40}$/.test(done) && hasMessage(`done.${done}`) ? t(`done.${done}`) : undefined
}

function formOptions() {
  return {
    decisionRoles: DECISION_ROLES.map((r) => ({ value: r, text: t(`decisionRole.${r}`), hint: { text: t(`decisionRole.${r}.hint`) } })),
  }
}

export function registerRoutes(app: FastifyInstance, services: Services): void {
  const { register } = services
  addRegisterHomePanel(services.home, register)
  addRegisterDashboardMetrics(services.dashboard, register)

  app.get('/register', async (request, reply) => {
    const user = requirePermission(request, 'register:read')
    const parsed = parseWith(listFilters, request.query)
    // A filter that is wrong (a search over the limit) is refused with a message, keeping what was typed.
    const filters: ListFilters = parsed.ok ? parsed.data : { q: undefined, serviceArea: undefined, page: 1, perPage: 50 }
    const typed = request.query as Record<string, unknown>
    const [{ entries, total }, areas] = parsed.ok
      ? await Promise.all([register.list(user, filters), register.serviceAreas(user)])
      : [{ entries: [], total: 0 }, await register.serviceAreas(user)]
    if (!parsed.ok) reply.code(400)
    return reply.view('register/views/list.njk', {
      pageTitle: t('register.list.title'),
      entries,
      total,
      filters: parsed.ok ? filters : { ...filters, q: typeof typed.q === 'string' ? typed.q : undefined },
      refused: !parsed.ok,
      today: todayIso(),
      errors: parsed.ok ? {} : parsed.errors.fields,
      pagination: pagination(request.url, filters.page, Math.ceil(total / filters.perPage)),
      errorList: parsed.ok ? [] : parsed.errors.errorList,
      stageItems: selectItems(t('register.list.anyStage'), STAGES.map((s) => [s, t(`stage.${s}`)]), filters.stage),
      areaItems: selectItems(t('register.list.anyArea'), areas.map((a) => [a, a]), filters.serviceArea),
      tierItems: selectItems(
        t('register.list.anyTier'),
        [...RISK_TIERS.map((r) => [r, t(`tier.${r}`)] as [string, string]), ['unscreened', t('tier.unscreened')]],
        filters.tier,
      ),
      canCreate: can(user.roles, 'register:write'),
      flash: doneMessage(request),
    })
  })

  const renderForm = (reply: FastifyReply, user: CurrentUser, opts: {
    entry?: RegisterEntry; values: Record<string, unknown>; errors?: FormErrors; stale?: RegisterEntry
  }) =>
    reply.view('register/views/form.njk', {
      pageTitle: opts.entry ? t('register.edit.title', { name: opts.entry.name }) : t('register.new.title'),
      entry: opts.entry,
      values: opts.values,
      errors: opts.errors?.fields ?? {},
      errorList: opts.errors?.errorList ?? [],
      stale: opts.stale,
      ...formOptions(),
    })

  app.get('/register/new', async (request, reply) => {
    const user = requirePermission(request, 'register:write')
    return renderForm(reply, user, { values: { stage: 'proposed' } })
  })

  app.post<{ Body: Body }>('/register', async (request, reply) => {
    const user = requirePermission(request, 'register:write')
    const parsed = parseWith(newEntryInput, entryFromForm(request.body))
    if (!parsed.ok) {
      reply.code(400)
      return renderForm(reply, user, { values: formValuesFromBody(request.body), errors: withDateIds(parsed.errors) })
    }
    const entry = await register.create(user, parsed.data)
    return reply.redirect(`/register/${entry.id}?done=created`, 303)
  })

  app.get<{ Params: Params }>('/register/:id', async (request, reply) => {
    const user = requirePermission(request, 'register:read')
    const entry = await register.get(user, request.params.id)
    const [lifecycle, audit, panels] = await Promise.all([
      register.lifecycle(user, entry),
      register.audit(user, entry.id),
      register.extensions.entryPanels.load(user, entry),
    ])
    return reply.view('register/views/show.njk', {
      pageTitle: entry.name,
      entry,
      lifecycle,
      audit,
      panels,
      review: reviewState(entry.nextReviewDate),
      can: { write: can(user.roles, 'register:write') },
      flash: doneMessage(request),
      stageError: refusalMessage(request, lifecycle.moves),
    })
  })

  app.get<{ Params: Params }>('/register/:id/edit', async (request, reply) => {
    const user = requirePermission(request, 'register:write')
    const entry = await register.get(user, request.params.id)
    return renderForm(reply, user, { entry, values: formValuesFor(entry) })
  })

  app.post<{ Params: Params; Body: Body }>('/register/:id/edit', async (request, reply) => {
    const user = requirePermission(request, 'register:write')
    const entry = await register.get(user, request.params.id)
    const schema = entryInput.extend({ version: z.coerce.number().int().positive() })
    const parsed = parseWith(schema, entryFromForm(request.body))
    if (!parsed.ok) {
      reply.code(400)
      return renderForm(reply, user, { entry, values: formValuesFromBody(request.body), errors: withDateIds(parsed.errors) })
    }
    try {
      await register.update(user, entry.id, parsed.data)
    } catch (err) {
      if (!(err instanceof StaleEntryError)) throw err
      // Someone saved in between: keep this person's typing, show what is stored now, and
      // carry the new version so a deliberate second save goes through.
      reply.code(409)
      return renderForm(reply, user, {
        entry: err.current,
        values: { ...formValuesFromBody(request.body), version: err.current.version },
        errors: formErrors({ _form: t('register.errors.stale') }, () => 'main-content'),
        stale: err.current,
      })
    }
    return reply.redirect(`/register/${entry.id}?done=updated`, 303)
  })

  app.post<{ Params: Params; Body: Body }>('/register/:id/stage', async (request, reply) => {
    const user = requirePermission(request, 'register:write')
    const to = z.enum(STAGES).safeParse(request.body.stage)
    if (!to.success) return reply.redirect(`/register/${request.params.id}?refused=lifecycle.notAllowed`, 303)
    try {
      await register.transition(user, request.params.id, to.data)
    } catch (err) {
      if (err instanceof TransitionRefused) {
        return reply.redirect(`/register/${request.params.id}?refused=${encodeURIComponent(err.reason)}`, 303)
      }
      if (err instanceof StaleEntryError) return reply.redirect(`/register/${request.params.id}?refused=register.errors.stale`, 303)
      throw err
    }
    return reply.redirect(`/register/${request.params.id}?done=stage`, 303)
  })
}

/** Whether an entry's next review is overdue, or due within 30 days (live and approved uses are kept under review). */
export function reviewState(nextReviewDate: string | null, today = todayIso()): 'overdue' | 'dueSoon' | null {
  if (!nextReviewDate) return null
  if (nextReviewDate < today) return 'overdue'
  const soon = new Date(`${today}T00:00:00Z`)
  soon.setUTCDate(soon.getUTCDate() + 30)
  return nextReviewDate <= soon.toISOString().slice(0, 10) ? 'dueSoon' : null
}

/** The date input's first box carries the id the error summary links to. */
function withDateIds(errors: FormErrors): FormErrors {
  return formErrors(errors.fields, (f) => (f === 'nextReviewDate' ? 'nextReviewDate-day' : f))
}

/**
 * A lifecycle refusal carried across a redirect: only known refusal messages are shown, filled
 * from the move the same guard still refuses (so a refusal names the actions in its way).
 */
function refusalMessage(request: FastifyRequest, moves: readonly { check: TransitionCheck }[] = []): string | undefined {
  const key = (request.query as Record<string, string | undefined>).refused
  if (!key || !(key.startsWith('lifecycle.') || key === 'register.errors.stale') || !hasMessage(key)) return undefined
  const refusal = moves.map((m) => m.check).find((c) => !c.ok && c.reason === key)
  return t(key, refusal && !refusal.ok ? refusal.vars : undefined)
}

function selectItems(anyText: string, options: [string, string][], selected: string | undefined) {
  return [{ value: '', text: anyText }, ...options.map(([value, text]) => ({ value, text, selected: value === selected }))]
}

/** govukPagination items for a list, keeping the other query parameters. */
function pagination(url: string, page: number, pages: number) {
  return paginationFor(page, pages, (n) => {
    const u = new URL(url, 'http://x')
    u.searchParams.set('page', String(n))
    return `${u.pathname}${u.search}`
  })
}
