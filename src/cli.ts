#!/usr/bin/env node
// aigov: the command line. `npm run aigov -- <command>`; `npm start` runs `serve --demo`.
import { randomBytes } from 'node:crypto'
import { parseArgs } from 'node:util'
import { z } from 'zod'
import { buildApp } from './app.ts'
import { loadConfig } from './config.ts'
import { demoLogins, DEMO_PASSWORD, loadDemo } from './demo.ts'
import { loadCatalogue } from './features/assessments/catalogue.ts'
import { ROLES, isRole } from './platform/auth/permissions.ts'
import { insertUser } from './platform/auth/store.ts'
import { openDb } from './platform/db/db.ts'
import { migrate } from './platform/db/migrate.ts'
import { createServices } from './services.ts'

const USAGE = `Usage: npm run aigov -- <command> [options]

Commands:
  serve [--demo]              Migrate, then serve the app (--demo loads demo data into an empty database)
  migrate                     Apply database migrations
  org create --slug S --name N [--contact-email E] [--website URL] [--region R]
  user create --org SLUG --email E --name N --roles r1,r2 [--password P]
                              Roles: ${ROLES.join(', ')}. Without --password one is generated and printed.
  demo load                   Load the demo councils, people and register

Environment: PORT, HOST, DATA_DIR, DATABASE_URL, SESSION_SECRET (see .env.example).`

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      demo: { type: 'boolean' }, slug: { type: 'string' }, name: { type: 'string' }, 'contact-email': { type: 'string' },
      website: { type: 'string' }, region: { type: 'string' }, org: { type: 'string' }, email: { type: 'string' },
      roles: { type: 'string' }, password: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  })
  const command = positionals.join(' ')
  if (values.help || !command) {
    console.log(USAGE)
    return command || values.help ? 0 : 2
  }
  const config = loadConfig()
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir })
  try {
    const applied = await migrate(db)
    if (applied.length) console.log(`Applied migrations: ${applied.join(', ')}`)
    switch (command) {
      case 'migrate':
        if (!applied.length) console.log('The database is up to date.')
        return 0
      case 'serve': {
        const questionSets = await loadCatalogue()
        if (values.demo) {
          const [{ n }] = (await db.query<{ n: number }>('select count(*)::int as n from organisations')) as [{ n: number }]
          if (n === 0) {
            console.log('Loading demo data…')
            await loadDemo(db, createServices(db, questionSets, config))
          }
        }
        const app = await buildApp({ config, db, questionSets })
        const close = async () => {
          await app.close()
          await db.close()
          process.exit(0)
        }
        process.once('SIGINT', close)
        process.once('SIGTERM', close)
        await app.listen({ port: config.port, host: config.host })
        const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`
        console.log(`\nAI Governance Hub is running at ${url}  (public register: ${url}/public)`)
        console.log(`Database: ${config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${config.dataDir}`}`)
        if (values.demo) {
          console.log(`\nDemo logins (password for all: ${DEMO_PASSWORD}):`)
          for (const l of demoLogins()) console.log(`  ${l.email.padEnd(36)} ${l.role.padEnd(13)} ${l.council}`)
        }
        return await new Promise<number>(() => undefined)
      }
      case 'org create': {
        const input = z.object({
          slug: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'slug: lower-case letters, digits and hyphens'),
          name: z.string().min(1).max(200),
          contactEmail: z.email().optional(), website: z.url().optional(), region: z.string().optional(),
        }).parse({ slug: values.slug, name: values.name, contactEmail: values['contact-email'], website: values.website, region: values.region })
        const [org] = await db.query<{ id: string }>(
          'insert into organisations (slug, name, contact_email, website_url, region) values ($1, $2, $3, $4, $5) returning id',
          [input.slug, input.name, input.contactEmail ?? null, input.website ?? null, input.region ?? null],
        ).catch((err: unknown) => {
          if ((err as { code?: string }).code === '23505') throw new Error(`An organisation with the slug ${input.slug} already exists`)
          throw err
        })
        console.log(`Created organisation ${input.slug} (${org!.id})`)
        return 0
      }
      case 'user create': {
        const roles = (values.roles ?? '').split(',').map((r) => r.trim()).filter(Boolean)
        const bad = roles.filter((r) => !isRole(r))
        if (!roles.length || bad.length) throw new Error(`--roles must list some of: ${ROLES.join(', ')}${bad.length ? ` (unknown: ${bad.join(', ')})` : ''}`)
        const input = z.object({ email: z.email(), name: z.string().min(1).max(200), org: z.string().min(1) })
          .parse({ email: values.email, name: values.name, org: values.org })
        const [org] = await db.query<{ id: string }>('select id from organisations where slug = $1', [input.org])
        if (!org) throw new Error(`No organisation with slug "${input.org}"`)
        const password = values.password ?? randomBytes(12).toString('base64url')
        if (password.length < 12) throw new Error('--password must be at least 12 characters')
        await db.transaction((tx) => insertUser(tx, { email: input.email, name: input.name, password, organisationId: org.id, roles: roles.filter(isRole) }))
          .catch((err: unknown) => {
            if ((err as { code?: string }).code === '23505') throw new Error(`A person with the email ${input.email} already exists`)
            throw err
          })
        console.log(`Created ${input.email.toLowerCase()} in ${input.org} with roles ${roles.join(', ')}`)
        if (!values.password) console.log(`Password: ${password}  (shown once; ask them to keep it safe)`)
        return 0
      }
      case 'demo load':
        await loadDemo(db, createServices(db, await loadCatalogue(), config))
        console.log(`Demo data loaded. Password for every demo login: ${DEMO_PASSWORD}`)
        for (const l of demoLogins()) console.log(`  ${l.email}  (${l.role}, ${l.council})`)
        return 0
      default:
        console.error(`Unknown command "${command}".\n\n${USAGE}`)
        return 2
    }
  } finally {
    if (command !== 'serve') await db.close()
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof z.ZodError ? `Invalid options:\n${z.prettifyError(err)}` : `Error: ${(err as Error).message}`)
    process.exit(1)
  },
)
