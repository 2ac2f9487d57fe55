import { recordAudit } from '../../platform/audit.ts'
import type { CurrentUser } from '../../platform/auth/store.ts'
import type { Db, Queryable } from '../../platform/db/db.ts'
import { notFound } from '../../platform/http/errors.ts'
import { isUuid } from '../../platform/validation.ts'
import type { AssessmentService } from '../assessments/service.ts'
import type { OrganisationService } from '../organisations/service.ts'
import type { RegisterEntry } from '../register/model.ts'
import type { RegisterService } from '../register/service.ts'
import {
  APPROVING, type BoardAct, type Decision, type DecisionInput, separation, type SeparationVerdict, type Stake,
  stageAfterDecision,
} from './model.ts'
import * as repo from './repository.ts'

/** The board may not decide now; `reason` is a message key, `field` the form field it is about. */
export class DecisionRefused extends Error {
  constructor(readonly reason: string, readonly field: 'outcome' | 'acceptedActions' = 'outcome') {
    super(reason)
  }
}

/** Separation of duties: this person has a stake in the entry; `reason` is a message key (a whole sentence). */
export class SeparationRefused extends Error {
  constructor(readonly reason: string, readonly stakes: Stake[]) {
    super(reason)
  }
}

/** The audit trail's mark on an act done under relaxed separation of duties (nothing otherwise). */
function relaxedMark(v: SeparationVerdict) {
  return v.allowed && v.relaxed
    ? { separationRelaxed: { from: false, to: true }, ownStakes: { from: null, to: v.stakes } }
    : {}
}

