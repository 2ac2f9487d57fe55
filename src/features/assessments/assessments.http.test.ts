import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { insertUser } from '../../platform/auth/store.ts'
import { as, type Client, createTestApp, entryId, signIn, type TestApp } from '../../../test/support/app.ts'

let t: TestApp
let contributor: Client
let assessor: Client
let assessor2: Client
let id: string
before(async () => {
  t = await createTestApp()
  const [org] = await t.db.query<{ id: string }>("select id from organisations where slug = 'northmoor'")
  await insertUser(t.db, { email: 'second-assessor@northmoor.example', name: 'Second Assessor', password: 'second-assessor-pw', organisationId: org!.id, roles: ['assessor'] })
  contributor = await signIn(t.app, as.northmoor('contributor'))
  assessor = await signIn(t.app, as.northmoor('assessor'))
  assessor2 = await signIn(t.app, 'second-assessor@northmoor.example', 'second-assessor-pw')
  id = await entryId(t.db, 'Website chatbot')
})
after(() => t.close())

const intake = {
  q_purpose: 'Answers residents’ questions on the website.', q_benefit: 'Quicker answers at any hour.',
  q_lifecycle_phase: 'design', q_service_area: 'customer_services', q_technique: 'llm_generative', q_usage_frequency: 'continuous',
  q_personal_data: 'yes', q_special_category: 'no', q_people_scale: 'tens_of_thousands_or_more', q_data_sources: ['council_records', 'user_input'],
  q_people_affected: 'residents', q_decision_role: 'informs', q_vulnerable_people: 'no',
  q_human_oversight: 'Staff review a sample of conversations every week.', q_supplier_involved: 'yes', q_supplier_name: 'Chatbot Ltd',
}
const dpiaOnly = {
  q_data_matching: 'no', q_invisible_processing: 'no', q_biometric_identification: 'no', q_genetic_data: 'no',
  q_physical_harm_breach: 'no', q_monitoring: 'none', q_profiling: 'no', q_children_online_service: 'no',
  q_dpia_status: 'in_progress', q_dpo_consulted: 'yes', q_residual_high_risk: 'no',
}
const statusOf = async (setId: string) =>
  (await t.db.query<{ status: string }>('select status from assessments where entry_id = $1 and set_id = $2', [id, setId]))[0]?.status

