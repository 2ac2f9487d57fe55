import { recordAudit } from '../../platform/audit.ts'
import { can, type Permission } from '../../platform/auth/permissions.ts'
import type { CurrentUser } from '../../platform/auth/store.ts'
import type { Db, Queryable } from '../../platform/db/db.ts'
import { forbidden, notFound } from '../../platform/http/errors.ts'
import { t } from '../../platform/i18n/i18n.ts'
import { queueMail } from '../../platform/mail/index.ts'
import type { BoardService } from '../board/service.ts'
import type { OrganisationService } from '../organisations/service.ts'
import type { PeopleService } from '../people/service.ts'
import type { RegisterEntry, Stage } from '../register/model.ts'
import type { RegisterService } from '../register/service.ts'
import {
  type Approval, type ApprovalInput, type ApprovedTool, type AskInput, type InformationKind, recipientsFor, type Recipients, type ToolRequest,
} from './model.ts'
import * as repo from './repository.ts'

/** An action on a tool that is not allowed now; `reason` is a message key the page shows. */
export class ToolRefused extends Error {
  constructor(readonly reason: string) {
    super(reason)
    this.name = 'ToolRefused'
  }
}

/** A request as its requester follows it: the stage in plain words and the board's answer, nothing more. */
export interface FollowedRequest {
  request: ToolRequest
  stage: Stage | null
  /** The latest board decision's outcome and date, if the board has decided. */
  outcome: { outcome: string; decidedAt: Date } | null
  /** The tool is now approved for general staff use (and live): what for. */
  approvedFor: string | null
}

const need = (user: CurrentUser, permission: Permission) => {
  if (!can(user.roles, permission)) throw forbidden()
}

