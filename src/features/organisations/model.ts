import { z } from 'zod'

/** An organisation's details and the governance settings it chose. */
export interface Organisation {
  id: string
  slug: string
  name: string
  contactEmail: string | null
  websiteUrl: string | null
  region: string | null
  organisationType: string | null
  nation: string | null
  /** When true (the default) nobody decides on, or publishes, their own work. */
  separationOfDuties: boolean
  createdAt: Date
  /** Policy placeholders (issue 9): the Senior Information Risk Owner, the DPO's contact, the AI lead, the board's name. */
  siro: string | null
  dpoContact: string | null
  aiLead: string | null
  boardName: string | null
  /** Who may approve a policy (never its author). */
  policyApprovers: PolicyApprovers
}

export const POLICY_APPROVERS = ['admin', 'board_member', 'admin_or_board'] as const
export type PolicyApprovers = (typeof POLICY_APPROVERS)[number]
export type PolicySettings = Pick<Organisation, 'siro' | 'dpoContact' | 'aiLead' | 'boardName' | 'policyApprovers'>

export const ORGANISATION_SLUG = /^[a-z0-9][a-z0-9-]{1,62}$/

export const newOrganisationInput = z.object({
  slug: z.string().regex(ORGANISATION_SLUG, 'organisations.errors.slug'),
  name: z.string().trim().min(1, 'organisations.errors.name').max(200, 'organisations.errors.nameTooLong'),
  contactEmail: z.email('organisations.errors.contactEmail').max(320).nullish().transform((v) => v ?? null),
  websiteUrl: z.url({ protocol: /^https?$/, error: 'organisations.errors.websiteUrl' }).max(2000).nullish().transform((v) => v ?? null),
  region: z.string().trim().max(200).nullish().transform((v) => v ?? null),
})
export type NewOrganisationInput = z.output<typeof newOrganisationInput>
