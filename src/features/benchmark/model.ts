import { z } from 'zod'
import { NATIONS } from '../organisations/model.ts'

/**
 * The rule that keeps every council anonymous: a figure is shown only when at least this many
 * organisations contribute to it, counted for each figure and each combination of filters.
 */
export const MIN_CONTRIBUTORS = 5

/**
 * What one figure aggregates over the organisations asked about, counted in SQL by the feature
 * that owns the facts. `contributors` is how many of those organisations the figure draws on.
 * - share: how many contributors have something (a policy in force, a board…), out of all of them;
 * - median: the median of a per-organisation proportion (0 to 1), e.g. staff acknowledgement;
 * - distribution: how many contributors are at each level; `counts[i]` is level `levels[i]`.
 */
export type Aggregate =
  | { kind: 'share'; contributors: number; count: number }
  | { kind: 'median'; contributors: number; median: number | null }
  | { kind: 'distribution'; contributors: number; levels: { value: number; label: string }[]; counts: number[] }

/** A figure as a feature gives it: its words (already translated) and its aggregate. */
export interface BenchmarkFigure {
  id: string
  title: string
  /** What the figure counts, in a sentence. */
  description: string
  aggregate: Aggregate
}

/**
 * A feature's contribution to the sector benchmark. `load` aggregates in SQL over exactly the
 * organisations whose ids it is given (never any other) and returns its figures: the same call
 * with one id gives that organisation's own values.
 */
export interface BenchmarkMetric {
  id: string
  /** Lower comes first. */
  order: number
  load(organisationIds: readonly string[], q: import('../../platform/db/db.ts').Queryable): Promise<BenchmarkFigure[]>
}

/** A figure as the page may show it: with its aggregate only when enough organisations contribute. */
export type ShownFigure =
  | { id: string; title: string; description: string; shown: true; aggregate: Aggregate }
  | { id: string; title: string; description: string; shown: false; kind: Aggregate['kind'] }

/** Whether a figure drawn from this many organisations may be shown. */
export function meetsThreshold(contributors: number, min: number = MIN_CONTRIBUTORS): boolean {
  return Number.isInteger(contributors) && contributors >= min
}

/**
 * The threshold rule applied to one figure. A figure below the threshold keeps only its words:
 * its aggregate (every number in it, the count of contributors too) is dropped here, only its kind
 * kept (which part of the page it belongs to), so no page
 * or JSON built from the result can carry it.
 */
export function applyThreshold(figure: BenchmarkFigure, min: number = MIN_CONTRIBUTORS, groupsSafe = true): ShownFigure {
  const { id, title, description } = figure
  if (!meetsThreshold(figure.aggregate.contributors, min) || !groupsSafe) {
    return { id, title, description, shown: false, kind: figure.aggregate.kind }
  }
  return { id, title, description, shown: true, aggregate: figure.aggregate }
}

/**
 * A filtered view must not let anyone work out a group under the threshold by subtracting shown
 * views from each other (the whole minus England minus Wales is Scotland). So a figure filtered by
 * type, nation or both is shown only when, in the partition of all participants by the filtered
 * dimensions (every type, every nation, or every type-and-nation pair, "not recorded" included),
 * each group contributes to it none or at least `min` organisations: then every sum or
 * difference of groups is none or at least `min` too.
 */
export function groupsSafe(contributorsPerGroup: readonly number[], min: number = MIN_CONTRIBUTORS): boolean {
  return contributorsPerGroup.every((c) => c === 0 || c >= min)
}

/** The dimensions a view is filtered by, in a fixed order (the partition it must be safe in). */
export function filteredDimensions(filters: { type: string | null; nation: string | null }): ('type' | 'nation')[] {
  return [...(filters.type !== null ? ['type' as const] : []), ...(filters.nation !== null ? ['nation' as const] : [])]
}

/** A whole-number percentage of a share, or null when nothing contributes. */
export function sharePercent(count: number, contributors: number): number | null {
  if (!(contributors > 0)) return null
  return Math.round((Math.max(0, Math.min(count, contributors)) / contributors) * 100)
}

/** A median proportion (0 to 1) as a whole-number percentage. */
export function medianPercent(median: number | null): number | null {
  return median === null || !Number.isFinite(median) ? null : Math.round(Math.max(0, Math.min(1, median)) * 100)
}

/** The benchmark page's filters, from its query string: organisation type (free text, as recorded) and nation. */
export const benchmarkFilters = z.object({
  type: z.string({ error: 'benchmark.errors.type' }).trim().max(200, 'benchmark.errors.type').optional()
    .transform((v) => (v ? v : null)),
  nation: z.union([z.enum(NATIONS), z.literal('')], { error: 'benchmark.errors.nation' }).optional()
    .transform((v) => (v ? v : null)),
})
export type BenchmarkFilters = z.output<typeof benchmarkFilters>

/** Opting in or out (an admin of the organisation). */
export const participationInput = z.object({
  participate: z.enum(['yes', 'no'], { error: 'benchmark.errors.participate' }).transform((v) => v === 'yes'),
})
