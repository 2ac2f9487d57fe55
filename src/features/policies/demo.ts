import type { CurrentUser } from '../../platform/auth/store.ts'
import { todayIso } from '../../platform/validation.ts'
import type { PolicyService } from './service.ts'

/**
 * Demo data for policies, through the real service: one council with its acceptable use policy and
 * do's and don'ts in force and on its public page, its names filled in; the demo's other council has
 * none, so a newcomer sees both states.
 */
export async function loadPolicyDemo(policies: PolicyService, admin: CurrentUser, approver: CurrentUser): Promise<void> {
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
}
