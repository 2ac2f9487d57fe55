import { recordAudit } from '../../platform/audit.ts'
import { can, type Permission } from '../../platform/auth/permissions.ts'
import type { CurrentUser } from '../../platform/auth/store.ts'
import type { Db, Queryable } from '../../platform/db/db.ts'
import { forbidden, notFound } from '../../platform/http/errors.ts'
import { t } from '../../platform/i18n/i18n.ts'
import type { Organisation, PolicySettings } from '../organisations/model.ts'
import type { OrganisationService } from '../organisations/service.ts'
import type { PeopleService } from '../people/service.ts'
import { createAcknowledgements } from './acknowledgements.ts'
import { createPolicyPagePanels } from './pagePanels.ts'
import {
  type ChangeKind, nextVersionNumbers, type Policy, type PolicySummary, type PolicyTextInput, type PolicyVersion, type PublishInput, slugify,
} from './model.ts'
import { fillPlaceholders, type Placeholder, renderMarkdown, wordDiff } from './render.ts'
import * as repo from './repository.ts'
import { loadTemplates, POLICY_KINDS, type PolicyTemplate, type TemplateCatalogue } from './templates.ts'

/** A lifecycle step that is not allowed now; `reason` is a message key the page shows. */
export class PolicyRefused extends Error {
  constructor(readonly reason: string) {
    super(reason)
    this.name = 'PolicyRefused'
  }
}

/**
 * The draft was saved by someone else after this person opened it (its revision moved on);
 * `current` is the draft as stored now, so the page can show it beside what this person typed.
 */
export class StaleDraftError extends Error {
  constructor(readonly current: PolicyVersion) {
    super('policies.errors.stale')
    this.name = 'StaleDraftError'
  }
}

/** A policy's text ready for a page: the HTML (safe), and the placeholders still to fill in. */
export interface RenderedPolicy {
  html: string
  unset: Placeholder[]
}

export interface PolicyDetail {
  policy: Policy
  title: string
  inForce: PolicyVersion | null
  working: PolicyVersion | null
  versions: PolicyVersion[]
}

/** What the documents (PDF, DOCX) and the public page show of the version in force. */
export interface PublishedPolicy {
  organisation: Organisation
  policy: Policy
  version: PolicyVersion
  /** The published Markdown, placeholders filled when it was published. */
  markdown: string
  html: string
}

const need = (user: CurrentUser, permission: Permission) => {
  if (!can(user.roles, permission)) throw forbidden()
}

/** Whether the organisation's choice of approvers includes this person. */
export function approverRoleAllowed(org: Pick<Organisation, 'policyApprovers'>, user: Pick<CurrentUser, 'roles'>): boolean {
  const admin = user.roles.includes('admin')
  const board = user.roles.includes('board_member')
  if (org.policyApprovers === 'admin') return admin
  if (org.policyApprovers === 'board_member') return board
  return admin || board
}