describe('answer once, comply many', () => {
  test('the intake answered once fills the DPIA screening form', async () => {
    const res = await contributor.post(`/register/${id}/assessments/intake`, { ...intake, intent: 'submit' })
    assert.equal(res.statusCode, 303, res.body.slice(0, 500))
    const dpia = await contributor.get(`/register/${id}/assessments/dpia`)
    assert.equal(dpia.statusCode, 200)
    assert.match(dpia.body, /name="q_personal_data" type="radio" value="yes" checked/)
    assert.match(dpia.body, /name="q_people_scale" type="radio" value="tens_of_thousands_or_more" checked/)
    assert.match(dpia.body, /name="q_decision_role" type="radio" value="informs" checked/)
    const rows = await t.db.query('select 1 from entry_answers where entry_id = $1 and question_id = $2', [id, 'personal_data'])
    assert.equal(rows.length, 1, 'a shared answer is stored once')
  })

  test('a draft may be partial; submitting lists the unanswered required questions', async () => {
    const draft = await contributor.post(`/register/${id}/assessments/dpia`, { q_genetic_data: 'no', intent: 'save' })
    assert.equal(draft.statusCode, 303)
    assert.equal(await statusOf('dpia'), 'draft')
    const submit = await contributor.post(`/register/${id}/assessments/dpia`, { q_personal_data: 'yes', q_genetic_data: 'no', intent: 'submit' })
    assert.equal(submit.statusCode, 400)
    assert.match(submit.body, /href="#q_dpia_status">Answer this question/)
    assert.match(submit.body, /href="#q_data_matching">Answer this question/)
    assert.equal(await statusOf('dpia'), 'draft')
  })

  test('a wrong kind of answer is a field error', async () => {
    const res = await contributor.post(`/register/${id}/assessments/dpia`, { q_dpia_status: 'finished-ish', intent: 'save' })
    assert.equal(res.statusCode, 400)
    assert.match(res.body, /href="#q_dpia_status"/)
  })

  test('submitted outcomes set the entry’s tier (the highest) and its required actions', async () => {
    const res = await contributor.post(`/register/${id}/assessments/dpia`, { ...intake, ...dpiaOnly, intent: 'submit' })
    assert.equal(res.statusCode, 303, res.body.slice(0, 300))
    assert.equal(await statusOf('dpia'), 'submitted')
    const [a] = await t.db.query<{ outcome: { tier: string; flags: { id: string }[] }; set_version: number }>(
      "select outcome, set_version from assessments where entry_id = $1 and set_id = 'dpia'", [id])
    assert.equal(a!.set_version, 1)
    assert.ok(a!.outcome.flags.some((f) => f.id === 'dpia_required'), 'large-scale AI processing needs a DPIA')
    const page = await contributor.get(`/register/${id}/assessments`)
    assert.equal(page.statusCode, 200)
    assert.match(page.body, /Why this result/, 'each framework says why it concluded what it did')
    assert.match(page.body, /Required actions/)
    assert.match(page.body, /MUST/)
    const actions = await t.db.query('select 1 from entry_actions where entry_id = $1 and current', [id])
    assert.ok(actions.length > 0)
  })

  test('the author may not sign off their own submission; another assessor may', async () => {
    // The assessor submits the intake again, so they are its author.
    await assessor.post(`/register/${id}/assessments/intake`, { ...intake, intent: 'submit' })
    const own = await assessor.post(`/register/${id}/assessments/intake/signoff`)
    assert.equal(own.statusCode, 409)
    assert.match(own.body, /another assessor must sign it off/)
    assert.equal(await statusOf('intake'), 'submitted')
    assert.equal((await contributor.post(`/register/${id}/assessments/intake/signoff`)).statusCode, 403)
    const ok = await assessor2.post(`/register/${id}/assessments/intake/signoff`)
    assert.equal(ok.statusCode, 303)
    assert.equal(await statusOf('intake'), 'signed_off')
    const ok2 = await assessor.post(`/register/${id}/assessments/dpia/signoff`)
    assert.equal(ok2.statusCode, 303)
    assert.equal(await statusOf('dpia'), 'signed_off')
  })

  test('changing a key answer marks the signed-off assessments that used it for review', async () => {
    const res = await contributor.post(`/register/${id}/assessments/screening`, {
      q_personal_data: 'yes', q_special_category: 'yes', q_people_scale: 'tens_of_thousands_or_more', q_data_matching: 'no',
      q_invisible_processing: 'no', q_biometric_identification: 'no', q_monitoring: 'none', q_decision_role: 'informs',
      q_profiling: 'no', q_vulnerable_people: 'no', q_prohibited_practices: 'none', q_annex_iii_areas: 'none',
      q_public_facing: 'direct_interaction', q_equality_impact: 'no', intent: 'submit',
    })
    assert.equal(res.statusCode, 303)
    // special_category changed from no to yes: both the intake and the DPIA used it.
    assert.equal(await statusOf('intake'), 'needs_review')
    assert.equal(await statusOf('dpia'), 'needs_review')
    const form = await contributor.get(`/register/${id}/assessments/dpia`)
    assert.match(form.body, /An answer this assessment relied on has changed/)
    const history = await contributor.get(`/register/${id}/assessments/dpia/history`)
    assert.match(history.body, /Marked for review because these answers changed: special_category/)
    assert.match(history.body, /Signed off/)
  })

  test('an assessor can return an assessment with comments', async () => {
    const empty = await assessor2.post(`/register/${id}/assessments/dpia/return`, { comment: '' })
    assert.equal(empty.statusCode, 400)
    const res = await assessor2.post(`/register/${id}/assessments/dpia/return`, { comment: 'Say how long recordings are kept.' })
    assert.equal(res.statusCode, 303)
    assert.equal(await statusOf('dpia'), 'returned')
    const form = await contributor.get(`/register/${id}/assessments/dpia`)
    assert.match(form.body, /Say how long recordings are kept\./)
  })

  test('required actions take an owner and a due date', async () => {
    const [action] = await t.db.query<{ id: string }>('select id from entry_actions where entry_id = $1 and current limit 1', [id])
    const res = await contributor.post(`/register/${id}/actions/${action!.id}`, {
      status: 'done', owner: 'Data Protection Officer', 'dueDate-day': '31', 'dueDate-month': '1', 'dueDate-year': '2027',
    })
    assert.equal(res.statusCode, 303)
    const [row] = await t.db.query<{ status: string; owner: string; due_date: string }>('select status, owner, due_date from entry_actions where id = $1', [action!.id])
    assert.deepEqual(row, { status: 'done', owner: 'Data Protection Officer', due_date: '2027-01-31' })
  })
})

