import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { assertShows, type Client, createTestApp, fieldValue, shown, type TestApp } from '../../../test/support/app.ts'
import {
  answersForm, makeEntry, makeOrganisation, makePerson, makeTeam, reload, SCREENINGS, signInAs, type Team,
} from '../../../test/support/factories.ts'
import type { RegisterEntry } from '../register/model.ts'
import { allQuestions } from './questionSet/schema.ts'

let t: TestApp
let team: Team
let contributor: Client
let assessor: Client
let assessor2: Client
before(async () => {
  t = await createTestApp({ demo: false })
  team = await makeTeam(t)
  const second = await makePerson(t, team.org, ['assessor'], { name: 'Second Assessor' })
  ;[contributor, assessor, assessor2] = await Promise.all([signInAs(t, team.contributor), signInAs(t, team.assessor), signInAs(t, second)])
})
after(() => t.close())

/** The intake, as its form posts it. */
const intake = {
  q_purpose: 'Answers residents’ questions on the website.', q_benefit: 'Quicker answers at any hour.',
  q_lifecycle_phase: 'design', q_service_area: 'customer_services', q_technique: 'llm_generative', q_usage_frequency: 'continuous',
  q_personal_data: 'yes', q_special_category: 'no', q_people_scale: 'tens_of_thousands_or_more', q_data_sources: ['council_records', 'user_input'],
  q_people_affected: 'residents', q_decision_role: 'informs', q_vulnerable_people: 'no',
  q_human_oversight: 'Staff review a sample of conversations every week.', q_supplier_involved: 'yes', q_supplier_name: 'Chatbot Ltd',
}
/** What the DPIA screening asks beyond the intake. */
const dpiaOnly = {
  q_data_matching: 'no', q_invisible_processing: 'no', q_biometric_identification: 'no', q_genetic_data: 'no',
  q_physical_harm_breach: 'no', q_monitoring: 'none', q_profiling: 'no', q_children_online_service: 'no',
  q_dpia_status: 'in_progress', q_dpo_consulted: 'yes', q_residual_high_risk: 'no',
}
/** A form's fields as the services take raw answers (the same strings, without the q_ prefix). */
const raw = (form: Record<string, string | string[]>) => Object.fromEntries(Object.entries(form).map(([k, v]) => [k.replace(/^q_/, ''), v]))

const assessment = (entry: RegisterEntry, setId: string) => t.services.assessments.assessmentFor(team.viewer.user, entry.id, setId)
const statusOf = async (entry: RegisterEntry, setId: string) => (await assessment(entry, setId))?.status
/** Saves a set through the service, as `who`, failing loudly if the answers are refused. */
async function saved(entry: RegisterEntry, setId: string, form: Record<string, string | string[]>, intent: 'save' | 'submit', who = team.contributor) {
  const r = await t.services.assessments.save(who.user, entry.id, setId, raw(form), intent)
  assert.ok(r.ok, `saving ${setId}: ${JSON.stringify(r.ok ? '' : r.errors)}`)
}
/** A question's own words, as the error summary names it. */
function questionText(setId: string, qid: string): string {
  const q = allQuestions(t.services.assessments.setNamed(setId)).find((x) => x.id === qid)
  assert.ok(q, `${setId} asks ${qid}`)
  return q.text
}
const chatbot = () => makeEntry(t, team, {
  name: 'Website chatbot', personalData: true, stage: 'under_assessment',
  purpose: 'Answers residents’ questions on the council website from published pages.',
})

