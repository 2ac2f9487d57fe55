import { z } from 'zod'
import { isoDate, isUuid } from '../../platform/validation.ts'
import { t } from '../../platform/i18n/i18n.ts'
import { recordAudit } from '../../platform/audit.ts'
import type { CurrentUser } from '../../platform/auth/store.ts'
import type { Db, Queryable } from '../../platform/db/db.ts'
import { notFound } from '../../platform/http/errors.ts'
import type { RegisterService } from '../register/service.ts'
import type { AnswerValue } from './engine.ts'

/** The hidden-risks workshop set and its repeating group of risks. */
export const HIDDEN_RISKS_SET = 'hidden_risks'
export const HIDDEN_RISKS_GROUP = 'risks'

/** The six categories of the Mitigating 'Hidden' AI Risks toolkit, plus anything else. */
export const RISK_CATEGORIES = [
  'quality_assurance', 'task_tool_mismatch', 'perception_emotions_signalling', 'workflow_organisational', 'ethics',
  'human_connection_overreliance', 'other',
] as const

export type Band = 'low' | 'medium' | 'high'

/**
 * The band of a likelihood × impact pair on 1–5 scales, the same bands the hidden-risks set's
 * rules use: both 4 or more is high, both 3 or more medium, anything else low.
 */
export function band(likelihood: number | null | undefined, impact: number | null | undefined): Band | null {
  if (!likelihood || !impact) return null
  if (likelihood >= 4 && impact >= 4) return 'high'
  if (likelihood >= 3 && impact >= 3) return 'medium'
  return 'low'
}

export interface RiskRow {
  id: string | null
  source: 'workshop' | 'manual'
  category: string
  description: string
  likelihood: number | null
  impact: number | null
  inherent: Band | null
  residualLikelihood: number | null
  residualImpact: number | null
  residual: Band | null
  owner: string | null
  mitigation: string | null
  reviewDate: string | null
}

const rating = z.coerce.number().int().min(1, 'risks.errors.rating').max(5, 'risks.errors.rating')
export const riskInput = z.object({
  category: z.enum(RISK_CATEGORIES, { error: 'risks.errors.category' }),
  description: z.string({ error: 'risks.errors.description' }).trim().min(1, 'risks.errors.description').max(5000, 'register.errors.tooLong'),
  likelihood: rating,
  impact: rating,
  residualLikelihood: rating.nullish().transform((v) => v ?? null),
  residualImpact: rating.nullish().transform((v) => v ?? null),
  owner: z.string().trim().max(200, 'register.errors.tooLong').nullish().transform((v) => v || null),
  mitigation: z.string().trim().max(5000, 'register.errors.tooLong').nullish().transform((v) => v || null),
  reviewDate: isoDate('risks.errors.reviewDate').nullish().transform((v) => v ?? null),
})
export type RiskInput = z.output<typeof riskInput>

const num = (v: unknown): number | null => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? Number(v) : NaN
  return Number.isFinite(n) ? n : null
}
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null)

/** Risks from the hidden-risks workshop answers, in register form. */
export function workshopRisks(value: AnswerValue | undefined): RiskRow[] {
  if (!Array.isArray(value)) return []
  return (value as unknown[]).filter((i): i is Record<string, unknown> => typeof i === 'object' && i !== null).map((item) => {
    const likelihood = num(item.likelihood)
    const impact = num(item.impact)
    const rl = num(item.residual_likelihood)
    const ri = num(item.residual_impact)
    return {
      id: null, source: 'workshop', category: str(item.category) ?? 'other', description: str(item.description) ?? '',
      likelihood, impact, inherent: band(likelihood, impact), residualLikelihood: rl, residualImpact: ri, residual: band(rl, ri),
      owner: str(item.owner), mitigation: str(item.mitigation), reviewDate: str(item.review_date),
    }
  })
}

