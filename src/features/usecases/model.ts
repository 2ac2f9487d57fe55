import { z } from 'zod'
import { DECISION_ROLES, entryInput, type NewEntryInput, RISK_TIERS, type RiskTier } from '../register/model.ts'

/** What the library's uses are grouped by (the theme filter). */
export const THEMES = [
  'productivity', 'customer_service', 'social_care', 'housing', 'environment', 'planning',
  'finance', 'workforce', 'accessibility', 'transport', 'information',
] as const
export type Theme = (typeof THEMES)[number]

/** A library use's typical tier: a library use is never one the law forbids. */
export const LIBRARY_TIERS = ['low', 'medium', 'high'] as const satisfies readonly RiskTier[]

const USE_ID = /^[a-z][a-z0-9-]{1,62}$/

const line = (max: number) => z.string().trim().min(1).max(max)

/**
 * The register's intake, as a library use usually answers it: the register's own schema (so
 * every answer a use gives would be accepted by the register's form), with nothing else.
 * The stage and next review date are the council's own, never the library's.
 */
export const libraryIntake = z.strictObject({
  name: entryInput.shape.name,
  purpose: entryInput.shape.purpose,
  serviceArea: entryInput.shape.serviceArea,
  owner: entryInput.shape.owner,
  supplier: entryInput.shape.supplier,
  technique: entryInput.shape.technique,
  personalData: entryInput.shape.personalData,
  specialCategoryData: entryInput.shape.specialCategoryData,
  decisionRole: entryInput.shape.decisionRole,
  peopleAffected: entryInput.shape.peopleAffected,
  humanOversight: entryInput.shape.humanOversight,
}).refine((i) => i.personalData || !i.specialCategoryData, {
  path: ['specialCategoryData'], message: 'special category data is personal data: set personalData to true',
})
export type LibraryIntake = z.output<typeof libraryIntake>

/** One file under content/usecases/: a common council use of AI. */
export const useCaseFile = z.strictObject({
  id: z.string().regex(USE_ID, 'must be lower-case letters, digits and hyphens, starting with a letter'),
  title: line(120),
  theme: z.enum(THEMES),
  summary: line(300),
  description: line(3000),
  typicalData: z.array(line(300)).min(1),
  risks: z.array(line(500)).min(1),
  controls: z.array(line(500)).min(1),
  riskTier: z.enum(LIBRARY_TIERS),
  /** Why that tier is typical, and what would move it. */
  tierReason: line(600),
  intake: libraryIntake,
})
export type UseCaseFile = z.output<typeof useCaseFile>

/** The fields of a register entry another council may see when it is shared (in display order). */
export const SHARED_FIELDS = [
  'name', 'purpose', 'serviceArea', 'supplier', 'technique', 'personalData', 'specialCategoryData',
  'decisionRole', 'peopleAffected', 'humanOversight',
] as const
export type SharedField = (typeof SHARED_FIELDS)[number]

/** What is stored and shown of a shared entry: the shareable fields and the entry's tier, nothing else. */
export const sharedContent = z.strictObject({
  name: z.string(),
  purpose: z.string(),
  serviceArea: z.string(),
  supplier: z.string().nullable(),
  technique: z.string(),
  personalData: z.boolean(),
  specialCategoryData: z.boolean(),
  decisionRole: z.enum(DECISION_ROLES),
  peopleAffected: z.string(),
  humanOversight: z.string(),
  riskTier: z.enum(RISK_TIERS).nullable(),
})
export type SharedContent = z.output<typeof sharedContent>

/** A use in the library, from its content or shared by a council, as the pages show it. */
export interface LibraryUse {
  /** The content id (a slug), or the share's uuid. */
  id: string
  kind: 'library' | 'shared'
  title: string
  summary: string
  description: string
  theme: Theme | null
  typicalData: string[]
  risks: string[]
  controls: string[]
  riskTier: RiskTier | null
  tierReason: string | null
  /** The register answers "Use this" fills in. */
  intake: LibraryIntake
  /** The sharing council (shared uses only). */
  sharedBy: { organisationId: string; organisationName: string; entryId: string; sharedAt: Date } | null
}

/** A register entry started from the library: where it came from. */
export interface Adoption {
  entryId: string
  sourceKind: 'library' | 'shared'
  sourceId: string
  sourceTitle: string
  sourceOrganisation: string | null
  adoptedAt: Date
}

const emptyToUndefined = (v: unknown) => (v === '' ? undefined : v)

/** The library page's search and filters. */
export const libraryFilters = z.object({
  q: z.string({ error: 'usecases.errors.search' }).trim().max(200, 'usecases.errors.search').optional().transform((s) => s || undefined),
  tier: z.preprocess(emptyToUndefined, z.enum([...RISK_TIERS, 'unscreened'], { error: 'usecases.errors.tier' }).optional()),
  theme: z.preprocess(emptyToUndefined, z.enum([...THEMES, 'shared'], { error: 'usecases.errors.theme' }).optional()),
})
export type LibraryFilters = z.output<typeof libraryFilters>

/** The words of a search, lower-case, at most 10 (so a long search costs no more than a short one). */
export function searchWords(q: string | undefined): string[] {
  if (!q) return []
  return [...new Set(q.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 0))].slice(0, 10)
}

/** The intake "Use this" makes: the library's answers, as an idea the council then reviews. */
export function intakeToEntry(intake: LibraryIntake): NewEntryInput {
  return { ...intake, nextReviewDate: null, stage: 'idea' }
}
