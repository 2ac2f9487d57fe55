import type { FastifyInstance, FastifyReply } from 'fastify'
import { can } from '../../platform/auth/permissions.ts'
import type { CurrentUser } from '../../platform/auth/store.ts'
import { requirePermission, requireUser } from '../../platform/http/auth.ts'
import { type FormErrors, parseWith } from '../../platform/http/forms.ts'
import { t } from '../../platform/i18n/i18n.ts'
import type { Services } from '../../services.ts'
import { NATIONS } from '../organisations/model.ts'
import { barChart } from '../../platform/http/charts.ts'
import {
  type Aggregate, type BenchmarkFigure, benchmarkFilters, type BenchmarkFilters, medianPercent, MIN_CONTRIBUTORS, participationInput,
  sharePercent, type ShownFigure,
} from './model.ts'

type Body = Record<string, unknown>

/** One value in words: a share, a median, or a distribution's most common level (own values). */
function ownText(a: Aggregate): string {
  if (a.kind === 'share') return a.contributors === 0 ? t('benchmark.own.none') : t(a.count > 0 ? 'benchmark.own.yes' : 'benchmark.own.no')
  if (a.kind === 'median') {
    const pc = medianPercent(a.median)
    return a.contributors === 0 || pc === null ? t('benchmark.own.noPolicy') : t('benchmark.percent', { percent: pc })
  }
  const i = a.counts.findIndex((n) => n > 0)
  return i < 0 ? t('benchmark.own.notAssessed') : a.levels[i]!.label
}

/** A figure as the page draws it; a hidden one carries nothing but its words and the reason. */
function present(f: ShownFigure, own: BenchmarkFigure | undefined) {
  const base = { id: f.id, title: f.title, description: f.description, own: own ? ownText(own.aggregate) : null }
  if (!f.shown) return { ...base, shown: false as const, kind: f.kind, hidden: t('benchmark.hidden', { min: MIN_CONTRIBUTORS }) }
  const a = f.aggregate
  if (a.kind === 'share') {
    return { ...base, shown: true as const, kind: a.kind, text: t('benchmark.share', { percent: sharePercent(a.count, a.contributors) ?? 0, count: a.count, total: a.contributors }) }
  }
  if (a.kind === 'median') {
    return { ...base, shown: true as const, kind: a.kind, text: t('benchmark.median', { percent: medianPercent(a.median) ?? 0, total: a.contributors }) }
  }
  const bars = a.levels.map((l, i) => ({ label: l.label, value: a.counts[i] ?? 0 }))
  return {
    ...base, shown: true as const, kind: a.kind, total: a.contributors,
    text: t('benchmark.distribution', { total: a.contributors }),
    rows: bars.map((b) => ({ ...b, percent: sharePercent(b.value, a.contributors) ?? 0 })),
    svg: barChart({ id: `chart-${f.id}`, title: f.title, description: f.description }, bars),
  }
}

/**
 * GET /benchmark: the sector benchmark for anyone signed in. Anonymous aggregates across the
 * organisations that opted in, filtered by organisation type and nation; each figure shown only
 * when at least MIN_CONTRIBUTORS organisations contribute, otherwise the page says so and the
 * number is not in the response. The organisation's own values sit beside the sector's when it
 * takes part. POST /benchmark/participation: an admin opts the organisation in or out.
 */
export function benchmarkRoutes(app: FastifyInstance, services: Services): void {
  const { benchmark } = services

  // The sector hub: how the sector compares (every signed-in person may read it).
  services.hub.sections.add({
    id: 'benchmark',
    order: 40,
    template: 'benchmark/views/_hub.njk',
    load: async (user) => ({ participating: await benchmark.participating(user) }),
  })

  const render = async (reply: FastifyReply, user: CurrentUser, filters: BenchmarkFilters | null,
    opts: { values?: Record<string, string>; errors?: FormErrors; flash?: string | null } = {}) => {
    const types = await benchmark.typeOptions()
    const view = filters ? await benchmark.view(user, filters) : { participating: await benchmark.participating(user), figures: [], own: new Map<string, BenchmarkFigure>() }
    const figures = view.figures.map((f) => present(f, view.own.get(f.id)))
    const values = opts.values ?? { type: filters?.type ?? '', nation: filters?.nation ?? '' }
    return reply.view('benchmark/views/benchmark.njk', {
      pageTitle: t('benchmark.title'),
      participating: view.participating,
      canManage: can(user.roles, 'organisation:manage'),
      minContributors: MIN_CONTRIBUTORS,
      governance: figures.filter((f) => f.kind !== 'distribution'),
      distributions: figures.filter((f) => f.kind === 'distribution'),
      filtered: Boolean(filters?.type || filters?.nation),
      typeItems: [{ value: '', text: t('benchmark.filters.anyType') },
        // A type typed into the address that the list does not offer stays chosen (its figures follow the threshold like any).
        ...[...types, ...(values.type && !types.includes(values.type) ? [values.type] : [])].map((ty) => ({ value: ty, text: ty, selected: values.type === ty }))],
      nationItems: [{ value: '', text: t('benchmark.filters.anyNation') },
        ...NATIONS.map((n) => ({ value: n, text: t(`benchmark.nation.${n}`), selected: values.nation === n }))],
      errors: opts.errors?.fields ?? {},
      errorList: opts.errors?.errorList ?? [],
      flash: opts.flash ?? null,
    })
  }

  app.get<{ Querystring: Record<string, unknown> }>('/benchmark', async (request, reply) => {
    const user = requireUser(request)
    const q = request.query
    const given = (v: unknown) => (v === '' ? undefined : v)
    const parsed = parseWith(benchmarkFilters, { type: given(q.type), nation: given(q.nation) })
    const done = q.done === 'joined' || q.done === 'left' ? t(`benchmark.done.${q.done}`) : null
    if (!parsed.ok) return render(reply.code(400), user, null, { values: { type: '', nation: '' }, errors: parsed.errors })
    return render(reply, user, parsed.data, { flash: done })
  })

  app.post<{ Body: Body }>('/benchmark/participation', async (request, reply) => {
    const user = requirePermission(request, 'organisation:manage')
    const parsed = parseWith(participationInput, { participate: request.body.participate })
    if (!parsed.ok) return render(reply.code(400), user, { type: null, nation: null }, { errors: parsed.errors })
    await benchmark.setParticipation(user, parsed.data.participate)
    return reply.redirect(`/benchmark?done=${parsed.data.participate ? 'joined' : 'left'}`, 303)
  })
}
