import type { CurrentUser } from '../../platform/auth/store.ts'
import { todayIso } from '../../platform/validation.ts'
import type { PeopleService } from '../people/service.ts'
import type { PolicyService } from './service.ts'

/**
 * Demo data for policies, through the real service: one council with its acceptable use policy and
 * do's and don'ts in force and on its public page, its names filled in, and staff in four service
 * areas of whom some have acknowledged them; the demo's other council has none, so a newcomer sees
 * both states.
 */
export async function loadPolicyDemo(policies: PolicyService, admin: CurrentUser, approver: CurrentUser, staff?: { people: PeopleService; password: string }): Promise<void> {
  await policies.saveSettings(admin, {
    siro: 'Director of Corporate Resources', dpoContact: 'dpo@northmoor.example', aiLead: 'Digital and Data team (ai@northmoor.example)',
    boardName: 'AI Governance Board', policyApprovers: 'admin_or_board',
  })
  const today = todayIso()
  const nextYear = `${Number(today.slice(0, 4)) + 1}${today.slice(4)}`.replace(/-02-29$/, '-02-28')
  for (const template of ['acceptable_use', 'dos_and_donts']) {
    const policy = await policies.adopt(admin, template)
    await policies.submit(admin, policy.id)
    await policies.approve(approver, policy.id, 'major')
    await policies.publish(admin, policy.id, { effectiveDate: today, reviewDate: nextYear })
    await policies.setPublic(admin, policy.id, true)
  }
  if (staff) await loadStaffDemo(policies, admin, staff.people, staff.password)
}

/** Demo staff in four service areas: first name, surname, service area, and what they have acknowledged. */
const STAFF: [string, string, string, 'both' | 'policy' | 'none'][] = [
  ['Aisha', 'Khan', 'Housing', 'both'], ['Ben', 'Roberts', 'Housing', 'both'], ['Chloe', 'Evans', 'Housing', 'policy'],
  ['Daniel', 'Hughes', 'Housing', 'none'], ['Emma', 'Walsh', 'Housing', 'both'], ['Farid', 'Ahmed', 'Housing', 'none'],
  ['Grace', 'Okafor', 'Customer services', 'both'], ['Harry', 'Turner', 'Customer services', 'both'], ['Isla', 'Murray', 'Customer services', 'both'],
  ['Jack', 'Patel', 'Customer services', 'policy'], ['Katie', 'Lewis', 'Customer services', 'none'], ['Liam', 'O\'Brien', 'Customer services', 'both'],
  ['Maya', 'Singh', 'Planning', 'both'], ['Noah', 'Clarke', 'Planning', 'none'], ['Olivia', 'Wright', 'Planning', 'none'],
  ['Priya', 'Shah', 'Planning', 'policy'], ['Rhys', 'Davies', 'Planning', 'none'], ['Sophie', 'Green', 'Adult social care', 'both'],
  ['Tom', 'Baker', 'Adult social care', 'both'], ['Uma', 'Begum', 'Adult social care', 'policy'], ['Victor', 'Nowak', 'Adult social care', 'none'],
  ['Wendy', 'Price', 'Adult social care', 'both'], ['Yusuf', 'Ali', 'Adult social care', 'none'], ['Zara', 'Mitchell', 'Adult social care', 'both'],
]

/** Staff who have acknowledged both policies, only the acceptable use policy, or neither. */
async function loadStaffDemo(policies: PolicyService, admin: CurrentUser, people: PeopleService, password: string): Promise<void> {
  const domain = admin.email.split('@')[1]!
  const inForce = await policies.acknowledgements.staffPolicies(admin)
  for (const [first, last, area, acknowledged] of STAFF) {
    const email = `${first}.${last}`.toLowerCase().replace(/[^a-z.]/g, '') + `@${domain}`
    const name = `${first} ${last}`
    const { id } = await people.createAccount({ email, name, password, organisationId: admin.organisationId, roles: ['staff'] })
    await people.setServiceArea(admin.organisationId, id, area)
    const user: CurrentUser = { ...admin, id, email, name, roles: ['staff'] }
    for (const s of inForce) {
      if (acknowledged === 'both' || (acknowledged === 'policy' && s.policy.kind === 'acceptable_use')) {
        await policies.acknowledgements.acknowledge(user, s.policy.id, s.version.id)
      }
    }
  }
}