describe('answer once, comply many', () => {
  test('the intake answered once fills the DPIA screening form, and each shared answer is stored once', async () => {
    const entry = await chatbot()
    const res = await contributor.post(`/register/${entry.id}/assessments/intake`, { ...intake, intent: 'submit' })
    assert.equal(res.statusCode, 303, res.body.slice(0, 500))
    // The DPIA screening is answered a section at a time; together its section pages show every question.
    const pages = await Promise.all(['the_tool', 'the_data', 'people_and_decisions', 'assessment']
      .map((s) => contributor.get(`/register/${entry.id}/assessments/dpia/sections/${s}`)))
    assert.deepEqual(pages.map((p) => p.statusCode), [200, 200, 200, 200])
    const dpia = { body: pages.map((p) => p.body).join('') }
    assert.match(dpia.body, /name="q_personal_data" type="radio" value="yes" checked/)
    assert.match(dpia.body, /name="q_people_scale" type="radio" value="tens_of_thousands_or_more" checked/)
    assert.match(dpia.body, /name="q_decision_role" type="radio" value="informs" checked/)
    assert.doesNotMatch(dpia.body, /name="q_dpia_status" type="radio" value="[^"]*" checked/, 'what the intake did not ask is not chosen')
    const answers = await t.services.assessments.answersFor(team.viewer.user, entry.id)
    assert.equal(answers.personal_data, true)
    assert.equal(answers.people_scale, 'tens_of_thousands_or_more')
    const rows = await t.db.query('select 1 from entry_answers where entry_id = $1 and question_id = $2', [entry.id, 'personal_data'])
    assert.equal(rows.length, 1, 'a shared answer is stored once')
  })

  test('a draft may be partial; submitting lists each unanswered required question by name', async () => {
    const entry = await chatbot()
    const draft = await contributor.post(`/register/${entry.id}/assessments/dpia`, { q_genetic_data: 'no', intent: 'save' })
    assert.equal(draft.statusCode, 303)
    assert.equal(await statusOf(entry, 'dpia'), 'draft')
    const submit = await contributor.post(`/register/${entry.id}/assessments/dpia`, { q_personal_data: 'yes', q_genetic_data: 'no', intent: 'submit' })
    assert.equal(submit.statusCode, 400)
    for (const qid of ['dpia_status', 'data_matching']) {
      const text = shown('assessments.errors.required', { question: questionText('dpia', qid) })
      assert.ok(submit.body.includes(`href="#q_${qid}">${text}`), `the summary links to ${qid}: ${text}`)
    }
    assert.doesNotMatch(submit.body, /href="#q_genetic_data"/, 'an answered question is not listed')
    assert.equal(await statusOf(entry, 'dpia'), 'draft')
  })

  test('a wrong kind of answer is a field error, and nothing is saved', async () => {
    const entry = await chatbot()
    const res = await contributor.post(`/register/${entry.id}/assessments/dpia`, { q_dpia_status: 'finished-ish', intent: 'save' })
    assert.equal(res.statusCode, 400)
    assert.match(res.body, /href="#q_dpia_status"/)
    assert.equal(await assessment(entry, 'dpia'), null)
  })

  test('submitted outcomes set the entry’s tier (the highest of them) and its required actions', async () => {
    const entry = await makeEntry(t, team, { personalData: true, stage: 'under_assessment', screening: 'low' })
    assert.equal((await reload(t, team, entry.id)).riskTier, 'low')
    const res = await contributor.post(`/register/${entry.id}/assessments/dpia`, { ...intake, ...dpiaOnly, intent: 'submit' })
    assert.equal(res.statusCode, 303, res.body.slice(0, 300))
    const dpia = (await assessment(entry, 'dpia'))!
    assert.equal(dpia.status, 'submitted')
    assert.equal(dpia.setVersion, 1)
    assert.ok(dpia.outcome!.flags.some((f) => f.id === 'dpia_required'), 'large-scale AI processing needs a DPIA')
    assert.notEqual(dpia.outcome!.tier, 'low', 'the DPIA screening finds more than the low screening did')
    assert.equal((await reload(t, team, entry.id)).riskTier, dpia.outcome!.tier)
    const page = await contributor.get(`/register/${entry.id}/assessments`)
    assert.equal(page.statusCode, 200)
    assert.match(page.body, /Why this result/, 'each framework says why it concluded what it did')
    assert.match(page.body, /Required actions/)
    assert.match(page.body, /MUST/)
    const actions = await t.services.assessments.actionsFor(team.viewer.user, entry.id)
    assert.deepEqual(
      actions.filter((a) => a.sources.some((s) => s.setId === 'dpia')).map((a) => `${a.level} ${a.text}`).sort(),
      [...new Set(dpia.outcome!.actions.map((a) => `${a.level} ${a.text}`))].sort(),
      'one action per action the rules require',
    )
  })

  test('the author may not sign off their own submission; another assessor may', async () => {
    const entry = await chatbot()
    assert.equal((await assessor.post(`/register/${entry.id}/assessments/intake`, { ...intake, intent: 'submit' })).statusCode, 303)
    const own = await assessor.post(`/register/${entry.id}/assessments/intake/signoff`)
    assert.equal(own.statusCode, 409)
    assertShows(own.body, 'assessments.errors.ownSignOff')
    assert.equal(await statusOf(entry, 'intake'), 'submitted')
    assert.equal((await contributor.post(`/register/${entry.id}/assessments/intake/signoff`)).statusCode, 403)
    assert.equal(await statusOf(entry, 'intake'), 'submitted')
    assert.equal((await assessor2.post(`/register/${entry.id}/assessments/intake/signoff`)).statusCode, 303)
    const signed = (await assessment(entry, 'intake'))!
    assert.equal(signed.status, 'signed_off')
    assert.equal(signed.signedOffByName, 'Second Assessor')
  })

  test('a draft cannot be signed off', async () => {
    const entry = await chatbot()
    await saved(entry, 'dpia', { q_genetic_data: 'no' }, 'save')
    const res = await assessor.post(`/register/${entry.id}/assessments/dpia/signoff`)
    assert.equal(res.statusCode, 409)
    assertShows(res.body, 'assessments.errors.notSubmitted')
    assert.equal(await statusOf(entry, 'dpia'), 'draft')
  })

  test('changing a key answer marks the signed-off assessments that used it for review', async () => {
    const entry = await chatbot()
    await saved(entry, 'intake', intake, 'submit')
    await saved(entry, 'dpia', { ...intake, ...dpiaOnly }, 'submit')
    await t.services.assessments.signOff(team.assessor.user, entry.id, 'intake')
    await t.services.assessments.signOff(team.assessor.user, entry.id, 'dpia')
    const res = await contributor.post(`/register/${entry.id}/assessments/screening`, {
      ...answersForm({ ...SCREENINGS.medium, special_category: true, people_scale: 'tens_of_thousands_or_more' }), intent: 'submit',
    })
    assert.equal(res.statusCode, 303, res.body.slice(0, 300))
    // special_category changed from no to yes: both the intake and the DPIA used it.
    assert.equal(await statusOf(entry, 'intake'), 'needs_review')
    assert.equal(await statusOf(entry, 'dpia'), 'needs_review')
    const form = await contributor.get(`/register/${entry.id}/assessments/dpia`)
    assert.match(form.body, /An answer this assessment relied on has changed/)
    const history = await contributor.get(`/register/${entry.id}/assessments/dpia/history`)
    assert.match(history.body, /Marked for review because these answers changed: [a-z_, ]*special_category/)
    assert.match(history.body, /Signed off/)
  })

  test('an assessor can return an assessment with comments, which its author then sees', async () => {
    const entry = await chatbot()
    await saved(entry, 'dpia', { ...intake, ...dpiaOnly }, 'submit')
    const empty = await assessor2.post(`/register/${entry.id}/assessments/dpia/return`, { comment: '' })
    assert.equal(empty.statusCode, 400)
    assertShows(empty.body, 'assessments.errors.comment')
    assert.equal(await statusOf(entry, 'dpia'), 'submitted')
    const res = await assessor2.post(`/register/${entry.id}/assessments/dpia/return`, { comment: 'Say how long recordings are kept.' })
    assert.equal(res.statusCode, 303)
    assert.equal(await statusOf(entry, 'dpia'), 'returned')
    assert.equal((await assessment(entry, 'dpia'))!.comment, 'Say how long recordings are kept.')
    const form = await contributor.get(`/register/${entry.id}/assessments/dpia`)
    assert.match(form.body, /Say how long recordings are kept\./)
  })

  test('required actions take a status, an owner and a due date', async () => {
    const entry = await chatbot()
    await saved(entry, 'dpia', { ...intake, ...dpiaOnly }, 'submit')
    const [action] = await t.services.assessments.actionsFor(team.viewer.user, entry.id)
    assert.ok(action, 'the DPIA set some actions')
    await contributor.get(`/register/${entry.id}/assessments`)
    const res = await contributor.post(`/register/${entry.id}/actions/${action.id}`, {
      status: 'done', owner: 'Data Protection Officer', 'dueDate-day': '31', 'dueDate-month': '1', 'dueDate-year': '2027',
    })
    assert.equal(res.statusCode, 303)
    const after = (await t.services.assessments.actionsFor(team.viewer.user, entry.id)).find((a) => a.id === action.id)!
    assert.deepEqual([after.status, after.owner, after.dueDate], ['done', 'Data Protection Officer', '2027-01-31'])
  })
})

