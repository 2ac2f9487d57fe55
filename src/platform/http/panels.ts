import type { CurrentUser } from '../auth/store.ts'
import { createOrdered } from '../ordered.ts'

/**
 * A part of a page that another feature contributes (the entry page's assessments summary,
 * decisions and transparency record; the results page's ATRS fields). The page's owner knows
 * only this interface: each feature adds its own panel, with its own partial, and the page
 * renders every panel in order with the parameters the panel's `load` returned.
 */
export interface Panel<Subject> {
  /** Unique on the page; also the HTML id the panel's heading carries. */
  id: string
  /** Lower comes first. */
  order: number
  /** The feature's own partial, e.g. "board/views/_decisions.njk"; it reads only `panel`. */
  template: string
  /** The partial's parameters, or null when the panel has nothing to show this person. */
  load(user: CurrentUser, subject: Subject): Promise<Record<string, unknown> | null>
}

export interface RenderedPanel {
  id: string
  template: string
  params: Record<string, unknown>
}

export function createPanels<Subject>() {
  const panels = createOrdered<Panel<Subject>>('panel')
  return {
    add: panels.add,
    /** Loads every panel for this person and subject, in order, leaving out those with nothing to show. */
    async load(user: CurrentUser, subject: Subject): Promise<RenderedPanel[]> {
      const loaded = await Promise.all(panels.all().map(async (p) => ({ p, params: await p.load(user, subject) })))
      return loaded.flatMap(({ p, params }) => (params ? [{ id: p.id, template: p.template, params }] : []))
    },
    ids: panels.ids,
  }
}
export type Panels<Subject> = ReturnType<typeof createPanels<Subject>>
