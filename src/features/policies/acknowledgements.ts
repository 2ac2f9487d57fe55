import { recordAudit } from '../../platform/audit.ts'
import { can, type Permission } from '../../platform/auth/permissions.ts'
import type { CurrentUser } from '../../platform/auth/store.ts'
import type { Db, Queryable } from '../../platform/db/db.ts'
import { forbidden, notFound } from '../../platform/http/errors.ts'
import { t } from '../../platform/i18n/i18n.ts'
import { queueMail } from '../../platform/mail/index.ts'
import type { OrganisationService } from '../organisations/service.ts'
import type { PeopleService } from '../people/service.ts'
import { acknowledgementHolds, COVERAGE_PAGE_SIZE, numbersOf, type Policy, type PolicyVersion, STAFF_KINDS, type VersionNumbers } from './model.ts'
import { renderMarkdown } from './render.ts'
import * as repo from './repository.ts'

/**
 * Staff and acknowledgement (issue 9): every member of an organisation reads the staff policies in
 * force (the acceptable use policy, the do's and don'ts) and acknowledges each one — a deliberate
 * act, recorded with the version and the time and audited. A minor version keeps the
 * acknowledgements of its major version; a major one asks everyone again (model.ts). Admins and
 * whoever may read policies see the coverage; `aigov reminders` e-mails whoever is still missing.
 */

/** The acknowledgement was of a version no longer in force; `current` is the one to read now. */
export class AcknowledgementSuperseded extends Error {
  constructor(readonly current: PolicyVersion) {
    super('policies.acknowledge.superseded')
    this.name = 'AcknowledgementSuperseded'
  }
}

/** One person's acknowledgement that still counts for the version in force. */
export interface HeldAcknowledgement {
  label: string
  acknowledgedAt: Date
}

/** A staff policy in force, as one person sees it. */
export interface StaffPolicy {
  policy: Policy
  version: PolicyVersion
  /** Their acknowledgement that still counts, or null: they are asked to acknowledge. */
  acknowledged: HeldAcknowledgement | null
}

export type DirectoryPerson = Awaited<ReturnType<PeopleService['directory']>>[number]

export interface CoverageFigures {
  total: number
  acknowledged: number
  /** Whole percent, rounded down, so 100 means everyone. */
  percent: number
}

export interface Coverage {
  policy: Policy
  version: PolicyVersion
  overall: CoverageFigures
  /** Per service area, by name; people with no service area last (`area` null). */
  areas: (CoverageFigures & { area: string | null })[]
  /** The page of people who have not acknowledged (filtered by area when asked). */
  outstanding: DirectoryPerson[]
  outstandingTotal: number
  page: number
  pages: number
  area: string | null | undefined
}

export interface ReminderRun {
  policies: number
  queued: number
  alreadyQueued: number
}

const need = (user: CurrentUser, permission: Permission) => {
  if (!can(user.roles, permission)) throw forbidden()
}

const percent = (n: number, total: number) => (total === 0 ? 0 : Math.floor((n * 100) / total))

const numbers = (v: PolicyVersion): VersionNumbers => {
  const n = numbersOf(v.label)
  // A version in force was approved, so it has its numbers; anything else is a bug.
  if (!n) throw new Error(`policy version ${v.id} is in force without a version number`)
  return n
}

