import { z } from 'zod'
import { isHttpsUrl, MATURITY_AREAS, THEMES, type Theme } from './content.ts'

export const CONTRIBUTION_KINDS = ['case_study', 'resource'] as const
export type ContributionKind = (typeof CONTRIBUTION_KINDS)[number]
export const CONTRIBUTION_STATUSES = ['pending', 'approved', 'rejected'] as const
export type ContributionStatus = (typeof CONTRIBUTION_STATUSES)[number]

export const TITLE_MAX = 200
export const SUMMARY_MAX = 3000
export const LINK_MAX = 500
export const REASON_MAX = 1000
export const QUERY_MAX = 200

/** A shared case study or resource as stored; `organisationName` is who it is credited to. */
export interface Contribution {
  id: string
  organisationId: string
  organisationName: string
  contributorId: string
  contributorName: string | null
  kind: ContributionKind
  title: string
  theme: Theme
  link: string | null
  summary: string
  status: ContributionStatus
  reason: string | null
  createdAt: Date
  moderatedAt: Date | null
}

const hasControl = (s: string) => /[\p{Cc}\u2028\u2029]/u.test(s)
/** Multi-line text may hold line breaks and tabs, but no other control character. */
const hasBadControl = (s: string) => /[\p{Cc}\u2028\u2029]/u.test(s.replace(/[\r\n\t]/g, ''))

export const contributionInput = z.object({
  title: z.string({ error: 'guidance.errors.title' }).trim().min(1, 'guidance.errors.title').max(TITLE_MAX, 'guidance.errors.titleTooLong')
    .refine((s) => !hasControl(s), 'guidance.errors.titleLine'),
  kind: z.enum(CONTRIBUTION_KINDS, { error: 'guidance.errors.kind' }),
  theme: z.enum(THEMES, { error: 'guidance.errors.theme' }),
  link: z.string({ error: 'guidance.errors.link' }).trim().max(LINK_MAX, 'guidance.errors.linkTooLong')
    .refine((s) => s === '' || isHttpsUrl(s), 'guidance.errors.link').optional()
    .transform((s) => (s ? s : null)),
  summary: z.string({ error: 'guidance.errors.summary' }).trim().min(1, 'guidance.errors.summary').max(SUMMARY_MAX, 'guidance.errors.summaryTooLong')
    .refine((s) => !hasBadControl(s), 'guidance.errors.summaryControl'),
})
export type ContributionInput = z.output<typeof contributionInput>

export const rejectionInput = z.object({
  reason: z.string({ error: 'guidance.errors.reason' }).trim().min(1, 'guidance.errors.reason').max(REASON_MAX, 'guidance.errors.reasonTooLong'),
})

/** The library's filters, from a query string: one value each, or a field error. */
export const libraryQuery = z.object({
  q: z.string({ error: 'guidance.errors.query' }).max(QUERY_MAX, 'guidance.errors.queryTooLong').optional(),
  theme: z.enum(THEMES, { error: 'guidance.errors.filter' }).optional(),
})

export const casesQuery = z.object({
  q: z.string({ error: 'guidance.errors.query' }).max(QUERY_MAX, 'guidance.errors.queryTooLong').optional(),
  theme: z.enum(THEMES, { error: 'guidance.errors.filter' }).optional(),
  maturity: z.enum(MATURITY_AREAS, { error: 'guidance.errors.filter' }).optional(),
})
