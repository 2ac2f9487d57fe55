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
  /** The AI lead's name and e-mail ("Can I use this AI tool?" requests go to the e-mail). */
  aiLead: string | null
  aiLeadEmail: string | null
  boardName: string | null
  /** Who may approve a policy (never its author). */
  policyApprovers: PolicyApprovers
  /** The official identifier platform admins record (for a council, its ONS/GSS code). */
  officialIdentifier: string | null
  /** Set while a platform admin has suspended the organisation: nobody in it can sign in. */
  suspendedAt: Date | null
  suspendedReason: string | null
}

export const POLICY_APPROVERS = ['admin', 'board_member', 'admin_or_board'] as const
export type PolicyApprovers = (typeof POLICY_APPROVERS)[number]
export type PolicySettings = Pick<Organisation, 'siro' | 'dpoContact' | 'aiLead' | 'boardName' | 'policyApprovers'>

/** The nations of the United Kingdom (stored as these codes; equality duties differ by nation). */
export const NATIONS = ['england', 'scotland', 'wales', 'northern_ireland'] as const
export type Nation = (typeof NATIONS)[number]

export const ORGANISATION_SLUG = /^[a-z0-9][a-z0-9-]{1,62}$/

export const newOrganisationInput = z.object({
  slug: z.string().regex(ORGANISATION_SLUG, 'organisations.errors.slug'),
  name: z.string().trim().min(1, 'organisations.errors.name').max(200, 'organisations.errors.nameTooLong')
    .refine((s) => !/[\p{Cc}\u2028\u2029]/u.test(s), 'organisations.errors.nameLine'),
  contactEmail: z.email('organisations.errors.contactEmail').max(320).nullish().transform((v) => v ?? null),
  websiteUrl: z.url({ protocol: /^https?$/, error: 'organisations.errors.websiteUrl' }).max(2000).nullish().transform((v) => v ?? null),
  region: z.string().trim().max(200).nullish().transform((v) => v ?? null),
})
export type NewOrganisationInput = z.output<typeof newOrganisationInput>

/** A line break or other control character: none belongs in a one-line field (names go into e-mail subjects). */
const CONTROL = /[\p{Cc}\u2028\u2029]/u
const oneLine = (s: string) => !CONTROL.test(s)

/** Optional text on the settings form: trimmed, '' → null, one line, with a limit named in its message. */
const optionalText = (key: string, max: number) =>
  z.string({ error: `organisations.errors.${key}TooLong` }).trim().max(max, `organisations.errors.${key}TooLong`)
    .refine(oneLine, `organisations.errors.${key}Line`)
    .optional().transform((v) => (v ? v : null))

const optionalEmail = (key: string) =>
  z.string({ error: `organisations.errors.${key}` }).trim().max(320, `organisations.errors.${key}`).optional()
    .transform((v) => (v ? v : null))
    .pipe(z.email(`organisations.errors.${key}`).nullable())

/** What an admin edits on the settings page: the organisation's details and its policy settings. */
export const organisationDetailsInput = z.object({
  name: z.string({ error: 'organisations.errors.name' }).trim().min(1, 'organisations.errors.name').max(200, 'organisations.errors.nameTooLong')
    .refine(oneLine, 'organisations.errors.nameLine'),
  organisationType: optionalText('organisationType', 200),
  nation: z.enum(NATIONS, { error: 'organisations.errors.nation' }).optional().transform((v) => v ?? null),
  region: optionalText('region', 200),
  contactEmail: optionalEmail('contactEmail'),
  websiteUrl: z.string({ error: 'organisations.errors.websiteUrl' }).trim().max(2000, 'organisations.errors.websiteUrlTooLong').optional()
    .transform((v) => (v ? v : null))
    .pipe(z.url({ protocol: /^https?$/, hostname: /\./, error: 'organisations.errors.websiteUrl' }).nullable()),
  siro: optionalText('siro', 200),
  dpoContact: optionalText('dpoContact', 200),
  aiLead: optionalText('aiLead', 200),
  aiLeadEmail: optionalEmail('aiLeadEmail'),
  boardName: optionalText('boardName', 200),
  policyApprovers: z.enum(POLICY_APPROVERS, { error: 'organisations.errors.policyApprovers' }),
})
export type OrganisationDetails = z.output<typeof organisationDetailsInput>

/** The settings the form edits, in form order (also the fields the audit trail compares). */
export const DETAIL_FIELDS = [
  'name', 'organisationType', 'nation', 'region', 'contactEmail', 'websiteUrl',
  'siro', 'dpoContact', 'aiLead', 'aiLeadEmail', 'boardName', 'policyApprovers',
] as const satisfies readonly (keyof OrganisationDetails)[]

/** An official identifier: letters, digits and a few separators (an ONS/GSS code such as E07000178, a company number). */
export const OFFICIAL_IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9 ./-]{0,39}$/

/** What a platform admin types to add an organisation to the platform. */
export const platformOrganisationInput = z.object({
  name: z.string({ error: 'organisations.errors.name' }).trim().min(1, 'organisations.errors.name').max(200, 'organisations.errors.nameTooLong')
    .refine(oneLine, 'organisations.errors.nameLine'),
  slug: z.string({ error: 'organisations.errors.slug' }).trim().regex(ORGANISATION_SLUG, 'organisations.errors.slug'),
  organisationType: optionalText('organisationType', 200),
  nation: z.enum(NATIONS, { error: 'organisations.errors.nation' }).optional().transform((v) => v ?? null),
  region: optionalText('region', 200),
  officialIdentifier: z.string({ error: 'organisations.errors.officialIdentifier' }).trim().optional()
    .transform((v) => (v ? v : null))
    .pipe(z.string().regex(OFFICIAL_IDENTIFIER, 'organisations.errors.officialIdentifier').nullable()),
  contactEmail: optionalEmail('contactEmail'),
})
export type PlatformOrganisationInput = z.output<typeof platformOrganisationInput>

/** Why a platform admin suspends an organisation (shown to the platform admins, kept in the audit trail). */
export const suspensionInput = z.object({
  reason: z.string({ error: 'organisations.errors.suspendReason' }).trim().min(1, 'organisations.errors.suspendReason')
    .max(1000, 'organisations.errors.suspendReasonTooLong'),
})
