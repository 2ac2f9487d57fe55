// Conclusions follow the answers (issue 8, item 1): when a shared answer changes in one set, every
// assessment of the entry that used it is evaluated again in the same save; a submitted one whose
// conclusion changed needs review, shows what changed, and cannot be signed off as it stands.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { assertShows, type Client, createTestApp, escapeHtml, type TestApp } from '../../../test/support/app.ts'
import { answersForm, makeEntry, makePerson, makeTeam, reload, SCREENINGS, signInAs, type Team } from '../../../test/support/factories.ts'
import type { RegisterEntry } from '../register/model.ts'
import { evaluate } from './engine.ts'
import { derivedTier } from './service.ts'

let t: TestApp
let team: Team
let contributor: Client
let assessor2: Client
before(async () => {
  t = await createTestApp({ demo: false })
  team = await makeTeam(t)
  const second = await makePerson(t, team.org, ['assessor'], { name: 'Second Assessor' })
  ;[contributor, assessor2] = await Promise.all([signInAs(t, team.contributor), signInAs(t, second)])
})
after(() => t.close())

/** Staff decide with the tool's help, on many people's data, and it watches public places. */
const watching = { ...SCREENINGS.medium, people_scale: 'tens_of_thousands_or_more', monitoring: ['public_spaces'] }
const PUBLIC_PLACES_REASON = 'The tool would watch places open to the public'

const assessment = (entry: RegisterEntry, setId: string) => t.services.assessments.assessmentFor(team.viewer.user, entry.id, setId)

/** Every stored outcome is what the engine makes of the stored answers now. */
async function assertOutcomesFresh(entry: RegisterEntry) {
  for (const a of await t.services.assessments.all(team.viewer.user, entry.id)) {
    const set = t.services.assessments.allSets().find((s) => s.id === a.setId)
    assert.ok(set, `set ${a.setId} is loaded`)
    assert.deepEqual(a.outcome, evaluate(set, a.answers), `${a.setId}: the stored outcome is a fresh evaluation of the stored answers`)
  }
}

