// Found in review of issue 8, over HTTP: what a person sees after saving a section is what they
// submitted. Unticking every box clears the shared answer (and only that section's); an answer
// the register offers (supplier name, purpose) stays blank once cleared instead of the register's
// value coming back; the whole-set form clears what it showed and left out; and a save that leaves
// out a fact the register holds is evaluated with it, as the form and the set's need show it.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { type Client, createTestApp, fieldValue, type TestApp } from '../../../test/support/app.ts'
import { answersForm, makeEntry, makeTeam, SCREENINGS, signInAs, type Team } from '../../../test/support/factories.ts'
import type { RegisterEntry } from '../register/model.ts'
import { evaluate } from './engine.ts'

let t: TestApp
let team: Team
let contributor: Client
before(async () => {
  t = await createTestApp({ demo: false })
  team = await makeTeam(t)
  contributor = await signInAs(t, team.contributor)
})
after(() => t.close())

const url = (entry: RegisterEntry, setId: string, tail = '') => `/register/${entry.id}/assessments/${setId}${tail}`
const versionOn = (html: string) => /name="version" value="(\d+)"/.exec(html)?.[1] ?? '0'
const entryAnswers = (entry: RegisterEntry) => t.services.assessments.answersFor(team.viewer.user, entry.id)
const assessment = (entry: RegisterEntry, setId: string) => t.services.assessments.assessmentFor(team.viewer.user, entry.id, setId)
const checked = (html: string, name: string) => (html.match(new RegExp(`<input[^>]*name="${name}"[^>]*>`, 'g')) ?? []).filter((i) => / checked/.test(i))

/** Opens a section's page and posts the form to it, with the version the page carried. */
async function saveSection(entry: RegisterEntry, setId: string, section: string, form: Record<string, string | string[]>) {
  const page = await contributor.get(url(entry, setId, `/sections/${section}`))
  assert.equal(page.statusCode, 200, `the ${setId} ${section} page opens`)
  const res = await contributor.post(url(entry, setId, `/sections/${section}`), { ...form, version: versionOn(page.body) })
  assert.equal(res.statusCode, 303, `the ${section} section saves: ${res.body.slice(0, 300)}`)
}

/** The stored outcome of every assessment of the entry is a fresh evaluation of its stored answers. */
async function assertFresh(entry: RegisterEntry) {
  for (const a of await t.services.assessments.all(team.viewer.user, entry.id)) {
    const set = t.services.assessments.setNamed(a.setId)
    assert.deepEqual(a.outcome, evaluate(set, a.answers), `the ${a.setId} outcome follows its answers`)
  }
}

const M = SCREENINGS.medium
const personalSection = {
  personal_data: true, special_category: false, people_scale: 'hundreds', data_matching: false,
  invisible_processing: false, biometric_identification: false,
} as const

