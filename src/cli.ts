#!/usr/bin/env node
// aigov: the command line. `npm run aigov -- <command>`; `npm start` runs `serve --demo`.
// Every command goes through the features' services: no SQL here.
import type { AddressInfo } from 'node:net'
import { parseArgs } from 'node:util'
import { z } from 'zod'
import { buildApp } from './app.ts'
import { loadConfig } from './config.ts'
import { DEMO_COUNCILS, demoLogins, DEMO_PASSWORD, demoRefusal, loadDemo } from './demo.ts'
import { loadCatalogue } from './features/assessments/catalogue.ts'
import { BOARD_REMINDER_DAYS } from './features/board/reminders.ts'
import { newOrganisationInput } from './features/organisations/model.ts'
import { OrganisationExists } from './features/organisations/service.ts'
import { MIN_PASSWORD_LENGTH } from './features/people/model.ts'
import { AlreadyMemberError, generatePassword } from './features/people/service.ts'
import { importStaffFile } from './features/people/staffImportCli.ts'
import { importCommand } from './features/interchange/cli.ts'
import { loadDemoImports } from './features/interchange/demo.ts'
import { ROLES, isRole } from './platform/auth/permissions.ts'
import { openDb } from './platform/db/db.ts'
import { migrate } from './platform/db/migrate.ts'
import { mailSenderFor, outboxCountsAll, startMailSender } from './platform/mail/index.ts'
import { t } from './platform/i18n/i18n.ts'
import { createServices } from './services.ts'

