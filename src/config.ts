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
})

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
  return {
    env: c.NODE_ENV,
    port: c.PORT,
    host: c.HOST,
    dataDir: isAbsolute(c.DATA_DIR) ? c.DATA_DIR : resolve(process.cwd(), c.DATA_DIR),
    databaseUrl: c.DATABASE_URL,
    sessionSecret: c.SESSION_SECRET ?? 'development-only-secret-not-for-production-use',
    sessionTtlHours: c.SESSION_TTL_HOURS,
    secureCookies: c.NODE_ENV === 'production',
  }
}
