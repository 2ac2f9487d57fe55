import { z } from 'zod'
import { isRealDate } from '../../platform/validation.ts'
import type { PolicyKind } from './templates.ts'

/**
 * A policy and its versions. A version is started as a draft (from a template, blank, or as a
 * revision of the version in force), edited, submitted, approved (major or minor) by someone who is
 * not its author — or returned with comments to its draft — and published as the version in force
 * with an effective date and a next review date. Publishing supersedes the version that was in
 * force; a version in force or superseded is never edited (a database trigger refuses it).
 */

export const VERSION_STATUSES = ['draft', 'submitted', 'approved', 'in_force', 'superseded'] as const
export type VersionStatus = (typeof VERSION_STATUSES)[number]
export const WORKING_STATUSES: readonly VersionStatus[] = ['draft', 'submitted', 'approved']

export const CHANGE_KINDS = ['major', 'minor'] as const
export type ChangeKind = (typeof CHANGE_KINDS)[number]

export interface Policy {
  id: string
  organisationId: string
  slug: string
  kind: PolicyKind
  templateId: string | null
  templateVersion: number | null
  public: boolean
  createdAt: Date
}

export interface PolicyVersion {
  id: string
  policyId: string
  number: number
  status: VersionStatus
  title: string
  body: string
  authorId: string | null
  /** Everyone who started or edited this version (none of them may approve it). */
  contributors: string[]
  authorName: string | null
  submittedBy: string | null
  submittedAt: Date | null
  returnComments: string | null
  returnedByName: string | null
  approvedBy: string | null
  approvedByName: string | null
  approvedAt: Date | null
  changeKind: ChangeKind | null
  /** "1.0", "1.1", "2.0": given when approved. */
  label: string | null
  publishedBody: string | null
  effectiveDate: string | null
  reviewDate: string | null
  publishedAt: Date | null
  supersededAt: Date | null
  updatedAt: Date
  /** Raised by every save of a draft's text; the edit form sends back the one it was opened at. */
  revision: number
}

/** A policy with the version in force and the version being worked on (either may be missing). */
export interface PolicySummary extends Policy {
  title: string
  inForce: PolicyVersion | null
  working: PolicyVersion | null
}

export const TITLE_MAX = 200
export const BODY_MAX = 100_000
export const COMMENTS_MAX = 5000

export const policyTextInput = z.object({
  title: z.string().trim().min(1, 'policies.errors.title').max(TITLE_MAX, 'policies.errors.titleTooLong'),
  body: z.string().max(BODY_MAX, 'policies.errors.bodyTooLong').refine((s) => s.trim() !== '', 'policies.errors.body'),
})
export type PolicyTextInput = z.output<typeof policyTextInput>

export const approvalInput = z.object({
  changeKind: z.enum(CHANGE_KINDS, 'policies.errors.changeKind'),
})

export const returnInput = z.object({
  comments: z.string().trim().min(1, 'policies.errors.comments').max(COMMENTS_MAX, 'policies.errors.commentsTooLong'),
})

export const publishInput = z.object({
  effectiveDate: z.string('policies.errors.effectiveDate').refine(isRealDate, 'policies.errors.effectiveDateReal'),
  reviewDate: z.string('policies.errors.reviewDate').refine(isRealDate, 'policies.errors.reviewDateReal'),
}).refine((v) => v.reviewDate > v.effectiveDate, {
  path: ['reviewDate'], message: 'policies.errors.reviewAfterEffective',
})
export type PublishInput = z.output<typeof publishInput>

const SETTING_MAX = 200
const setting = z.string().trim().max(SETTING_MAX, 'policies.errors.settingTooLong').optional().transform((v) => (v ? v : null))
export const policySettingsInput = z.object({
  siro: setting,
  dpoContact: setting,
  aiLead: setting,
  boardName: setting,
  policyApprovers: z.enum(['admin', 'board_member', 'admin_or_board'], 'policies.errors.approvers'),
})

/** "1.0" from the numbers an approval gave. */
export const versionLabel = (major: number | null, minor: number | null) => (major === null ? null : `${major}.${minor ?? 0}`)

/** The numbers the next approved version takes: a major change starts a new whole number, a minor one adds a tenth. */
export function nextVersionNumbers(current: { major: number; minor: number } | null, kind: ChangeKind): { major: number; minor: number } {
  if (!current) return { major: 1, minor: 0 }
  return kind === 'major' ? { major: current.major + 1, minor: 0 } : { major: current.major, minor: current.minor + 1 }
}

/** A policy's slug from its title: lower-case words joined by hyphens. */
export function slugify(title: string): string {
  const s = title.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '')
  return (s || 'policy').slice(0, 80).replace(/-+$/, '')
}

// --- acknowledgement -------------------------------------------------------------------------

/** The policies every member of staff reads and acknowledges; the charter and terms of reference are for those who run governance. */
export const STAFF_KINDS: readonly PolicyKind[] = ['acceptable_use', 'dos_and_donts']

export interface VersionNumbers {
  major: number
  minor: number
}

/** "2.1" → { major: 2, minor: 1 }; null for a version not yet approved. */
export function numbersOf(label: string | null): VersionNumbers | null {
  const m = label === null ? null : /^(\d+)\.(\d+)$/.exec(label)
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : null
}

/**
 * Whether an acknowledgement of one version still counts while another is in force. A minor
 * version (a typo, a clearer sentence) keeps the acknowledgements of its major version; a major
 * version asks everyone again. An acknowledgement never counts for an earlier version than the
 * one acknowledged (that version was withdrawn before this one was read).
 */
export function acknowledgementHolds(acknowledged: VersionNumbers, inForce: VersionNumbers): boolean {
  return acknowledged.major === inForce.major && acknowledged.minor <= inForce.minor
}

/** Whether this person must (still) acknowledge the version in force, given every version they acknowledged. */
export function needsAcknowledgement(inForce: VersionNumbers, acknowledged: readonly VersionNumbers[]): boolean {
  return !acknowledged.some((a) => acknowledgementHolds(a, inForce))
}

/** The tick ("I have read and will follow this policy") and the version it was ticked for. */
export const acknowledgeInput = z.object({
  versionId: z.uuid('policies.errors.acknowledgeVersion'),
  read: z.literal('yes', 'policies.errors.acknowledgeTick'),
})

/** A page of the people who have not acknowledged (coverage). */
export const COVERAGE_PAGE_SIZE = 100
