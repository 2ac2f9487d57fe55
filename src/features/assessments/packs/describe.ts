/**
 * A question set's rules in words, for the preview: each condition written with the questions'
 * own text and the options' labels, so a platform admin can read what the rules do before the set
 * goes live.
 */
import { t } from '../../../platform/i18n/i18n.ts'
import { allQuestions, type Condition, type ConditionValue, type Question, type QuestionSet, type SharedLibrary } from '../questionSet/schema.ts'

type Lookup = (id: string) => Pick<Question, 'text' | 'options' | 'fields'> | undefined

function valueText(q: ReturnType<Lookup>, value: ConditionValue): string {
  if (typeof value === 'boolean') return t(value ? 'common.yes' : 'common.no')
  const option = q?.options?.find((o) => o.value === value)
  return `“${option?.label ?? String(value)}”`
}

/** One condition in words. */
export function conditionText(cond: Condition, lookup: Lookup): string {
  if ('all' in cond) return cond.all.map((c) => `(${conditionText(c, lookup)})`).join(` ${t('packs.cond.and')} `)
  if ('any' in cond) return cond.any.map((c) => `(${conditionText(c, lookup)})`).join(` ${t('packs.cond.or')} `)
  if ('not' in cond) return t('packs.cond.not', { cond: conditionText(cond.not, lookup) })
  if ('atLeast' in cond) return t('packs.cond.atLeast', { n: cond.atLeast, of: cond.of.map((c) => `(${conditionText(c, lookup)})`).join('; ') })
  const q = lookup(cond.q)
  const question = `“${q?.text ?? cond.q}”`
  if ('eq' in cond) return t('packs.cond.eq', { q: question, value: valueText(q, cond.eq) })
  if ('in' in cond) return t('packs.cond.in', { q: question, values: cond.in.map((v) => valueText(q, v)).join(', ') })
  if ('includes' in cond) return t('packs.cond.includes', { q: question, values: valueText(q, cond.includes) })
  if ('includesAny' in cond) return t('packs.cond.includesAny', { q: question, values: cond.includesAny.map((v) => valueText(q, v)).join(', ') })
  if ('answered' in cond) return t(cond.answered ? 'packs.cond.answered' : 'packs.cond.unanswered', { q: question })
  if ('gte' in cond) return t('packs.cond.gte', { q: question, n: cond.gte })
  if ('lte' in cond) return t('packs.cond.lte', { q: question, n: cond.lte })
  if ('anyItem' in cond) {
    const fields = q?.fields ?? []
    return t('packs.cond.anyItem', { q: question, cond: conditionText(cond.anyItem, (id) => fields.find((f) => f.id === id)) })
  }
  const bounds = [cond.count.gte !== undefined ? t('packs.cond.countGte', { n: cond.count.gte }) : '', cond.count.lte !== undefined ? t('packs.cond.countLte', { n: cond.count.lte }) : '']
  return t('packs.cond.count', { q: question, bounds: bounds.filter(Boolean).join(` ${t('packs.cond.and')} `) })
}

export interface RuleSummary {
  id: string
  when: string
  tier: string | null
  flags: string[]
  actions: { level: string; text: string }[]
  reason: string
  source: string
}

/** The set's rules, its "applies when" and its consistency checks, in words. */
export function rulesSummary(set: QuestionSet, shared: SharedLibrary | undefined) {
  const byId = new Map(allQuestions(set).map((q) => [q.id, q]))
  const lookup: Lookup = (id) => byId.get(id) ?? shared?.questions.get(id)
  const flagLabel = new Map(set.flags.map((f) => [f.id, f.label]))
  return {
    appliesWhen: set.appliesWhen ? conditionText(set.appliesWhen, lookup) : null,
    rules: set.rules.map((r): RuleSummary => ({
      id: r.id, when: conditionText(r.when, lookup), tier: r.tier ?? null,
      flags: r.flags.map((f) => flagLabel.get(f) ?? f), actions: r.actions.map((a) => ({ level: a.level, text: a.text })),
      reason: r.reason, source: r.source,
    })),
    consistency: (set.consistency ?? []).map((c) => ({ id: c.id, when: conditionText(c.when, lookup), require: conditionText(c.require, lookup), message: c.message })),
    questionCount: allQuestions(set).length,
    sharedCount: allQuestions(set).filter((q) => q.shared).length,
  }
}