describe('a conclusion does not go stale', () => {
  test('screening says "watching public places"; the DPIA screening changes it to "None": the screening follows and needs review', async () => {
    const entry = await makeEntry(t, team, { name: 'Street camera analytics', personalData: true, stage: 'under_assessment' })
    const screened = await contributor.post(`/register/${entry.id}/screening`, answersForm(watching))
    assert.equal(screened.statusCode, 303, screened.body.slice(0, 300))
    const before = (await assessment(entry, 'screening'))!
    assert.equal(before.status, 'submitted')
    assert.ok(before.outcome!.firedRules.some((r) => r.reason.startsWith(PUBLIC_PLACES_REASON)), 'the screening concludes the tool watches public places')

    // The DPIA screening, prefilled with the shared answers, changes "monitoring" to "None of these".
    const dpia = await contributor.post(`/register/${entry.id}/assessments/dpia`, {
      ...answersForm({ ...watching, monitoring: ['none'] }), intent: 'save',
    })
    assert.equal(dpia.statusCode, 303, dpia.body.slice(0, 300))

    const after = (await assessment(entry, 'screening'))!
    assert.deepEqual(after.answers.monitoring, ['none'], 'the screening holds the new answer')
    assert.equal(after.status, 'needs_review', 'a submitted assessment whose conclusion changed needs review')
    assert.ok(!after.outcome!.firedRules.some((r) => r.reason.startsWith(PUBLIC_PLACES_REASON)), 'the conclusion no longer mentions public places')
    assert.ok(after.version > before.version, 'the re-evaluation is a new version (an edit begun before it is stale)')
    await assertOutcomesFresh(entry)

    // What changed is recorded: the answer, who moved it and where, the old and new conclusion.
    assert.equal(after.changes.length, 1, 'one change recorded')
    const [change] = after.changes
    assert.equal(change!.by, team.contributor.user.name)
    assert.equal(change!.inSet.id, 'dpia')
    assert.ok(change!.outcomeChanged, 'the outcome changed')
    assert.deepEqual(change!.answers.map((a) => [a.questionId, a.to]), [['monitoring', 'None of these']])
    assert.match(change!.answers[0]!.from ?? '', /^Watching or recording places the public can go/)
    assert.equal(change!.from?.status, 'submitted')
    assert.equal(change!.to.status, 'needs_review')

    // The screening's page shows the change, and no longer the old conclusion.
    const page = await contributor.get(`/register/${entry.id}/assessments/screening`)
    assert.equal(page.statusCode, 200)
    assertShows(page.body, 'assessments.changed.title')
    assertShows(page.body, 'assessments.changed.resubmit')
    assert.match(page.body, /None of these/, 'the new answer is shown')
    assert.match(page.body, new RegExp(escapeHtml(team.contributor.user.name)), 'who moved it')
    assert.ok(!page.body.includes(PUBLIC_PLACES_REASON), 'no part of the page concludes the tool watches public places')
    assert.match(page.body, /Needs review/i)

    // Its history keeps the re-evaluation with what changed.
    const history = await contributor.get(`/register/${entry.id}/assessments/screening/history`)
    assert.match(history.body, /Marked for review because these answers changed: monitoring/)
    assert.match(history.body, /→ None of these/)

    // Not signable as it stands: its author checks the answers and submits again first.
    const signOff = await assessor2.post(`/register/${entry.id}/assessments/screening/signoff`)
    assert.equal(signOff.statusCode, 409)
    assertShows(signOff.body, 'assessments.errors.resubmitFirst')
    assert.equal((await assessment(entry, 'screening'))!.status, 'needs_review')

    // The entry's tier follows the stored outcomes.
    assert.equal((await reload(t, team, entry.id)).riskTier, derivedTier((await t.services.assessments.all(team.viewer.user, entry.id))
      .map((a) => ({ tier: a.outcome?.tier ?? null, status: a.status }))))

    // Submitted again, the change is cleared and another assessor may sign it off.
    const again = await contributor.post(`/register/${entry.id}/screening`, answersForm({ ...watching, monitoring: ['none'] }))
    assert.equal(again.statusCode, 303)
    const resubmitted = (await assessment(entry, 'screening'))!
    assert.equal(resubmitted.status, 'submitted')
    assert.deepEqual(resubmitted.changes, [], 'nothing is pending once it is submitted again')
    assert.equal((await assessor2.post(`/register/${entry.id}/assessments/screening/signoff`)).statusCode, 303)
  })

  test('the entry’s tier follows a re-evaluation: a prohibited practice withdrawn elsewhere lowers it at once', async () => {
    const entry = await makeEntry(t, team, { name: 'Tenant scoring', personalData: true, stage: 'under_assessment' })
    const scoring = { ...SCREENINGS.high, prohibited_practices: ['social_scoring'] }
    assert.equal((await contributor.post(`/register/${entry.id}/screening`, answersForm(scoring))).statusCode, 303)
    assert.equal((await reload(t, team, entry.id)).riskTier, 'prohibited')

    const r = await t.services.assessments.save(team.contributor.user, entry.id, 'eu_ai_act', { prohibited_practices: ['none'], annex_iii_areas: ['benefits_and_services'] }, 'save')
    assert.ok(r.ok, `the EU AI Act draft saves: ${JSON.stringify(r.ok ? '' : r.errors)}`)
    const screening = (await assessment(entry, 'screening'))!
    assert.equal(screening.outcome!.tier, 'high')
    assert.equal(screening.status, 'needs_review')
    assert.equal(screening.changes[0]?.from?.tier, 'prohibited')
    assert.equal(screening.changes[0]?.to.tier, 'high')
    assert.equal((await reload(t, team, entry.id)).riskTier, 'high', 'the entry takes the new tier in the same save')
    await assertOutcomesFresh(entry)
  })

  test('a draft is only refreshed; a submitted one whose conclusion stays the same stays submitted', async () => {
    const entry = await makeEntry(t, team, { name: 'Minutes drafter', personalData: true, stage: 'under_assessment' })
    // A DPIA draft that says public places are watched.
    const draft = await t.services.assessments.save(team.contributor.user, entry.id, 'dpia', { ...watching }, 'save')
    assert.ok(draft.ok, `dpia draft: ${JSON.stringify(draft.ok ? '' : draft.errors)}`)
    // A screening submitted with the same facts except monitoring, which it changes to none.
    assert.equal((await contributor.post(`/register/${entry.id}/screening`, answersForm({ ...watching, monitoring: ['none'] }))).statusCode, 303)
    const dpia = (await assessment(entry, 'dpia'))!
    assert.equal(dpia.status, 'draft', 'a draft stays a draft')
    assert.deepEqual(dpia.answers.monitoring, ['none'])
    await assertOutcomesFresh(entry)
    const history = await contributor.get(`/register/${entry.id}/assessments/dpia/history`)
    assertShows(history.body, 'assessments.action.re_evaluated')

    // The screening is submitted; the DPIA draft moves an answer without changing what the screening concludes.
    const screeningBefore = (await assessment(entry, 'screening'))!
    const screeningSet = t.services.assessments.setNamed('screening')
    assert.deepEqual(evaluate(screeningSet, { ...screeningBefore.answers, people_scale: 'thousands' }), screeningBefore.outcome,
      'precondition: 1,000 to 9,999 people is large scale too')
    const same = await t.services.assessments.save(team.contributor.user, entry.id, 'dpia',
      { ...watching, monitoring: ['none'], people_scale: 'thousands' }, 'save')
    assert.ok(same.ok, `dpia draft: ${JSON.stringify(same.ok ? '' : same.errors)}`)
    const screeningAfter = (await assessment(entry, 'screening'))!
    assert.equal(screeningAfter.answers.people_scale, 'thousands', 'the screening holds the new answer')
    assert.equal(screeningAfter.status, 'submitted', 'same conclusion: still submitted')
    assert.equal(screeningAfter.changes.length, 1, 'the moved answer is still recorded')
    assert.equal(screeningAfter.changes[0]!.outcomeChanged, false)
    await assertOutcomesFresh(entry)
  })
})
