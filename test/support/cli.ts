import { spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export interface CliResult {
  code: number | null
  out: string
  err: string
}

const root = join(dirname(fileURLToPath(import.meta.url)), '../..')

/**
 * Runs `aigov <args>` as its own process on the embedded database in `dataDir`, the way an
 * operator would. DATABASE_URL, SMTP_URL and MAIL_FROM are dropped from the environment unless
 * `env` sets them, so a test never reaches a real server by accident.
 */
export function runAigov(args: string[], dataDir: string, env: Record<string, string> = {}): Promise<CliResult> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, NODE_ENV: 'test' }
  for (const name of ['DATABASE_URL', 'SMTP_URL', 'MAIL_FROM']) delete childEnv[name]
  Object.assign(childEnv, env)
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli.ts'), ...args], { cwd: root, env: childEnv })
  let out = ''
  let err = ''
  child.stdout.on('data', (d: Buffer) => { out += d.toString() })
  child.stderr.on('data', (d: Buffer) => { err += d.toString() })
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out, err })))
}
