import { isAbsolute, resolve } from 'node:path'
import { z } from 'zod'

const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z.string().url().optional().or(z.literal('').transform(() => undefined)),
  SESSION_SECRET: z.string().optional(),
  SESSION_TTL_HOURS: z.coerce.number().positive().default(12),
  PUBLIC_BASE_URL: z.string().url().optional(),
  SIGNIN_MAX_FAILURES: z.coerce.number().int().min(1).max(1000).default(5),
  SIGNIN_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).max(100000).default(20),
  SIGNIN_WINDOW_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(15),
  // Policy acknowledgement reminders (`aigov reminders`): days after a policy is published.
  ACK_REMINDER_DAYS: z.coerce.number().int().min(0).max(3650).default(14),
  // E-mail (platform/mail): without SMTP_URL messages stay in the outbox, listed for admins.
  SMTP_URL: z.literal('').transform(() => undefined)
    .or(z.string().refine((u) => URL.canParse(u) && /^smtps?:$/.test(new URL(u).protocol), 'must be an smtp:// or smtps:// URL'))
    .optional(),
  MAIL_FROM: z.literal('').transform(() => undefined)
    .or(z.string().trim().regex(/^(?:[^<>\r\n]{1,200} <[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+)$/,
      'must be an address or "Name <address>"'))
    .optional(),
})

/** Failed sign-ins allowed in a sliding window before sign-in is refused for a while. */
export interface SignInThrottle {
  /** Failures for one e-mail address (whether or not it has an account). */
  maxPerAccount: number
  /** Failures from one client address (IP), whichever accounts were tried. */
  maxPerAddress: number
  /** The window, and so the longest lockout, in minutes. */
  windowMinutes: number
}

export interface Config {
  env: 'development' | 'test' | 'production'
  port: number
  host: string
  /** Absolute path of the embedded database folder; unused when databaseUrl is set. */
  dataDir: string
  databaseUrl: string | undefined
  sessionSecret: string
  sessionTtlHours: number
  /** Marks cookies Secure; true in production. */
  secureCookies: boolean
  signInThrottle: SignInThrottle
  /** Outgoing e-mail: smtpUrl undefined keeps messages in the outbox; from is set whenever smtpUrl is. */
  mail: { smtpUrl: string | undefined; from: string | undefined }
  /** `aigov reminders` reminds people who have not acknowledged a policy this many days after it was published. */
  ackReminderDays: number
  /** The address links in e-mails start with (PUBLIC_BASE_URL; this machine's address when unset). */
  publicBaseUrl: string
}

export class ConfigError extends Error {}

/** Reads and checks configuration from the environment; fails fast on anything wrong. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`)
  }
  const c = parsed.data
  if (c.NODE_ENV === 'production' && (!c.SESSION_SECRET || c.SESSION_SECRET.length < 32)) {
    throw new ConfigError('SESSION_SECRET must be set to at least 32 characters in production')
  }
  if (c.SMTP_URL && !c.MAIL_FROM) throw new ConfigError('MAIL_FROM must be set when SMTP_URL is set')
  return {
    env: c.NODE_ENV,
    port: c.PORT,
    host: c.HOST,
    dataDir: isAbsolute(c.DATA_DIR) ? c.DATA_DIR : resolve(process.cwd(), c.DATA_DIR),
    databaseUrl: c.DATABASE_URL,
    sessionSecret: c.SESSION_SECRET ?? 'development-only-secret-not-for-production-use',
    sessionTtlHours: c.SESSION_TTL_HOURS,
    secureCookies: c.NODE_ENV === 'production',
    signInThrottle: {
      maxPerAccount: c.SIGNIN_MAX_FAILURES,
      maxPerAddress: c.SIGNIN_MAX_FAILURES_PER_ADDRESS,
      windowMinutes: c.SIGNIN_WINDOW_MINUTES,
    },
    mail: { smtpUrl: c.SMTP_URL, from: c.MAIL_FROM },
    ackReminderDays: c.ACK_REMINDER_DAYS,
    publicBaseUrl: (c.PUBLIC_BASE_URL ?? `http://${c.HOST === '0.0.0.0' ? 'localhost' : c.HOST}:${c.PORT}`).replace(/\/+$/, ''),
  }
}