describe('risk register', () => {
  test('risks from the hidden-risks workshop and risks added by hand appear together', async () => {
    const workshop = await contributor.post(`/register/${id}/assessments/hidden_risks`, {
      q_risks__0__category: 'quality_assurance', q_risks__0__description: 'Staff copy chatbot answers without checking.',
      q_risks__0__likelihood: '4', q_risks__0__impact: '4', q_risks__0__mitigation: 'Weekly sampling.', q_risks__0__owner: 'Digital lead',
      q_risks__1__category: '', q_risks__1__description: '', intent: 'save',
    })
    assert.equal(workshop.statusCode, 303, workshop.body.slice(0, 400))
    const [ans] = await t.db.query<{ value: unknown[] }>("select value from entry_answers where entry_id = $1 and question_id = 'risks'", [id])
    assert.equal(ans!.value.length, 1, 'the blank row is dropped')

    const bad = await contributor.post(`/register/${id}/risks`, { category: 'nonsense', description: '', likelihood: '9' })
    assert.equal(bad.statusCode, 400)
    assert.match(bad.body, /Select a category/)
    assert.match(bad.body, /Select a rating from 1 to 5/)
    const ok = await contributor.post(`/register/${id}/risks`, {
      category: 'human_connection_overreliance', description: 'Residents who cannot use chat get a worse service.',
      likelihood: '3', impact: '3', residualLikelihood: '2', residualImpact: '2', mitigation: 'Phone line stays open.',
    })
    assert.equal(ok.statusCode, 303)
    const page = await contributor.get(`/register/${id}/assessments`)
    assert.match(page.body, /Staff copy chatbot answers without checking\./)
    assert.match(page.body, /Residents who cannot use chat get a worse service\./)
    assert.match(page.body, /High \(4×4\)/)
    assert.match(page.body, /Medium \(3×3\)/)
  })

  test('a viewer cannot add risks; another council cannot see the register', async () => {
    const viewer = await signIn(t.app, as.northmoor('viewer'))
    assert.equal((await viewer.post(`/register/${id}/risks`, { category: 'ethics', description: 'x', likelihood: '1', impact: '1' })).statusCode, 403)
    const other = await signIn(t.app, as.riverside('admin'))
    assert.equal((await other.get(`/register/${id}/assessments`)).statusCode, 404)
    assert.equal((await other.get(`/register/${id}/assessments/dpia`)).statusCode, 404)
    const riversideAssessor = await signIn(t.app, as.riverside('assessor'))
    assert.equal((await riversideAssessor.post(`/register/${id}/assessments/dpia/signoff`)).statusCode, 404)
  })
})