/** Plain text for the ATRS "risks and mitigations" field, one line per risk, in the service's language. */
export function risksToText(risks: RiskRow[]): string {
  const trim = (text: string) => text.trim().replace(/[.;\s]+$/, '')
  const bandWord = (b: Band) => t(`risks.band.${b}`).toLowerCase()
  return risks
    .map((r) => {
      const parts = [`${t(`risks.category.${r.category}`)}: ${trim(r.description)}`]
      if (r.inherent) parts.push(t('risks.text.rated', { band: bandWord(r.inherent) }))
      if (r.mitigation) parts.push(t('risks.text.mitigation', { text: trim(r.mitigation) }))
      if (r.residual) parts.push(t('risks.text.residual', { band: bandWord(r.residual) }))
      return `- ${parts.join('; ')}.`
    })
    .join('\n')
}

/** Risks added by hand to an entry (in whatever transaction the caller is in). */
export async function manualRisks(q: Queryable, organisationId: string, entryId: string): Promise<RiskRow[]> {
  const rows = await q.query<{ id: string; category: string; description: string; likelihood: number; impact: number; residual_likelihood: number | null; residual_impact: number | null; owner: string | null; mitigation: string | null; review_date: string | null }>(
    `select id, category, description, likelihood, impact, residual_likelihood, residual_impact, owner, mitigation, review_date
     from entry_risks where organisation_id = $1 and entry_id = $2 order by created_at`,
    [organisationId, entryId],
  )
  return rows.map((r) => ({
    id: r.id, source: 'manual', category: r.category, description: r.description, likelihood: r.likelihood, impact: r.impact,
    inherent: band(r.likelihood, r.impact), residualLikelihood: r.residual_likelihood, residualImpact: r.residual_impact,
    residual: band(r.residual_likelihood, r.residual_impact), owner: r.owner, mitigation: r.mitigation, reviewDate: r.review_date,
  }))
}

/** The whole register: the workshop's risks (from its answers) first, then those added by hand. */
export async function riskRegister(q: Queryable, organisationId: string, entryId: string, answers: Record<string, AnswerValue | undefined>): Promise<RiskRow[]> {
  return [...workshopRisks(answers[HIDDEN_RISKS_GROUP]), ...(await manualRisks(q, organisationId, entryId))]
}

export function createRiskService(
  db: Db,
  register: RegisterService,
  answersFor: (user: CurrentUser, entryId: string) => Promise<Record<string, AnswerValue | undefined>>,
  /** Called inside the transaction after a risk is added or removed (the ATRS draft listens). */
  changed: (tx: Queryable, user: CurrentUser, entryId: string) => Promise<void>,
) {
  return {
    /** The entry's risk register: workshop risks first, then those added by hand. */
    async listFor(user: CurrentUser, entryId: string): Promise<RiskRow[]> {
      return riskRegister(db, user.organisationId, entryId, await answersFor(user, entryId))
    },

    async add(user: CurrentUser, entryId: string, input: RiskInput): Promise<void> {
      await db.transaction(async (tx) => {
        const entry = await register.getForUpdate(tx, user, entryId)
        await tx.query(
          `insert into entry_risks (organisation_id, entry_id, category, description, likelihood, impact, residual_likelihood,
             residual_impact, owner, mitigation, review_date, created_by)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
          [user.organisationId, entry.id, input.category, input.description, input.likelihood, input.impact,
            input.residualLikelihood, input.residualImpact, input.owner, input.mitigation, input.reviewDate, user.id],
        )
        await recordAudit(tx, {
          organisationId: user.organisationId, actorId: user.id, entityType: 'register_entry', entityId: entry.id,
          action: 'risk_added', changes: { risk: { from: null, to: input.description } },
        })
        await changed(tx, user, entry.id)
      })
    },

    async remove(user: CurrentUser, entryId: string, riskId: string): Promise<void> {
      if (!isUuid(riskId)) throw notFound()
      await db.transaction(async (tx) => {
        const rows = await tx.query<{ description: string }>(
          'delete from entry_risks where organisation_id = $1 and entry_id = $2 and id = $3 returning description',
          [user.organisationId, entryId, riskId],
        )
        if (!rows[0]) throw notFound()
        await recordAudit(tx, {
          organisationId: user.organisationId, actorId: user.id, entityType: 'register_entry', entityId: entryId,
          action: 'risk_removed', changes: { risk: { from: rows[0].description, to: null } },
        })
        await changed(tx, user, entryId)
      })
    },
  }
}
export type RiskService = ReturnType<typeof createRiskService>