export function createPolicyService(db: Db, organisations: OrganisationService, people: PeopleService, templatesDir?: string) {
  // Loaded (and checked) when the services are wired, so a broken template stops start-up.
  const templates: TemplateCatalogue = loadTemplates(templatesDir)
  const acknowledgements = createAcknowledgements(db, organisations, people)

  const audit = (tx: Queryable, user: CurrentUser, policyId: string, action: string, changes: Record<string, unknown> = {}) =>
    recordAudit(tx, { organisationId: user.organisationId, actorId: user.id, entityType: 'policy', entityId: policyId, action, changes })

  async function policyOf(q: Queryable, user: CurrentUser, id: string): Promise<Policy> {
    const policy = await repo.findPolicy(q, user.organisationId, id)
    if (!policy) throw notFound()
    return policy
  }

  async function workingOf(tx: Queryable, user: CurrentUser, policyId: string): Promise<PolicyVersion> {
    const v = await repo.workingForUpdate(tx, user.organisationId, policyId)
    if (!v) throw new PolicyRefused('policies.refused.noWorkingVersion')
    return v
  }

  async function uniqueSlug(tx: Queryable, orgId: string, base: string): Promise<string> {
    let slug = base
    for (let n = 2; await repo.slugTaken(tx, orgId, slug); n++) slug = `${base}-${n}`
    return slug
  }

  const render = (markdown: string, org: Organisation): RenderedPolicy => {
    const filled = fillPlaceholders(markdown, org)
    return { html: renderMarkdown(filled.text), unset: filled.unset }
  }

  async function published(orgId: string, policy: Policy, q: Queryable = db): Promise<PublishedPolicy | null> {
    const version = await repo.inForce(q, orgId, policy.id)
    if (!version) return null
    const organisation = await organisations.get(orgId, q)
    const markdown = version.publishedBody ?? version.body
    return { organisation, policy, version, markdown, html: renderMarkdown(markdown) }
  }

  async function versionOf(user: CurrentUser, id: string, n: number): Promise<{ policy: Policy; version: PolicyVersion }> {
    need(user, 'policy:read')
    const policy = await policyOf(db, user, id)
    const version = await repo.versionByNumber(db, user.organisationId, policy.id, n)
    if (!version) throw notFound()
    const mayWork = can(user.roles, 'policy:edit') || can(user.roles, 'policy:approve')
    if (!mayWork && version.status !== 'in_force' && version.status !== 'superseded') throw notFound()
    return { policy, version }
  }

  /** Why this person may not approve or return the submitted version (a message key), or null. */
  async function approvalRefusal(user: CurrentUser, version: PolicyVersion, q: Queryable = db): Promise<string | null> {
    if (!can(user.roles, 'policy:approve')) return 'policies.refused.notApprover'
    if (version.status !== 'submitted') return 'policies.refused.notSubmitted'
    const org = await organisations.get(user.organisationId, q)
    if (!approverRoleAllowed(org, user)) return `policies.refused.approvers.${org.policyApprovers}`
    if (version.contributors.includes(user.id) || version.submittedBy === user.id || version.authorId === user.id) return 'policies.refused.ownWork'
    return null
  }

  return {
    /** Staff policies in force, acknowledgements, coverage and reminders (acknowledgements.ts). */
    acknowledgements,
    /** Parts of the policy pages other features add (pagePanels.ts). */
    policyPagePanels: createPolicyPagePanels(),
    /** Of these organisations, how many have an AI policy in force (any kind but a board's terms of reference): the sector benchmark, a count only. */
    countWithPolicyInForce: async (organisationIds: readonly string[], q: Queryable = db): Promise<number> =>
      (await repo.countWithInForce(q, organisationIds, POLICY_KINDS.filter((k) => k !== 'terms_of_reference'))).n,

    templates: (): PolicyTemplate[] => templates.all(),
    template: (id: string): PolicyTemplate | undefined => templates.latest(id),

    /** Every policy of the person's organisation with its version in force and its working version. */
    async list(user: CurrentUser): Promise<PolicySummary[]> {
      need(user, 'policy:read')
      const [policies, versions] = await Promise.all([repo.listPolicies(db, user.organisationId), repo.currentVersions(db, user.organisationId)])
      return policies.map((p) => {
        const mine = versions.filter((v) => v.policyId === p.id)
        const inForce = mine.find((v) => v.status === 'in_force') ?? null
        const working = mine.find((v) => v.status !== 'in_force') ?? null
        return { ...p, inForce, working, title: (inForce ?? working)?.title ?? p.slug }
      })
    },

    async get(user: CurrentUser, id: string): Promise<PolicyDetail> {
      need(user, 'policy:read')
      const policy = await policyOf(db, user, id)
      const versions = await repo.versionsOf(db, user.organisationId, policy.id)
      const inForce = versions.find((v) => v.status === 'in_force') ?? null
      const working = versions.find((v) => v.status === 'draft' || v.status === 'submitted' || v.status === 'approved') ?? null
      // Readers who may not edit see only what is in force.
      const mayWork = can(user.roles, 'policy:edit') || can(user.roles, 'policy:approve')
      return {
        policy, title: (inForce ?? working)?.title ?? policy.slug, inForce, working: mayWork ? working : null,
        versions: mayWork ? versions : versions.filter((v) => v.status === 'in_force' || v.status === 'superseded'),
      }
    },

    version: (user: CurrentUser, id: string, n: number) => versionOf(user, id, n),

    /** A version's text as the page shows it: published text as published, a draft filled from today's settings. */
    async rendered(user: CurrentUser, version: PolicyVersion): Promise<RenderedPolicy> {
      if (version.publishedBody !== null) return { html: renderMarkdown(version.publishedBody), unset: [] }
      return render(version.body, await organisations.get(user.organisationId))
    },

    /** The Markdown an admin is editing, rendered (the Preview button). */
    async preview(user: CurrentUser, markdown: string): Promise<RenderedPolicy> {
      need(user, 'policy:edit')
      return render(markdown, await organisations.get(user.organisationId))
    },

    /** A word-level comparison of two versions of a policy (by number). */
    async compare(user: CurrentUser, id: string, from: number, to: number) {
      const a = await versionOf(user, id, from)
      const b = await versionOf(user, id, to)
      return { policy: a.policy, from: a.version, to: b.version, title: wordDiff(a.version.title, b.version.title), body: wordDiff(a.version.body, b.version.body) }
    },

    /** An admin adopts a template (or, with null, starts a blank policy): a new policy with a draft. Pass `within` to join a transaction. */
    async adopt(user: CurrentUser, templateId: string | null, within?: Queryable): Promise<Policy> {
      need(user, 'policy:edit')
      const template = templateId === null ? null : templates.latest(templateId)
      if (templateId !== null && !template) throw new PolicyRefused('policies.refused.noTemplate')
      const title = template?.title ?? t('policies.blank.title')
      const body = template?.body ?? t('policies.blank.body')
      // Inside another feature's transaction (a board adopting its terms of reference) or its own.
      const inTx = <T>(fn: (tx: Queryable) => Promise<T>) => (within ? fn(within) : db.transaction(fn))
      return inTx(async (tx) => {
        const slug = await uniqueSlug(tx, user.organisationId, slugify(template ? template.id.replace(/_/g, '-') : title))
        const policy = await repo.insertPolicy(tx, {
          organisationId: user.organisationId, slug, kind: template?.kind ?? 'other', templateId: template?.id ?? null,
          templateVersion: template?.version ?? null, createdBy: user.id,
        })
        await repo.insertVersion(tx, { organisationId: user.organisationId, policyId: policy.id, number: 1, title, body, authorId: user.id })
        await audit(tx, user, policy.id, template ? 'policy_adopted' : 'policy_started', {
          title, ...(template ? { template: `${template.id} v${template.version}` } : {}),
        })
        return policy
      })
    },

    /** A new draft of a policy in force, starting from its text (the version in force is never edited). */
    async revise(user: CurrentUser, id: string): Promise<PolicyVersion> {
      need(user, 'policy:edit')
      return db.transaction(async (tx) => {
        const policy = await policyOf(tx, user, id)
        if (await repo.workingForUpdate(tx, user.organisationId, policy.id)) throw new PolicyRefused('policies.refused.alreadyWorking')
        const current = await repo.inForce(tx, user.organisationId, policy.id)
        if (!current) throw new PolicyRefused('policies.refused.nothingInForce')
        const number = (await repo.lastNumber(tx, policy.id)) + 1
        await repo.insertVersion(tx, { organisationId: user.organisationId, policyId: policy.id, number, title: current.title, body: current.body, authorId: user.id })
        await audit(tx, user, policy.id, 'policy_revision_started', { version: number, from: current.label })
        return (await repo.versionByNumber(tx, user.organisationId, policy.id, number))!
      })
    },

    /**
     * Saves the draft's title and Markdown over the revision the editor was opened at; refused with
     * StaleDraftError when someone else has saved since (null: the form did not say which, so it is
     * refused too). Without a revision (a caller that did not open an editor) it saves over the stored one.
     * Audited with what changed.
     */
    async saveDraft(user: CurrentUser, id: string, input: PolicyTextInput, revision?: number | null): Promise<void> {
      need(user, 'policy:edit')
      await db.transaction(async (tx) => {
        const policy = await policyOf(tx, user, id)
        const draft = await workingOf(tx, user, policy.id)
        if (draft.status !== 'draft') throw new PolicyRefused('policies.refused.notDraft')
        // The same text as stored: nothing of anyone's is lost, whichever revision it was opened at.
        if (draft.title === input.title && draft.body === input.body) return
        const basis = revision === undefined ? draft.revision : revision
        if (basis !== draft.revision) throw new StaleDraftError(draft)
        if (!await repo.updateText(tx, draft.id, input.title, input.body, user.id, basis)) throw new StaleDraftError(draft)
        const d = wordDiff(draft.body, input.body)
        await audit(tx, user, policy.id, 'policy_edited', {
          version: draft.number,
          ...(draft.title !== input.title ? { title: { from: draft.title, to: input.title } } : {}),
          ...(draft.body !== input.body ? { text: { wordsAdded: d.added, wordsRemoved: d.removed } } : {}),
        })
      })
    },

    async submit(user: CurrentUser, id: string): Promise<void> {
      need(user, 'policy:edit')
      await db.transaction(async (tx) => {
        const policy = await policyOf(tx, user, id)
        const draft = await workingOf(tx, user, policy.id)
        if (draft.status !== 'draft') throw new PolicyRefused('policies.refused.notDraft')
        await repo.markSubmitted(tx, draft.id, user.id)
        await audit(tx, user, policy.id, 'policy_submitted', { version: draft.number })
      })
    },

    approvalRefusal: (user: CurrentUser, version: PolicyVersion) => approvalRefusal(user, version),

    /** An approver who did not write it approves the submitted version as a major or minor change. */
    async approve(user: CurrentUser, id: string, kind: ChangeKind): Promise<void> {
      need(user, 'policy:approve')
      await db.transaction(async (tx) => {
        const policy = await policyOf(tx, user, id)
        const v = await workingOf(tx, user, policy.id)
        const refusal = await approvalRefusal(user, v, tx)
        if (refusal) throw new PolicyRefused(refusal)
        const current = await repo.inForce(tx, user.organisationId, policy.id)
        const [major, minor] = current?.label ? current.label.split('.').map(Number) : []
        const numbers = nextVersionNumbers(major === undefined ? null : { major, minor: minor ?? 0 }, kind)
        await repo.markApproved(tx, v.id, user.id, kind, numbers.major, numbers.minor)
        await audit(tx, user, policy.id, 'policy_approved', { version: v.number, label: `${numbers.major}.${numbers.minor}`, change: kind })
      })
    },

    /** An approver returns the submitted version to its draft, with comments for the author. */
    async returnToDraft(user: CurrentUser, id: string, comments: string): Promise<void> {
      need(user, 'policy:approve')
      await db.transaction(async (tx) => {
        const policy = await policyOf(tx, user, id)
        const v = await workingOf(tx, user, policy.id)
        const refusal = await approvalRefusal(user, v, tx)
        if (refusal) throw new PolicyRefused(refusal)
        await repo.markReturned(tx, v.id, user.id, comments)
        await audit(tx, user, policy.id, 'policy_returned', { version: v.number, comments })
      })
    },

    /**
     * Publishes the approved version as the version in force, from its effective date until its next
     * review; the version that was in force is superseded (kept, never edited). The text is filled from
     * the organisation's settings now and kept as published.
     */
    async publish(user: CurrentUser, id: string, input: PublishInput): Promise<void> {
      need(user, 'policy:publish')
      await db.transaction(async (tx) => {
        const policy = await policyOf(tx, user, id)
        const v = await workingOf(tx, user, policy.id)
        if (v.status !== 'approved') throw new PolicyRefused('policies.refused.notApproved')
        const org = await organisations.get(user.organisationId, tx)
        const current = await repo.inForce(tx, user.organisationId, policy.id)
        if (current) await repo.markSuperseded(tx, current.id)
        const filled = fillPlaceholders(v.body, org)
        await repo.markInForce(tx, v.id, user.id, filled.text, input.effectiveDate, input.reviewDate)
        await audit(tx, user, policy.id, 'policy_published', {
          version: v.number, label: v.label, effectiveDate: input.effectiveDate, reviewDate: input.reviewDate,
          ...(current ? { superseded: current.label } : {}), ...(filled.unset.length ? { unsetPlaceholders: filled.unset } : {}),
        })
      })
    },

    /** An admin shows (or stops showing) the policy in force at its public address. */
    async setPublic(user: CurrentUser, id: string, on: boolean): Promise<void> {
      need(user, 'policy:publish')
      await db.transaction(async (tx) => {
        const policy = await policyOf(tx, user, id)
        if (on && !(await repo.inForce(tx, user.organisationId, policy.id))) throw new PolicyRefused('policies.refused.nothingInForce')
        if (policy.public === on) return
        await repo.setPublic(tx, user.organisationId, policy.id, on)
        await audit(tx, user, policy.id, on ? 'policy_made_public' : 'policy_made_private', { public: { from: policy.public, to: on } })
      })
    },

    /** The version in force of one of the person's organisation's policies (for its documents), or null. */
    async inForce(user: CurrentUser, id: string): Promise<PublishedPolicy | null> {
      need(user, 'policy:read')
      return published(user.organisationId, await policyOf(db, user, id))
    },

    /** The organisation's placeholders and choice of approvers (kept by the organisations feature, audited there). */
    saveSettings: (user: CurrentUser, settings: PolicySettings): Promise<Organisation> => organisations.setPolicySettings(user, settings),

    // --- public (no sign-in) --------------------------------------------------------------------

    /** An organisation's public policies (those made public, with a version in force), or null if no such organisation. */
    async publicList(orgSlug: string): Promise<{ organisation: Organisation; policies: PublishedPolicy[] } | null> {
      const organisation = await organisations.bySlug(orgSlug)
      if (!organisation) return null
      const list = await repo.listPublicPolicies(db, organisation.id)
      const policies = (await Promise.all(list.map((p) => published(organisation.id, p)))).filter((p): p is PublishedPolicy => p !== null)
      return { organisation, policies }
    },

    /** One public policy's version in force, or null (no such organisation or policy, not public, nothing in force). */
    async publicPolicy(orgSlug: string, policySlug: string): Promise<PublishedPolicy | null> {
      const organisation = await organisations.bySlug(orgSlug)
      if (!organisation) return null
      const policy = await repo.findPolicyBySlug(db, organisation.id, policySlug)
      if (!policy?.public) return null
      return published(organisation.id, policy)
    },
  }
}
export type PolicyService = ReturnType<typeof createPolicyService>