describe('ATRS fields from answers', () => {
  test('a drafted record takes blank fields from the answers, and later answers fill what is still blank', async () => {
    const chronology = await entryId(t.db, "Children's social care case chronology")
    await contributor.post(`/register/${chronology}/transparency`)
    const before = await t.db.query<{ fields: Record<string, string> }>('select fields from transparency_records where entry_id = $1', [chronology])
    assert.equal(before[0]!.fields.benefit ?? '', '')
    await contributor.post(`/register/${chronology}/assessments/intake`, { ...intake, q_benefit: 'Saves social workers hours per case.', intent: 'save' })
    const after = await t.db.query<{ fields: Record<string, string> }>('select fields from transparency_records where entry_id = $1', [chronology])
    assert.equal(after[0]!.fields.benefit, 'Saves social workers hours per case.')
    // A risk added by hand feeds "risks and mitigations" too.
    assert.equal(after[0]!.fields.risks_and_mitigations ?? '', '')
    await contributor.post(`/register/${chronology}/risks`, {
      category: 'quality_assurance', description: 'A missed event in a chronology.', likelihood: '2', impact: '4', mitigation: 'Social worker checks every entry.',
    })
    const withRisk = await t.db.query<{ fields: Record<string, string> }>('select fields from transparency_records where entry_id = $1', [chronology])
    assert.match(withRisk[0]!.fields.risks_and_mitigations!, /Quality assurance: A missed event in a chronology; rated low; mitigation: Social worker checks every entry\./)
    const page = await contributor.get(`/register/${chronology}/assessments`)
    assert.match(page.body, /Transparency record fields the answers fill/)
    assert.match(page.body, /2\.2\.3 Benefit/)
    assert.match(page.body, /2\.5\.2 Risks and mitigations/)
  })
})

describe('assessment API', () => {
  test('400 names the question; a valid save returns the outcome', async () => {
    const [u] = await t.db.query<{ id: string; organisation_id: string }>(
      "select u.id, m.organisation_id from users u join memberships m on m.user_id = u.id where u.email = 'contributor@northmoor.example'")
    const token = await t.services.auth.createApiToken(u!.id, u!.organisation_id, 'api')
    const headers = { authorization: `Bearer ${token}` }
    const plan = await entryId(t.db, 'Planning application validation checks')
    const bad = await t.app.inject({ method: 'PUT', url: `/api/v1/entries/${plan}/assessments/screening`, headers, payload: { answers: { personal_data: 'perhaps', people_scale: 7 }, submit: false } })
    assert.equal(bad.statusCode, 400)
    assert.ok(bad.json().fields.personal_data)
    const missing = await t.app.inject({ method: 'PUT', url: `/api/v1/entries/${plan}/assessments/screening`, headers, payload: { answers: { personal_data: false }, submit: true } })
    assert.equal(missing.statusCode, 400)
    assert.ok(missing.json().fields.prohibited_practices)
    assert.equal(missing.json().fields.decision_role, undefined, 'the register’s decision role is already an answer')
    const ok = await t.app.inject({ method: 'PUT', url: `/api/v1/entries/${plan}/assessments/screening`, headers, payload: { answers: { personal_data: false }, submit: false } })
    assert.equal(ok.statusCode, 200)
    assert.equal(ok.json().status, 'draft')
    const unknownSet = await t.app.inject({ method: 'GET', url: `/api/v1/entries/${plan}/assessments/nonsense`, headers })
    assert.equal(unknownSet.statusCode, 404)
    const list = await t.app.inject({ method: 'GET', url: `/api/v1/entries/${plan}/assessments`, headers })
    assert.equal(list.json().assessments[0].set, 'screening')
  })
})

describe('hostile form field names', () => {
  test('a field named after __proto__ cannot reach Object.prototype', async () => {
    const res = await contributor.post(`/register/${id}/assessments/screening`, {
      q___proto____0__category: 'x', q___proto__: 'y', 'q_constructor__0__prototype': 'z', intent: 'save',
    })
    assert.ok([303, 400].includes(res.statusCode), String(res.statusCode))
    assert.equal(({} as Record<string, unknown>)[0], undefined)
    assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, '0'), false)
    // The app still answers, and a made-up session cookie is still refused.
    const bogus = await t.app.inject({ method: 'GET', url: '/api/v1/entries', headers: { cookie: 'aigov_session=bogus' } })
    assert.equal(bogus.statusCode, 401)
  })
})

