import type { Config } from './config.ts'
import type { CurrentUser } from './platform/auth/store.ts'
import { ROLES, type Role } from './platform/auth/permissions.ts'
import type { Db } from './platform/db/db.ts'
import type { Services } from './services.ts'
import { loadPolicyDemo } from './features/policies/demo.ts'
import { demoBoard, finishDemoBoard } from './features/board/demo.ts'
import type { Answers } from './features/assessments/engine.ts'
import type { NewEntryInput, Stage } from './features/register/model.ts'

/** Demo logins: every role in each council, one shared password (demo data only). */
export const DEMO_PASSWORD = 'demo-password-2026'

export const DEMO_COUNCILS = [
  {
    slug: 'northmoor', name: 'Northmoor Borough Council', domain: 'northmoor.example',
    contactEmail: 'ai-governance@northmoor.example', websiteUrl: 'https://www.northmoor.example/ai', region: 'North West',
  },
  {
    slug: 'riverside', name: 'Riverside District Council', domain: 'riverside.example',
    contactEmail: 'digital@riverside.example', websiteUrl: 'https://www.riverside.example/algorithms', region: 'South West',
  },
] as const

/** The demo login that is also a platform admin (organisations, framework packs, moderation). */
export const DEMO_PLATFORM_ADMIN = `admin@${DEMO_COUNCILS[0].domain}`

export function demoLogins(): { council: string; role: Role; email: string; platformAdmin: boolean }[] {
  return DEMO_COUNCILS.flatMap((c) => ROLES.map((role) => {
    const email = `${role.replace('_', '-')}@${c.domain}`
    return { council: c.name, role, email, platformAdmin: email === DEMO_PLATFORM_ADMIN }
  }))
}

type Base = Omit<NewEntryInput, 'stage'>

/** A staff-facing screening answer set: no personal data, informs only. */
const LOW: Answers = {
  personal_data: false, decision_role: 'informs', prohibited_practices: ['none'], annex_iii_areas: ['none'],
  public_facing: ['none'], equality_impact: 'no',
}

interface DemoEntry {
  council: 0 | 1
  stage: Stage
  entry: Base
  screening?: Answers
  conditions?: string[]
}

