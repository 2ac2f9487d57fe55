import { recordAudit } from '../../platform/audit.ts'
import type { CurrentUser } from '../../platform/auth/store.ts'
import type { Db } from '../../platform/db/db.ts'
import { notFound } from '../../platform/http/errors.ts'
import { isUuid } from '../../platform/validation.ts'
import type { RegisterService } from '../register/service.ts'
import { APPROVING, type Decision, type DecisionInput, stageAfterDecision } from './model.ts'

/** The board may not decide now; `reason` is a message key. */
export class DecisionRefused extends Error {
  constructor(readonly reason: string) {
    super(reason)
  }
}

export function createBoardService(db: Db, register: RegisterService) {
  // The lifecycle's "approved" and "open conditions" facts come from the board's own tables.
  register.extensions.provideFacts(async (q, organisationId, entryId) => {
    const [row] = await q.query<{ approved: boolean; open_conditions: number }>(
      `select
         coalesce((select d.outcome = any($3::text[]) from decisions d
                   where d.entry_id = $2 and d.organisation_id = $1
                   order by d.decided_at desc, d.id desc limit 1), false) as approved,
         (select count(*)::int from decision_conditions c
           where c.entry_id = $2 and c.organisation_id = $1 and c.status = 'open') as open_conditions`,
      [organisationId, entryId, APPROVING],
    )
    return { approved: row!.approved, openConditions: row!.open_conditions }
  })

  return {
    async decisionsFor(user: CurrentUser, entryId: string): Promise<Decision[]> {
      const rows = await db.query<{
        id: string; outcome: Decision['outcome']; rationale: string; review_date: string | null; decided_by: string; decided_at: Date
        conditions: { id: string; text: string; status: 'open' | 'met' | 'waived'; closed_at: string | null }[]
      }>(
        `select d.id, d.outcome, d.rationale, d.review_date, u.name as decided_by, d.decided_at,
           coalesce((select json_agg(json_build_object('id', c.id, 'text', c.text, 'status', c.status, 'closed_at', c.closed_at) order by c.text)
             from decision_conditions c where c.decision_id = d.id), '[]'::json) as conditions
         from decisions d join users u on u.id = d.decided_by
         where d.organisation_id = $1 and d.entry_id = $2
         order by d.decided_at desc, d.id desc`,
        [user.organisationId, entryId],
      )
      return rows.map((r) => ({
        id: r.id, outcome: r.outcome, rationale: r.rationale, reviewDate: r.review_date, decidedBy: r.decided_by,
        decidedAt: r.decided_at,
        conditions: r.conditions.map((c) => ({ id: c.id, text: c.text, status: c.status, closedAt: c.closed_at ? new Date(c.closed_at) : null })),
      }))
    },

    /**
     * Records a decision on an entry awaiting one, moves the entry to where the decision
     * leaves it and sets its next review date; all in one transaction.
     */
    async record(user: CurrentUser, entryId: string, input: DecisionInput): Promise<string> {
      return db.transaction(async (tx) => {
        const entry = await register.getForUpdate(tx, user, entryId)
        if (entry.stage !== 'awaiting_decision') throw new DecisionRefused('board.errors.notAwaiting')
        const approving = input.outcome === 'approve' || input.outcome === 'approve_with_conditions'
        if (approving && entry.riskTier === 'prohibited') throw new DecisionRefused('board.errors.prohibited')
        if (approving && !entry.riskTier) throw new DecisionRefused('board.errors.unscreened')
        const [decision] = await tx.query<{ id: string }>(
          `insert into decisions (organisation_id, entry_id, outcome, rationale, review_date, decided_by)
           values ($1, $2, $3, $4, $5, $6) returning id`,
          [user.organisationId, entry.id, input.outcome, input.rationale, input.reviewDate, user.id],
        )
        const conditions = input.outcome === 'approve_with_conditions' ? input.conditions : []
        for (const text of conditions) {
          await tx.query(
            'insert into decision_conditions (organisation_id, decision_id, entry_id, text) values ($1, $2, $3, $4)',
            [user.organisationId, decision!.id, entry.id, text],
          )
        }
        await recordAudit(tx, {
          organisationId: user.organisationId, actorId: user.id, entityType: 'register_entry', entityId: entry.id,
          action: 'decided',
          changes: { decision: { from: null, to: input.outcome }, ...(conditions.length ? { conditions: { from: null, to: conditions.join('; ') } } : {}) },
        })
        await register.applyChange(tx, user, entry, {
          stage: stageAfterDecision(input.outcome),
          ...(input.reviewDate ? { nextReviewDate: input.reviewDate } : {}),
        }, 'decision_applied')
        return decision!.id
      })
    },

    /** Marks a condition of an approval met or waived (a board member's call). */
    async closeCondition(user: CurrentUser, entryId: string, conditionId: string, status: 'met' | 'waived'): Promise<void> {
      if (!isUuid(conditionId)) throw notFound()
      await db.transaction(async (tx) => {
        const rows = await tx.query<{ text: string }>(
          `update decision_conditions set status = $4, closed_by = $5, closed_at = now()
           where organisation_id = $1 and entry_id = $2 and id = $3 and status = 'open' returning text`,
          [user.organisationId, entryId, conditionId, status, user.id],
        )
        if (!rows[0]) throw notFound()
        await recordAudit(tx, {
          organisationId: user.organisationId, actorId: user.id, entityType: 'register_entry', entityId: entryId,
          action: `condition_${status}`, changes: { condition: { from: rows[0].text, to: status } },
        })
      })
    },
  }
}
export type BoardService = ReturnType<typeof createBoardService>
