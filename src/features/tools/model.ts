import { z } from 'zod'

/** What kind of information a person would put into a tool, from least to most sensitive. */
export const INFORMATION_KINDS = ['none', 'internal', 'personal', 'special_category'] as const
export type InformationKind = (typeof INFORMATION_KINDS)[number]

export const PUBLIC_NAME_MAX = 200
export const APPROVED_FOR_MAX = 500
export const REASON_MAX = 500
export const TOOL_NAME_MAX = 200
export const PURPOSE_MAX = 2000
export const DETAIL_MAX = 2000

/** A register entry approved for general staff use (the current approval; withdrawn ones are kept). */
export interface Approval {
  id: string
  entryId: string
  publicName: string
  approvedFor: string
  approvedBy: string
  approvedByName: string | null
  approvedAt: Date
}

/** An approved tool as staff and the public see it: nothing of the register's unpublished detail. */
export interface ApprovedTool {
  entryId: string
  publicName: string
  approvedFor: string
  approvedAt: Date
}

/** A "Can I use this AI tool?" request, as its requester sees it. */
export interface ToolRequest {
  id: string
  entryId: string
  requesterId: string
  toolName: string
  purpose: string
  information: InformationKind
  detail: string | null
  /** Who the e-mail about it went to: the AI lead, the administrators, the contact address, or nobody. */
  notified: Recipients['kind']
  createdAt: Date
}

/** Where a request's e-mail goes. */
export type Recipients = { kind: 'ai_lead' | 'admins' | 'contact'; to: string[] } | { kind: 'nobody'; to: [] }

/** Required text with a limit; both messages name the field. */
const required = (key: string, max: number) =>
  z.string({ error: `tools.errors.${key}` }).trim().min(1, `tools.errors.${key}`).max(max, `tools.errors.${key}TooLong`)

/** One line: a name goes into an e-mail's subject. */
const hasControl = (s: string) => /[\p{Cc}\u2028\u2029]/u.test(s)
const oneLine = (key: string, max: number) => required(key, max).refine((s) => !hasControl(s), `tools.errors.${key}Line`)

export const approvalInput = z.object({
  publicName: oneLine('publicName', PUBLIC_NAME_MAX),
  approvedFor: required('approvedFor', APPROVED_FOR_MAX),
})
export type ApprovalInput = z.output<typeof approvalInput>

export const withdrawalInput = z.object({
  reason: required('reason', REASON_MAX),
})

export const askInput = z.object({
  toolName: oneLine('toolName', TOOL_NAME_MAX),
  purpose: required('purpose', PURPOSE_MAX),
  information: z.enum(INFORMATION_KINDS, { error: 'tools.errors.information' }),
  detail: z.string({ error: 'tools.errors.detailTooLong' }).trim().max(DETAIL_MAX, 'tools.errors.detailTooLong').optional().transform((s) => (s ? s : null)),
})
export type AskInput = z.output<typeof askInput>

/** Who a request goes to: the AI lead's e-mail; else the administrators; else the organisation's contact address. */
export function recipientsFor(org: { aiLeadEmail: string | null; contactEmail: string | null }, adminEmails: readonly string[]): Recipients {
  if (org.aiLeadEmail) return { kind: 'ai_lead', to: [org.aiLeadEmail] }
  const admins = [...new Set(adminEmails.map((e) => e.toLowerCase()))].sort()
  if (admins.length) return { kind: 'admins', to: admins }
  if (org.contactEmail) return { kind: 'contact', to: [org.contactEmail] }
  return { kind: 'nobody', to: [] }
}