describe('clearing an answer on a section page', () => {
  test('unticking every box of a multiple-choice question clears the shared answer, and leaves other sections alone', async () => {
    const entry = await makeEntry(t, team, { personalData: true, stage: 'under_assessment' })
    await saveSection(entry, 'screening', 'people_and_decisions', answersForm({
      decision_role: M.decision_role, significant_effect: M.significant_effect, profiling: M.profiling, vulnerable_people: M.vulnerable_people,
    }))
    await saveSection(entry, 'screening', 'personal_data', answersForm({ ...personalSection, monitoring: ['public_spaces'] }))
    assert.deepEqual((await entryAnswers(entry)).monitoring, ['public_spaces'], 'the ticked box is stored')

    // Every box unticked: the browser sends no q_monitoring at all.
    await saveSection(entry, 'screening', 'personal_data', answersForm(personalSection))
    assert.equal((await entryAnswers(entry)).monitoring, undefined, 'the shared answer is cleared')
    assert.equal((await assessment(entry, 'screening'))?.answers.monitoring, undefined, 'the screening no longer has it')
    const page = await contributor.get(url(entry, 'screening', '/sections/personal_data'))
    assert.deepEqual(checked(page.body, 'q_monitoring'), [], 'no box is ticked when the page opens again')
    assert.equal((await entryAnswers(entry)).decision_role, M.decision_role, 'another section’s answer is kept')
    await assertFresh(entry)
  })

  test('a supplier name the register offers stays blank once cleared, on the section and on "check your answers"', async () => {
    const entry = await makeEntry(t, team, { supplier: 'Acme Ltd', stage: 'under_assessment' })
    const before = await contributor.get(url(entry, 'procurement', '/sections/supplier'))
    assert.equal(fieldValue(before.body, 'q_supplier_name'), 'Acme Ltd', 'the register’s supplier is offered')

    await saveSection(entry, 'procurement', 'supplier', { q_supplier_name: '' })
    const page = await contributor.get(url(entry, 'procurement', '/sections/supplier'))
    assert.equal(fieldValue(page.body, 'q_supplier_name') ?? '', '', 'the cleared field is blank, not the register’s value')
    const check = await contributor.get(url(entry, 'procurement', '/check'))
    assert.doesNotMatch(check.body, /Acme Ltd/, '"check your answers" does not show the register’s value either')
    assert.equal((await assessment(entry, 'procurement'))?.answers.supplier_name, undefined, 'the assessment has no supplier name')

    // Typed again, it is an answer again.
    await saveSection(entry, 'procurement', 'supplier', { q_supplier_name: 'Beta plc' })
    const again = await contributor.get(url(entry, 'procurement', '/sections/supplier'))
    assert.equal(fieldValue(again.body, 'q_supplier_name'), 'Beta plc', 'a new answer replaces the blank')
    await assertFresh(entry)
  })

  test('the purpose cleared in the intake stays cleared; the register’s purpose does not come back', async () => {
    const entry = await makeEntry(t, team, { stage: 'under_assessment' })
    await saveSection(entry, 'intake', 'about_the_tool', { q_purpose: '' })
    const page = await contributor.get(url(entry, 'intake', '/sections/about_the_tool'))
    assert.equal(fieldValue(page.body, 'q_purpose') ?? '', '', 'the purpose is blank as saved')
  })
})

describe('the whole-set form', () => {
  test('a question the form showed and the post leaves out is cleared; without `shown` the API-style post keeps it', async () => {
    const entry = await makeEntry(t, team, { personalData: true, stage: 'under_assessment' })
    await saveSection(entry, 'screening', 'personal_data', answersForm({ ...personalSection, monitoring: ['public_spaces'] }))

    await contributor.get(url(entry, 'screening'))
    const kept = await contributor.post(url(entry, 'screening'), {
      intent: 'save', version: String((await assessment(entry, 'screening'))!.version), ...answersForm(personalSection),
    })
    assert.equal(kept.statusCode, 303, kept.body.slice(0, 300))
    assert.deepEqual((await entryAnswers(entry)).monitoring, ['public_spaces'], 'a post that does not say what it showed keeps the rest')

    const cleared = await contributor.post(url(entry, 'screening'), {
      intent: 'save', version: String((await assessment(entry, 'screening'))!.version), ...answersForm(personalSection),
      shown: ['personal_data', 'monitoring', 'not_a_question'],
    })
    assert.equal(cleared.statusCode, 303, cleared.body.slice(0, 300))
    assert.equal((await entryAnswers(entry)).monitoring, undefined, 'the shown question left out is cleared')
    assert.equal((await entryAnswers(entry)).people_scale, 'hundreds', 'a question it sent is kept')
    await assertFresh(entry)
  })

  test('the whole-set form, shown again after an error, says which questions it shows', async () => {
    const entry = await makeEntry(t, team, { personalData: true, stage: 'under_assessment' })
    await contributor.get(url(entry, 'screening'))
    const res = await contributor.post(url(entry, 'screening'), { intent: 'submit', version: '0' })
    assert.equal(res.statusCode, 400, 'an incomplete submission is refused')
    assert.match(res.body, /<input type="hidden" name="shown" value="monitoring">/, 'the form names the questions it shows')
  })

  test('a post that leaves out a fact the register holds is evaluated with it, as the form shows it', async () => {
    const entry = await makeEntry(t, team, { personalData: true, stage: 'under_assessment' })
    await contributor.get(url(entry, 'screening'))
    const res = await contributor.post(url(entry, 'screening'), { intent: 'save', version: '0', q_monitoring: 'public_spaces' })
    assert.equal(res.statusCode, 303, res.body.slice(0, 300))
    const saved = await assessment(entry, 'screening')
    assert.equal(saved?.answers.personal_data, true, 'the register’s "uses personal data" is one of the screening’s answers')
    assert.deepEqual(saved?.answers.monitoring, ['public_spaces'], 'the monitoring question, asked because of it, is kept')
    await assertFresh(entry)
  })
})