const ENTRIES: DemoEntry[] = [
  {
    council: 0, stage: 'live',
    entry: {
      name: 'Meeting notes and actions assistant', serviceArea: 'Corporate services', owner: 'Head of Democratic Services',
      purpose: 'Drafts notes and action lists from recordings of internal meetings. Officers check and correct every draft before it is shared.',
      supplier: 'Microsoft (Copilot for Microsoft 365)', technique: 'Large language model (generative AI) with speech-to-text',
      personalData: true, specialCategoryData: false, decisionRole: 'informs', peopleAffected: 'Staff and councillors attending internal meetings',
      humanOversight: 'The meeting owner reviews and edits every summary before circulation.', nextReviewDate: '2027-03-31',
    },
    screening: { personal_data: true, special_category: false, people_scale: 'hundreds', data_matching: false, invisible_processing: false,
      biometric_identification: false, monitoring: ['none'], decision_role: 'informs', profiling: false, vulnerable_people: false,
      prohibited_practices: ['none'], annex_iii_areas: ['none'], public_facing: ['none'], equality_impact: 'no' },
  },
  {
    council: 0, stage: 'pilot',
    entry: {
      name: 'Contact centre call wrap-up', serviceArea: 'Customer services', owner: 'Customer Services Manager',
      purpose: 'Summarises calls to the contact centre and suggests the case category, so advisers spend less time on after-call notes.',
      supplier: 'Contact centre platform supplier', technique: 'Speech-to-text and a large language model',
      personalData: true, specialCategoryData: true, decisionRole: 'assists', peopleAffected: 'Residents who phone the council',
      humanOversight: 'Advisers read and correct the summary and category before saving it to the case.', nextReviewDate: '2027-01-15',
    },
    screening: { personal_data: true, special_category: true, people_scale: 'tens_of_thousands_or_more', data_matching: false,
      invisible_processing: false, biometric_identification: false, monitoring: ['none'], decision_role: 'assists', significant_effect: false,
      profiling: false, vulnerable_people: true, prohibited_practices: ['none'], annex_iii_areas: ['none'], public_facing: ['none'],
      equality_impact: 'not_sure' },
    conditions: ['Complete the DPIA and share it with the board', 'Publish a privacy notice update before go-live'],
  },
  {
    council: 0, stage: 'approved',
    entry: {
      name: 'Children\'s social care case chronology', serviceArea: 'Children\'s services', owner: 'Principal Social Worker',
      purpose: 'Builds a draft chronology of significant events from case records, to save social workers time when preparing for reviews and court.',
      supplier: null, technique: 'Large language model run in the council\'s own cloud tenancy',
      personalData: true, specialCategoryData: true, decisionRole: 'assists', peopleAffected: 'Children and families known to social care',
      humanOversight: 'The allocated social worker checks every entry against the source records; nothing is shared unchecked.',
      nextReviewDate: '2026-12-01',
    },
    screening: { personal_data: true, special_category: true, people_scale: 'thousands', data_matching: true, invisible_processing: false,
      biometric_identification: false, monitoring: ['none'], decision_role: 'assists', significant_effect: true, profiling: false,
      vulnerable_people: true, prohibited_practices: ['none'], annex_iii_areas: ['benefits_and_services'], narrow_procedural_task: true,
      public_facing: ['none'], equality_impact: 'yes' },
  },
  {
    council: 0, stage: 'awaiting_decision',
    entry: {
      name: 'Rent arrears prioritisation model', serviceArea: 'Housing', owner: 'Head of Housing Income',
      purpose: 'Scores council tenants\' accounts for the likelihood of falling into serious arrears so that income officers can offer early support.',
      supplier: 'Housing management system supplier', technique: 'Gradient-boosted decision trees trained on rent account history',
      personalData: true, specialCategoryData: false, decisionRole: 'assists', peopleAffected: 'About 12,000 council tenants',
      humanOversight: 'Income officers decide whom to contact; the score only orders the work list.', nextReviewDate: null,
    },
    screening: { personal_data: true, special_category: false, people_scale: 'tens_of_thousands_or_more', data_matching: true,
      invisible_processing: false, biometric_identification: false, monitoring: ['none'], decision_role: 'assists', significant_effect: true,
      profiling: true, vulnerable_people: true, prohibited_practices: ['none'], annex_iii_areas: ['benefits_and_services'],
      narrow_procedural_task: false, public_facing: ['none'], equality_impact: 'yes' },
  },
  {
    council: 0, stage: 'under_assessment',
    entry: {
      name: 'Website chatbot', serviceArea: 'Customer services', owner: 'Digital Services Manager',
      purpose: 'Answers residents\' questions on the council website from published pages and hands over to an adviser when it cannot help.',
      supplier: 'Chatbot platform supplier', technique: 'Retrieval-augmented large language model',
      personalData: true, specialCategoryData: false, decisionRole: 'informs', peopleAffected: 'Residents using the council website',
      humanOversight: 'Conversations are sampled weekly; residents can ask for a person at any time.', nextReviewDate: null,
    },
  },
  {
    council: 0, stage: 'proposed',
    entry: {
      name: 'Committee report drafting from templates', serviceArea: 'Corporate services', owner: 'Monitoring Officer',
      purpose: 'Drafts sections of committee reports from the council\'s templates and officer notes.',
      supplier: 'Microsoft (Copilot for Microsoft 365)', technique: 'Large language model',
      personalData: false, specialCategoryData: false, decisionRole: 'informs', peopleAffected: 'Report authors; the public reads the final reports',
      humanOversight: 'Authors and the legal and finance reviewers sign off every report as now.', nextReviewDate: null,
    },
  },
  {
    council: 0, stage: 'idea',
    entry: {
      name: 'Planning application validation checks', serviceArea: 'Planning', owner: 'Development Management Lead',
      purpose: 'Checks that new planning applications include the required documents before an officer validates them.',
      supplier: null, technique: 'Document classification', personalData: true, specialCategoryData: false, decisionRole: 'assists',
      peopleAffected: 'Applicants and agents', humanOversight: 'A validation officer confirms each finding.', nextReviewDate: null,
    },
  },
  {
    council: 0, stage: 'rejected',
    entry: {
      name: 'Benefit fraud risk scoring', serviceArea: 'Revenues and benefits', owner: 'Head of Revenues and Benefits',
      purpose: 'Would have scored housing benefit claims for fraud risk to select claims for investigation.',
      supplier: 'Analytics supplier', technique: 'Machine learning classifier', personalData: true, specialCategoryData: false,
      decisionRole: 'assists', peopleAffected: 'Housing benefit and council tax support claimants',
      humanOversight: 'Investigators would decide which claims to open.', nextReviewDate: null,
    },
    screening: { personal_data: true, special_category: false, people_scale: 'tens_of_thousands_or_more', data_matching: true,
      invisible_processing: true, biometric_identification: false, monitoring: ['none'], decision_role: 'assists', significant_effect: true,
      profiling: true, vulnerable_people: true, prohibited_practices: ['none'], annex_iii_areas: ['benefits_and_services'],
      narrow_procedural_task: false, public_facing: ['none'], equality_impact: 'yes' },
  },
  {
    council: 0, stage: 'retired',
    entry: {
      name: 'Street lighting fault prediction', serviceArea: 'Highways', owner: 'Street Lighting Engineer',
      purpose: 'Predicted which street lights were likely to fail so that crews could replace them on planned rounds.',
      supplier: null, technique: 'Statistical model on maintenance history', personalData: false, specialCategoryData: false,
      decisionRole: 'informs', peopleAffected: 'No individuals; road users benefit from fewer outages',
      humanOversight: 'Engineers planned rounds with the predictions as one input.', nextReviewDate: null,
    },
    screening: LOW,
  },
  {
    council: 0, stage: 'live',
    entry: {
      name: 'Document translation for residents', serviceArea: 'Customer services', owner: 'Equalities Officer',
      purpose: 'Machine-translates standard letters and web pages into the languages most used locally, with a note that a person can be asked for.',
      supplier: 'Translation service supplier', technique: 'Neural machine translation', personalData: false, specialCategoryData: false,
      decisionRole: 'informs', peopleAffected: 'Residents who read English as an additional language',
      humanOversight: 'Key documents are checked by a qualified translator before use.', nextReviewDate: '2027-06-30',
    },
    screening: { ...LOW, public_facing: ['published_content'], equality_impact: 'yes' },
  },
  {
    council: 1, stage: 'live',
    entry: {
      name: 'Adaptive traffic signal control', serviceArea: 'Highways and transport', owner: 'Traffic Manager',
      purpose: 'Adjusts traffic light timings at busy junctions from live vehicle counts to reduce queues.',
      supplier: 'Traffic systems supplier', technique: 'Optimisation algorithm using sensor data', personalData: false,
      specialCategoryData: false, decisionRole: 'automates', peopleAffected: 'Road users in the town centre',
      humanOversight: 'Control room staff watch junctions and can switch to fixed timings at any time.', nextReviewDate: '2027-04-01',
    },
    screening: { ...LOW, decision_role: 'automates', significant_effect: false, annex_iii_areas: ['critical_infrastructure'], narrow_procedural_task: false },
  },
  {
    council: 1, stage: 'awaiting_decision',
    entry: {
      name: 'Meeting transcription for social workers', serviceArea: 'Adult social care', owner: 'Head of Adult Social Care',
      purpose: 'Transcribes and summarises assessment visits so social workers can write up care assessments faster.',
      supplier: 'Social care AI supplier', technique: 'Speech-to-text and a large language model', personalData: true,
      specialCategoryData: true, decisionRole: 'assists', peopleAffected: 'Adults receiving care assessments and their carers',
      humanOversight: 'The social worker reviews the summary and writes the assessment themselves.', nextReviewDate: null,
    },
    screening: { personal_data: true, special_category: true, people_scale: 'thousands', data_matching: false, invisible_processing: false,
      biometric_identification: false, monitoring: ['none'], decision_role: 'assists', significant_effect: true, profiling: false,
      vulnerable_people: true, prohibited_practices: ['none'], annex_iii_areas: ['benefits_and_services'], narrow_procedural_task: true,
      public_facing: ['none'], equality_impact: 'yes' },
  },
  {
    council: 1, stage: 'under_assessment',
    entry: {
      name: 'Fly-tipping hotspot detection', serviceArea: 'Environmental services', owner: 'Environmental Enforcement Manager',
      purpose: 'Finds likely fly-tipping hotspots from reports and collection data to plan patrols.',
      supplier: null, technique: 'Spatial clustering', personalData: false, specialCategoryData: false, decisionRole: 'informs',
      peopleAffected: 'Residents in reported areas', humanOversight: 'Officers plan patrols with the map as one input.', nextReviewDate: null,
    },
  },
  {
    council: 1, stage: 'proposed',
    entry: {
      name: 'Council tax enquiry email triage', serviceArea: 'Revenues and benefits', owner: 'Revenues Manager',
      purpose: 'Sorts incoming council tax emails by topic and urgency so they reach the right team faster.',
      supplier: 'Case management supplier', technique: 'Text classification', personalData: true, specialCategoryData: false,
      decisionRole: 'assists', peopleAffected: 'Council tax payers who email the council',
      humanOversight: 'Staff can re-route any email; urgent flags are checked daily.', nextReviewDate: null,
    },
  },
  {
    council: 1, stage: 'idea',
    entry: {
      name: 'Grant application summariser', serviceArea: 'Economic development', owner: 'Funding Officer',
      purpose: 'Summarises community grant applications for the assessment panel.', supplier: null,
      technique: 'Large language model', personalData: true, specialCategoryData: false, decisionRole: 'informs',
      peopleAffected: 'Community groups applying for grants', humanOversight: 'Panel members read full applications.', nextReviewDate: null,
    },
  },
]

