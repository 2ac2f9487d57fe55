/** `staff` is the lightest: the policy in force, the approved tools and the "Can I use this AI tool?" form. */
export const ROLES = ['staff', 'viewer', 'contributor', 'assessor', 'board_member', 'admin'] as const
export type Role = (typeof ROLES)[number]

/** What each role may do. A person may hold several roles in one organisation. */
const GRANTS = {
  'register:read': ['viewer', 'contributor', 'assessor', 'board_member', 'admin'],
  'register:write': ['contributor', 'assessor', 'admin'],
  'assessment:answer': ['contributor', 'assessor', 'admin'],
  'assessment:signoff': ['assessor'],
  'risk:write': ['contributor', 'assessor', 'admin'],
  'decision:record': ['board_member'],
  /** Set up boards, seat members, schedule meetings (a board's chair, deputy and secretary may too, for their board). */
  'board:manage': ['admin'],
  'transparency:edit': ['contributor', 'assessor', 'admin'],
  'transparency:publish': ['admin'],
  /** Approve a record for publishing (someone who did not write it). */
  'transparency:review': ['assessor', 'board_member', 'admin'],
  /** Read the public's problem reports about published records (with the reporters' addresses) and mark them dealt with. */
  'transparency:reports': ['admin'],
  'people:manage': ['admin'],
  'organisation:manage': ['admin'],
  'policy:read': ['viewer', 'contributor', 'assessor', 'board_member', 'admin'],
  'policy:edit': ['admin'],
  'policy:approve': ['admin', 'board_member'],
  'policy:publish': ['admin'],
  /** Who has and has not acknowledged a policy (names and e-mail addresses): admins and the board, where the SIRO sits. */
  'policy:coverage': ['admin', 'board_member'],
  /** Mark a live register entry approved for general staff use, or withdraw that. */
  'tool:approve': ['admin', 'board_member'],
  /** Read the policy in force, acknowledge it, see approved tools, ask to use a tool: everyone signed in. */
  'policy:acknowledge': ['staff', 'viewer', 'contributor', 'assessor', 'board_member', 'admin'],
} as const satisfies Record<string, readonly Role[]>

export type Permission = keyof typeof GRANTS

export function can(roles: readonly Role[], permission: Permission): boolean {
  const allowed: readonly Role[] = GRANTS[permission]
  return roles.some((r) => allowed.includes(r))
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value)
}
