// Register fields are answers too (issue 8, items 1 and 3): editing the entry's own fields (what
// part the tool plays in decisions, personal data, supplier) brings the stored answers up to date
// and evaluates again, in the same transaction, every assessment that uses them.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { type Client, createTestApp, type TestApp } from '../../../test/support/app.ts'
import { answersForm, makeEntry, makeTeam, SCREENINGS, signInAs, type Team } from '../../../test/support/factories.ts'
import { evaluate } from './engine.ts'
import { derivedTier } from './service.ts'

let t: TestApp
let team: Team
let contributor: Client
before(async () => {
  t = await createTestApp({ demo: false })
  team = await makeTeam(t)
  contributor = await signInAs(t, team.contributor)
})
after(() => t.close())

describe('editing the register entry re-evaluates the assessments that use its fields', () => {
  test('the decision role moves from "assists" to "automates": the screening follows and needs review', async () => {
    const entry = await makeEntry(t, team, { name: 'Blue badge eligibility checker', personalData: true, stage: 'under_assessment' })
    const posted = await contributor.post(`/register/${entry.id}/screening`, answersForm(SCREENINGS.medium))
    assert.equal(posted.statusCode, 303, posted.body.slice(0, 300))
    const before = (await t.services.assessments.assessmentFor(team.viewer.user, entry.id, 'screening'))!
    assert.equal(before.status, 'submitted', 'the screening is submitted')
    assert.equal(before.answers.decision_role, 'assists')

    const current = await t.services.register.get(team.contributor.user, entry.id)
    await t.services.register.update(team.contributor.user, entry.id, { version: current.version, decisionRole: 'automates' })

    const after = (await t.services.assessments.assessmentFor(team.viewer.user, entry.id, 'screening'))!
    assert.equal(after.answers.decision_role, 'automates', 'the screening holds the register\'s new answer')
    const set = t.services.assessments.allSets().find((s) => s.id === 'screening')!
    assert.deepEqual(after.outcome, evaluate(set, after.answers), 'the stored outcome is a fresh evaluation of the stored answers')
    assert.notDeepEqual(after.outcome, before.outcome, 'the conclusion changed (a tool that automates decisions)')
    assert.equal(after.status, 'needs_review', 'a submitted screening whose conclusion changed needs review')
    assert.equal(after.changes[0]?.inSet.id, 'register', 'the change says it came from the register entry')
    assert.equal(after.changes[0]?.by, team.contributor.user.name, 'and who made it')

    const entryNow = await t.services.register.get(team.contributor.user, entry.id)
    assert.equal(entryNow.riskTier, derivedTier([{ tier: after.outcome.tier, status: after.status }]), 'the entry\'s tier follows')
    const page = await contributor.get(`/register/${entry.id}/assessments/screening`)
    assert.equal(page.statusCode, 200, 'the screening page opens')
    assert.match(page.body, /Register entry details/, 'the page says the answer moved in the register entry')
  })

  test('an edit that changes no answer re-evaluates nothing', async () => {
    const entry = await makeEntry(t, team, { name: 'Letter drafting aid', personalData: true, stage: 'under_assessment' })
    await contributor.post(`/register/${entry.id}/screening`, answersForm(SCREENINGS.medium))
    const before = (await t.services.assessments.assessmentFor(team.viewer.user, entry.id, 'screening'))!
    const current = await t.services.register.get(team.contributor.user, entry.id)
    await t.services.register.update(team.contributor.user, entry.id, { version: current.version, owner: 'Someone else' })
    const after = (await t.services.assessments.assessmentFor(team.viewer.user, entry.id, 'screening'))!
    assert.equal(after.version, before.version, 'the screening is untouched')
    assert.equal(after.status, 'submitted', 'and still submitted')
  })
})
