import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { as, type Client, createTestApp, entryId, signIn, type TestApp } from '../../../test/support/app.ts'

let t: TestApp
let contributor: Client
before(async () => {
  t = await createTestApp()
  contributor = await signIn(t.app, as.northmoor('contributor'))
})
after(() => t.close())

/** A complete screening of a tool that scores tenants for arrears support. */
const highRisk = {
  q_personal_data: 'yes', q_special_category: 'no', q_people_scale: 'tens_of_thousands_or_more', q_data_matching: 'yes',
  q_invisible_processing: 'no', q_biometric_identification: 'no', q_monitoring: 'none', q_decision_role: 'assists',
  q_significant_effect: 'yes', q_profiling: 'yes', q_vulnerable_people: 'yes', q_prohibited_practices: 'none',
  q_annex_iii_areas: 'benefits_and_services', q_narrow_procedural_task: 'no', q_public_facing: 'none', q_equality_impact: 'yes',
}

describe('screening', () => {
  test('the form is prefilled from the register entry', async () => {
    const id = await entryId(t.db, 'Website chatbot')
    const res = await contributor.get(`/register/${id}/assessments/screening`)
    assert.equal(res.statusCode, 200)
    // Personal data "yes" and decision role "informs" come from the entry.
    assert.match(res.body, /name="q_personal_data" type="radio" value="yes" checked/)
    assert.match(res.body, /name="q_decision_role" type="radio" value="informs" checked/)
  })

  test('a complete screening derives the tier and flags, stores answers once and audits it', async () => {
    const id = await entryId(t.db, 'Website chatbot')
    const res = await contributor.post(`/register/${id}/screening`, highRisk)
    assert.equal(res.statusCode, 303)
    const [entry] = await t.db.query<{ risk_tier: string }>('select risk_tier from register_entries where id = $1', [id])
    assert.equal(entry!.risk_tier, 'high')
    const [a] = await t.db.query<{ set_version: number; outcome: { flags: { id: string }[] } }>(
      "select set_version, outcome from assessments where entry_id = $1 and set_id = 'screening'", [id],
    )
    assert.equal(a!.set_version, 1)
    const flags = a!.outcome.flags.map((f) => f.id)
    assert.ok(flags.includes('dpia_required'), flags.join())
    assert.ok(flags.includes('eqia_required'), flags.join())
    const answers = await t.db.query<{ question_id: string }>('select question_id from entry_answers where entry_id = $1', [id])
    assert.equal(answers.length, 16)
    const page = await contributor.get(`/register/${id}`)
    assert.match(page.body, /High risk/)
    assert.match(page.body, /Assessment submitted/)
    assert.match(page.body, /Risk tier: — → high|Risk tier: .* → high/)
  })

  test('missing and invalid answers are listed; nothing is saved', async () => {
    const id = await entryId(t.db, 'Planning application validation checks')
    const res = await contributor.post(`/register/${id}/screening`, { q_personal_data: 'perhaps', q_people_scale: 'millions' })
    assert.equal(res.statusCode, 400)
    assert.match(res.body, /There is a problem/)
    assert.match(res.body, /href="#q_personal_data"/)
    assert.match(res.body, /href="#q_decision_role">Answer this question/)
    const rows = await t.db.query('select 1 from assessments where entry_id = $1', [id])
    assert.equal(rows.length, 0)
  })

  test('answers to questions that are not asked are dropped', async () => {
    const id = await entryId(t.db, 'Committee report drafting from templates')
    const res = await contributor.post(`/register/${id}/screening`, {
      q_personal_data: 'no', q_special_category: 'yes', q_decision_role: 'informs', q_prohibited_practices: 'none',
      q_annex_iii_areas: 'none', q_public_facing: 'none', q_equality_impact: 'no',
    })
    assert.equal(res.statusCode, 303)
    const rows = await t.db.query<{ question_id: string }>('select question_id from entry_answers where entry_id = $1', [id])
    assert.ok(!rows.some((r) => r.question_id === 'special_category'))
    const [e] = await t.db.query<{ risk_tier: string }>('select risk_tier from register_entries where id = $1', [id])
    assert.equal(e!.risk_tier, 'low')
  })

  test('a prohibited practice gives the prohibited tier', async () => {
    const id = await entryId(t.db, 'Planning application validation checks')
    await contributor.post(`/register/${id}/screening`, { ...highRisk, q_prohibited_practices: 'social_scoring' })
    const [e] = await t.db.query<{ risk_tier: string }>('select risk_tier from register_entries where id = $1', [id])
    assert.equal(e!.risk_tier, 'prohibited')
  })

  test('a viewer may not screen; another council gets 404', async () => {
    const id = await entryId(t.db, 'Website chatbot')
    const viewer = await signIn(t.app, as.northmoor('viewer'))
    assert.equal((await viewer.get(`/register/${id}/screening`)).statusCode, 403)
    assert.match((await viewer.get(`/register/${id}/assessments/screening`)).body, /can read this assessment but not answer it/)
    assert.equal((await viewer.post(`/register/${id}/screening`, highRisk)).statusCode, 403)
    const other = await signIn(t.app, as.riverside('contributor'))
    assert.equal((await other.post(`/register/${id}/screening`, highRisk)).statusCode, 404)
  })
})
