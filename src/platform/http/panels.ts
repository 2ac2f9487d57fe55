import type { CurrentUser } from '../auth/store.ts'

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
  const panels: Panel<Subject>[] = []
  return {
    add(panel: Panel<Subject>): void {
      if (panels.some((p) => p.id === panel.id)) throw new Error(`A panel "${panel.id}" is already registered`)
      panels.push(panel)
      panels.sort((a, b) => a.order - b.order)
    },
    /** Loads every panel for this person and subject, in order, leaving out those with nothing to show. */
    async load(user: CurrentUser, subject: Subject): Promise<RenderedPanel[]> {
      const loaded = await Promise.all(panels.map(async (p) => ({ p, params: await p.load(user, subject) })))
      return loaded.flatMap(({ p, params }) => (params ? [{ id: p.id, template: p.template, params }] : []))
    },
    ids: (): string[] => panels.map((p) => p.id),
  }
}
export type Panels<Subject> = ReturnType<typeof createPanels<Subject>>
