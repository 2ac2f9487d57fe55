import { z } from 'zod'
import { ROLES, type Role } from '../../platform/auth/permissions.ts'
import { TOKEN_LIFETIMES, TOKEN_SCOPES } from '../../platform/auth/store.ts'

/** A person's membership of the organisation, as the people pages show it. */
export interface Person {
  id: string
  name: string
  email: string
  roles: Role[]
  /** Whether they may use this organisation (each organisation switches off only its own membership). */
  active: boolean
  /** When they were added to this organisation. */
  createdAt: Date
  /** The part of the council they work in (this organisation's own label), or null. */
  serviceArea: string | null
  /** Invited and not yet set a password (they cannot sign in until they use their link). */
  invitationPending: boolean
}

export const MAX_SERVICE_AREA_LENGTH = 200

export const MIN_PASSWORD_LENGTH = 12
export const MAX_PASSWORD_LENGTH = 1000

/** Roles ticked on a form: at least one, known ones only, kept in ROLES order without repeats. */
const roles = z
  .array(z.enum(ROLES, { error: 'people.errors.roles' }), { error: 'people.errors.roles' })
  .min(1, 'people.errors.roles')
  .transform((rs) => ROLES.filter((r) => rs.includes(r)))

const email = z
  .string({ error: 'people.errors.email' })
  .trim()
  .toLowerCase()
  .min(1, 'people.errors.email')
  .max(320, 'people.errors.tooLong')
  .pipe(z.email({ error: 'people.errors.emailFormat' }))

/** A line break or other control character: none belongs in a name (names go into e-mail subjects). */
export const CONTROL_CHARACTER = /[\p{Cc}\u2028\u2029]/u
const oneLine = (s: string) => !CONTROL_CHARACTER.test(s)

/** A service area: optional, trimmed, one line, blank means none. */
export const serviceArea = z
  .string({ error: 'people.errors.serviceArea' })
  .trim()
  .max(MAX_SERVICE_AREA_LENGTH, 'people.errors.serviceAreaLong')
  .refine(oneLine, 'people.errors.serviceAreaLine')
  .optional()
  .transform((s) => (s ? s : null))

/** A person an admin adds. No password means one is generated and shown once. */
export const newPersonInput = z.object({
  name: z.string({ error: 'people.errors.name' }).trim().min(1, 'people.errors.name').max(200, 'people.errors.tooLong')
    .refine(oneLine, 'people.errors.nameLine'),
  email,
  roles,
  serviceArea,
  password: z
    .string({ error: 'people.errors.passwordShort' })
    .min(MIN_PASSWORD_LENGTH, 'people.errors.passwordShort')
    .max(MAX_PASSWORD_LENGTH, 'people.errors.tooLong')
    .optional(),
})
export type NewPersonInput = z.output<typeof newPersonInput>

export const rolesInput = z.object({ roles })

export const serviceAreaInput = z.object({ serviceArea })

/** Setting a password from an invitation or reset link. */
export const setPasswordInput = z.object({
  password: z.string({ error: 'links.errors.passwordShort' })
    .min(MIN_PASSWORD_LENGTH, 'links.errors.passwordShort')
    .max(MAX_PASSWORD_LENGTH, 'links.errors.passwordLong'),
  confirmPassword: z.string({ error: 'links.errors.confirm' }),
}).superRefine((v, ctx) => {
  if (v.confirmPassword !== v.password) ctx.addIssue({ code: 'custom', path: ['confirmPassword'], message: 'links.errors.confirm' })
})

/** "Forgotten your password?" and "Send me a new link": an e-mail address. */
export const linkRequestInput = z.object({
  email: z.string({ error: 'links.errors.email' }).trim().toLowerCase().min(1, 'links.errors.email')
    .max(320, 'links.errors.emailFormat').pipe(z.email({ error: 'links.errors.emailFormat' })),
})

/** Changing one's own password on "Your account". */
export const passwordChangeInput = z.object({
  currentPassword: z.string({ error: 'account.password.errors.current' }).min(1, 'account.password.errors.current')
    .max(MAX_PASSWORD_LENGTH, 'account.password.errors.current'),
  newPassword: z.string({ error: 'account.password.errors.newShort' })
    .min(MIN_PASSWORD_LENGTH, 'account.password.errors.newShort')
    .max(MAX_PASSWORD_LENGTH, 'account.password.errors.newLong'),
  confirmPassword: z.string({ error: 'account.password.errors.confirm' }),
}).superRefine((v, ctx) => {
  if (v.confirmPassword !== v.newPassword) ctx.addIssue({ code: 'custom', path: ['confirmPassword'], message: 'account.password.errors.confirm' })
  if (v.newPassword === v.currentPassword) ctx.addIssue({ code: 'custom', path: ['newPassword'], message: 'account.password.errors.same' })
})

/** A new API token: a name, what it may do and how long it lasts. */
export const tokenInput = z.object({
  name: z.string({ error: 'account.errors.tokenName' }).trim().min(1, 'account.errors.tokenName').max(100, 'account.errors.tokenNameLong'),
  scope: z.enum(TOKEN_SCOPES, { error: 'account.errors.tokenScope' }),
  days: z.enum(TOKEN_LIFETIMES.map(String) as [string, ...string[]], { error: 'account.errors.tokenDays' })
    .transform((d) => TOKEN_LIFETIMES.find((l) => String(l) === d)!),
})

/** The e-mail address is already a member of this organisation. */
export class AlreadyMemberError extends Error {
  constructor() {
    super('already a member')
  }
}

/** An admin may not do this to their own account; `reason` is a message key. */
export class SelfChangeRefused extends Error {
  constructor(readonly reason: string) {
    super(reason)
  }
}
