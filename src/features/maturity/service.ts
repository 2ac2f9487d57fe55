import { recordAudit } from '../../platform/audit.ts'
import { can } from '../../platform/auth/permissions.ts'
import type { CurrentUser } from '../../platform/auth/store.ts'
import type { Db, Queryable } from '../../platform/db/db.ts'
import { forbidden } from '../../platform/http/errors.ts'
import { loadMaturityModel, MATURITY_MODEL_FILE } from './content.ts'
import { type DimensionScore, LEVELS, type MaturityAssessment, type MaturityModel } from './model.ts'
import * as repo from './repository.ts'

/**
 * The maturity self-assessment: the model (content, checked when the service is made), dated
 * assessments kept as a history (never overwritten), and the per-dimension distribution the
 * sector benchmark draws on.
 */
export function createMaturityService(db: Db, opts: { modelFile?: string } = {}) {
  const model: MaturityModel = loadMaturityModel(opts.modelFile ?? MATURITY_MODEL_FILE)

  return {
    model: (): MaturityModel => model,

    /** An admin submits a dated assessment: every dimension scored 1–5, with evidence (one transaction, audited). */
    async submit(user: CurrentUser, scores: readonly DimensionScore[]): Promise<{ id: string; submittedAt: Date }> {
      if (!can(user.roles, 'organisation:manage')) throw forbidden()
      const known = new Set(model.dimensions.map((d) => d.id))
      if (scores.length !== known.size || !scores.every((s) => known.has(s.dimension) && (LEVELS as readonly number[]).includes(s.score))) {
        throw new Error('A maturity assessment must score every dimension of the model 1 to 5')
      }
      return db.transaction(async (tx) => {
        const made = await repo.insertAssessment(tx, { organisationId: user.organisationId, modelVersion: model.version, userId: user.id, scores })
        await recordAudit(tx, {
          organisationId: user.organisationId, actorId: user.id, entityType: 'maturity_assessment', entityId: made.id, action: 'maturity_assessed',
          changes: Object.fromEntries(scores.map((s) => [s.dimension, { from: null, to: s.score }])),
        })
        return made
      })
    },

    /** The organisation's assessments, oldest first (for anyone who may read the register). */
    async history(user: CurrentUser): Promise<MaturityAssessment[]> {
      if (!can(user.roles, 'register:read')) throw forbidden()
      return repo.assessmentsOf(db, user.organisationId)
    },

    /**
     * For each dimension of the model: how many of these organisations' latest assessments are at
     * each level, and how many organisations that is (counted in SQL).
     */
    async latestDistribution(organisationIds: readonly string[], q: Queryable = db) {
      const rows = organisationIds.length ? await repo.latestDistribution(q, organisationIds) : []
      return model.dimensions.map((d) => {
        const counts = LEVELS.map((level) => rows.find((r) => r.dimension === d.id && r.score === level)?.n ?? 0)
        return { dimension: d, counts, contributors: counts.reduce((a, b) => a + b, 0) }
      })
    },
  }
}
export type MaturityService = ReturnType<typeof createMaturityService>
