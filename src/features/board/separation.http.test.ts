// Separation of duties for the board (issue 7): by default nobody records the decision on an entry
// they proposed or whose screening they submitted; an organisation may relax this, and then the
// decision goes through marked as relaxed in the decision log and the audit trail.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestApp, signIn, type TestApp } from '../../../test/support/app.ts'
import type { CurrentUser } from '../../platform/auth/store.ts'
import type { Role } from '../../platform/auth/permissions.ts'
import { insertUser } from '../../platform/auth/store.ts'
import { quorateMeeting } from './testkit.ts'

const PASSWORD = 'separation-test-password'
const LOW_SCREENING = {
  personal_data: false, decision_role: 'informs', prohibited_practices: ['none'], annex_iii_areas: ['none'],
  public_facing: ['none'], equality_impact: 'no',
}

let t: TestApp
const people: Record<string, CurrentUser> = {}
/** The quorate meeting where the board decides: Bo in the chair, Cy as DPO, Ada a member. */
let meetingId: string

async function person(key: string, name: string, roles: Role[], org: { id: string; name: string; slug: string }) {
  const email = `${key}@separation.example`
  const id = await t.db.transaction((tx) => insertUser(tx, { email, name, password: PASSWORD, organisationId: org.id, roles }))
  people[key] = { id, email, name, organisationId: org.id, organisationName: org.name, organisationSlug: org.slug, roles, via: 'session' }
}

before(async () => {
  t = await createTestApp({ demo: false })
  const org = await t.services.organisations.create({
    slug: 'separation-council', name: 'Separation Borough Council', contactEmail: 'ai@separation.example',
    websiteUrl: 'https://www.separation.example/ai', region: 'North East',
  })
  // Ada holds every role a small council might give one person; Bo and Cy hold some of them.
  await person('ada', 'Ada Allrounder', ['contributor', 'assessor', 'board_member'], org)
  await person('bo', 'Bo Proposer', ['contributor', 'board_member'], org)
  await person('cy', 'Cy Screener', ['assessor', 'board_member'], org)
  await person('admin', 'Admin Person', ['admin'], org)
  ;({ meetingId } = await quorateMeeting(t.services, { admin: people.admin!, chair: people.bo!, dpo: people.cy!, member: people.ada! }))
})
after(() => t.close())

let counter = 0
/** An entry proposed by one person and screened by another, waiting for the board. */
async function entryAwaitingDecision(proposer: string, screener: string): Promise<string> {
  const by = people[proposer]!
  const entry = await t.services.register.create(by, {
    name: `Tool ${++counter}`, purpose: 'Sorts the post so that officers see urgent letters first.', serviceArea: 'Customer services',
    owner: 'Head of Customer Services', supplier: null, technique: 'Text classification', personalData: false, specialCategoryData: false,
    decisionRole: 'informs', peopleAffected: 'Residents who write to the council', humanOversight: 'Officers read every letter.',
    nextReviewDate: null, stage: 'proposed',
  })
  const screened = await t.services.assessments.saveScreening(people[screener]!, entry.id, LOW_SCREENING)
  assert.ok(screened.ok, 'the screening is valid')
  await t.services.register.transition(by, entry.id, 'under_assessment')
  await t.services.register.transition(by, entry.id, 'awaiting_decision')
  return entry.id
}

const setSeparation = (on: boolean) => t.services.organisations.setSeparationOfDuties(people.admin!, on)

/** The entries here have a screening only: the other assessments a low-risk use needs are not started. */
const DECIDED_ANYWAY = 'Low risk; the other assessments follow before go-live.'
const approve = () => ({
  sitting: `meeting:${meetingId}`, decidedAnyway: DECIDED_ANYWAY,
  outcome: 'approve', rationale: 'Benefits outweigh the risks with human review.',
  'reviewDate-day': '1', 'reviewDate-month': '6', 'reviewDate-year': '2031',
})