describe('risk register', () => {
  test('risks from the hidden-risks workshop and risks added by hand appear together', async () => {
    const entry = await chatbot()
    const workshop = await contributor.post(`/register/${entry.id}/assessments/hidden_risks`, {
      q_risks__0__category: 'quality_assurance', q_risks__0__description: 'Staff copy chatbot answers without checking.',
      q_risks__0__likelihood: '4', q_risks__0__impact: '4', q_risks__0__mitigation: 'Weekly sampling.', q_risks__0__owner: 'Digital lead',
      q_risks__1__category: '', q_risks__1__description: '', intent: 'save',
    })
    assert.equal(workshop.statusCode, 303, workshop.body.slice(0, 400))
    const answers = await t.services.assessments.answersFor(team.viewer.user, entry.id)
    assert.equal((answers.risks as unknown[]).length, 1, 'the blank row is dropped')

    const bad = await contributor.post(`/register/${entry.id}/risks`, { category: 'nonsense', description: '', likelihood: '9' })
    assert.equal(bad.statusCode, 400)
    assert.match(bad.body, /Select a category/)
    assert.equal((await t.services.risks.listFor(team.viewer.user, entry.id)).length, 1, 'nothing added')
    const ok = await contributor.post(`/register/${entry.id}/risks`, {
      category: 'human_connection_overreliance', description: 'Residents who cannot use chat get a worse service.',
      likelihood: '3', impact: '3', residualLikelihood: '2', residualImpact: '2', mitigation: 'Phone line stays open.',
    })
    assert.equal(ok.statusCode, 303)
    const risks = await t.services.risks.listFor(team.viewer.user, entry.id)
    assert.deepEqual(risks.map((r) => [r.source, r.description, r.inherent]).sort(), [
      ['manual', 'Residents who cannot use chat get a worse service.', 'medium'],
      ['workshop', 'Staff copy chatbot answers without checking.', 'high'],
    ])
    const page = await contributor.get(`/register/${entry.id}/assessments`)
    assert.match(page.body, /Staff copy chatbot answers without checking\./)
    assert.match(page.body, /Residents who cannot use chat get a worse service\./)
    assert.match(page.body, /High \(4×4\)/)
    assert.match(page.body, /Medium \(3×3\)/)
  })

  test('a viewer cannot add risks; another organisation cannot see the register', async () => {
    const entry = await chatbot()
    const viewer = await signInAs(t, team.viewer)
    assert.equal((await viewer.post(`/register/${entry.id}/risks`, { category: 'ethics', description: 'x', likelihood: '1', impact: '1' })).statusCode, 403)
    assert.deepEqual(await t.services.risks.listFor(team.viewer.user, entry.id), [])
    const otherOrg = await makeOrganisation(t)
    const other = await signInAs(t, await makePerson(t, otherOrg, ['admin', 'assessor', 'contributor']))
    assert.equal((await other.get(`/register/${entry.id}/assessments`)).statusCode, 404)
    assert.equal((await other.get(`/register/${entry.id}/assessments/dpia`)).statusCode, 404)
    assert.equal((await other.post(`/register/${entry.id}/risks`, { category: 'ethics', description: 'x', likelihood: '1', impact: '1' })).statusCode, 404)
    await saved(entry, 'dpia', { ...intake, ...dpiaOnly }, 'submit')
    assert.equal((await other.post(`/register/${entry.id}/assessments/dpia/signoff`)).statusCode, 404)
    assert.equal(await statusOf(entry, 'dpia'), 'submitted')
  })
})

