// Needed or not, from all answers (issue 8, item 3): whether a set applies is worked out from every
// answer the entry has, the register entry's own fields included, and the page says which answer
// made it needed and where that answer was given.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { type Client, createTestApp, escapeHtml, type TestApp } from '../../../test/support/app.ts'
import { makeEntry, makeTeam, signInAs, type Team } from '../../../test/support/factories.ts'
import { allQuestions } from './questionSet/schema.ts'

let t: TestApp
let team: Team
let contributor: Client
before(async () => {
  t = await createTestApp({ demo: false })
  team = await makeTeam(t)
  contributor = await signInAs(t, team.contributor)
})
after(() => t.close())

const question = (setId: string, id: string) => allQuestions(t.services.assessments.setNamed(setId)).find((q) => q.id === id)!.text
/** The results page's row for one set: from its link to the end of the row. */
function rowOf(body: string, entryId: string, setId: string): string {
  const start = body.indexOf(`href="/register/${entryId}/assessments/${setId}"`)
  assert.ok(start >= 0, `the results page lists ${setId}`)
  return body.slice(start, body.indexOf('</tr>', start))
}

describe('which sets an entry needs', () => {
  test('a supplier entered on the register entry makes "Buying the AI tool" needed before the intake is answered, and says why', async () => {
    const entry = await makeEntry(t, team, { name: 'Case note summariser', supplier: 'Notes AI Ltd', personalData: true, stage: 'under_assessment' })
    const page = await contributor.get(`/register/${entry.id}/assessments`)
    assert.equal(page.statusCode, 200)
    const procurement = rowOf(page.body, entry.id, 'procurement')
    assert.match(procurement, /Needed/)
    assert.doesNotMatch(procurement, /Not needed/)
    assert.ok(procurement.includes(`${escapeHtml(question('intake', 'supplier_involved'))} — Yes (register entry)`), procurement)
    const dpia = rowOf(page.body, entry.id, 'dpia')
    assert.ok(dpia.includes(`${escapeHtml(question('dpia', 'personal_data'))} — Yes (register entry)`), 'personal data on the register entry makes the DPIA needed')

    // The set's own page says so too.
    const setPage = await contributor.get(`/register/${entry.id}/assessments/procurement`)
    assert.equal(setPage.statusCode, 200)
    assert.ok(setPage.body.includes('Needed because:'), 'the set page gives the reason')
    assert.ok(setPage.body.includes('Yes (register entry)'))

    // Answered in the intake, the reason names the intake.
    const intake = t.services.assessments.setNamed('intake')
    const r = await t.services.assessments.save(team.contributor.user, entry.id, 'intake', { supplier_involved: 'yes', people_affected: ['service_users'] }, 'save')
    assert.ok(r.ok, `intake draft: ${JSON.stringify(r.ok ? '' : r.errors)}`)
    const after = await contributor.get(`/register/${entry.id}/assessments`)
    assert.ok(rowOf(after.body, entry.id, 'procurement').includes(`— Yes (answered in ${escapeHtml(intake.title)})`), 'where the answer was given')
    const equality = rowOf(after.body, entry.id, 'equality')
    assert.ok(equality.includes(`— ${escapeHtml('People using a council service, such as tenants, carers or claimants')} (answered in ${escapeHtml(intake.title)})`),
      equality)
  })

  test('without a supplier anywhere, "Buying the AI tool" is not needed; an answer elsewhere changes that', async () => {
    const entry = await makeEntry(t, team, { name: 'In-house rota planner', stage: 'under_assessment' })
    const needs = await t.services.assessments.needs(team.viewer.user, entry)
    const procurement = needs.find((n) => n.set.id === 'procurement')!
    assert.equal(procurement.applies, false, 'no supplier: not needed')
    assert.deepEqual(procurement.because, [])
    const page = await contributor.get(`/register/${entry.id}/assessments`)
    assert.match(rowOf(page.body, entry.id, 'procurement'), /Not needed/)

    // The security set asks whether a supplier is involved: answered there, procurement is needed.
    const r = await t.services.assessments.save(team.contributor.user, entry.id, 'security', { supplier_involved: 'yes' }, 'save')
    assert.ok(r.ok, `security draft: ${JSON.stringify(r.ok ? '' : r.errors)}`)
    const now = (await t.services.assessments.needs(team.viewer.user, entry)).find((n) => n.set.id === 'procurement')!
    assert.equal(now.applies, true)
    assert.deepEqual(now.because.map((b) => [b.questionId, b.valueText, b.where]), [
      ['supplier_involved', 'Yes', { kind: 'set', setId: 'security', title: t.services.assessments.setNamed('security').title }],
    ])
  })
})
