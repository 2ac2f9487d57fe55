import { Marked } from 'marked'
import sanitizeHtml from 'sanitize-html'
import { recordAudit } from '../../platform/audit.ts'
import type { CurrentUser } from '../../platform/auth/store.ts'
import type { Db } from '../../platform/db/db.ts'
import { forbidden, notFound } from '../../platform/http/errors.ts'
import { t } from '../../platform/i18n/i18n.ts'
import type { AssessmentService, QuestionGuidance } from '../assessments/service.ts'
import { allQuestions } from '../assessments/questionSet/schema.ts'
import type { OrganisationService } from '../organisations/service.ts'
import {
  type ContentDirs, type HubContent, type ImpactCase, type KnownSets, loadHubContent, type MaturityArea, type Resource, type Term, type Theme,
} from './content.ts'
import type { Contribution, ContributionInput } from './model.ts'
import * as repo from './repository.ts'
import { rank } from './search.ts'

/** A moderation that is not possible now (already moderated); `reason` is a message key. */
export class ContributionRefused extends Error {
  constructor(readonly reason: string) {
    super(reason)
    this.name = 'ContributionRefused'
  }
}

/** A resource as the library lists it: ours (content, with a page) or shared by a council (approved). */
export interface ListedResource {
  source: 'library' | 'shared'
  id: string
  title: string
  /** The publisher, or the organisation a shared item is credited to. */
  by: string
  date: string
  themes: Theme[]
  summary: string
  url: string | null
  text: string
}

export interface ListedCase {
  source: 'library' | 'shared'
  id: string
  title: string
  by: string
  date: string
  themes: Theme[]
  maturity: MaturityArea[]
  summary: string
  url: string | null
  basis: ImpactCase['basis'] | 'shared'
  text: string
}

// --- Markdown ---------------------------------------------------------------------------------

const markdown = new Marked({ gfm: true, breaks: false, async: false })

/** Markdown → HTML safe to show: marked, then sanitize-html with a short allow-list and GOV.UK classes. */
export function renderMarkdown(source: string): string {
  return sanitizeHtml(markdown.parse(source) as string, {
    allowedTags: ['h2', 'h3', 'h4', 'p', 'br', 'ul', 'ol', 'li', 'strong', 'em', 'blockquote', 'a', 'code'],
    allowedAttributes: { a: ['href'] },
    allowedSchemes: ['https', 'mailto'],
    allowProtocolRelative: false,
    disallowedTagsMode: 'discard',
    transformTags: {
      h1: sanitizeHtml.simpleTransform('h2', { class: 'govuk-heading-m' }),
      h2: sanitizeHtml.simpleTransform('h2', { class: 'govuk-heading-m' }),
      h3: sanitizeHtml.simpleTransform('h3', { class: 'govuk-heading-s' }),
      p: sanitizeHtml.simpleTransform('p', { class: 'govuk-body' }),
      ul: sanitizeHtml.simpleTransform('ul', { class: 'govuk-list govuk-list--bullet' }),
      ol: sanitizeHtml.simpleTransform('ol', { class: 'govuk-list govuk-list--number' }),
      a: sanitizeHtml.simpleTransform('a', { class: 'govuk-link' }),
      blockquote: sanitizeHtml.simpleTransform('blockquote', { class: 'govuk-inset-text' }),
    },
    allowedClasses: {
      h2: ['govuk-heading-m'], h3: ['govuk-heading-s'], p: ['govuk-body'], ul: ['govuk-list', 'govuk-list--bullet'],
      ol: ['govuk-list', 'govuk-list--number'], a: ['govuk-link'], blockquote: ['govuk-inset-text'],
    },
  })
}

// --- the question sets, as the content checks see them ------------------------------------------

export function knownSets(assessments: Pick<AssessmentService, 'allSets'>): KnownSets {
  const sets = new Map(assessments.allSets().map((s) => [s.id, new Set(allQuestions(s).map((q) => q.id))]))
  return { questionsOf: (id) => sets.get(id), ids: () => [...sets.keys()] }
}