describe('ATRS fields from answers', () => {
  test('a drafted record takes blank fields from the answers, and later answers fill what is still blank', async () => {
    const entry = await makeEntry(t, team, { name: 'Case chronology', stage: 'approved', record: 'draft' })
    const fields = async () => (await t.services.transparency.recordFor(team.viewer.user, entry.id))!.fields
    assert.equal((await fields()).benefit ?? '', '')
    await contributor.post(`/register/${entry.id}/assessments/intake`, { ...intake, q_benefit: 'Saves social workers hours per case.', intent: 'save' })
    assert.equal((await fields()).benefit, 'Saves social workers hours per case.')
    // Text a person wrote is never overwritten.
    const r = (await t.services.transparency.recordFor(team.contributor.user, entry.id))!
    await t.services.transparency.update(team.contributor.user, entry.id, r.version, { benefit: 'Written by a person.' })
    await contributor.post(`/register/${entry.id}/assessments/intake`, { ...intake, q_benefit: 'A later answer.', intent: 'save' })
    assert.equal((await fields()).benefit, 'Written by a person.')
    // A risk added by hand feeds "risks and mitigations" too.
    assert.equal((await fields()).risks_and_mitigations ?? '', '')
    await contributor.post(`/register/${entry.id}/risks`, {
      category: 'quality_assurance', description: 'A missed event in a chronology.', likelihood: '2', impact: '4', mitigation: 'Social worker checks every entry.',
    })
    assert.match((await fields()).risks_and_mitigations!, /Quality assurance: A missed event in a chronology; rated low; mitigation: Social worker checks every entry\./)
    const page = await contributor.get(`/register/${entry.id}/assessments`)
    assert.match(page.body, /Transparency record fields the answers fill/)
    assert.match(page.body, /2\.2\.3 Benefit/)
    assert.match(page.body, /2\.5\.2 Risks and mitigations/)
  })
})

