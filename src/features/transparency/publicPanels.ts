import type { Organisation } from '../organisations/model.ts'

/**
 * A part of an organisation's public page (`/public/<organisation>`) that another feature adds,
 * such as its published policies. No one is signed in, so `load` sees only the organisation and
 * must return only what that organisation has published. The partial reads only `panel`.
 */
export interface PublicOrganisationPanel {
  /** Unique on the page; also the HTML id the panel's heading carries. */
  id: string
  /** Lower comes first. */
  order: number
  template: string
  load(organisation: Organisation): Promise<Record<string, unknown> | null>
}

export function createPublicOrganisationPanels() {
  const panels: PublicOrganisationPanel[] = []
  return {
    add(panel: PublicOrganisationPanel): void {
      if (panels.some((p) => p.id === panel.id)) throw new Error(`A panel "${panel.id}" is already registered`)
      panels.push(panel)
      panels.sort((a, b) => a.order - b.order)
    },
    /** Every panel for this organisation, in order, leaving out those with nothing to show. */
    async load(organisation: Organisation): Promise<{ id: string; template: string; params: Record<string, unknown> }[]> {
      const loaded = await Promise.all(panels.map(async (p) => ({ p, params: await p.load(organisation) })))
      return loaded.flatMap(({ p, params }) => (params ? [{ id: p.id, template: p.template, params }] : []))
    },
  }
}
