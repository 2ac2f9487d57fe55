// Small factories that build test data through the real services, the way people would make it:
// an organisation, people with roles in it (then `signInAs` through the real login form), and
// register entries taken to a given stage with what that stage needs (a screening, a board
// decision with or without conditions, a transparency record drafted, completed or published).
// Each test file builds what it needs, so it runs alone and in any order.
//
// Who does what by default (so separation of duties is respected): a contributor proposes and
// moves the entry, an assessor submits its screening, a board member decides, the contributor
// writes the transparency record and an admin publishes it. `by` overrides any of them.
import type { Answers } from '../../src/features/assessments/engine.ts'
import type { DecisionInput } from '../../src/features/board/model.ts'
import { quorateMeeting } from '../../src/features/board/testkit.ts'
import type { Organisation } from '../../src/features/organisations/model.ts'
import type { NewEntryInput, RegisterEntry, Stage } from '../../src/features/register/model.ts'
import type { AtrsFields } from '../../src/features/transparency/atrs.ts'
import type { Role } from '../../src/platform/auth/permissions.ts'
import type { CurrentUser } from '../../src/platform/auth/store.ts'
import { type Client, signIn, type TestApp } from './app.ts'

let seq = 0
const next = () => ++seq

/** The password every factory-made person has (unless given one). */
export const PASSWORD = 'factory-password-2026'

// --- dates -----------------------------------------------------------------------------------