describe('assessment API', () => {
  test('400 names the question; a valid save returns the outcome; a stale version is 409', async () => {
    const token = await t.services.auth.createApiToken(team.contributor.id, team.org.id, 'api')
    const headers = { authorization: `Bearer ${token}` }
    const entry = await makeEntry(t, team, { stage: 'idea' })
    const url = `/api/v1/entries/${entry.id}/assessments/screening`
    const bad = await t.app.inject({ method: 'PUT', url, headers, payload: { answers: { personal_data: 'perhaps', people_scale: 7 }, submit: false, version: 0 } })
    assert.equal(bad.statusCode, 400)
    assert.ok(bad.json().fields.personal_data, 'personal_data is named')
    const missing = await t.app.inject({ method: 'PUT', url, headers, payload: { answers: { personal_data: false }, submit: true, version: 0 } })
    assert.equal(missing.statusCode, 400)
    assert.ok(missing.json().fields.prohibited_practices, 'an unanswered required question is named')
    assert.equal(missing.json().fields.decision_role, undefined, 'the register’s decision role is already an answer')
    assert.equal(await assessment(entry, 'screening'), null, 'refused saves store nothing')
    const ok = await t.app.inject({ method: 'PUT', url, headers, payload: { answers: { personal_data: false }, submit: false, version: 0 } })
    assert.equal(ok.statusCode, 200)
    assert.equal(ok.json().status, 'draft')
    assert.equal(ok.json().version, 1)
    const stale = await t.app.inject({ method: 'PUT', url, headers, payload: { answers: { personal_data: true }, submit: false, version: 0 } })
    assert.equal(stale.statusCode, 409)
    assert.equal(stale.json().version, 1)
    assert.equal((await t.services.assessments.answersFor(team.viewer.user, entry.id)).personal_data, false)
    const unknownSet = await t.app.inject({ method: 'GET', url: `/api/v1/entries/${entry.id}/assessments/nonsense`, headers })
    assert.equal(unknownSet.statusCode, 404)
    const list = await t.app.inject({ method: 'GET', url: `/api/v1/entries/${entry.id}/assessments`, headers })
    assert.deepEqual(list.json().assessments.map((a: { set: string; status: string }) => [a.set, a.status]), [['screening', 'draft']])
  })
})