const decisionRow = async (entryId: string) =>
  (await t.db.query<{ separation_relaxed: boolean; decider_stakes: string[] }>(
    'select separation_relaxed, decider_stakes from decisions where entry_id = $1', [entryId]))[0]

const stageOf = async (entryId: string) =>
  (await t.db.query<{ stage: string }>('select stage from register_entries where id = $1', [entryId]))[0]!.stage

const decidedAudit = async (entryId: string) =>
  (await t.db.query<{ changes: Record<string, { to: unknown }> }>(
    "select changes from audit_events where entity_id = $1 and action = 'decided'", [entryId]))[0]

const REFUSED = {
  proposed: 'You proposed this entry, so someone else on the board must record the decision.',
  screened: 'You submitted this entry&#39;s screening, so someone else on the board must record the decision.',
  both: 'You proposed this entry and submitted its screening, so someone else on the board must record the decision.',
}
const NOTE = {
  proposed: 'Recorded by the person who proposed this entry: the organisation allows this.',
  screened: 'Recorded by the person who submitted this entry&#39;s screening: the organisation allows this.',
  both: 'Recorded by the person who proposed this entry and submitted its screening: the organisation allows this.',
}

type Expect = 'allowed' | { refused: keyof typeof REFUSED } | { marked: keyof typeof NOTE }

/** Who proposed, who screened, who decides, the organisation's setting → what happens. */
const CASES: { proposer: string; screener: string; decider: string; separation: boolean; expect: Expect }[] = [
  { proposer: 'ada', screener: 'cy', decider: 'ada', separation: true, expect: { refused: 'proposed' } },
  { proposer: 'bo', screener: 'ada', decider: 'ada', separation: true, expect: { refused: 'screened' } },
  { proposer: 'ada', screener: 'ada', decider: 'ada', separation: true, expect: { refused: 'both' } },
  { proposer: 'bo', screener: 'cy', decider: 'ada', separation: true, expect: 'allowed' },
  { proposer: 'ada', screener: 'cy', decider: 'ada', separation: false, expect: { marked: 'proposed' } },
  { proposer: 'bo', screener: 'ada', decider: 'ada', separation: false, expect: { marked: 'screened' } },
  { proposer: 'ada', screener: 'ada', decider: 'ada', separation: false, expect: { marked: 'both' } },
  { proposer: 'bo', screener: 'cy', decider: 'ada', separation: false, expect: 'allowed' },
]