describe('bad input never becomes a server error', () => {
  test('impossible dates, malformed ids and empty bodies get 400 or 404', async () => {
    const risk = await contributor.post(`/register/${id}/risks`, {
      category: 'ethics', description: 'x', likelihood: '2', impact: '2', 'reviewDate-day': '30', 'reviewDate-month': '2', 'reviewDate-year': '2027',
    })
    assert.equal(risk.statusCode, 400)
    assert.match(risk.body, /Review date must be a real date/)
    const [action] = await t.db.query<{ id: string }>('select id from entry_actions where entry_id = $1 and current limit 1', [id])
    const due = await contributor.post(`/register/${id}/actions/${action!.id}`, { status: 'open', 'dueDate-day': '45', 'dueDate-month': '13', 'dueDate-year': '2027' })
    assert.equal(due.statusCode, 303)
    const shown = await contributor.get(String(due.headers.location))
    assert.match(shown.body, /The action was not saved/)
    assert.equal((await contributor.post(`/register/${id}/actions/${'-'.repeat(36)}`, { status: 'open' })).statusCode, 404)
    assert.equal((await contributor.post(`/register/${id}/risks/${'a'.repeat(36)}/delete`)).statusCode, 404)
    const empty = await t.app.inject({
      method: 'POST', url: `/register/${id}/risks`,
      headers: { cookie: [...contributor.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'x-csrf-token': contributor.csrf },
    })
    assert.equal(empty.statusCode, 400)
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
    const plan = await entryId(t.db, 'Committee report drafting from templates')
    const first = await contributor.post(`/register/${plan}/assessments/ethics`, { q_transparency_score: '3', version: '0', intent: 'save' })
    assert.equal(first.statusCode, 303)
    const stale = await assessor.post(`/register/${plan}/assessments/ethics`, { q_transparency_score: '1', version: '0', intent: 'save' })
    assert.equal(stale.statusCode, 409)
    assert.match(stale.body, /Someone else saved this assessment/)
    assert.match(stale.body, /name="q_transparency_score" type="radio" value="1" checked/)
    const [row] = await t.db.query<{ answers: Record<string, unknown> }>("select answers from assessments where entry_id = $1 and set_id = 'ethics'", [plan])
    assert.equal(row!.answers.transparency_score, 3)
  })

  test('a returned screening no longer counts: the tier is cleared and the entry cannot await a decision', async () => {
    const chatbot = await entryId(t.db, 'Fly-tipping hotspot detection')
    const rc = await signIn(t.app, as.riverside('contributor'))
    await rc.post(`/register/${chatbot}/assessments/screening`, {
      q_personal_data: 'no', q_decision_role: 'informs', q_prohibited_practices: 'none', q_annex_iii_areas: 'none',
      q_public_facing: 'none', q_equality_impact: 'no', intent: 'submit',
    })
    const tier = async () => (await t.db.query<{ risk_tier: string | null }>('select risk_tier from register_entries where id = $1', [chatbot]))[0]!.risk_tier
    assert.equal(await tier(), 'low')
    const ra = await signIn(t.app, as.riverside('assessor'))
    assert.equal((await ra.post(`/register/${chatbot}/assessments/screening/return`, { comment: 'Check the data used.' })).statusCode, 303)
    assert.equal(await tier(), null)
    await rc.post(`/register/${chatbot}/stage`, { stage: 'awaiting_decision' })
    const [e] = await t.db.query<{ stage: string }>('select stage from register_entries where id = $1', [chatbot])
    assert.equal(e!.stage, 'under_assessment')
  })

  test('editing the transparency record of an entry without one is a 404', async () => {
    const plan = await entryId(t.db, 'Planning application validation checks')
    assert.equal((await contributor.post(`/register/${plan}/transparency/edit`, { version: '1', benefit: 'x' })).statusCode, 404)
  })
})