describe('hostile form field names', () => {
  test('field names after __proto__, constructor or prototype reach no object’s prototype and no stored answer', async () => {
    const entry = await chatbot()
    const protoBefore = Object.getOwnPropertyNames(Object.prototype).sort()
    const arrayBefore = Object.getOwnPropertyNames(Array.prototype).sort()
    const res = await contributor.post(`/register/${entry.id}/assessments/hidden_risks`, {
      q___proto__: 'y', q___proto____0__category: 'x', q_constructor__0__prototype: 'z', q_constructor: 'c', q_prototype: 'p',
      q_risks__0____proto__: 'polluted', q_risks__0__constructor: 'polluted', q_risks____proto____category: 'polluted',
      q_risks__0__category: 'ethics', q_risks__0__description: 'A real risk beside the hostile fields.', q_risks__0__likelihood: '2', q_risks__0__impact: '2',
      intent: 'save',
    })
    assert.equal(res.statusCode, 303, res.body.slice(0, 400))
    assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), protoBefore, 'Object.prototype gained nothing')
    assert.deepEqual(Object.getOwnPropertyNames(Array.prototype).sort(), arrayBefore, 'Array.prototype gained nothing')
    const answers = await t.services.assessments.answersFor(team.viewer.user, entry.id)
    // The register's own facts the set asks (purpose, personal data, oversight) count as its answers too.
    assert.deepEqual(Object.keys(answers).sort(), ['human_oversight', 'personal_data', 'purpose', 'risks'], 'only questions the set asks are stored')
    assert.deepEqual(answers.risks, [{ category: 'ethics', description: 'A real risk beside the hostile fields.', likelihood: '2', impact: '2' }])
    assert.equal(Object.getPrototypeOf((answers.risks as object[])[0]), Object.prototype)
    // The app still answers, and a made-up session cookie is still refused.
    const bogus = await t.app.inject({ method: 'GET', url: '/api/v1/entries', headers: { cookie: 'aigov_session=bogus' } })
    assert.equal(bogus.statusCode, 401)
  })
})

