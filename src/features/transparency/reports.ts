/**
 * "Report a problem with this record": a member of the public tells the organisation that owns a
 * published record what is wrong with it. The report is kept for the organisation's admins and,
 * in the same transaction, an e-mail goes to the organisation's contact address and its admins.
 *
 * The reporter's address is stored so the organisation can reply, and shown only to that
 * organisation's admins: never on a public page or in a download. Reports are limited per
 * address (REPORTS_PER_DAY in 24 hours, whatever the record), counted on a hash of the
 * lower-cased address under a lock, so two reports sent at once cannot both slip under the limit.
 */
import { createHash } from 'node:crypto'
import { z } from 'zod'
import { recordAudit } from '../../platform/audit.ts'
import { can } from '../../platform/auth/permissions.ts'
import type { CurrentUser } from '../../platform/auth/store.ts'
import type { Db, Queryable, Tx } from '../../platform/db/db.ts'
import { col, many, maybeOne, one, run } from '../../platform/db/rows.ts'
import { forbidden, notFound } from '../../platform/http/errors.ts'
import { translate } from '../../platform/i18n/i18n.ts'
import { queueMail } from '../../platform/mail/index.ts'
import type { OrganisationService } from '../organisations/service.ts'
import type { PeopleService } from '../people/service.ts'

export const REPORT_BODY_MAX = 5000
export const REPORTER_NAME_MAX = 200
/** More reports than this from one address in 24 hours are refused (nothing is saved). */
export const REPORTS_PER_DAY = 3

/** Text without control characters (other than line breaks and tabs in the report itself). */
const hasControl = (s: string) => /[\p{Cc}\u2028\u2029]/u.test(s.replace(/[\r\n\t]/g, ''))
const oneLineControl = (s: string) => /[\p{Cc}\u2028\u2029]/u.test(s)

/** The form: what is wrong (required), the reporter's e-mail (required, never published), their name (optional). */
export const problemReportInput = z.object({
  body: z.string({ error: 'publicRecord.report.errors.body' }).trim()
    .min(1, 'publicRecord.report.errors.body')
    .max(REPORT_BODY_MAX, 'publicRecord.report.errors.bodyTooLong')
    .refine((s) => !hasControl(s), 'publicRecord.report.errors.bodyCharacters'),
  email: z.string({ error: 'publicRecord.report.errors.email' }).trim()
    .min(1, 'publicRecord.report.errors.email')
    .max(320, 'publicRecord.report.errors.emailFormat')
    .pipe(z.email('publicRecord.report.errors.emailFormat')),
  name: z.string({ error: 'publicRecord.report.errors.name' }).trim()
    .max(REPORTER_NAME_MAX, 'publicRecord.report.errors.nameTooLong')
    .refine((s) => !oneLineControl(s), 'publicRecord.report.errors.name')
    .optional(),
})
export type ProblemReportInput = z.output<typeof problemReportInput>

/** The published record a report is about, as the report needs it. */
export interface ReportTarget {
  recordId: string
  organisationId: string
  organisationSlug: string
  slug: string
  title: string
  versionNo: number
}

export interface ProblemReport {
  id: string
  recordSlug: string
  recordTitle: string
  versionNo: number
  body: string
  reporterEmail: string
  reporterName: string | null
  createdAt: Date
  dealtWithAt: Date | null
  dealtWithBy: string | null
}

/** SHA-256 of the lower-cased address: what the rate limit counts on. */
export const reporterKey = (email: string) => createHash('sha256').update(email.trim().toLowerCase()).digest('hex')

// ---- SQL ----

const reportRow = z.object({
  id: col.uuid, record_slug: col.text, record_title: col.text, version_no: col.int, body: col.text,
  reporter_email: col.text, reporter_name: col.text.nullable(), created_at: col.timestamp,
  dealt_with_at: col.timestamp.nullable(), dealt_with_by: col.text.nullable(),
}).transform((r): ProblemReport => ({
  id: r.id, recordSlug: r.record_slug, recordTitle: r.record_title, versionNo: r.version_no, body: r.body,
  reporterEmail: r.reporter_email, reporterName: r.reporter_name, createdAt: r.created_at,
  dealtWithAt: r.dealt_with_at, dealtWithBy: r.dealt_with_by,
}))

/** How many reports this address sent in the last 24 hours. */
const recentFrom = async (q: Queryable, key: string) =>
  (await one(q, z.object({ n: col.int }),
    "select count(*)::int as n from transparency_problem_reports where reporter_key = $1 and created_at > now() - interval '24 hours'",
    [key])).n

/** A transaction-scoped lock per address: concurrent reports from one address are counted one after the other. */
const lockReporter = (q: Queryable, key: string) =>
  run(q, 'select pg_advisory_xact_lock(727276, hashtext($1))::text', [key])

const insertReport = async (q: Queryable, r: ReportTarget & ProblemReportInput & { key: string }) =>
  (await one(q, z.object({ id: col.uuid }),
    `insert into transparency_problem_reports (organisation_id, record_id, version_no, body, reporter_email, reporter_name, reporter_key)
     values ($1, $2, $3, $4, $5, $6, $7) returning id`,
    [r.organisationId, r.recordId, r.versionNo, r.body, r.email, r.name ?? null, r.key])).id

