import type { FastifyInstance, FastifyReply } from 'fastify'
import { can } from '../../platform/auth/permissions.ts'
import { requirePermission } from '../../platform/http/auth.ts'
import { formErrors } from '../../platform/http/forms.ts'
import { t } from '../../platform/i18n/i18n.ts'
import type { Services } from '../../services.ts'
import { historyChart } from './chart.ts'
import { evidenceField, EVIDENCE_MAX, type MaturityAssessment, type MaturityModel, parseAssessment } from './model.ts'

type Body = Record<string, unknown>

/** A form field as typed, for showing back: one string, or '' (a repeated field is not one value). */
const typed = (v: unknown): string => (typeof v === 'string' ? v : '')

const shortDate = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'Europe/London' })

/** The history in words: the chart's <desc> and the paragraph beside it. */
export function describeHistory(model: MaturityModel, history: readonly MaturityAssessment[]): string {
  if (!history.length) return t('maturity.history.none')
  const latest = history[history.length - 1]!
  const previous = history.length > 1 ? history[history.length - 2]! : null
  const parts = model.dimensions.map((d) => {
    const now = latest.scores.find((s) => s.dimension === d.id)?.score
    const before = previous?.scores.find((s) => s.dimension === d.id)?.score
    if (now === undefined) return t('maturity.history.notScored', { dimension: d.title })
    if (before === undefined || before === now) return t('maturity.history.level', { dimension: d.title, level: now })
    return t(now > before ? 'maturity.history.up' : 'maturity.history.down', { dimension: d.title, level: now, before })
  })
  const intro = history.length === 1
    ? t('maturity.history.one', { date: shortDate.format(latest.submittedAt) })
    : t('maturity.history.many', { count: history.length, first: shortDate.format(history[0]!.submittedAt), last: shortDate.format(latest.submittedAt) })
  return `${intro} ${parts.join('; ')}.`
}

/**
 * GET /maturity: the organisation's latest maturity scores and its history over time (an SVG
 * chart with a text description and a table), for anyone who may read the register.
 * GET/POST /maturity/assess: an admin's self-assessment, each dimension scored 1–5 against its
 * described levels, with evidence; every submission is kept as a new dated assessment.
 */
export function maturityRoutes(app: FastifyInstance, services: Services): void {
  const { maturity } = services

  // The sector hub: where the organisation stands, and a way to assess it.
  services.hub.sections.add({
    id: 'maturity',
    order: 30,
    template: 'maturity/views/_hub.njk',
    load: async (user) => {
      if (!can(user.roles, 'register:read')) return null
      const latest = (await maturity.history(user)).at(-1)
      return { assessedAt: latest?.submittedAt ?? null, canAssess: can(user.roles, 'organisation:manage') }
    },
  })

  app.get<{ Querystring: { done?: string } }>('/maturity', async (request, reply) => {
    const user = requirePermission(request, 'register:read')
    const model = maturity.model()
    const history = await maturity.history(user)
    const latest = history.at(-1) ?? null
    const description = describeHistory(model, history)
    const chart = historyChart(
      { id: 'maturity-history', title: t('maturity.history.chartTitle'), description },
      model.dimensions,
      history.map((a) => ({ label: shortDate.format(a.submittedAt), scores: Object.fromEntries(a.scores.map((s) => [s.dimension, s.score])) })),
    )
    const levelOf = (dimensionId: string, level: number) =>
      model.dimensions.find((d) => d.id === dimensionId)?.levels.find((l) => l.level === level)
    return reply.view('maturity/views/results.njk', {
      pageTitle: t('maturity.title'),
      model, chart, description,
      latest: latest && {
        submittedAt: latest.submittedAt, submittedBy: latest.submittedBy,
        rows: model.dimensions.map((d) => {
          const s = latest.scores.find((x) => x.dimension === d.id)
          return { dimension: d, score: s?.score ?? null, level: s ? levelOf(d.id, s.score) : null, evidence: s?.evidence ?? '' }
        }),
      },
      history: [...history].reverse().map((a) => ({
        submittedAt: a.submittedAt, submittedBy: a.submittedBy,
        scores: model.dimensions.map((d) => a.scores.find((s) => s.dimension === d.id)?.score ?? null),
      })),
      canAssess: can(user.roles, 'organisation:manage'),
      flash: request.query.done === 'assessed' ? t('maturity.done.assessed') : null,
    })
  })

  const renderForm = (reply: FastifyReply, model: MaturityModel, values: Record<string, string>, errors: Record<string, string> = {}) =>
    reply.view('maturity/views/assess.njk', {
      pageTitle: t('maturity.assess.title'),
      evidenceMax: EVIDENCE_MAX,
      dimensions: model.dimensions.map((d) => ({
        id: d.id, title: d.title, summary: d.summary, evidenceName: evidenceField(d.id),
        evidence: values[evidenceField(d.id)] ?? '',
        error: errors[d.id], evidenceError: errors[evidenceField(d.id)],
        items: d.levels.map((l) => ({
          value: String(l.level), text: t('maturity.levelName', { level: l.level, name: l.name }), hint: { text: l.description },
          checked: values[d.id] === String(l.level),
        })),
      })),
      errors,
      errorList: formErrors(errors).errorList,
    })

  app.get('/maturity/assess', async (request, reply) => {
    const user = requirePermission(request, 'organisation:manage')
    const model = maturity.model()
    // A new assessment starts from the latest one: change what moved, keep what did not.
    const latest = (await maturity.history(user)).at(-1)
    const values: Record<string, string> = {}
    for (const s of latest?.scores ?? []) {
      values[s.dimension] = String(s.score)
      values[evidenceField(s.dimension)] = s.evidence
    }
    return renderForm(reply, model, values)
  })

  app.post<{ Body: Body }>('/maturity/assess', async (request, reply) => {
    const user = requirePermission(request, 'organisation:manage')
    const model = maturity.model()
    const body = request.body
    const values: Record<string, string> = {}
    for (const d of model.dimensions) {
      values[d.id] = typed(body[d.id]).trim()
      values[evidenceField(d.id)] = typed(body[evidenceField(d.id)])
    }
    const parsed = parseAssessment(model, body)
    if (!parsed.ok) {
      const errors = Object.fromEntries(parsed.problems.map((p) => [p.field, t(p.key, { dimension: p.dimension })]))
      return renderForm(reply.code(400), model, values, errors)
    }
    await maturity.submit(user, parsed.scores)
    return reply.redirect('/maturity?done=assessed', 303)
  })
}