describe('bad input never becomes a server error', () => {
  test('impossible dates, malformed ids and empty bodies get 400 or 404, and change nothing', async () => {
    const entry = await chatbot()
    await saved(entry, 'dpia', { ...intake, ...dpiaOnly }, 'submit')
    await contributor.get(`/register/${entry.id}/assessments`)
    const risk = await contributor.post(`/register/${entry.id}/risks`, {
      category: 'ethics', description: 'x', likelihood: '2', impact: '2', 'reviewDate-day': '30', 'reviewDate-month': '2', 'reviewDate-year': '2027',
    })
    assert.equal(risk.statusCode, 400)
    assert.match(risk.body, /Review date must be a real date/)
    assert.deepEqual(await t.services.risks.listFor(team.viewer.user, entry.id), [])
    const [action] = await t.services.assessments.actionsFor(team.viewer.user, entry.id)
    const due = await contributor.post(`/register/${entry.id}/actions/${action!.id}`, { status: 'done', 'dueDate-day': '45', 'dueDate-month': '13', 'dueDate-year': '2027' })
    assert.ok(due.statusCode === 400 || due.statusCode === 303, `an impossible due date answers ${due.statusCode}`)
    const after = (await t.services.assessments.actionsFor(team.viewer.user, entry.id)).find((a) => a.id === action!.id)!
    assert.deepEqual([after.status, after.dueDate], [action!.status, action!.dueDate], 'the action is unchanged')
    assert.equal((await contributor.post(`/register/${entry.id}/actions/${'-'.repeat(36)}`, { status: 'open' })).statusCode, 404)
    assert.equal((await contributor.post(`/register/${entry.id}/risks/${'a'.repeat(36)}/delete`)).statusCode, 404)
    const empty = await t.app.inject({
      method: 'POST', url: `/register/${entry.id}/risks`,
      headers: { cookie: contributor.cookieHeader(), 'x-csrf-token': contributor.csrf, 'content-type': 'application/x-www-form-urlencoded' },
      payload: '',
    })
    assert.equal(empty.statusCode, 400)
    assert.deepEqual(await t.services.risks.listFor(team.viewer.user, entry.id), [])
  })

  test('a tampered session cookie is refused', async () => {
    const sid = contributor.cookies.get('aigov_session')!
    const forged = sid.replace(/^(.)/, (c) => (c === 'a' ? 'b' : 'a'))
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/entries', headers: { cookie: `aigov_session=${forged}` } })
    assert.equal(res.statusCode, 401)
  })
})

describe('workflow edges', () => {
  test('an edit based on a stale assessment version is refused and keeps the typed answers', async () => {
    const entry = await makeEntry(t, team, { stage: 'proposed' })
    const first = await contributor.post(`/register/${entry.id}/assessments/ethics`, { q_transparency_score: '3', version: '0', intent: 'save' })
    assert.equal(first.statusCode, 303)
    const stale = await assessor.post(`/register/${entry.id}/assessments/ethics`, { q_transparency_score: '1', version: '0', intent: 'save' })
    assert.equal(stale.statusCode, 409)
    assertShows(stale.body, 'assessments.errors.stale')
    assert.match(stale.body, /name="q_transparency_score" type="radio" value="1" checked/)
    assert.equal((await assessment(entry, 'ethics'))!.answers.transparency_score, 3)
    assert.equal(fieldValue(stale.body, 'version'), '1', 'the form now carries the stored version')
  })

  test('a returned screening no longer counts: the tier is cleared and the entry cannot await a decision', async () => {
    const entry = await makeEntry(t, team, { stage: 'under_assessment' })
    await contributor.post(`/register/${entry.id}/assessments/screening`, { ...answersForm(SCREENINGS.low), intent: 'submit' })
    assert.equal((await reload(t, team, entry.id)).riskTier, 'low')
    assert.equal((await assessor.post(`/register/${entry.id}/assessments/screening/return`, { comment: 'Check the data used.' })).statusCode, 303)
    assert.equal((await reload(t, team, entry.id)).riskTier, null)
    await contributor.get(`/register/${entry.id}`)
    const res = await contributor.post(`/register/${entry.id}/stage`, { stage: 'awaiting_decision' })
    assert.equal(res.headers.location, `/register/${entry.id}?refused=lifecycle.needsScreening`)
    assert.equal((await reload(t, team, entry.id)).stage, 'under_assessment')
  })
})
