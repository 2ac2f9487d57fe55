import type { CurrentUser } from '../../platform/auth/store.ts'
import { createPanels } from '../../platform/http/panels.ts'

/**
 * The signed-in home page (`/home`): what this person should see first. It names no feature:
 * the policy in force to acknowledge, the approved AI tools, "Can I use this AI tool?" and the
 * person's own requests are panels their features add (`home.panels.add`). The subject is the
 * person themselves.
 */
export function createHomeService() {
  return {
    panels: createPanels<CurrentUser>(),
  }
}
export type HomeService = ReturnType<typeof createHomeService>