export function createToolsService(
  db: Db, register: RegisterService, organisations: OrganisationService, people: PeopleService, board: BoardService,
) {
  const audit = (tx: Queryable, user: CurrentUser, entryId: string, action: string, changes: Record<string, unknown>) =>
    recordAudit(tx, { organisationId: user.organisationId, actorId: user.id, entityType: 'register_entry', entityId: entryId, action, changes })

  /** Current approvals whose entry is still live (an entry that left live stops being listed). */
  async function approvedTools(organisationId: string): Promise<(Approval & { stage: Stage })[]> {
    const approvals = await repo.currentApprovals(db, organisationId)
    const stages = await register.stagesOf(organisationId, approvals.map((a) => a.entryId))
    return approvals.flatMap((a) => (stages.get(a.entryId) === 'live' ? [{ ...a, stage: 'live' as const }] : []))
  }

  const asListed = (a: Approval): ApprovedTool => ({ entryId: a.entryId, publicName: a.publicName, approvedFor: a.approvedFor, approvedAt: a.approvedAt })

  async function recipients(user: CurrentUser): Promise<Recipients> {
    const org = await organisations.get(user.organisationId)
    if (org.aiLeadEmail) return recipientsFor(org, [])
    const admins = (await people.list(user)).filter((p) => p.active && p.roles.includes('admin')).map((p) => p.email)
    return recipientsFor(org, admins)
  }

  return {
    /** The entry's current approval (for the entry page), or null. */
    approvalOf: (user: CurrentUser, entry: RegisterEntry): Promise<Approval | null> => repo.currentApproval(db, user.organisationId, entry.id),

    /**
     * An admin or board member approves a live entry for general staff use, saying what for (or
     * changes what an existing approval says). Audited on the entry.
     */
    async approve(user: CurrentUser, entryId: string, input: ApprovalInput): Promise<void> {
      need(user, 'tool:approve')
      await db.transaction(async (tx) => {
        const entry = await register.getForUpdate(tx, user, entryId)
        if (entry.stage !== 'live') throw new ToolRefused('tools.refused.notLive')
        const current = await repo.currentApproval(tx, user.organisationId, entry.id, true)
        if (!current) {
          await repo.insertApproval(tx, user.organisationId, entry.id, user.id, input)
          await audit(tx, user, entry.id, 'tool_approved', {
            publicName: { from: null, to: input.publicName }, approvedFor: { from: null, to: input.approvedFor },
          })
          return
        }
        if (current.publicName === input.publicName && current.approvedFor === input.approvedFor) return
        await repo.updateApproval(tx, user.organisationId, current.id, input)
        await audit(tx, user, entry.id, 'tool_approval_changed', {
          ...(current.publicName !== input.publicName ? { publicName: { from: current.publicName, to: input.publicName } } : {}),
          ...(current.approvedFor !== input.approvedFor ? { approvedFor: { from: current.approvedFor, to: input.approvedFor } } : {}),
        })
      })
    },

    /** An admin or board member withdraws an approval, with a reason (kept, and audited on the entry). */
    async withdraw(user: CurrentUser, entryId: string, reason: string): Promise<void> {
      need(user, 'tool:approve')
      await db.transaction(async (tx) => {
        const entry = await register.getForUpdate(tx, user, entryId)
        const current = await repo.currentApproval(tx, user.organisationId, entry.id, true)
        if (!current) throw new ToolRefused('tools.refused.notApproved')
        await repo.withdrawApproval(tx, user.organisationId, current.id, user.id, reason)
        await audit(tx, user, entry.id, 'tool_approval_withdrawn', { approvedFor: { from: current.approvedFor, to: null }, reason: { from: null, to: reason } })
      })
    },

    /** The organisation's approved tools, for anyone signed in: names and what each is approved for. */
    async approved(user: CurrentUser): Promise<ApprovedTool[]> {
      need(user, 'policy:acknowledge')
      return (await approvedTools(user.organisationId)).map(asListed)
    },

    /** The same list for a public page: only what the organisation chose to say about each tool. */
    publicApproved: async (organisationId: string): Promise<ApprovedTool[]> => (await approvedTools(organisationId)).map(asListed),

    /** Where a request from this person would go (the ask page says so before they send it). */
    async recipients(user: CurrentUser): Promise<Recipients['kind']> {
      need(user, 'policy:acknowledge')
      return (await recipients(user)).kind
    },

    /**
     * "Can I use this AI tool?": the request becomes an idea in the register with the requester as
     * its contact, and an e-mail to the AI lead (or who stands in) is queued in the same transaction.
     */
    async ask(user: CurrentUser, input: AskInput): Promise<string> {
      need(user, 'policy:acknowledge')
      const to = await recipients(user)
      const information = t(`tools.information.${input.information}`)
      return db.transaction(async (tx) => {
        const purpose = [input.purpose, `${t('tools.entry.information')}: ${information}`, ...(input.detail ? [input.detail] : [])].join('\n\n')
        const entry = await register.createIdeaFromRequest(tx, user, {
          name: input.toolName, purpose, serviceArea: t('tools.entry.toBeConfirmed'), owner: user.name.slice(0, 200),
          supplier: null, technique: t('tools.entry.technique'), personalData: isPersonal(input.information),
          specialCategoryData: input.information === 'special_category', decisionRole: 'informs',
          peopleAffected: t('tools.entry.toBeConfirmed'), humanOversight: t('tools.entry.toBeConfirmed'), nextReviewDate: null,
        })
        const id = await repo.insertRequest(tx, user.organisationId, entry.id, user.id, input, to.kind)
        const vars = {
          tool: input.toolName, name: user.name, email: user.email, organisation: user.organisationName, purpose: input.purpose,
          information, detail: input.detail ?? t('tools.mail.noDetail'),
        }
        for (const address of to.to) {
          await queueMail(tx, {
            organisationId: user.organisationId, to: address, kind: 'tool_request', dedupeKey: `tool-request:${id}:${address}`,
            subject: oneLine(t('tools.mail.subject', vars)), text: t('tools.mail.text', vars),
          })
        }
        return id
      })
    },

    /** This person's requests with where each has got to. */
    async myRequests(user: CurrentUser): Promise<{ request: ToolRequest; stage: Stage | null }[]> {
      need(user, 'policy:acknowledge')
      const requests = await repo.requestsOf(db, user.organisationId, user.id)
      const stages = await register.stagesOf(user.organisationId, requests.map((r) => r.entryId))
      return requests.map((request) => ({ request, stage: stages.get(request.entryId) ?? null }))
    },

    /** One of this person's own requests as they follow it; anyone else's is a 404. */
    async followRequest(user: CurrentUser, id: string): Promise<FollowedRequest> {
      need(user, 'policy:acknowledge')
      const request = await repo.requestOf(db, user.organisationId, user.id, id)
      if (!request) throw notFound()
      const stages = await register.stagesOf(user.organisationId, [request.entryId])
      const stage = stages.get(request.entryId) ?? null
      const latest = (await board.decisionsFor(user, request.entryId))[0]
      const approval = stage === 'live' ? await repo.currentApproval(db, user.organisationId, request.entryId) : null
      return {
        request, stage,
        outcome: latest ? { outcome: latest.outcome, decidedAt: latest.decidedAt } : null,
        approvedFor: approval?.approvedFor ?? null,
      }
    },
  }
}

/** A subject line: a name stored before names had to be one line (or from elsewhere) must not break the e-mail. */
const oneLine = (s: string) => s.replace(/[\p{Cc}\u2028\u2029]+/gu, ' ')

const isPersonal = (kind: InformationKind) => kind === 'personal' || kind === 'special_category'

export type ToolsService = ReturnType<typeof createToolsService>
