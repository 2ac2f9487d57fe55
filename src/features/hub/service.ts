import type { CurrentUser } from '../../platform/auth/store.ts'
import { createPanels } from '../../platform/http/panels.ts'

/**
 * The sector hub (`/hub`): where councils learn from each other. It names no feature: the
 * use-case library, the guidance library with its cases and glossary, the maturity
 * self-assessment and the sector benchmark are sections their features add (`hub.sections.add`).
 */
export function createHubService() {
  return {
    sections: createPanels<CurrentUser>(),
  }
}
export type HubService = ReturnType<typeof createHubService>
