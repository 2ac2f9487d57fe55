/** Framework packs: question sets uploaded by platform admins (see service.ts). */
import { z } from 'zod'

export const PACK_STATUSES = ['draft', 'live', 'withdrawn'] as const
export type PackStatus = (typeof PACK_STATUSES)[number]

export interface PackRow {
  id: string
  setId: string
  setVersion: number
  title: string
  fileName: string
  yaml: string
  status: PackStatus
  audience: 'all' | 'selected'
  /** With audience 'selected': the organisations it is published to. */
  organisationIds: string[]
  uploadedBy: string | null
  uploadedAt: Date
  liveBy: string | null
  liveAt: Date | null
  withdrawnBy: string | null
  withdrawnAt: Date | null
}

export type PackAudience = { kind: 'all' } | { kind: 'selected'; organisationIds: string[] }

/**
 * Sets the code itself reads by their questions (the screening's conclusion drives the lifecycle;
 * the hidden-risks workshop's answers make the risk register): they change with a release, never
 * by upload.
 */
export const RELEASE_ONLY_SETS = ['screening', 'hidden_risks'] as const

/** The go-live form: every organisation, or at least one chosen (ids checked against the organisations). */
export const audienceInput = z.discriminatedUnion('audience', [
  z.object({ audience: z.literal('all') }),
  z.object({
    audience: z.literal('selected'),
    organisations: z.array(z.uuid({ error: 'packs.errors.organisations' })).min(1, 'packs.errors.organisations').max(1000, 'packs.errors.organisations'),
  }),
], { error: 'packs.errors.audience' })
