import { z } from 'zod'
import { isoDate, isUuid } from '../../platform/validation.ts'
import { t } from '../../platform/i18n/i18n.ts'
import { recordAudit } from '../../platform/audit.ts'
import type { CurrentUser } from '../../platform/auth/store.ts'
import type { Db, Queryable } from '../../platform/db/db.ts'
import { notFound } from '../../platform/http/errors.ts'
import type { RegisterService } from '../register/service.ts'
import type { AnswerValue } from './engine.ts'
import { OWNER_MAX } from './forms.ts'
import * as repo from './repository.ts'

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

/** Longest texts a risk keeps (the messages say the same limits). */
export const RISK_TEXT_MAX = 5000

/**
 * A 1–5 rating from a radio group. Nothing chosen says which rating is missing ("Select the
 * likelihood"); anything else that is not 1 to 5 says the range, naming the field too.
 */
const rating = (missing: string, range: string) =>
  z.preprocess(
    (v) => (typeof v === 'string' && /^\s*\d{1,2}\s*$/.test(v) ? Number(v) : v),
    z.number({ error: (issue) => (issue.input === undefined || issue.input === null ? missing : range) })
      .int(range).min(1, range).max(5, range),
  )
/** An optional text: blank is null; too long names the field and the limit. */
const optionalText = (max: number, tooLong: string, notText: string) =>
  z.string({ error: notText }).trim().max(max, tooLong).nullish().transform((v) => v || null)

export const riskInput = z.object({
  category: z.enum(RISK_CATEGORIES, { error: 'risks.errors.category' }),
  description: z.string({ error: 'risks.errors.description' }).trim().min(1, 'risks.errors.description')
    .max(RISK_TEXT_MAX, 'risks.errors.descriptionTooLong'),
  likelihood: rating('risks.errors.likelihood', 'risks.errors.likelihoodRange'),
  impact: rating('risks.errors.impact', 'risks.errors.impactRange'),
  residualLikelihood: rating('risks.errors.residualLikelihoodRange', 'risks.errors.residualLikelihoodRange').nullish().transform((v) => v ?? null),
  residualImpact: rating('risks.errors.residualImpactRange', 'risks.errors.residualImpactRange').nullish().transform((v) => v ?? null),
  owner: optionalText(OWNER_MAX, 'assessments.errors.ownerTooLong', 'assessments.errors.ownerText'),
  mitigation: optionalText(RISK_TEXT_MAX, 'risks.errors.mitigationTooLong', 'risks.errors.mitigationText'),
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

/** Risks added by hand to an entry (in whatever transaction the caller is in), with their bands. */
export async function manualRisks(q: Queryable, organisationId: string, entryId: string): Promise<RiskRow[]> {
  return (await repo.manualRisks(q, organisationId, entryId)).map((r) => ({
    ...r, source: 'manual', inherent: band(r.likelihood, r.impact), residual: band(r.residualLikelihood, r.residualImpact),
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
        await repo.insertRisk(tx, user.organisationId, entry.id, input, user.id)
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
        const description = await repo.deleteRisk(tx, user.organisationId, entryId, riskId)
        if (description === null) throw notFound()
        await recordAudit(tx, {
          organisationId: user.organisationId, actorId: user.id, entityType: 'register_entry', entityId: entryId,
          action: 'risk_removed', changes: { risk: { from: description, to: null } },
        })
        await changed(tx, user, entryId)
      })
    },
  }
}
export type RiskService = ReturnType<typeof createRiskService>