const listReports = (q: Queryable, organisationId: string, limit: number) =>
  many(q, reportRow,
    `select pr.id, r.slug as record_slug,
       coalesce(nullif(p.fields ->> 'title', ''), nullif(p.fields ->> 'name', ''), r.slug) as record_title,
       pr.version_no, pr.body, pr.reporter_email, pr.reporter_name, pr.created_at, pr.dealt_with_at, u.name as dealt_with_by
     from transparency_problem_reports pr
     join transparency_records r on r.id = pr.record_id
     join transparency_publications p on p.record_id = pr.record_id and p.version_no = pr.version_no
     left join users u on u.id = pr.dealt_with_by
     where pr.organisation_id = $1
     order by pr.dealt_with_at is not null, pr.created_at desc, pr.id
     limit $2`,
    [organisationId, limit])

// ---- the service ----

/** The e-mail goes to the organisation's own staff: in English, whichever language the reporter read the record in. */
const en = (key: string, vars?: Record<string, string | number>) => translate('en', key, vars)

export function createProblemReportService(db: Db, organisations: OrganisationService, people: PeopleService, opts: { baseUrl?: string } = {}) {
  const need = (user: CurrentUser) => {
    if (!can(user.roles, 'transparency:reports')) throw forbidden()
  }

  /** Where the e-mail about a report goes: the organisation's contact address and its active admins, once each. */
  async function recipients(tx: Tx, organisationId: string): Promise<string[]> {
    const org = await organisations.get(organisationId, tx)
    const admins = (await people.directory(tx, organisationId)).filter((p) => p.roles.includes('admin')).map((p) => p.email)
    const seen = new Set<string>()
    return [org.contactEmail, ...admins].filter((a): a is string => {
      if (!a) return false
      const k = a.toLowerCase()
      if (seen.has(k)) return false
      seen.add(k)
      return true
    })
  }

  return {
    /**
     * Saves a report and queues the e-mail about it, in one transaction; refused (nothing saved)
     * when this address already sent REPORTS_PER_DAY reports in the last 24 hours.
     */
    async report(target: ReportTarget, input: ProblemReportInput): Promise<{ ok: true; id: string } | { ok: false; reason: 'rateLimited' }> {
      const key = reporterKey(input.email)
      return db.transaction(async (tx) => {
        await lockReporter(tx, key)
        if (await recentFrom(tx, key) >= REPORTS_PER_DAY) return { ok: false, reason: 'rateLimited' } as const
        const id = await insertReport(tx, { ...target, ...input, key })
        const vars = {
          title: target.title.replace(/[\p{Cc}\u2028\u2029]+/gu, ' '),
          version: target.versionNo,
          body: input.body,
          email: input.email,
          name: input.name || en('publicRecord.mail.noName'),
          url: `${opts.baseUrl ?? ''}/public/records/${target.organisationSlug}/${target.slug}?version=${target.versionNo}`,
          reports: `${opts.baseUrl ?? ''}/transparency/reports`,
        }
        for (const to of await recipients(tx, target.organisationId)) {
          await queueMail(tx, {
            organisationId: target.organisationId, to, kind: 'transparency.problem_report', dedupeKey: `problem-report:${id}:${to.toLowerCase()}`,
            subject: en('publicRecord.mail.subject', vars), text: en('publicRecord.mail.text', vars),
          })
        }
        await recordAudit(tx, {
          organisationId: target.organisationId, actorId: null, entityType: 'transparency_record', entityId: target.recordId,
          action: 'problem_reported', changes: { report: { from: null, to: id } },
        })
        return { ok: true, id } as const
      })
    },

    /** The organisation's reports for its admins: open ones first, newest first. */
    async list(user: CurrentUser, limit = 200): Promise<ProblemReport[]> {
      need(user)
      return listReports(db, user.organisationId, limit)
    },

    /** How many of the organisation's reports are not yet dealt with (the admins' home page). */
    async openCount(user: CurrentUser): Promise<number> {
      need(user)
      return (await one(db, z.object({ n: col.int }),
        'select count(*)::int as n from transparency_problem_reports where organisation_id = $1 and dealt_with_at is null',
        [user.organisationId])).n
    },

    /** Marks one of the organisation's reports as dealt with; another organisation's report is a 404. */
    async markDealtWith(user: CurrentUser, id: string): Promise<void> {
      need(user)
      await db.transaction(async (tx) => {
        const found = await maybeOne(tx, z.object({ record_id: col.uuid, dealt: col.bool }),
          `select record_id, dealt_with_at is not null as dealt from transparency_problem_reports
           where id = $1 and organisation_id = $2 for update`, [id, user.organisationId])
        if (!found) throw notFound()
        if (found.dealt) return
        await run(tx, 'update transparency_problem_reports set dealt_with_at = now(), dealt_with_by = $3 where id = $1 and organisation_id = $2 returning id',
          [id, user.organisationId, user.id])
        await recordAudit(tx, {
          organisationId: user.organisationId, actorId: user.id, entityType: 'transparency_record', entityId: found.record_id,
          action: 'problem_report_dealt_with', changes: { report: { from: null, to: id } },
        })
      })
    },
  }
}
export type ProblemReportService = ReturnType<typeof createProblemReportService>