/** For each question of a set: the library items that inform it (the set's own sources first, as listed). */
export function linksFor(resources: readonly Resource[], setId: string, questionIds: readonly string[]): Map<string, Resource[]> {
  const out = new Map<string, Resource[]>()
  for (const r of resources) {
    const inf = r.informs.find((i) => i.set === setId)
    if (!inf) continue
    for (const q of inf.questions ?? questionIds) {
      if (!questionIds.includes(q)) continue
      const list = out.get(q) ?? []
      list.push(r)
      out.set(q, list)
    }
  }
  return out
}

const resourceText = (r: Resource) => [r.summary, ...r.themes.map((th) => t(`guidance.theme.${th}`))].join(' ')

export function createGuidanceService(db: Db, assessments: AssessmentService, organisations: OrganisationService, dirs?: ContentDirs) {
  const content: HubContent = loadHubContent(knownSets(assessments), dirs)
  const byId = new Map(content.resources.map((r) => [r.id, r]))
  const caseById = new Map(content.cases.map((c) => [c.id, c]))
  /** Approved contributions, leaving out those of suspended organisations while they are suspended. */
  const approvedShown = async (kind: 'resource' | 'case_study') => {
    const [rows, suspended] = await Promise.all([repo.approved(db, kind), organisations.suspendedIds()])
    return rows.filter((c) => !suspended.has(c.organisationId))
  }

  // Each assessment question links the guidance it draws on (the seam on the question page).
  assessments.questionGuidance.push((set) => {
    const ids = allQuestions(set).map((q) => q.id)
    const links = linksFor(content.resources, set.id, ids)
    const out = new Map<string, QuestionGuidance>()
    for (const [q, rs] of links) {
      out.set(q, {
        summary: t('guidance.question.summary', { count: rs.length }),
        links: rs.map((r) => ({ text: r.title, href: `/guidance/${r.id}`, meta: r.publisher })),
      })
    }
    return out
  })

  const audit = (organisationId: string, actorId: string, id: string, action: string, changes: Record<string, unknown>) =>
    ({ organisationId, actorId, entityType: 'guidance_contribution', entityId: id, action, changes })

  const needPlatformAdmin = (user: CurrentUser) => {
    if (user.platformAdmin !== true) throw forbidden()
  }

  return {
    content: (): HubContent => content,
    resource(id: string): Resource {
      const r = byId.get(id)
      if (!r) throw notFound()
      return r
    },
    impactCase(id: string): ImpactCase & { html: string } {
      const c = caseById.get(id)
      if (!c) throw notFound()
      return { ...c, html: renderMarkdown(c.body) }
    },
    terms: (): Term[] => content.terms,
    /** The question sets and questions a resource informs, with the sets' titles. */
    informs(r: Resource): { setId: string; title: string; questions: string[] | null }[] {
      const titles = new Map(assessments.allSets().map((s) => [s.id, s.title]))
      return r.informs.map((i) => ({ setId: i.set, title: titles.get(i.set) ?? i.set, questions: i.questions ?? null }))
    },

    /** The library: our items and approved shared ones, filtered by theme and ranked by the words. */
    async library(filters: { q?: string | undefined; theme?: Theme | undefined }): Promise<ListedResource[]> {
      const ours: ListedResource[] = content.resources.map((r) => ({
        source: 'library', id: r.id, title: r.title, by: r.publisher, date: r.date ?? '', themes: r.themes, summary: r.summary, url: r.url, text: resourceText(r),
      }))
      const shared: ListedResource[] = (await approvedShown('resource')).map((c) => ({
        source: 'shared', id: c.id, title: c.title, by: c.organisationName, date: (c.moderatedAt ?? c.createdAt).toISOString().slice(0, 10),
        themes: [c.theme], summary: c.summary, url: c.link, text: `${c.summary} ${t(`guidance.theme.${c.theme}`)}`,
      }))
      const all = [...ours, ...shared].filter((r) => !filters.theme || r.themes.includes(filters.theme))
      return rank(all, filters.q ?? '')
    },

    /** The impact cases: ours and approved shared case studies (these have no data-maturity area). */
    async cases(filters: { q?: string | undefined; theme?: Theme | undefined; maturity?: MaturityArea | undefined }): Promise<ListedCase[]> {
      const ours: ListedCase[] = content.cases.map((c) => ({
        source: 'library', id: c.id, title: c.title, by: c.organisation, date: c.date ?? '', themes: c.themes, maturity: c.maturity,
        summary: c.summary, url: null, basis: c.basis, text: `${c.summary} ${c.body}`,
      }))
      const shared: ListedCase[] = (await approvedShown('case_study')).map((c) => ({
        source: 'shared', id: c.id, title: c.title, by: c.organisationName, date: (c.moderatedAt ?? c.createdAt).toISOString().slice(0, 10),
        themes: [c.theme], maturity: [], summary: c.summary, url: c.link, basis: 'shared', text: c.summary,
      }))
      const all = [...ours, ...shared].filter((c) =>
        (!filters.theme || c.themes.includes(filters.theme)) && (!filters.maturity || c.maturity.includes(filters.maturity)))
      return rank(all, filters.q ?? '')
    },

    /** Anyone signed in shares a case study or resource: stored pending, audited, shown to nobody until approved. */
    async contribute(user: CurrentUser, input: ContributionInput): Promise<string> {
      return db.transaction(async (tx) => {
        const id = await repo.insert(tx, user.organisationId, user.id, input)
        await recordAudit(tx, audit(user.organisationId, user.id, id, 'guidance_contribution_shared', {
          kind: { from: null, to: input.kind }, title: { from: null, to: input.title }, theme: { from: null, to: input.theme },
        }))
        return id
      })
    },

    /** This person's own contributions in the organisation they are working in, with their status. */
    mine: (user: CurrentUser): Promise<Contribution[]> => repo.mine(db, user.organisationId, user.id),

    /** The moderation queue and what was decided lately: platform admins only. */
    async moderation(user: CurrentUser): Promise<{ pending: Contribution[]; approved: Contribution[]; rejected: Contribution[] }> {
      needPlatformAdmin(user)
      const [pending, approved, rejected] = await Promise.all([
        repo.withStatus(db, 'pending'), repo.withStatus(db, 'approved', 50), repo.withStatus(db, 'rejected', 50),
      ])
      return { pending, approved, rejected }
    },

    async contribution(user: CurrentUser, id: string): Promise<Contribution> {
      needPlatformAdmin(user)
      const c = await repo.get(db, id)
      if (!c) throw notFound()
      return c
    },

    /** A platform admin approves a pending contribution: from now on it is listed, credited to its organisation. */
    async approve(user: CurrentUser, id: string): Promise<void> {
      needPlatformAdmin(user)
      await db.transaction(async (tx) => {
        const c = await repo.get(tx, id, true)
        if (!c) throw notFound()
        if (c.status !== 'pending') throw new ContributionRefused('guidance.refused.moderated')
        await repo.moderate(tx, c.id, user.id, 'approved', null)
        await recordAudit(tx, audit(c.organisationId, user.id, c.id, 'guidance_contribution_approved', { status: { from: 'pending', to: 'approved' } }))
      })
    },

    /** A platform admin rejects a pending contribution, saying why (the contributor sees the reason). */
    async reject(user: CurrentUser, id: string, reason: string): Promise<void> {
      needPlatformAdmin(user)
      await db.transaction(async (tx) => {
        const c = await repo.get(tx, id, true)
        if (!c) throw notFound()
        if (c.status !== 'pending') throw new ContributionRefused('guidance.refused.moderated')
        await repo.moderate(tx, c.id, user.id, 'rejected', reason)
        await recordAudit(tx, audit(c.organisationId, user.id, c.id, 'guidance_contribution_rejected', {
          status: { from: 'pending', to: 'rejected' }, reason: { from: null, to: reason },
        }))
      })
    },
  }
}

export type GuidanceService = ReturnType<typeof createGuidanceService>