/** The path each stage takes from "proposed" through the real services, so audit trails are real. */
const PATH: Record<Stage, Stage[]> = {
  idea: [], proposed: [], under_assessment: ['under_assessment'], awaiting_decision: ['under_assessment', 'awaiting_decision'],
  approved: ['under_assessment', 'awaiting_decision'], rejected: ['under_assessment', 'awaiting_decision'],
  pilot: ['under_assessment', 'awaiting_decision'], live: ['under_assessment', 'awaiting_decision'],
  retired: ['under_assessment', 'awaiting_decision'],
}

/**
 * ATRS fields the register cannot know, as a council would complete them before publishing: every
 * field of the current version, in words that follow from the entry (a generative tool bought off
 * the shelf has no development data of the council's; a model the council trained has one).
 */
function completion(e: Base): Record<string, string> {
  const generative = /language model|generative|copilot|chatbot/i.test(`${e.technique} ${e.supplier ?? ''}`)
  const personal = e.specialCategoryData ? 'Personal data, including special category data about health or care.' : e.personalData ? 'Personal data: names, contact details and case references.' : 'None.'
  const base: Record<string, string> = {
    one_sentence_description: e.purpose.split('. ')[0]!.replace(/\.$/, '') + '.',
    previous_process: 'Staff did this work by hand.',
    scope: `${e.peopleAffected}. Used by the ${e.serviceArea} team only.`,
    benefit: 'Saves officer time and gives a more consistent service.',
    alternatives_considered: 'Carrying on by hand, and adding staff; both cost more for the same service.',
    impact_assessment: 'Screening completed in AI Governance Hub; a DPIA and equality screening were carried out where required.',
    risks_and_mitigations: 'Inaccurate output is caught by human review; access is limited to the team; the tool is reviewed yearly by the AI governance board.',
    external_supplier_role: e.supplier ? 'Provides and hosts the software under contract.' : '',
    companies_house_number: e.supplier ? 'N/A' : '',
    procurement_procedure_type: e.supplier ? 'Call-off from a public sector framework' : '',
    data_access_terms: e.supplier ? 'The supplier processes data only on the council\'s instructions under a data processing agreement.' : '',
    frequency_and_scale_of_usage: 'Used every working day by the team; a few hundred items a month.',
    required_training: 'Staff complete the council\'s AI awareness module and a short briefing on this tool before using it.',
    appeals_and_review: 'Anyone affected can ask the service to review an outcome through the council\'s complaints procedure; a person looks at the case again.',
    system_architecture: `${e.technique}, ${e.supplier ? `provided by ${e.supplier}` : 'built by the council'}, used through the council's own systems with single sign-on.`,
    system_level_input: 'Text and records the team already holds for the case.',
    system_level_output: 'A draft or a suggestion that a member of staff checks before anything is used.',
    maintenance: 'Reviewed each year by the AI governance board, and sooner if the supplier changes the model or a problem is reported.',
    models: e.technique,
    operational_data_name__1: `${e.serviceArea} case data`,
    operational_data_modality__1: 'Text',
    operational_data_description__1: 'The records and text the team enters for each case while using the tool.',
    operational_data_quantities__1: 'A few hundred items a month.',
    operational_sensitive_attributes__1: personal,
    operational_data_collection__1: 'Collected by the service in its normal work; the tool uses it for the same purpose.',
    operational_data_sharing_agreements__1: e.supplier ? 'A data processing agreement with the supplier; no other sharing.' : 'None: the data stays with the council.',
    operational_data_access_and_storage__1: 'Only the team can see it, through the council\'s access controls; it is kept as long as the case record, under the council\'s retention schedule.',
  }
  if (generative) return base
  // A model the council trained or configured on its own records: its model and development data.
  return {
    ...base,
    model_name__1: e.name, model_version__1: '1.0', model_task__1: e.purpose.split('. ')[0]!,
    model_input__1: 'Structured records from the service\'s case system.', model_output__1: 'A score or a ranked list for staff to check.',
    model_architecture__1: e.technique, model_performance__1: 'Checked against past cases before use, and monitored each quarter for differences between groups of residents.',
    datasets__1: 'Three years of the service\'s historical case records: training 80%, testing 20%.',
    source_data_name__1: `${e.serviceArea} historical case records`, data_modality__1: 'Tabular',
    data_description__1: 'Past cases with their outcomes.', data_quantities__1: 'About 20,000 records.',
    sensitive_attributes__1: personal, data_completeness_and_representativeness__1: 'Some older records lack outcomes and were left out; the records cover every part of the borough.',
    source_data_url__1: 'N/A', data_collection__1: 'Collected by the service in its normal work.',
    data_cleaning__1: 'Duplicates removed and dates standardised.',
    data_sharing_agreements__1: 'None: the data stays with the council.',
    data_access_and_storage__1: 'Held in the council\'s own systems; only the model\'s maintainers can see the training copy.',
  }
}

