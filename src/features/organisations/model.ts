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
}

export const ORGANISATION_SLUG = /^[a-z0-9][a-z0-9-]{1,62}$/

export const newOrganisationInput = z.object({
  slug: z.string().regex(ORGANISATION_SLUG, 'organisations.errors.slug'),
  name: z.string().trim().min(1, 'organisations.errors.name').max(200, 'organisations.errors.nameTooLong'),
  contactEmail: z.email('organisations.errors.contactEmail').max(320).nullish().transform((v) => v ?? null),
  websiteUrl: z.url({ protocol: /^https?$/, error: 'organisations.errors.websiteUrl' }).max(2000).nullish().transform((v) => v ?? null),
  region: z.string().trim().max(200).nullish().transform((v) => v ?? null),
})
export type NewOrganisationInput = z.output<typeof newOrganisationInput>