export function createBoardService(
  db: Db, register: RegisterService, assessments: AssessmentService, organisations: OrganisationService,
) {
  // The lifecycle's "approved" and "open conditions" facts come from the board's own tables.
  register.extensions.provideFacts((q, organisationId, entryId) => repo.lifecycleFacts(q, organisationId, entryId, APPROVING))

  /** The person's own stakes in the entry: they proposed it, and/or they submitted its screening. */
  async function stakesIn(q: Queryable, user: CurrentUser, entry: RegisterEntry): Promise<Stake[]> {
    const stakes: Stake[] = []
    if (entry.createdBy === user.id) stakes.push('proposed')
    const screening = await assessments.screeningFor(user, entry.id, q)
    if (screening?.submittedBy === user.id) stakes.push('screened')
    return stakes
  }

  /** Whether this person may do this board act on the entry, under the organisation's setting. */
  async function verdict(q: Queryable, user: CurrentUser, entry: RegisterEntry, act: BoardAct): Promise<SeparationVerdict> {
    const org = await organisations.get(user.organisationId, q)
    return separation(await stakesIn(q, user, entry), org.separationOfDuties, act)
  }

  async function mustBeAllowed(tx: Queryable, user: CurrentUser, entry: RegisterEntry, act: BoardAct) {
    const v = await verdict(tx, user, entry, act)
    if (!v.allowed) throw new SeparationRefused(v.reason, v.stakes)
    return v
  }

  /**
   * The open MUST actions an approval accepts leaving open: each must be one of the entry's open
   * MUST actions now, and becomes a condition of the decision, waived with the board's reason.
   * Returns their words (for the audit trail).
   */
  async function acceptOpenActions(
    tx: Queryable, user: CurrentUser, entryId: string, decisionId: string, input: DecisionInput, allowed: SeparationVerdict,
  ): Promise<string[]> {
    const ids = input.acceptedActions ?? []
    if (!ids.length) return []
    if (!APPROVING.includes(input.outcome)) throw new DecisionRefused('board.errors.acceptOnlyApproving', 'acceptedActions')
    if (!input.acceptanceReason) throw new DecisionRefused('board.errors.acceptanceReason', 'acceptedActions')
    const open = new Map((await assessments.openMustActions(user, entryId, tx)).map((a) => [a.id, a]))
    const texts: string[] = []
    for (const id of new Set(ids)) {
      const action = open.get(id)
      if (!action) throw new DecisionRefused('board.errors.actionNotOpen', 'acceptedActions')
      await repo.insertAcceptedAction(tx, {
        organisationId: user.organisationId, decisionId, entryId, text: action.text, actionId: action.id,
        reason: input.acceptanceReason, closedBy: user.id,
        separationRelaxed: allowed.allowed && allowed.relaxed, closerStakes: allowed.stakes,
      })
      texts.push(action.text)
    }
    return texts
  }

  return {
    /** The entry's open MUST actions, which an approval may accept leaving open (for the decision form). */
    openMustActions: (user: CurrentUser, entryId: string) => assessments.openMustActions(user, entryId),

    async decisionsFor(user: CurrentUser, entryId: string): Promise<Decision[]> {
      return repo.listDecisions(db, user.organisationId, entryId)
    },

    /** For pages: whether this person may decide on the entry and close its conditions (and why not). */
    async separationFor(user: CurrentUser, entry: RegisterEntry): Promise<Record<BoardAct, SeparationVerdict>> {
      const org = await organisations.get(user.organisationId, db)
      const stakes = await stakesIn(db, user, entry)
      return { decide: separation(stakes, org.separationOfDuties, 'decide'), close: separation(stakes, org.separationOfDuties, 'close') }
    },

    /**
     * Records a decision on an entry awaiting one, moves the entry to where the decision
     * leaves it and sets its next review date; all in one transaction. Refused when the person
     * proposed the entry or submitted its screening, unless the organisation relaxed separation
     * of duties; then the decision and its audit event are marked as relaxed.
     */
    async record(user: CurrentUser, entryId: string, input: DecisionInput): Promise<string> {
      return db.transaction(async (tx) => {
        const entry = await register.getForUpdate(tx, user, entryId)
        if (entry.stage !== 'awaiting_decision') throw new DecisionRefused('board.errors.notAwaiting')
        const approving = APPROVING.includes(input.outcome)
        if (approving && entry.riskTier === 'prohibited') throw new DecisionRefused('board.errors.prohibited')
        if (approving && !entry.riskTier) throw new DecisionRefused('board.errors.unscreened')
        const allowed = await mustBeAllowed(tx, user, entry, 'decide')
        const decisionId = await repo.insertDecision(tx, {
          organisationId: user.organisationId, entryId: entry.id, outcome: input.outcome, rationale: input.rationale,
          reviewDate: input.reviewDate, decidedBy: user.id, separationRelaxed: allowed.relaxed, deciderStakes: allowed.stakes,
        })
        const conditions = input.outcome === 'approve_with_conditions' ? input.conditions : []
        for (const text of conditions) await repo.insertCondition(tx, user.organisationId, decisionId, entry.id, text)
        const accepted = await acceptOpenActions(tx, user, entry.id, decisionId, input, allowed)
        await recordAudit(tx, {
          organisationId: user.organisationId, actorId: user.id, entityType: 'register_entry', entityId: entry.id,
          action: 'decided',
          changes: {
            decision: { from: null, to: input.outcome },
            ...(conditions.length ? { conditions: { from: null, to: conditions.join('; ') } } : {}),
            ...(accepted.length ? { acceptedOpenActions: { from: null, to: `${accepted.join('; ')} (${input.acceptanceReason ?? ''})` } } : {}),
            ...relaxedMark(allowed),
          },
        })
        await register.applyChange(tx, user, entry, {
          stage: stageAfterDecision(input.outcome),
          ...(input.reviewDate ? { nextReviewDate: input.reviewDate } : {}),
        }, 'decision_applied')
        return decisionId
      })
    },

    /** Marks a condition of an approval met or waived (a board member's call; separation of duties applies). */
    async closeCondition(user: CurrentUser, entryId: string, conditionId: string, status: 'met' | 'waived'): Promise<void> {
      if (!isUuid(conditionId)) throw notFound()
      await db.transaction(async (tx) => {
        const entry = await register.getForUpdate(tx, user, entryId)
        const allowed = await mustBeAllowed(tx, user, entry, 'close')
        const text = await repo.closeCondition(tx, {
          organisationId: user.organisationId, entryId: entry.id, conditionId, status, closedBy: user.id,
          separationRelaxed: allowed.relaxed, closerStakes: allowed.stakes,
        })
        if (text === null) throw notFound()
        await recordAudit(tx, {
          organisationId: user.organisationId, actorId: user.id, entityType: 'register_entry', entityId: entry.id,
          action: `condition_${status}`,
          changes: {
            condition: { from: text, to: status },
            ...relaxedMark(allowed),
          },
        })
      })
    },
  }
}
export type BoardService = ReturnType<typeof createBoardService>