/** A date `days` from today (UTC), as YYYY-MM-DD: review dates must lie in the future. */
export function daysFromToday(days: number): string {
  const d = new Date()
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

/** A GOV.UK date input's three fields for an ISO date: { `${name}-day`: '1', … }. */
export function dateFields(name: string, iso: string): Record<string, string> {
  const [y, m, d] = iso.split('-')
  return { [`${name}-day`]: String(Number(d)), [`${name}-month`]: String(Number(m)), [`${name}-year`]: y! }
}

// --- organisations and people -----------------------------------------------------------------

export interface OrganisationSpec {
  slug?: string
  name?: string
  contactEmail?: string | null
  websiteUrl?: string | null
  region?: string | null
}

/** A new organisation through the organisations service. */
export async function makeOrganisation(t: TestApp, spec: OrganisationSpec = {}): Promise<Organisation> {
  const n = next()
  const slug = spec.slug ?? `council-${n}`
  return t.services.organisations.create({
    slug,
    name: spec.name ?? `Testshire ${n} Council`,
    contactEmail: spec.contactEmail === undefined ? `ai@${slug}.example` : spec.contactEmail,
    websiteUrl: spec.websiteUrl === undefined ? `https://www.${slug}.example/ai` : spec.websiteUrl,
    region: spec.region === undefined ? 'North West' : spec.region,
  })
}

export interface Person {
  id: string
  email: string
  name: string
  password: string
  roles: Role[]
  organisation: Organisation
  /** The person as the services see them when they act in `organisation`. */
  user: CurrentUser
}

/** A person with these roles in the organisation, through the people service (as the CLI makes them). */
export async function makePerson(
  t: TestApp, organisation: Organisation, roles: Role[],
  spec: { email?: string; name?: string; password?: string } = {},
): Promise<Person> {
  const n = next()
  const label = roles.join('-').replace(/_/g, '-')
  const email = spec.email ?? `${label}-${n}@${organisation.slug}.example`
  const name = spec.name ?? `${roles.map((r) => r.replace('_', ' ')).join(' and ')} ${n}`.replace(/^./, (c) => c.toUpperCase())
  const password = spec.password ?? PASSWORD
  const { id } = await t.services.people.createAccount({ organisationId: organisation.id, email, name, password, roles })
  const user: CurrentUser = {
    id, email: email.toLowerCase(), name, organisationId: organisation.id, organisationName: organisation.name,
    organisationSlug: organisation.slug, roles, via: 'session',
  }
  return { id, email: email.toLowerCase(), name, password, roles, organisation, user }
}

/**
 * A platform admin (runs the platform for every organisation): a person with `roles` (admin by
 * default) in the organisation, a new one unless given, made a platform admin as the CLI does.
 */
export async function makePlatformAdmin(t: TestApp, organisation?: Organisation, roles: Role[] = ['admin']): Promise<Person> {
  const p = await makePerson(t, organisation ?? (await makeOrganisation(t, { name: `Platform operators ${next()}` })), roles)
  await t.services.auth.setPlatformAdmin(p.id, true)
  return { ...p, user: { ...p.user, platformAdmin: true } }
}

/** One person per role in an organisation (a new one unless given). */
export interface Team {
  org: Organisation
  viewer: Person
  contributor: Person
  assessor: Person
  board: Person
  admin: Person
}

export async function makeTeam(t: TestApp, org?: Organisation): Promise<Team> {
  const o = org ?? (await makeOrganisation(t))
  const [viewer, contributor, assessor, board, admin] = await Promise.all([
    makePerson(t, o, ['viewer']), makePerson(t, o, ['contributor']), makePerson(t, o, ['assessor']),
    makePerson(t, o, ['board_member']), makePerson(t, o, ['admin']),
  ])
  return { org: o, viewer: viewer, contributor: contributor, assessor: assessor, board: board, admin: admin }
}

/** Signs the person in through the real login form; the client carries their session and CSRF token. */
export function signInAs(t: TestApp, person: Person): Promise<Client> {
  return signIn(t.app, person.email, person.password)
}

// --- screenings ------------------------------------------------------------------------------

/** Complete screenings (question id → answer) that derive a known tier. */
export const SCREENINGS = {
  /** No personal data, informs staff only. */
  low: {
    personal_data: false, decision_role: 'informs', prohibited_practices: ['none'], annex_iii_areas: ['none'],
    public_facing: ['none'], equality_impact: 'no',
  },
  /** Personal data; staff decide with the tool's help; no high-risk area. */
  medium: {
    personal_data: true, special_category: false, people_scale: 'hundreds', data_matching: false,
    invisible_processing: false, biometric_identification: false, monitoring: ['none'], decision_role: 'assists',
    significant_effect: false, profiling: false, vulnerable_people: false, prohibited_practices: ['none'],
    annex_iii_areas: ['none'], public_facing: ['none'], equality_impact: 'not_sure',
  },
  /** Profiling tenants for arrears support: an EU AI Act high-risk area. */
  high: {
    personal_data: true, special_category: false, people_scale: 'tens_of_thousands_or_more', data_matching: true,
    invisible_processing: false, biometric_identification: false, monitoring: ['none'], decision_role: 'assists',
    significant_effect: true, profiling: true, vulnerable_people: true, prohibited_practices: ['none'],
    annex_iii_areas: ['benefits_and_services'], narrow_procedural_task: false, public_facing: ['none'], equality_impact: 'yes',
  },
} as const satisfies Record<string, Answers>
export type ScreeningLevel = keyof typeof SCREENINGS

/** Answers as the assessment form posts them: q_<id>, yes/no for booleans, repeated names for lists. */
export function answersForm(answers: Answers): Record<string, string | string[]> {
  const form: Record<string, string | string[]> = {}
  for (const [id, v] of Object.entries(answers)) {
    if (v === undefined || v === null) continue
    form[`q_${id}`] = typeof v === 'boolean' ? (v ? 'yes' : 'no') : Array.isArray(v) ? v.map(String) : String(v)
  }
  return form
}

// --- register entries ------------------------------------------------------------------------

/** A valid new entry; no personal data, so the "low" screening agrees with it. */
export function entryInput(overrides: Partial<NewEntryInput> = {}): NewEntryInput {
  const n = next()
  return {
    name: `Test AI use ${n}`,
    purpose: 'Sorts incoming requests by topic so that they reach the right team.',
    serviceArea: 'Customer services',
    owner: 'Head of Customer Services',
    supplier: null,
    technique: 'Text classification',
    personalData: false,
    specialCategoryData: false,
    decisionRole: 'informs',
    peopleAffected: 'Residents who contact the council',
    humanOversight: 'Staff check every suggestion before acting on it.',
    nextReviewDate: null,
    stage: 'proposed',
    ...overrides,
  }
}

/** The same entry as the register's form posts it (a browser's fields). */
export function entryForm(input: Partial<NewEntryInput> = {}): Record<string, string> {
  const e = entryInput(input)
  const [y, m, d] = (e.nextReviewDate ?? '--').split('-')
  return {
    name: e.name, purpose: e.purpose, serviceArea: e.serviceArea, owner: e.owner, supplier: e.supplier ?? '',
    technique: e.technique, personalData: e.personalData ? 'yes' : 'no', specialCategoryData: e.specialCategoryData ? 'yes' : 'no',
    decisionRole: e.decisionRole, peopleAffected: e.peopleAffected, humanOversight: e.humanOversight,
    'nextReviewDate-day': d ? String(Number(d)) : '', 'nextReviewDate-month': m ? String(Number(m)) : '', 'nextReviewDate-year': y ?? '',
    stage: e.stage,
  }
}

export interface EntrySpec extends Partial<Omit<NewEntryInput, 'stage'>> {
  /** Where the entry ends up (default "proposed"), reached through the real lifecycle. */
  stage?: Stage
  /**
   * The screening the assessor submits: a level, answers, or null for none. Default: "low" for
   * stages that need one (awaiting decision and after), none before.
   */
  screening?: ScreeningLevel | Answers | null
  /** Approve with these conditions (they stay open unless the stage is live or retired, which need them met). */
  conditions?: string[]
  /** The board decision's review date (default: a year from today, for an approval). */
  reviewDate?: string | null
  /** A transparency record: drafted, completed (every required field) or published (version 1). */
  record?: 'draft' | 'complete' | 'published'
  /** ATRS fields written into the record after drafting. */
  recordFields?: AtrsFields
  /** Who acts, where the defaults (contributor, assessor, board member, admin) will not do. */
  by?: Partial<Record<'proposer' | 'screener' | 'mover' | 'decider' | 'writer' | 'reviewer' | 'publisher', Person>>
}

const APPROVED_STAGES: readonly Stage[] = ['approved', 'pilot', 'live', 'retired']
const DECIDED_STAGES: readonly Stage[] = [...APPROVED_STAGES, 'rejected']
const NEEDS_SCREENING: readonly Stage[] = ['awaiting_decision', ...DECIDED_STAGES]

/** An entry at `spec.stage`, with what that stage needs, made through the register, assessment, board and transparency services. */
export async function makeEntry(t: TestApp, team: Team, spec: EntrySpec = {}): Promise<RegisterEntry> {
  const { stage = 'proposed', screening, conditions, reviewDate, record, recordFields, by = {}, ...fields } = spec
  const s = t.services
  const proposer = (by.proposer ?? team.contributor).user
  const screener = (by.screener ?? team.assessor).user
  const mover = (by.mover ?? team.contributor).user
  const decider = (by.decider ?? team.board).user
  const writer = (by.writer ?? team.contributor).user
  const publisher = (by.publisher ?? team.admin).user

  let entry = await s.register.create(proposer, entryInput({ ...fields, stage: stage === 'idea' ? 'idea' : 'proposed' }))
  const answers = screening === undefined ? (NEEDS_SCREENING.includes(stage) ? SCREENINGS.low : null)
    : typeof screening === 'string' ? SCREENINGS[screening] : screening
  if (answers) {
    const r = await s.assessments.saveScreening(screener, entry.id, answers)
    if (!r.ok) throw new Error(`Factory screening is invalid: ${JSON.stringify(r.errors)}`)
  }
  if (stage === 'idea' || stage === 'proposed') return s.register.get(proposer, entry.id)

  entry = await s.register.transition(mover, entry.id, 'under_assessment')
  if (stage === 'under_assessment') return entry
  entry = await s.register.transition(mover, entry.id, 'awaiting_decision')
  if (stage === 'awaiting_decision') return entry

  const rejected = stage === 'rejected'
  // Decided at a quorate meeting of the organisation's test board, with the decider present.
  const sitting = await quorateMeeting(s, { admin: team.admin.user, chair: team.board.user, dpo: team.admin.user, member: team.assessor.user }, [decider])
  const owner = team.contributor.user.id
  const decision: DecisionInput = {
    sitting: { kind: 'meeting', meetingId: sitting.meetingId },
    outcome: rejected ? 'reject' : conditions?.length ? 'approve_with_conditions' : 'approve',
    rationale: rejected ? 'The risk is not justified by the benefit.' : 'Benefits are clear and human review is in place.',
    reviewDate: rejected ? null : reviewDate === undefined ? daysFromToday(365) : reviewDate,
    conditions: rejected ? [] : (conditions ?? []).map((text) => ({ text, ownerId: owner, dueDate: daysFromToday(90) })),
    // The factory's entries have a screening only: the board decides without the other assessments.
    decidedAnyway: 'Test entry: only the screening is done.',
  }
  await s.board.record(decider, entry.id, decision)
  if (stage === 'pilot' || stage === 'live' || stage === 'retired') {
    // Open MUST actions keep an entry out of pilot and live: the factory's entries have done theirs.
    const open = await s.assessments.openMustActions(mover, entry.id)
    const done = await s.assessments.updateActions(mover, entry.id,
      open.map((a) => ({ id: a.id, status: 'done', owner: 'Service manager', dueDate: null })))
    if (!done.ok) throw new Error(`Factory could not close the MUST actions: ${JSON.stringify(done.errors)}`)
  }
  if (stage === 'pilot') entry = await s.register.transition(mover, entry.id, 'pilot')
  if (stage === 'live' || stage === 'retired') {
    if (conditions?.length) {
      const [latest] = await s.board.decisionsFor(decider, entry.id)
      for (const c of latest!.conditions) await s.board.closeCondition(decider, entry.id, c.id, 'met')
    }
    entry = await s.register.transition(mover, entry.id, 'live')
  }
  if (stage === 'retired') entry = await s.register.transition(mover, entry.id, 'retired')

  if (record) {
    await s.transparency.createDraft(writer, entry.id)
    if (recordFields) {
      const drafted = (await s.transparency.recordFor(writer, entry.id))!
      await s.transparency.update(writer, entry.id, drafted.version, recordFields)
    }
    if (record !== 'draft') await completeRecord(t, writer, entry)
    if (record === 'published') {
      // A reviewer who did not write the record approves it (the assessor, or the board member when the assessor wrote it).
      const reviewer = (by.reviewer ?? (writer.id === team.assessor.user.id ? team.board : team.assessor)).user
      await approveRecord(t, reviewer, entry)
      await s.transparency.publish(publisher, entry.id)
    }
  }
  return s.register.get(proposer, entry.id)
}

/** A plausible value for an ATRS field a draft left blank (valid formats where there is a format). */
function atrsValue(key: string, label: string, entry: RegisterEntry, org: { slug: string }): string {
  switch (key) {
    case 'website_url': return `https://www.${org.slug}.example/ai/${entry.id.slice(0, 8)}`
    case 'contact_email': return `ai@${org.slug}.example`
    case 'external_supplier_involvement': return entry.supplier ? 'Yes' : 'No'
    case 'phase': return 'Production'
    case 'region': return 'England'
    case 'companies_house_number': return 'N/A'
    default: {
      const base = key.replace(/__\d+$/, '')
      if (base === 'data_modality' || base === 'operational_data_modality') return 'Text'
      if (base === 'source_data_url') return 'N/A'
      return `${label} for ${entry.name}.`
    }
  }
}

/** Fills every required ATRS field the record still lacks, as its writer. */
export async function completeRecord(t: TestApp, writer: CurrentUser, entry: RegisterEntry): Promise<void> {
  for (let round = 0; round < 3; round++) {
    const r = await t.services.transparency.recordFor(writer, entry.id)
    if (!r) throw new Error(`No transparency record for "${entry.name}"`)
    if (r.completeness.complete) return
    const fill = Object.fromEntries(r.completeness.missing.map((m) => [m.key, atrsValue(m.key, m.label, entry, { slug: writer.organisationSlug })]))
    await t.services.transparency.update(writer, entry.id, r.version, fill)
  }
  const r = await t.services.transparency.recordFor(writer, entry.id)
  if (!r?.completeness.complete) throw new Error(`The factory could not complete the record: ${JSON.stringify(r?.completeness.missing)}`)
}

/** A reviewer approves the record as it is saved now (needed before it can be published). */
export async function approveRecord(t: TestApp, reviewer: CurrentUser, entry: RegisterEntry): Promise<void> {
  const r = await t.services.transparency.recordFor(reviewer, entry.id)
  if (!r) throw new Error(`No transparency record for "${entry.name}"`)
  await t.services.transparency.approve(reviewer, entry.id, r.version)
}

/** The entry as stored now (read through the register service, as its proposer's organisation sees it). */
export function reload(t: TestApp, team: Team, id: string): Promise<RegisterEntry> {
  return t.services.register.get(team.viewer.user, id)
}
