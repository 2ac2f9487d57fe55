/**
 * The question-set registry: the sets loaded from content/assessments at start-up (built in,
 * never changed while running) plus the sets platform admins uploaded (framework packs, kept in
 * the database and swapped in whole when one goes live or is withdrawn, without a restart).
 *
 * Which sets an organisation sees: every built-in set, and every live pack published to all
 * organisations or to it. Its "latest" version of a set is the highest version it sees, so a pack
 * may supersede a built-in set for the organisations it is published to. `get(id, version)` knows
 * every version ever live (withdrawn ones too): an assessment keeps the set version it used, and is
 * evaluated again against that version, whoever sees what now.
 */
import type { QuestionSetCatalogue } from '../catalogue.ts'
import type { QuestionSet } from '../questionSet/schema.ts'

/** A pack that is, or was, live: its set, whether it is still offered, and who it is published to. */
export interface RegisteredPack {
  set: QuestionSet
  /** Live (offered to its organisations); false once withdrawn (still known for stored assessments). */
  offered: boolean
  /** 'all' organisations, or the ids of those it is published to. */
  audience: 'all' | readonly string[]
}

export interface SetRegistry extends QuestionSetCatalogue {
  /** The sets loaded from content/assessments. */
  readonly builtIn: QuestionSetCatalogue
  /** The sets one organisation sees (built in, and the live packs published to it). */
  forOrganisation(organisationId: string): QuestionSetCatalogue
  /** Replaces every pack at once (after a go-live or withdrawal, here or in another process). */
  replacePacks(packs: readonly RegisteredPack[], generation: number): void
  /** The packs in force, as last loaded. */
  packs(): readonly RegisteredPack[]
  /** The generation of the packs last loaded (-1 before the first load). */
  readonly generation: number
}

const REGISTRY = Symbol('setRegistry')

/** The registry over a catalogue (a catalogue that is already a registry is returned as it is). */
export function setRegistryOf(catalogue: QuestionSetCatalogue): SetRegistry {
  if ((catalogue as Partial<Record<typeof REGISTRY, true>>)[REGISTRY]) return catalogue as SetRegistry
  return createSetRegistry(catalogue)
}

export function createSetRegistry(builtIn: QuestionSetCatalogue): SetRegistry {
  let packs: readonly RegisteredPack[] = []
  let generation = -1
  let views = new Map<string, QuestionSetCatalogue>()

  const anyVersion = (id: string, version: number): QuestionSet | undefined =>
    builtIn.get(id, version) ?? packs.find((p) => p.set.id === id && p.set.version === version)?.set

  const builtInLatest = (id: string): QuestionSet | undefined => {
    try {
      return builtIn.latest(id)
    } catch {
      return undefined
    }
  }

  function viewFor(organisationId: string): QuestionSetCatalogue {
    const visible = packs.filter((p) => p.offered && (p.audience === 'all' || p.audience.includes(organisationId))).map((p) => p.set)
    const latest = (id: string): QuestionSet | undefined => {
      let best = builtInLatest(id)
      for (const set of visible) if (set.id === id && (!best || set.version > best.version)) best = set
      return best
    }
    const builtInIds = builtIn.all().map((s) => s.id)
    const packIds = [...new Set(visible.map((s) => s.id))].filter((id) => !builtInIds.includes(id)).sort()
    const all = [...builtInIds, ...packIds].map((id) => latest(id)!)
    return {
      latest(id) {
        const set = latest(id)
        if (!set) throw new Error(`No question set "${id}" for this organisation`)
        return set
      },
      get: anyVersion,
      all: () => all,
    }
  }

  const registry: SetRegistry & Record<typeof REGISTRY, true> = {
    [REGISTRY]: true,
    builtIn,
    latest: (id) => builtIn.latest(id),
    get: anyVersion,
    all: () => builtIn.all(),
    forOrganisation(organisationId) {
      let view = views.get(organisationId)
      if (!view) {
        view = viewFor(organisationId)
        views.set(organisationId, view)
      }
      return view
    },
    replacePacks(next, nextGeneration) {
      packs = [...next]
      generation = nextGeneration
      views = new Map()
    },
    packs: () => packs,
    get generation() {
      return generation
    },
  }
  return registry
}