export function createAcknowledgements(db: Db, organisations: OrganisationService, people: PeopleService) {
  async function staffPoliciesOf(q: Queryable, user: CurrentUser): Promise<StaffPolicy[]> {
    const [versions, policies] = await Promise.all([
      repo.inForceOfKinds(q, user.organisationId, STAFF_KINDS),
      repo.listPolicies(q, user.organisationId),
    ])
    if (!versions.length) return []
    const acks = await repo.acknowledgementsOf(q, user.organisationId, user.id, versions.map((v) => v.policyId))
    return versions.map((version) => {
      const current = numbers(version)
      const held = acks.find((a) => a.policyId === version.policyId && acknowledgementHolds(a, current))
      return {
        policy: policies.find((p) => p.id === version.policyId)!, version,
        acknowledged: held ? { label: held.label, acknowledgedAt: held.acknowledgedAt } : null,
      }
    })
  }

  /** The staff policy in force with this id, or 404 (no such policy, not a staff policy, or nothing in force). */
  async function staffPolicyOf(q: Queryable, user: CurrentUser, policyId: string): Promise<StaffPolicy> {
    const found = (await staffPoliciesOf(q, user)).find((s) => s.policy.id === policyId)
    if (!found) throw notFound()
    return found
  }

  /** Who in the directory holds an acknowledgement that counts for the version in force (user id → its time). */
  async function acknowledgedIn(q: Queryable, orgId: string, version: PolicyVersion): Promise<Map<string, Date>> {
    const current = numbers(version)
    const acks = await repo.acknowledgementsOfMajor(q, orgId, version.policyId, current.major)
    const held = new Map<string, Date>()
    for (const a of acks) if (acknowledgementHolds({ major: current.major, minor: a.minor }, current) && !held.has(a.userId)) held.set(a.userId, a.acknowledgedAt)
    return held
  }

  /** A staff policy of the person's organisation and its version in force, for those who may see its coverage; 404 otherwise. */
  async function staffPolicyInForce(user: CurrentUser, policyId: string) {
    need(user, 'policy:coverage')
    const policy = await repo.findPolicy(db, user.organisationId, policyId)
    if (!policy || !STAFF_KINDS.includes(policy.kind)) throw notFound()
    const version = await repo.inForce(db, user.organisationId, policy.id)
    if (!version) throw notFound()
    return { policy, version }
  }

  async function coverageOf(user: CurrentUser, policyId: string) {
    const { policy, version } = await staffPolicyInForce(user, policyId)
    const [directory, held] = await Promise.all([people.directory(db, user.organisationId), acknowledgedIn(db, user.organisationId, version)])
    return { policy, version, directory, held }
  }

  return {
    /** The staff policies in force and whether this person has acknowledged each (the home panel, the list). */
    async staffPolicies(user: CurrentUser): Promise<StaffPolicy[]> {
      need(user, 'policy:acknowledge')
      return staffPoliciesOf(db, user)
    },

    /** One staff policy in force with its text, for reading and acknowledging. */
    async staffPolicy(user: CurrentUser, policyId: string): Promise<StaffPolicy & { html: string }> {
      need(user, 'policy:acknowledge')
      const found = await staffPolicyOf(db, user, policyId)
      return { ...found, html: renderMarkdown(found.version.publishedBody ?? found.version.body) }
    },

    /**
     * Records that this person has read and will follow the version they were shown. Refused
     * (AcknowledgementSuperseded) when that version is no longer in force; acknowledging the same
     * version again changes nothing. Audited.
     */
    async acknowledge(user: CurrentUser, policyId: string, versionId: string): Promise<{ recorded: boolean; version: PolicyVersion }> {
      need(user, 'policy:acknowledge')
      return db.transaction(async (tx) => {
        const policy = await repo.findPolicy(tx, user.organisationId, policyId)
        if (!policy || !STAFF_KINDS.includes(policy.kind)) throw notFound()
        const version = await repo.inForceForShare(tx, user.organisationId, policy.id)
        if (!version) throw notFound()
        if (version.id !== versionId) throw new AcknowledgementSuperseded(version)
        const n = numbers(version)
        const recorded = await repo.insertAcknowledgement(tx, {
          organisationId: user.organisationId, policyId: policy.id, versionId: version.id, userId: user.id, major: n.major, minor: n.minor,
        })
        if (recorded) {
          await recordAudit(tx, {
            organisationId: user.organisationId, actorId: user.id, entityType: 'policy', entityId: policy.id,
            action: 'policy_acknowledged', changes: { version: version.label, title: version.title },
          })
        }
        return { recorded, version }
      })
    },

    /**
     * Coverage of the version in force: overall, per service area, and a page of who has not
     * acknowledged. Counted in one statement (the people service splits its members by a subquery of
     * who acknowledged), so thousands of people or ids are never read or sent one by one.
     */
    async coverage(user: CurrentUser, policyId: string, opts: { area?: string | null; page?: number } = {}): Promise<Coverage> {
      const { policy, version } = await staffPolicyInForce(user, policyId)
      const acknowledged = repo.acknowledgedSubquery(user.organisationId, policy.id, numbers(version))
      const first = Math.max(1, opts.page ?? 1)
      const area = opts.area === undefined ? {} : { area: opts.area }
      let split = await people.directorySplit(db, user.organisationId, acknowledged, { ...area, limit: COVERAGE_PAGE_SIZE, offset: (first - 1) * COVERAGE_PAGE_SIZE })
      const pages = Math.max(1, Math.ceil(split.outside_total / COVERAGE_PAGE_SIZE))
      // A page past the end shows the last one.
      const page = Math.min(first, pages)
      if (page !== first) split = await people.directorySplit(db, user.organisationId, acknowledged, { ...area, limit: COVERAGE_PAGE_SIZE, offset: (page - 1) * COVERAGE_PAGE_SIZE })
      const areas = split.areas
        .map((a) => ({ area: a.service_area, total: a.total, acknowledged: a.in_set, percent: percent(a.in_set, a.total) }))
        .sort((a, b) => (a.area === null ? 1 : b.area === null ? -1 : a.area.localeCompare(b.area, 'en-GB')))
      const total = areas.reduce((n, a) => n + a.total, 0)
      // Only people still active count: an acknowledgement by someone who has left is kept but not counted.
      const done = areas.reduce((n, a) => n + a.acknowledged, 0)
      return {
        policy, version, areas, area: opts.area,
        overall: { total, acknowledged: done, percent: percent(done, total) },
        outstanding: split.outside, outstandingTotal: split.outside_total, page, pages,
      }
    },

    /**
     * The sector benchmark: over these organisations, the median share of their active people who
     * acknowledged the staff policies in force, and how many organisations it is drawn from (those
     * with a staff policy in force and someone to acknowledge it). One statement; no names.
     */
    benchmarkMedian: (organisationIds: readonly string[], q: Queryable = db) =>
      repo.medianAcknowledgement(q, organisationIds, STAFF_KINDS, people.activeMembersSubquery(organisationIds)),

    /**
     * How many of the organisation's active people hold an acknowledgement of each staff policy in
     * force: counts only, no names (the organisation dashboard). Empty for anyone who may not read policies.
     */
    async coverageFigures(user: CurrentUser, q: Queryable = db): Promise<{ policyId: string; title: string; total: number; acknowledged: number }[]> {
      if (!can(user.roles, 'policy:read')) return []
      const versions = await repo.inForceOfKinds(q, user.organisationId, STAFF_KINDS)
      return Promise.all(versions.map(async (version) => {
        const acknowledged = repo.acknowledgedSubquery(user.organisationId, version.policyId, numbers(version))
        const counts = await people.countInSet(q, user.organisationId, acknowledged)
        return { policyId: version.policyId, title: version.title, total: counts.total, acknowledged: counts.in_set }
      }))
    },

    /** Everyone in the organisation with whether (and when) they acknowledged the version in force: the CSV download. */
    async coverageRows(user: CurrentUser, policyId: string) {
      const { policy, version, directory, held } = await coverageOf(user, policyId)
      return { policy, version, rows: directory.map((p) => ({ ...p, acknowledgedAt: held.get(p.id) ?? null })) }
    },

    /**
     * Queues a reminder to every active member of every organisation who has not acknowledged a
     * staff policy in force for at least `days` days. Each person is reminded once per major
     * version (the outbox's dedupe key), so running it again queues nothing new.
     */
    async queueReminders(opts: { days: number; now?: Date; baseUrl?: string | undefined }): Promise<ReminderRun> {
      const before = new Date((opts.now ?? new Date()).getTime() - opts.days * 24 * 3600 * 1000)
      const run: ReminderRun = { policies: 0, queued: 0, alreadyQueued: 0 }
      for (const org of await organisations.activeList()) {
        const versions = (await repo.inForceOfKinds(db, org.id, STAFF_KINDS)).filter((v) => v.publishedAt !== null && v.publishedAt <= before)
        if (!versions.length) continue
        await db.transaction(async (tx) => {
          const directory = await people.directory(tx, org.id)
          for (const version of versions) {
            run.policies++
            const held = await acknowledgedIn(tx, org.id, version)
            const major = numbers(version).major
            for (const person of directory) {
              if (held.has(person.id)) continue
              const vars = {
                name: person.name, title: version.title, version: version.label ?? '', organisation: org.name,
                link: opts.baseUrl ? `${opts.baseUrl.replace(/\/+$/, '')}/policies-in-force/${version.policyId}` : t('policies.reminder.noLink'),
              }
              const r = await queueMail(tx, {
                organisationId: org.id, to: person.email, kind: 'reminder.acknowledgement',
                subject: t('policies.reminder.subject', vars).replace(/[\p{Cc}\u2028\u2029]+/gu, ' '), text: t('policies.reminder.text', vars),
                dedupeKey: `acknowledgement-reminder:${version.policyId}:${major}:${person.id}`,
              })
              if (r.queued) run.queued++
              else run.alreadyQueued++
            }
          }
        })
      }
      return run
    },
  }
}
export type Acknowledgements = ReturnType<typeof createAcknowledgements>