/** Demo data has a known password, so it is never loaded where real people might sign in. */
export class DemoRefused extends Error {}

/**
 * Why demo data may not be loaded here, or null when it may: never in production (every demo
 * login shares one published password), and only into an empty database (never next to real
 * councils and people).
 */
export function demoRefusal(env: Config['env'], organisations: number): string | null {
  if (env === 'production') {
    return 'Demo data is not loaded in production (NODE_ENV=production): every demo login shares one published password. ' +
      'Create your organisation and its first administrator with "aigov org create" and "aigov user create" (see the README).'
  }
  if (organisations > 0) {
    return `Demo data is loaded only into an empty database, and this one already has ${organisations === 1 ? '1 organisation' : `${organisations} organisations`}.`
  }
  return null
}

/**
 * Loads the demo councils, people and register through the real services. Refuses outside an
 * empty database and, given `env`, in production.
 */
export async function loadDemo(_db: Db, services: Services, opts: { env?: Config['env'] } = {}): Promise<void> {
  const refusal = demoRefusal(opts.env ?? 'development', await services.organisations.count())
  if (refusal) throw new DemoRefused(refusal)
  const actors: Record<string, CurrentUser>[] = []
  for (const c of DEMO_COUNCILS) {
    const byRole: Record<string, CurrentUser> = {}
    const org = await services.organisations.create({
      slug: c.slug, name: c.name, contactEmail: c.contactEmail, websiteUrl: c.websiteUrl, region: c.region,
    })
    for (const role of ROLES) {
      const email = `${role.replace('_', '-')}@${c.domain}`
      const name = `${role === 'board_member' ? 'Board member' : role[0]!.toUpperCase() + role.slice(1)} (${c.name.split(' ')[0]})`
      const { id } = await services.people.createAccount({ email, name, password: DEMO_PASSWORD, organisationId: org.id, roles: [role] })
      byRole[role] = { id, email, name, organisationId: org.id, organisationName: c.name, organisationSlug: c.slug, roles: [role], via: 'session' }
      if (email === DEMO_PLATFORM_ADMIN) {
        await services.auth.setPlatformAdmin(id, true)
        byRole[role] = { ...byRole[role], platformAdmin: true }
      }
    }
    actors.push(byRole)
  }

  const sittings: ({ boardId: string; meetingId: string } | undefined)[] = []
  for (const d of ENTRIES) {
    const a = actors[d.council]!
    const contributor = a.contributor!
    const board = a.board_member!
    const admin = a.admin!
    let entry = await services.register.create(contributor, { ...d.entry, stage: d.stage === 'idea' ? 'idea' : 'proposed' })
    if (d.screening) {
      const r = await services.assessments.saveScreening(a.assessor!, entry.id, d.screening)
      if (!r.ok) throw new Error(`Demo screening for "${d.entry.name}" is invalid: ${JSON.stringify(r.errors)}`)
    }
    for (const stage of PATH[d.stage]) entry = await services.register.transition(contributor, entry.id, stage)
    if (['approved', 'pilot', 'live', 'retired', 'rejected'].includes(d.stage)) {
      const rejected = d.stage === 'rejected'
      sittings[d.council] ??= await demoBoard(services, a)
      await services.board.record(board, entry.id, {
        sitting: { kind: 'meeting', meetingId: sittings[d.council]!.meetingId },
        decidedAnyway: 'Decided on the screening and the service\'s own assessments, before the full question sets were in use.',
        outcome: rejected ? 'reject' : d.conditions ? 'approve_with_conditions' : 'approve',
        rationale: rejected
          ? 'The risk to claimants from profiling is not justified by the expected benefit; explore rules-based checks instead.'
          : 'Benefits are clear, human review is in place and the screening actions are assigned.',
        reviewDate: rejected ? null : (d.entry.nextReviewDate ?? '2027-03-31'),
        conditions: (d.conditions ?? []).map((text) => ({ text, ownerId: contributor.id, dueDate: '2027-06-30' })),
      })
      if (['pilot', 'live', 'retired'].includes(d.stage)) {
        // Go-live waits for the MUST actions: the demo's uses in pilot or live have done theirs.
        const open = await services.assessments.openMustActions(contributor, entry.id)
        const done = await services.assessments.updateActions(contributor, entry.id,
          open.map((x) => ({ id: x.id, status: 'done', owner: d.entry.owner, dueDate: null })))
        if (!done.ok) throw new Error(`Demo actions for "${d.entry.name}" are invalid: ${JSON.stringify(done.errors)}`)
      }
      if (d.stage === 'pilot') entry = await services.register.transition(contributor, entry.id, 'pilot')
      if (d.stage === 'live') entry = await services.register.transition(contributor, entry.id, 'live')
      if (d.stage === 'retired') {
        entry = await services.register.transition(contributor, entry.id, 'live')
        entry = await services.register.transition(contributor, entry.id, 'retired')
      }
    }
    if (d.stage === 'live' || d.stage === 'pilot') {
      await services.transparency.createDraft(contributor, entry.id)
      const record = await services.transparency.recordFor(contributor, entry.id)
      const fill = Object.fromEntries(Object.entries(completion(d.entry)).filter(([k]) => !record!.fields[k]))
      await services.transparency.update(contributor, entry.id, record!.version, fill)
      // A reviewer who did not write the record approves it; an administrator publishes it.
      const filled = await services.transparency.recordFor(contributor, entry.id)
      if (!filled!.completeness.complete) throw new Error(`Demo record for "${d.entry.name}" is incomplete: ${filled!.completeness.missing.map((m) => m.key).join(', ')}`)
      await services.transparency.approve(admin, entry.id, filled!.version)
      await services.transparency.publish(admin, entry.id)
    }
  }
  // The board (issue 10): minutes of the meeting that took those decisions, and the next meeting's agenda.
  for (const [i, sitting] of sittings.entries()) if (sitting) await finishDemoBoard(services, actors[i]!, sitting)
  // Policies (issue 9): the first council has its policy and do's and don'ts in force; the other has none.
  await loadPolicyDemo(services.policies, actors[0]!.admin!, actors[0]!.board_member!, { people: services.people, password: DEMO_PASSWORD })
  // The sector hub (issue 12): the first council has assessed its maturity twice (a history to
  // chart), and both councils take part in the benchmark (too few for any figure to show).
  const dimensions = services.maturity.model().dimensions
  for (const [round, evidence] of [[0, 'First self-assessment, before the AI policy.'], [1, 'After adopting the AI policy and setting up the board.']] as const) {
    await services.maturity.submit(actors[0]!.admin!, dimensions.map((d, i) => ({ dimension: d.id, score: Math.min(5, 1 + round + (i % 3)), evidence })))
  }
  for (const a of actors) await services.benchmark.setParticipation(a.admin!, true)
}