describe('separation of duties: recording the board decision', () => {
  for (const c of CASES) {
    const label = typeof c.expect === 'string' ? c.expect : 'refused' in c.expect ? `refused (${c.expect.refused})` : `marked (${c.expect.marked})`
    test(`proposed by ${c.proposer}, screened by ${c.screener}, decided by ${c.decider}, separation ${c.separation ? 'on' : 'off'} → ${label}`, async () => {
      const id = await entryAwaitingDecision(c.proposer, c.screener)
      await setSeparation(c.separation)
      const decider = await signIn(t.app, people[c.decider]!.email, PASSWORD)
      await decider.get(`/register/${id}/decision`)
      const res = await decider.post(`/register/${id}/decision`, approve())

      if (typeof c.expect === 'object' && 'refused' in c.expect) {
        assert.equal(res.statusCode, 409)
        assert.ok(res.body.includes(REFUSED[c.expect.refused]), 'the refusal says why, in a whole sentence')
        assert.match(res.body, /govuk-error-summary/)
        assert.equal(await decisionRow(id), undefined, 'no decision is recorded')
        assert.equal(await stageOf(id), 'awaiting_decision')
        // The entry page says the same in place of the button.
        const page = await decider.get(`/register/${id}`)
        assert.ok(page.body.includes(REFUSED[c.expect.refused]))
        assert.doesNotMatch(page.body, /href="\/register\/[^"]+\/decision"/)
        return
      }

      assert.equal(res.statusCode, 303, res.body.slice(0, 500))
      assert.equal(await stageOf(id), 'approved')
      const row = await decisionRow(id)
      const audit = await decidedAudit(id)
      const page = await decider.get(`/register/${id}`)
      if (c.expect === 'allowed') {
        assert.deepEqual(row, { separation_relaxed: false, decider_stakes: [] })
        assert.ok(!('separationRelaxed' in audit!.changes))
        assert.doesNotMatch(page.body, /the organisation allows this/)
      } else {
        const stakes = { proposed: ['proposed'], screened: ['screened'], both: ['proposed', 'screened'] }[c.expect.marked]
        assert.deepEqual(row, { separation_relaxed: true, decider_stakes: stakes })
        assert.equal(audit!.changes.separationRelaxed?.to, true)
        assert.deepEqual(audit!.changes.ownStakes?.to, stakes)
        assert.ok(page.body.includes(NOTE[c.expect.marked]), 'the decision card shows the relaxed rule')
        assert.match(page.body, /Separation of duties relaxed/, 'and the history shows it')
      }
    })
  }

  test('the decision form warns before anyone types, and the relaxed form says it will be marked', async () => {
    const id = await entryAwaitingDecision('ada', 'cy')
    await setSeparation(true)
    const ada = await signIn(t.app, people.ada!.email, PASSWORD)
    assert.ok((await ada.get(`/register/${id}/decision`)).body.includes(REFUSED.proposed))
    await setSeparation(false)
    assert.match((await ada.get(`/register/${id}/decision`)).body, /Your organisation allows you to record the decision/)
  })
})

describe('separation of duties: closing the conditions of an approval', () => {
  async function conditionalApproval(): Promise<{ id: string; conditionId: string }> {
    const id = await entryAwaitingDecision('ada', 'cy')
    await setSeparation(true)
    await t.services.board.record(people.bo!, id, {
      sitting: { kind: 'meeting', meetingId }, decidedAnyway: DECIDED_ANYWAY,
      outcome: 'approve_with_conditions', rationale: 'With a bias test.', reviewDate: '2031-01-01',
      conditions: [{ text: 'Run a bias test', ownerId: people.cy!.id, dueDate: '2030-12-01' }],
    })
    const [c] = await t.db.query<{ id: string }>('select id from decision_conditions where entry_id = $1', [id])
    return { id, conditionId: c!.id }
  }
  const conditionOf = async (id: string) =>
    (await t.db.query<{ status: string; separation_relaxed: boolean }>('select status, separation_relaxed from decision_conditions where id = $1', [id]))[0]!

  test('the proposer may not waive the conditions the board set', async () => {
    const { id, conditionId } = await conditionalApproval()
    const ada = await signIn(t.app, people.ada!.email, PASSWORD)
    const page = await ada.get(`/register/${id}`)
    assert.match(page.body, /You proposed this entry, so someone else on the board must mark its conditions met or waived\./)
    const res = await ada.post(`/register/${id}/conditions/${conditionId}`, { status: 'waived' })
    assert.equal(res.statusCode, 409)
    assert.match(res.body, /You proposed this entry, so someone else on the board must mark its conditions met or waived\./)
    assert.deepEqual(await conditionOf(conditionId), { status: 'open', separation_relaxed: false })
  })

  test('with separation relaxed the proposer may, and the condition is marked', async () => {
    const { id, conditionId } = await conditionalApproval()
    await setSeparation(false)
    const ada = await signIn(t.app, people.ada!.email, PASSWORD)
    await ada.get(`/register/${id}`)
    assert.equal((await ada.post(`/register/${id}/conditions/${conditionId}`, { status: 'waived' })).statusCode, 303)
    assert.deepEqual(await conditionOf(conditionId), { status: 'waived', separation_relaxed: true })
    assert.match((await ada.get(`/register/${id}`)).body, /Closed by the person who proposed this entry: the organisation allows this\./)
  })
})
