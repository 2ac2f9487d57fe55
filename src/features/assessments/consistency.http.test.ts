// Contradicting answers are refused over HTTP (issue 8, item 2): the form comes back with a field
// error on each question involved, and everything typed is kept; nothing is stored.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { type Client, createTestApp, escapeHtml, type TestApp } from '../../../test/support/app.ts'
import { makeEntry, makeTeam, signInAs, type Team } from '../../../test/support/factories.ts'
import { inconsistencies } from './engine.ts'

let t: TestApp
let team: Team
let contributor: Client
before(async () => {
  t = await createTestApp({ demo: false })
  team = await makeTeam(t)
  contributor = await signInAs(t, team.contributor)
})
after(() => t.close())

describe('contradicting answers', () => {
  test('a signed contract with an undecided route: both questions get the message; what was typed is kept', async () => {
    const entry = await makeEntry(t, team, { name: 'Contact centre assistant', supplier: 'Chatbot Ltd', stage: 'under_assessment' })
    const res = await contributor.post(`/register/${entry.id}/assessments/procurement`, {
      q_supplier_name: 'Chatbot Ltd', q_companies_house_number: 'SC123456', q_supply_arrangement: 'product',
      q_procurement_stage: 'in_contract', q_procurement_route: 'not_decided', intent: 'save',
    })
    assert.equal(res.statusCode, 400, 'refused')
    const set = t.services.assessments.setNamed('procurement')
    const message = Object.values(inconsistencies(set, { procurement_stage: 'in_contract', procurement_route: 'not_decided' }))[0]!
    assert.match(res.body, /There is a problem/)
    assert.match(res.body, /href="#q_procurement_stage"/, 'the summary links to the first question')
    assert.match(res.body, /href="#q_procurement_route"/, 'and to the second')
    assert.ok(res.body.split(escapeHtml(message)).length - 1 >= 4, 'the message in the summary and beside each question')
    assert.match(res.body, /name="q_procurement_stage" type="radio" value="in_contract" checked/, 'the typed answers are kept')
    assert.match(res.body, /name="q_procurement_route" type="radio" value="not_decided" checked/)
    assert.match(res.body, /value="SC123456"/)
    assert.equal(await t.services.assessments.assessmentFor(team.viewer.user, entry.id, 'procurement'), null, 'nothing stored')
    assert.deepEqual(await t.services.assessments.answersFor(team.viewer.user, entry.id), {})

    // Consistent answers save.
    const ok = await contributor.post(`/register/${entry.id}/assessments/procurement`, {
      q_supplier_name: 'Chatbot Ltd', q_procurement_stage: 'in_contract', q_procurement_route: 'framework_call_off', intent: 'save',
    })
    assert.equal(ok.statusCode, 303, ok.body.slice(0, 300))
  })

  test('"None yet" with another option: the message names the question and both options', async () => {
    const entry = await makeEntry(t, team, { name: 'Benefits triage', personalData: true, stage: 'under_assessment' })
    const res = await contributor.post(`/register/${entry.id}/assessments/equality`, {
      q_evidence_sources: ['testing_results', 'none'], q_council_nation: 'england', intent: 'save',
    })
    assert.equal(res.statusCode, 400, 'refused')
    assert.match(res.body, /href="#q_evidence_sources"/)
    assert.ok(res.body.includes(escapeHtml('select either “None yet” or “Results of testing the tool, by us or the supplier”, not both')),
      'both options named')
    assert.match(res.body, /name="q_evidence_sources" type="checkbox" value="testing_results" checked/, 'the ticked boxes are kept')
    assert.equal(await t.services.assessments.assessmentFor(team.viewer.user, entry.id, 'equality'), null, 'nothing stored')
  })
})
