import { can } from '../../platform/auth/permissions.ts'
import type { HomeService } from '../home/service.ts'
import type { RegisterService } from './service.ts'

const SHOWN = 20

/** Home: the entries this person proposed, with the stage each has reached. */
export function addRegisterHomePanel(home: HomeService, register: RegisterService): void {
  home.panels.add({
    id: 'register-proposed',
    order: 30,
    template: 'register/views/_home-proposed.njk',
    async load(user) {
      const entries = await register.proposedBy(user, SHOWN)
      if (!entries.length) return null
      return { entries, total: entries[0]!.total, canRead: can(user.roles, 'register:read') }
    },
  })
}
