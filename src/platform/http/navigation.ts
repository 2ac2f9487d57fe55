import type { CurrentUser } from '../auth/store.ts'
import { can } from '../auth/permissions.ts'
import { currentLang, t } from '../i18n/i18n.ts'

export interface NavItem {
  href: string
  text: string
  active?: boolean
}

/** The service navigation: what this person may use, with the current section marked. */
export function navigationFor(user: CurrentUser | null, url: string, publicPage: boolean): NavItem[] {
  const path = url.split('?')[0] ?? '/'
  const items: NavItem[] = []
  if (publicPage || !user) {
    // A Welsh public page links to the Welsh register (only public pages have Welsh).
    items.push({ href: currentLang() === 'cy' ? '/public?lang=cy' : '/public', text: t('nav.publicRegister') })
    items.push(!user ? { href: '/login', text: t('nav.signIn') } : can(user.roles, 'register:read') ? { href: '/register', text: t('nav.register') } : { href: '/home', text: t('nav.home') })
  } else {
    items.push({ href: '/home', text: t('nav.home') })
    if (can(user.roles, 'register:read')) items.push({ href: '/register', text: t('nav.register') })
    if (can(user.roles, 'register:read')) items.push({ href: '/board', text: t('nav.board') })
    if (can(user.roles, 'register:read')) items.push({ href: '/dashboard', text: t('nav.dashboard') })
    items.push({ href: '/hub', text: t('nav.hub') })
    if (can(user.roles, 'policy:read')) items.push({ href: '/policies', text: t('nav.policies') })
    else if (can(user.roles, 'policy:acknowledge')) items.push({ href: '/policies-in-force', text: t('nav.policiesInForce') })
    if (can(user.roles, 'people:manage')) items.push({ href: '/people', text: t('nav.people') })
    if (can(user.roles, 'organisation:manage')) items.push({ href: '/settings', text: t('nav.settings') })
    if (user.platformAdmin === true) items.push({ href: '/platform', text: t('nav.platform') })
    items.push({ href: '/account', text: t('nav.account') })
    if (can(user.roles, 'register:read')) items.push({ href: '/public', text: t('nav.publicRegister') })
  }
  return items.map((i) => {
    const href = i.href.split('?')[0]!
    return { ...i, active: path === href || path.startsWith(`${href}/`) }
  })
}
