import { recordAudit } from '../../platform/audit.ts'
import { can } from '../../platform/auth/permissions.ts'
import type { CurrentUser } from '../../platform/auth/store.ts'
import type { Db, Queryable } from '../../platform/db/db.ts'
import { forbidden } from '../../platform/http/errors.ts'
import { createOrdered } from '../../platform/ordered.ts'
import type { OrganisationService } from '../organisations/service.ts'
import {
  applyThreshold, type BenchmarkFigure, type BenchmarkFilters, type BenchmarkMetric, filteredDimensions, groupsSafe, MIN_CONTRIBUTORS, type ShownFigure,
} from './model.ts'
import * as repo from './repository.ts'

/** Precomputed figures are used for at most this long, even when nothing has signalled a change. */
export const CACHE_MAX_AGE_MS = 10 * 60 * 1000
/** At most this many filter combinations and organisations are kept (the type filter is free text). */
const CACHE_ENTRIES = 1000

/** The benchmark as one organisation's people see it. */
export interface BenchmarkView {
  /** Whether the person's organisation takes part (its own values are shown only then). */
  participating: boolean
  /** The sector's figures, each shown only when at least MIN_CONTRIBUTORS organisations contribute. */
  figures: ShownFigure[]
  /** The organisation's own figures by id (only when it takes part). */
  own: Map<string, BenchmarkFigure>
}

/**
 * The sector benchmark: anonymous aggregates across the organisations that opted in. It names no
 * feature: each feature that owns some facts adds a metric (`benchmark.metrics.add`) from a small
 * file of its own, which aggregates in SQL over a list of organisation ids. This service chooses
 * the ids (participants, filtered by type and nation through the organisations service) and
 * applies the threshold rule before anything leaves it.
 */
export function createBenchmarkService(db: Db, organisations: OrganisationService, opts: { maxAgeMs?: number } = {}) {
  const metrics = createOrdered<BenchmarkMetric>('benchmark metric')
  const maxAge = opts.maxAgeMs ?? CACHE_MAX_AGE_MS
  /**
   * Precomputed figures: the sector's per filter, each organisation's own, the type list; each
   * kept with the change signal read before it was computed, and used only while the signal has
   * not moved (and for at most `maxAge`, a bound should a change commit in the instant between
   * the signal being read and the computation's snapshot on a server with concurrent writers).
   */
  const cache = new Map<string, { changes: string; at: number; value: unknown }>()
  async function cached<T>(key: string, changes: string, compute: () => Promise<T>): Promise<T> {
    const hit = cache.get(key)
    if (hit && hit.changes === changes && Date.now() - hit.at < maxAge) return hit.value as T
    const value = await compute()
    if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value!)
    cache.delete(key)
    cache.set(key, { changes, at: Date.now(), value })
    return value
  }

  /**
   * The figures that some group of the partition by these dimensions draws from 1 to 4
   * organisations (groupsSafe): filtered views of them are hidden. Kept like the figures.
   */
  const unsafeFigures = (dims: readonly ('type' | 'nation')[], changes: string) => cached(`groups|${dims.join('+')}`, changes, async () => {
    const facets = await organisations.facetsOf(await repo.participantIds(db))
    const groups = new Map<string, string[]>()
    for (const o of facets) {
      const key = dims.map((d) => (d === 'type' ? o.organisationType : o.nation) ?? '').join('\u0000')
      groups.set(key, [...(groups.get(key) ?? []), o.id])
    }
    const perFigure = new Map<string, number[]>()
    for (const ids of groups.values()) {
      for (const f of await loadAll(ids, db)) perFigure.set(f.id, [...(perFigure.get(f.id) ?? []), f.aggregate.contributors])
    }
    return new Set([...perFigure].filter(([, counts]) => !groupsSafe(counts)).map(([id]) => id))
  })

  const loadAll = async (ids: readonly string[], q: Queryable): Promise<BenchmarkFigure[]> => {
    const loaded: BenchmarkFigure[][] = []
    // One after another: the embedded database has one connection anyway.
    for (const m of metrics.all()) loaded.push(await m.load(ids, q))
    return loaded.flat()
  }

  return {
    metrics: { add: metrics.add, ids: metrics.ids },

    /** Whether the person's organisation takes part. */
    async participating(user: CurrentUser): Promise<boolean> {
      return (await repo.participation(db, user.organisationId)) !== null
    },

    /** An admin opts the organisation in or out (one transaction, audited; nothing when unchanged). */
    async setParticipation(user: CurrentUser, on: boolean): Promise<boolean> {
      if (!can(user.roles, 'organisation:manage')) throw forbidden()
      return db.transaction(async (tx) => {
        const changed = on ? await repo.join(tx, user.organisationId, user.id) : await repo.leave(tx, user.organisationId)
        if (changed) {
          await recordAudit(tx, {
            organisationId: user.organisationId, actorId: user.id, entityType: 'organisation', entityId: user.organisationId,
            action: on ? 'benchmark_joined' : 'benchmark_left', changes: { benchmark: { from: !on, to: on } },
          })
        }
        return changed
      })
    },

    /** Organisation types the filter offers: only those at least MIN_CONTRIBUTORS taking part have recorded. */
    async typeOptions(): Promise<string[]> {
      return cached('types', await repo.changes(db), async () => organisations.typesAmong(await repo.participantIds(db), MIN_CONTRIBUTORS))
    },

    /**
     * The benchmark for these filters: every metric over the participants that match, with the
     * threshold applied to each figure, and the person's organisation's own values beside them
     * when it takes part.
     */
    async view(user: CurrentUser, filters: BenchmarkFilters): Promise<BenchmarkView> {
      const changes = await repo.changes(db)
      const participating = (await repo.participation(db, user.organisationId)) !== null
      const figures = await cached(`sector|${filters.type ?? ''}|${filters.nation ?? ''}`, changes, async () => {
        const ids = await organisations.idsMatching(await repo.participantIds(db), { organisationType: filters.type, nation: filters.nation })
        const here = await loadAll(ids, db)
        const dims = filteredDimensions({ type: filters.type, nation: filters.nation })
        const unsafe = dims.length ? await unsafeFigures(dims, changes) : new Set<string>()
        return here.map((f) => applyThreshold(f, MIN_CONTRIBUTORS, !unsafe.has(f.id)))
      })
      const own = participating
        ? await cached(`own|${user.organisationId}`, changes, async () => new Map((await loadAll([user.organisationId], db)).map((f) => [f.id, f])))
        : new Map<string, BenchmarkFigure>()
      return { participating, figures, own }
    },

    /** Forgets every precomputed figure (tests; the change signal does this in use). */
    forget: (): void => cache.clear(),
  }
}
export type BenchmarkService = ReturnType<typeof createBenchmarkService>
