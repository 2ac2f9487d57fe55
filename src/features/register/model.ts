import { z } from 'zod'
import { isoDate as isoDateOf } from '../../platform/validation.ts'

/** Lifecycle stages of an AI use, in the order a use normally moves through them. */
export const STAGES = [
  'idea',
  'proposed',
  'under_assessment',
  'awaiting_decision',
  'approved',
  'rejected',
  'pilot',
  'live',
  'retired',
] as const
export type Stage = (typeof STAGES)[number]

export const DECISION_ROLES = ['informs', 'assists', 'automates'] as const
export type DecisionRole = (typeof DECISION_ROLES)[number]

export const RISK_TIERS = ['low', 'medium', 'high', 'prohibited'] as const
export type RiskTier = (typeof RISK_TIERS)[number]

/** A register entry as the rest of the application sees it. Dates are ISO strings (YYYY-MM-DD). */
export interface RegisterEntry {
  id: string
  organisationId: string
  /** Who proposed the entry (null for imported or system-made entries). */
  createdBy: string | null
  name: string
  purpose: string
  serviceArea: string
  owner: string
  supplier: string | null
  technique: string
  personalData: boolean
  specialCategoryData: boolean
  decisionRole: DecisionRole
  peopleAffected: string
  humanOversight: string
  stage: Stage
  riskTier: RiskTier | null
  nextReviewDate: string | null
  version: number
  createdAt: string
  updatedAt: string
}

const isoDate = isoDateOf('register.errors.nextReviewDate')

/** Required text: the field's own message when missing, and one naming the field and its limit when too long. */
const text = (key: string, max: number) =>
  z.string({ error: `register.errors.${key}` }).trim().min(1, `register.errors.${key}`).max(max, `register.errors.${key}TooLong`)

/** What a person supplies for an entry: the same schema checks the web form and the API. */
export const entryInput = z.object({
  name: text('name', 200),
  purpose: text('purpose', 5000),
  serviceArea: text('serviceArea', 200),
  owner: text('owner', 200),
  supplier: z.string({ error: 'register.errors.supplierTooLong' }).trim().max(200, 'register.errors.supplierTooLong').nullish().transform((s) => (s ? s : null)),
  technique: text('technique', 1000),
  personalData: z.boolean({ error: 'register.errors.personalData' }),
  specialCategoryData: z.boolean({ error: 'register.errors.specialCategoryData' }),
  decisionRole: z.enum(DECISION_ROLES, { error: 'register.errors.decisionRole' }),
  peopleAffected: text('peopleAffected', 2000),
  humanOversight: text('humanOversight', 2000),
  nextReviewDate: isoDate.nullish().transform((s) => s ?? null),
})
export type EntryInput = z.output<typeof entryInput>

export const newEntryInput = entryInput.extend({
  stage: z.enum(['idea', 'proposed'], { error: 'register.errors.initialStage' }).default('proposed'),
})
export type NewEntryInput = z.output<typeof newEntryInput>

/** An update names the version it was based on, so a stale edit can be refused. */
export const entryUpdate = entryInput.partial().extend({
  version: z.coerce.number({ error: 'register.errors.version' }).int('register.errors.version').positive('register.errors.version'),
})
export type EntryUpdate = z.output<typeof entryUpdate>

/** The fields a person edits, in form order (also the fields the audit trail compares). */
export const EDITABLE_FIELDS = [
  'name', 'purpose', 'serviceArea', 'owner', 'supplier', 'technique', 'personalData',
  'specialCategoryData', 'decisionRole', 'peopleAffected', 'humanOversight', 'nextReviewDate',
] as const satisfies readonly (keyof EntryInput)[]

const emptyToUndefined = (v: unknown) => (v === '' ? undefined : v)

export const listFilters = z.object({
  q: z.string({ error: 'register.errors.searchTooLong' }).trim().max(200, 'register.errors.searchTooLong').optional().transform((s) => s || undefined),
  stage: z.preprocess(emptyToUndefined, z.enum(STAGES, { error: 'register.errors.stageFilter' }).optional()),
  serviceArea: z.string({ error: 'register.errors.serviceAreaFilterTooLong' }).trim().max(200, 'register.errors.serviceAreaFilterTooLong').optional().transform((s) => s || undefined),
  tier: z.preprocess(emptyToUndefined, z.enum([...RISK_TIERS, 'unscreened'], { error: 'register.errors.tierFilter' }).optional()),
  page: z.preprocess(emptyToUndefined, z.coerce.number({ error: 'register.errors.page' }).int('register.errors.page').min(1, 'register.errors.page').max(100000, 'register.errors.page').default(1)),
  perPage: z.preprocess(emptyToUndefined, z.coerce.number({ error: 'register.errors.perPage' }).int('register.errors.perPage').min(1, 'register.errors.perPage').max(500, 'register.errors.perPage').default(50)),
})
export type ListFilters = z.output<typeof listFilters>

/** A register entry as the API returns it (the response schema in the API description). */
export const entrySchema = z.object({
  id: z.uuid(),
  organisationId: z.uuid(),
  createdBy: z.uuid().nullable(),
  name: z.string(),
  purpose: z.string(),
  serviceArea: z.string(),
  owner: z.string(),
  supplier: z.string().nullable(),
  technique: z.string(),
  personalData: z.boolean(),
  specialCategoryData: z.boolean(),
  decisionRole: z.enum(DECISION_ROLES),
  peopleAffected: z.string(),
  humanOversight: z.string(),
  stage: z.enum(STAGES),
  riskTier: z.enum(RISK_TIERS).nullable(),
  nextReviewDate: z.string().nullable().describe('YYYY-MM-DD'),
  version: z.number().int().describe('Send this back with an update; a stale version gets 409.'),
  createdAt: z.string().describe('ISO 8601 date-time'),
  updatedAt: z.string().describe('ISO 8601 date-time'),
}).meta({ id: 'Entry' }) satisfies z.ZodType<RegisterEntry>
