import { createPanels } from '../../platform/http/panels.ts'
import type { PolicyDetail, PublishedPolicy } from './service.ts'

/** A part of the public policy page another feature adds (no one is signed in); its partial reads only `panel`. */
export interface PublicPolicyPanel {
  id: string
  order: number
  template: string
  /** Only what the organisation has published: the page is public. */
  load(p: PublishedPolicy): Promise<Record<string, unknown> | null>
}

/**
 * Where other features add to a policy's pages (the approved AI tools), without the policies
 * feature naming them: `signedIn` on /policies/<id>, `public` on /public/<organisation>/policies/<policy>.
 */
export function createPolicyPagePanels() {
  const publicPanels: PublicPolicyPanel[] = []
  return {
    signedIn: createPanels<PolicyDetail>(),
    public: {
      add(panel: PublicPolicyPanel): void {
        if (publicPanels.some((p) => p.id === panel.id)) throw new Error(`A panel "${panel.id}" is already registered`)
        publicPanels.push(panel)
        publicPanels.sort((a, b) => a.order - b.order)
      },
      async load(p: PublishedPolicy): Promise<{ id: string; template: string; params: Record<string, unknown> }[]> {
        const loaded = await Promise.all(publicPanels.map(async (panel) => ({ panel, params: await panel.load(p) })))
        return loaded.flatMap(({ panel, params }) => (params ? [{ id: panel.id, template: panel.template, params }] : []))
      },
    },
  }
}
