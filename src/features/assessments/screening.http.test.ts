import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { type Client, createTestApp, type TestApp } from '../../../test/support/app.ts'
import { answersForm, makeEntry, makeOrganisation, makePerson, makeTeam, reload, SCREENINGS, signInAs, type Team } from '../../../test/support/factories.ts'
import type { RegisterEntry } from '../register/model.ts'

let t: TestApp
let team: Team
let contributor: Client
before(async () => {
  t = await createTestApp({ demo: false })
  team = await makeTeam(t)
  contributor = await signInAs(t, team.contributor)
})
after(() => t.close())

/** A complete screening of a tool that scores tenants for arrears support. */
const highRisk = answersForm(SCREENINGS.high)
const screeningOf = (entry: RegisterEntry) => t.services.assessments.assessmentFor(team.viewer.user, entry.id, 'screening')
const answersOf = (entry: RegisterEntry) => t.services.assessments.answersFor(team.viewer.user, entry.id)

describe('screening', () => {
  test('the form is prefilled from the register entry', async () => {
    const entry = await makeEntry(t, team, { personalData: true, decisionRole: 'informs', stage: 'under_assessment' })
    // Each section of the screening is a page of its own.
    const section = (e: RegisterEntry, id: string) => contributor.get(`/register/${e.id}/assessments/screening/sections/${id}`)
    const res = await section(entry, 'personal_data')
    assert.equal(res.statusCode, 200)
    assert.match(res.body, /name="q_personal_data" type="radio" value="yes" checked/)
    assert.match((await section(entry, 'people_and_decisions')).body, /name="q_decision_role" type="radio" value="informs" checked/)
    const other = await makeEntry(t, team, { personalData: false, decisionRole: 'automates', stage: 'under_assessment' })
    assert.match((await section(other, 'personal_data')).body, /name="q_personal_data" type="radio" value="no" checked/)
    assert.match((await section(other, 'people_and_decisions')).body, /name="q_decision_role" type="radio" value="automates" checked/)
  })

  test('a complete screening derives the tier and flags, stores each answer once and audits it', async () => {
    const entry = await makeEntry(t, team, { personalData: true, stage: 'under_assessment' })
    const res = await contributor.post(`/register/${entry.id}/screening`, highRisk)
    assert.equal(res.statusCode, 303)
    assert.equal((await reload(t, team, entry.id)).riskTier, 'high')
    const a = (await screeningOf(entry))!
    assert.equal(a.status, 'submitted')
    assert.equal(a.setVersion, 1)
    const flags = a.outcome!.flags.map((f) => f.id)
    assert.ok(flags.includes('dpia_required'), flags.join())
    assert.ok(flags.includes('eqia_required'), flags.join())
    assert.deepEqual(Object.keys(await answersOf(entry)).sort(), Object.keys(SCREENINGS.high).sort())
    const rows = await t.db.query('select 1 from entry_answers where entry_id = $1', [entry.id])
    assert.equal(rows.length, Object.keys(SCREENINGS.high).length, 'one row per answer')
    const page = await contributor.get(`/register/${entry.id}`)
    assert.match(page.body, /High risk/)
    assert.match(page.body, /Assessment submitted/)
    assert.match(page.body, /Risk tier: — → high/)
  })

  test('missing and invalid answers are listed; nothing is saved', async () => {
    const entry = await makeEntry(t, team, { stage: 'under_assessment' })
    const res = await contributor.post(`/register/${entry.id}/screening`, { q_personal_data: 'perhaps', q_people_scale: 'millions' })
    assert.equal(res.statusCode, 400)
    assert.match(res.body, /There is a problem/)
    assert.match(res.body, /href="#q_personal_data"/)
    assert.match(res.body, /href="#q_prohibited_practices"/)
    assert.equal(await screeningOf(entry), null)
    assert.deepEqual(await answersOf(entry), {})
    assert.equal((await reload(t, team, entry.id)).riskTier, null)
  })

  test('answers to questions that are not asked are dropped', async () => {
    const entry = await makeEntry(t, team, { stage: 'under_assessment' })
    const res = await contributor.post(`/register/${entry.id}/screening`, { ...answersForm(SCREENINGS.low), q_special_category: 'yes', q_profiling: 'yes' })
    assert.equal(res.statusCode, 303)
    assert.deepEqual(Object.keys(await answersOf(entry)).sort(), Object.keys(SCREENINGS.low).sort(), 'only the questions asked')
    assert.equal((await reload(t, team, entry.id)).riskTier, 'low')
  })

  test('a prohibited practice gives the prohibited tier', async () => {
    const entry = await makeEntry(t, team, { stage: 'under_assessment' })
    assert.equal((await contributor.post(`/register/${entry.id}/screening`, { ...highRisk, q_prohibited_practices: 'social_scoring' })).statusCode, 303)
    assert.equal((await reload(t, team, entry.id)).riskTier, 'prohibited')
  })

  test('a viewer may not screen; another organisation gets 404', async () => {
    const entry = await makeEntry(t, team, { stage: 'under_assessment' })
    const viewer = await signInAs(t, team.viewer)
    assert.equal((await viewer.get(`/register/${entry.id}/screening`)).statusCode, 403)
    assert.match((await viewer.get(`/register/${entry.id}/assessments/screening`)).body, /can read this assessment but not answer it/)
    assert.equal((await viewer.post(`/register/${entry.id}/screening`, highRisk)).statusCode, 403)
    const other = await signInAs(t, await makePerson(t, await makeOrganisation(t), ['contributor', 'assessor']))
    assert.equal((await other.post(`/register/${entry.id}/screening`, highRisk)).statusCode, 404)
    assert.equal((await other.get(`/register/${entry.id}/assessments/screening`)).statusCode, 404)
    assert.equal(await screeningOf(entry), null)
  })
})