const USAGE = `Usage: npm run aigov -- <command> [options]

Commands:
  serve [--demo]              Migrate, then serve the app. --demo loads the demo councils and logins,
                              only outside production (NODE_ENV=production refuses) and only into an
                              empty database.
  migrate                     Apply database migrations
  org create --slug S --name N [--contact-email E] [--website URL] [--region R]
  user create --org SLUG --email E --name N --roles r1,r2 [--password P] [--platform-admin]
                              Roles: ${ROLES.join(', ')}. Without --password one is generated and printed.
                              An address that already has an account is added to the organisation and
                              keeps its own password. --platform-admin also makes them a platform admin
                              (organisations, framework packs and moderation for the whole platform).
  demo load                   Load the demo councils, people and register (not in production; empty
                              database only)
  mail send                   Deliver the queued e-mail once over SMTP (SMTP_URL, MAIL_FROM) and say how
                              many were sent, failed and are left; without SMTP_URL the outbox is kept
  staff import --org SLUG FILE
                              Import staff from a CSV file (columns: name, email, service area, optional
                              roles). Every row is checked first: on any bad row the report is printed,
                              nothing is imported and the exit code is 1. New people get an invitation
                              e-mail. Prints how many were added, changed and unchanged.
  import --format nl-register|atrs|atrs-index FILE [--organisation SLUG]
                              Import records: the Dutch Algorithm Register's CSV export (organisations made as
                              needed), ATRS records as CSV or JSON with the standard's keys (into --organisation),
                              or GOV.UK's index of ATRS records (shown as published on GOV.UK). Valid rows are
                              imported and published in one transaction; each rejected row is printed with its
                              line and reason, and the exit code is then 1. Running it again changes nothing.
  reminders [--days N]        Queue an e-mail to everyone who has not acknowledged a staff policy in force
                              for N days (default ACK_REMINDER_DAYS, 14); once per person and major version.
                              Also the board's: to each owner of a condition, and to the proposer, chair and
                              secretary of each review of a use in service, due within N days (default 14)
                              or overdue; once per item and person while due, once more when overdue

Environment: PORT, HOST, DATA_DIR, DATABASE_URL, SESSION_SECRET, NODE_ENV, SMTP_URL, MAIL_FROM (see .env.example).`

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      demo: { type: 'boolean' }, slug: { type: 'string' }, name: { type: 'string' }, 'contact-email': { type: 'string' },
      website: { type: 'string' }, region: { type: 'string' }, org: { type: 'string' }, email: { type: 'string' },
      roles: { type: 'string' }, password: { type: 'string' }, help: { type: 'boolean', short: 'h' }, days: { type: 'string' },
      format: { type: 'string' }, organisation: { type: 'string' }, 'platform-admin': { type: 'boolean' },
    },
  })
  // `staff import` takes the file as its last word.
  const staffFile = positionals[0] === 'staff' && positionals[1] === 'import' && positionals.length === 3 ? positionals[2] : undefined
  // `import` too.
  const importPath = positionals[0] === 'import' && positionals.length === 2 ? positionals[1] : undefined
  const command = staffFile !== undefined ? 'staff import' : importPath !== undefined ? 'import' : positionals.join(' ')
  if (values.help || !command) {
    console.log(USAGE)
    return command || values.help ? 0 : 2
  }
  if (!['serve', 'migrate', 'org create', 'user create', 'demo load', 'mail send', 'reminders', 'staff import', 'import'].includes(command)) {
    console.error(`Unknown command "${command}".\n\n${USAGE}`)
    return 2
  }
  const config = loadConfig()
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir })
  try {
    const applied = await migrate(db)
    if (applied.length) console.log(`Applied migrations: ${applied.join(', ')}`)
    if (command === 'migrate') {
      if (!applied.length) console.log('The database is up to date.')
      return 0
    }
    const questionSets = await loadCatalogue()
    const services = createServices(db, questionSets, config)
    switch (command) {
      case 'serve': {
        if (values.demo) {
          const refusal = demoRefusal(config.env, await services.organisations.count())
          if (!refusal) {
            console.log('Loading demo data…')
            await loadDemo(db, services, { env: config.env })
            // Real records beside the demo: the Dutch register's export and GOV.UK's index (serve only, not the tests' demo).
            for (const line of await loadDemoImports(services)) console.log(line)
          } else {
            console.log(`Not loading demo data. ${refusal}`)
          }
        }
        const app = await buildApp({ config, db, questionSets })
        // The outbox is delivered every few seconds when SMTP is configured; otherwise it is kept.
        const mailSender = mailSenderFor(db, config.mail, { log: (m) => app.log.warn(m) })
        const mailer = mailSender && startMailSender(mailSender, { onError: (err) => app.log.error({ err }, 'mail sender run failed') })
        const close = async () => {
          await mailer?.stop()
          await app.close()
          await db.close()
          process.exit(0)
        }
        process.once('SIGINT', () => void close())
        process.once('SIGTERM', () => void close())
        await app.listen({ port: config.port, host: config.host })
        const port = (app.server.address() as AddressInfo).port
        const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`
        console.log(`\nAI Governance Hub is running at ${url}  (public register: ${url}/public)`)
        console.log(`Database: ${config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${config.dataDir}`}`)
        console.log(mailer ? 'E-mail: sent over SMTP (SMTP_URL)' : 'E-mail: SMTP_URL is not set, so messages are kept in the outbox (admins: /outbox)')
        // The demo logins are printed only where they work: demo data present, and not production.
        if (config.env !== 'production' && (await services.organisations.bySlug(DEMO_COUNCILS[0].slug))) {
          console.log(`\nDemo logins (password for all: ${DEMO_PASSWORD}):`)
          for (const l of demoLogins()) console.log(`  ${l.email.padEnd(36)} ${l.role.padEnd(13)} ${l.council}${l.platformAdmin ? '  (also platform admin)' : ''}`)
        }
        return await new Promise<number>(() => undefined)
      }
      case 'org create': {
        const input = newOrganisationInput.parse({
          slug: values.slug, name: values.name, contactEmail: values['contact-email'], websiteUrl: values.website, region: values.region,
        })
        try {
          const org = await services.organisations.create(input)
          console.log(`Created organisation ${org.slug} (${org.id})`)
        } catch (err) {
          if (err instanceof OrganisationExists) throw new Error(`An organisation with the slug ${input.slug} already exists`)
          throw err
        }
        return 0
      }
      case 'user create': {
        const roles = (values.roles ?? '').split(',').map((r) => r.trim()).filter(Boolean)
        const bad = roles.filter((r) => !isRole(r))
        if (!roles.length || bad.length) throw new Error(`--roles must list some of: ${ROLES.join(', ')}${bad.length ? ` (unknown: ${bad.join(', ')})` : ''}`)
        const input = z.object({ email: z.email(), name: z.string().trim().min(1).max(200), org: z.string().min(1) })
          .parse({ email: values.email, name: values.name, org: values.org })
        const org = await services.organisations.bySlug(input.org)
        if (!org) throw new Error(`No organisation with slug "${input.org}"`)
        const password = values.password ?? generatePassword()
        if (password.length < MIN_PASSWORD_LENGTH) throw new Error(`--password must be at least ${MIN_PASSWORD_LENGTH} characters`)
        const email = input.email.toLowerCase()
        let added
        try {
          added = await services.people.createAccount({ email, name: input.name, password, organisationId: org.id, roles: roles.filter(isRole) })
        } catch (err) {
          if (err instanceof AlreadyMemberError) throw new Error(`${email} is already a member of ${input.org}`)
          throw err
        }
        if (values['platform-admin']) {
          await services.auth.setPlatformAdmin(added.id, true)
          console.log(`${email} is a platform admin.`)
        }
        if (added.existingAccount) {
          console.log(`${email} already had an account: added to ${input.org} with roles ${roles.join(', ')}. Their password is unchanged.`)
          if (values.password) console.log('(--password was not used.)')
        } else {
          console.log(`Created ${email} in ${input.org} with roles ${roles.join(', ')}`)
          if (!values.password) console.log(`Password: ${password}  (shown once; ask them to keep it safe)`)
        }
        return 0
      }
      case 'mail send': {
        const sender = mailSenderFor(db, config.mail, { log: (m) => console.error(m) })
        if (!sender) {
          const c = await outboxCountsAll(db)
          console.log(`SMTP_URL is not set, so no e-mail was sent and the outbox is kept: ${c.queued + c.sending} waiting, ${c.failed} failed.`)
          return 0
        }
        try {
          const r = await sender.runOnce()
          console.log(`Sent ${r.sent}, failed ${r.failed + r.recovered.failed}, to retry later ${r.retrying}; ${r.left} left in the outbox.`)
        } finally {
          sender.close()
        }
        return 0
      }
      case 'staff import': {
        const org = await services.organisations.bySlug(z.string().min(1, '--org is required').parse(values.org ?? ''))
        if (!org) throw new Error(`No organisation with slug "${values.org}"`)
        const result = await importStaffFile(services, org, staffFile!)
        if (!result.ok) {
          console.error(result.report)
          return 1
        }
        console.log(result.summary)
        return 0
      }
      case 'import':
        return await importCommand(services, { format: values.format, organisation: values.organisation, file: importPath! })
      case 'reminders': {
        const given = values.days === undefined ? undefined : z.object({ days: z.string().regex(/^[0-9]{1,4}$/, 'a whole number of days').transform(Number) }).parse({ days: values.days }).days
        const days = given ?? config.ackReminderDays
        const r = await services.policies.acknowledgements.queueReminders({ days, baseUrl: config.publicBaseUrl })
        console.log(`Queued ${r.queued} reminder${r.queued === 1 ? '' : 's'} (${r.alreadyQueued} queued before) for ${r.policies} ` +
          `polic${r.policies === 1 ? 'y' : 'ies'} in force for at least ${days} day${days === 1 ? '' : 's'}. "aigov mail send" delivers them.`)
        // Conditions and reviews coming due (the board's default window is its own, 14 days).
        const boardDays = given ?? BOARD_REMINDER_DAYS
        const b = await services.board.reminders.queueReminders({ days: boardDays, baseUrl: config.publicBaseUrl })
        const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`
        console.log(`Board: queued ${plural(b.queued, 'reminder', 'reminders')} (${b.alreadyQueued} queued before) for ${plural(b.conditions, 'condition', 'conditions')} ` +
          `and ${plural(b.reviews, 'review', 'reviews')} due within ${plural(boardDays, 'day', 'days')} or overdue. "aigov mail send" delivers them.`)
        return 0
      }
      case 'demo load': {
        const refusal = demoRefusal(config.env, await services.organisations.count())
        if (refusal) {
          console.error(`Refused: ${refusal}`)
          return 1
        }
        await loadDemo(db, services, { env: config.env })
        console.log(`Demo data loaded. Password for every demo login: ${DEMO_PASSWORD}`)
        for (const l of demoLogins()) console.log(`  ${l.email}  (${l.role}, ${l.council}${l.platformAdmin ? '; also platform admin' : ''})`)
        return 0
      }
      default:
        return 2
    }
  } finally {
    if (command !== 'serve') await db.close()
  }
}

/** zod messages are message keys in the features' schemas: translated here as on a page. */
function describeZod(err: z.ZodError): string {
  return err.issues.map((i) => `  ${i.path.join('.') || 'input'}: ${t(i.message)}`).join('\n')
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof z.ZodError ? `Invalid options:\n${describeZod(err)}` : `Error: ${(err as Error).message}`)
    process.exit(1)
  },
)
