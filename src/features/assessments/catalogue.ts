import { loadQuestionSets } from './questionSet/load.ts'
import type { QuestionSet } from './questionSet/schema.ts'

/** The question sets found under content/assessments, every version of each. */
export interface QuestionSetCatalogue {
  /** The newest version of a set; throws if the set does not exist (a deployment error). */
  latest(id: string): QuestionSet
  get(id: string, version: number): QuestionSet | undefined
  /** The newest version of every set, in a stable order. */
  all(): QuestionSet[]
}

/** The order people meet the sets in: intake first, then screening, then the rest. */
const FIRST = ['intake', 'screening']
const ORDER = (id: string) => (FIRST.includes(id) ? FIRST.indexOf(id) : FIRST.length)

export function catalogueOf(sets: Map<string, QuestionSet>): QuestionSetCatalogue {
  return {
    latest(id) {
      let best: QuestionSet | undefined
      for (const set of sets.values()) if (set.id === id && (!best || set.version > best.version)) best = set
      if (!best) throw new Error(`No question set "${id}" under content/assessments`)
      return best
    },
    get: (id, version) => sets.get(`${id}@${version}`),
    all() {
      const ids = [...new Set([...sets.values()].map((s) => s.id))]
      return ids.map((id) => this.latest(id)).sort((a, b) => ORDER(a.id) - ORDER(b.id) || a.id.localeCompare(b.id))
    },
  }
}

/** Loads and checks every question set; a bad file stops start-up with its name and path. */
export async function loadCatalogue(dir?: string): Promise<QuestionSetCatalogue> {
  return catalogueOf(await loadQuestionSets(dir))
}
