// A set answered a section at a time: the task list, each section's own form (saved as a draft,
// refused when stale), "check your answers" and the submit that follows; and the short results
// page with its actions page and a page per action.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { type Client, createTestApp, type TestApp } from '../../../test/support/app.ts'
import { answersForm, makeEntry, makeOrganisation, makePerson, makeTeam, SCREENINGS, signInAs, type Team } from '../../../test/support/factories.ts'
import type { RegisterEntry } from '../register/model.ts'

let t: TestApp
let team: Team
let contributor: Client
let viewer: Client
let outsider: Client
before(async () => {
  t = await createTestApp({ demo: false })
  team = await makeTeam(t)
  contributor = await signInAs(t, team.contributor)
  viewer = await signInAs(t, team.viewer)
  outsider = await signInAs(t, await makePerson(t, await makeOrganisation(t), ['admin', 'assessor', 'contributor']))
})
after(() => t.close())

const M = SCREENINGS.medium
/** The medium screening, section by section (as content/assessments/screening/v1.yaml groups them). */
const SECTIONS = {
  personal_data: {
    personal_data: M.personal_data, special_category: M.special_category, people_scale: M.people_scale, data_matching: M.data_matching,
    invisible_processing: M.invisible_processing, biometric_identification: M.biometric_identification, monitoring: M.monitoring,
  },
  people_and_decisions: {
    decision_role: M.decision_role, significant_effect: M.significant_effect, profiling: M.profiling, vulnerable_people: M.vulnerable_people,
  },
  eu_ai_act: { prohibited_practices: M.prohibited_practices, annex_iii_areas: M.annex_iii_areas, public_facing: M.public_facing },
  equality: { equality_impact: M.equality_impact },
} as const

const url = (entry: RegisterEntry, tail = '') => `/register/${entry.id}/assessments/screening${tail}`
const screening = (entry: RegisterEntry) => t.services.assessments.assessmentFor(team.viewer.user, entry.id, 'screening')
const versionOn = (html: string) => Number(/name="version" value="(\d+)"/.exec(html)?.[1] ?? 'NaN')
const newEntry = () => makeEntry(t, team, { personalData: true, stage: 'under_assessment' })

/** The status the task list shows for a section (its title, then its status cell). */
function statusOf(html: string, title: string): string {
  const at = html.indexOf(`>${title}<`) >= 0 ? html.indexOf(`>${title}<`) : html.indexOf(title)
  assert.ok(at >= 0, `the task list names "${title}"`)
  const cell = html.slice(at).match(/govuk-task-list__status[^"]*" id="[^"]+">\s*([\s\S]*?)<\/div>/)
  assert.ok(cell, `a status for "${title}"`)
  return cell[1]!.replace(/<[^>]+>/g, '').trim()
}

async function saveSection(entry: RegisterEntry, section: keyof typeof SECTIONS, extra: Record<string, string> = {}) {
  const page = await contributor.get(url(entry, `/sections/${section}`))
  assert.equal(page.statusCode, 200, `the ${section} page opens`)
  return contributor.post(url(entry, `/sections/${section}`), { ...answersForm(SECTIONS[section]), version: String(versionOn(page.body)), ...extra })
}

describe('the task list', () => {
  test('lists every section with its status, each linking to its own page', async () => {
    const entry = await newEntry()
    const res = await contributor.get(url(entry))
    assert.equal(res.statusCode, 200)
    assert.match(res.body, /class="govuk-task-list"/)
    for (const id of Object.keys(SECTIONS)) assert.match(res.body, new RegExp(`href="${url(entry, `/sections/${id}`)}"`), `links to ${id}`)
    assert.equal(statusOf(res.body, 'Equality'), 'Not started')
    assert.equal(statusOf(res.body, 'EU AI Act risk class'), 'Not started')
    assert.match(res.body, /Check your answers and submit/)
  })

  test('a saved section is completed, a half-answered one in progress, and the rest of the set is kept', async () => {
    const entry = await newEntry()
    const res = await saveSection(entry, 'personal_data')
    assert.equal(res.statusCode, 303, res.body.slice(0, 400))
    assert.equal(res.headers.location, url(entry, '?done=section'))
    assert.equal((await screening(entry))?.status, 'draft', 'a section is saved as a draft')
    const half = await contributor.post(url(entry, '/sections/eu_ai_act'), {
      ...answersForm({ prohibited_practices: ['none'] }), version: String((await screening(entry))!.version),
    })
    assert.equal(half.statusCode, 303, half.body.slice(0, 400))
    const page = await contributor.get(url(entry, '?done=section'))
    assert.match(page.body, /Your answers to the section have been saved\./)
    assert.equal(statusOf(page.body, 'Information about people'), 'Completed')
    assert.match(statusOf(page.body, 'EU AI Act risk class'), /In progress/)
    assert.equal(statusOf(page.body, 'Equality'), 'Not started')
    const answers = await t.services.assessments.answersFor(team.viewer.user, entry.id)
    assert.equal(answers.people_scale, 'hundreds', 'the first section’s answers are still there after saving another')
    assert.deepEqual(answers.prohibited_practices, ['none'])
  })

  test('a section page shows only its own questions, prefilled, with the stored version', async () => {
    const entry = await newEntry()
    const res = await contributor.get(url(entry, '/sections/people_and_decisions'))
    assert.equal(res.statusCode, 200)
    assert.match(res.body, /name="q_decision_role"/)
    assert.doesNotMatch(res.body, /name="q_equality_impact"/, 'another section’s question is not on this page')
    assert.match(res.body, /name="version" value="0"/)
    assert.match(res.body, /Save and continue/)
  })

  test('an answer of the wrong kind comes back with a field error and what was typed, and nothing is saved', async () => {
    const entry = await newEntry()
    const page = await contributor.get(url(entry, '/sections/people_and_decisions'))
    const res = await contributor.post(url(entry, '/sections/people_and_decisions'), {
      q_decision_role: 'sometimes', q_significant_effect: 'yes', version: String(versionOn(page.body)),
    })
    assert.equal(res.statusCode, 400)
    assert.match(res.body, /govuk-error-summary/)
    assert.match(res.body, /href="#q_decision_role"/)
    assert.match(res.body, /name="q_significant_effect" type="radio" value="yes" checked/, 'what was chosen is kept')
    assert.equal(await screening(entry), null, 'nothing was stored')
  })

  test('a section saved from a stale page is refused with 409 and keeps what was chosen', async () => {
    const entry = await newEntry()
    const stalePage = await contributor.get(url(entry, '/sections/equality'))
    assert.equal((await saveSection(entry, 'personal_data')).statusCode, 303)
    const res = await contributor.post(url(entry, '/sections/equality'), { q_equality_impact: 'yes', version: String(versionOn(stalePage.body)) })
    assert.equal(res.statusCode, 409)
    assert.match(res.body, /Someone else saved this assessment/)
    assert.match(res.body, /name="q_equality_impact" type="radio" value="yes" checked/)
    assert.equal(versionOn(res.body), (await screening(entry))!.version, 'the page carries the stored version now')
    const answers = await t.services.assessments.answersFor(team.viewer.user, entry.id)
    assert.equal(answers.equality_impact, undefined, 'the stale answer was not saved')
    const again = await contributor.post(url(entry, '/sections/equality'), { q_equality_impact: 'yes', version: String(versionOn(res.body)) })
    assert.equal(again.statusCode, 303, 'a deliberate second save goes through')
  })

  test('another council’s entry is not found, an unknown section is not found, and a viewer may not answer', async () => {
    const entry = await newEntry()
    for (const path of ['', '/sections/equality', '/check']) {
      assert.equal((await outsider.get(url(entry, path))).statusCode, 404, `GET ${path} for another council`)
    }
    assert.equal((await outsider.post(url(entry, '/sections/equality'), { q_equality_impact: 'yes', version: '0' })).statusCode, 404)
    assert.equal((await outsider.post(url(entry, '/check'), { version: '0' })).statusCode, 404)
    assert.equal((await contributor.get(url(entry, '/sections/no_such_section'))).statusCode, 404)
    assert.equal((await contributor.post(url(entry, '/sections/no_such_section'), { version: '0' })).statusCode, 404)
    assert.equal((await viewer.get(url(entry, '/sections/equality'))).statusCode, 403)
    assert.equal((await viewer.post(url(entry, '/sections/equality'), { q_equality_impact: 'yes', version: '0' })).statusCode, 403)
    assert.equal((await viewer.post(url(entry, '/check'), { version: '0' })).statusCode, 403)
    assert.equal(await screening(entry), null, 'nothing was stored')
    const read = await viewer.get(url(entry))
    assert.equal(read.statusCode, 200, 'a viewer can read the task list')
    assert.doesNotMatch(read.body, /\/sections\/equality"/, 'without links to answer')
  })
})

describe('check your answers', () => {
  test('shows each answer with a Change link to its section; submitting an incomplete set names the questions and links to their sections', async () => {
    const entry = await newEntry()
    assert.equal((await saveSection(entry, 'personal_data')).statusCode, 303)
    const check = await contributor.get(url(entry, '/check'))
    assert.equal(check.statusCode, 200)
    assert.match(check.body, /Check your answers before submitting/)
    assert.match(check.body, /100 to 999/, 'the answer is shown by its label')
    assert.match(check.body, new RegExp(`href="${url(entry, '/sections/personal_data#q_people_scale')}"`), 'Change goes to the section, at the question')
    assert.match(check.body, /Not answered/)
    const res = await contributor.post(url(entry, '/check'), { version: String(versionOn(check.body)) })
    assert.equal(res.statusCode, 400)
    assert.match(res.body, new RegExp(`href="${url(entry, '/sections/equality#q_equality_impact')}"`), 'the error links to the section with the question')
    assert.equal((await screening(entry))!.status, 'draft', 'nothing was submitted')
  })

  test('a complete set is submitted from check your answers; a stale check page is refused', async () => {
    const entry = await newEntry()
    for (const s of Object.keys(SECTIONS) as (keyof typeof SECTIONS)[]) assert.equal((await saveSection(entry, s)).statusCode, 303, s)
    const check = await contributor.get(url(entry, '/check'))
    assert.doesNotMatch(check.body, /required questions? ha(s|ve) no answer/)
    const stale = await contributor.post(url(entry, '/check'), { version: String(versionOn(check.body) - 1) })
    assert.equal(stale.statusCode, 409)
    assert.equal((await screening(entry))!.status, 'draft')
    const res = await contributor.post(url(entry, '/check'), { version: String(versionOn(check.body)) })
    assert.equal(res.statusCode, 303, res.body.slice(0, 400))
    assert.equal(res.headers.location, url(entry, '?done=submitted'))
    const a = (await screening(entry))!
    assert.equal(a.status, 'submitted')
    assert.equal(a.outcome?.tier, 'medium')
    const page = await contributor.get(url(entry, '?done=submitted'))
    assert.match(page.body, /Submitted for sign-off/)
    assert.equal(statusOf(page.body, 'Equality'), 'Completed')
  })
})

describe('the results page and the actions', () => {
  test('the results page is a summary; the actions page groups actions; each action has its own page', async () => {
    const entry = await makeEntry(t, team, { personalData: true, stage: 'under_assessment', screening: 'high' })
    const actions = await t.services.assessments.actionsFor(team.viewer.user, entry.id)
    assert.ok(actions.length > 0, 'the high screening requires actions')
    const results = await contributor.get(`/register/${entry.id}/assessments`)
    assert.equal(results.statusCode, 200)
    assert.match(results.body, /MUST: \d+ open/)
    assert.doesNotMatch(results.body, /name="owner"/, 'no action forms on the results page')
    assert.match(results.body, /class="app-table-scroll" role="region"/)
    const must = actions.find((a) => a.level === 'MUST')!
    const list = await contributor.get(`/register/${entry.id}/assessments/actions?level=MUST&status=open`)
    assert.equal(list.statusCode, 200)
    assert.match(list.body, new RegExp(`href="/register/${entry.id}/actions/${must.id}"`))
    assert.match(list.body, /Required by: Screening an AI use/)
    assert.match(list.body, new RegExp(`name="actions\\[${must.id}\\]\\.owner"`), 'one form edits every action shown')
    const odd = await contributor.get(`/register/${entry.id}/assessments/actions?level=NOPE&status=${'x'.repeat(50)}`)
    assert.equal(odd.statusCode, 200, 'an unknown filter shows everything')
    const page = await contributor.get(`/register/${entry.id}/actions/${must.id}`)
    assert.equal(page.statusCode, 200)
    assert.match(page.body, /Why it is required/)
    const saved = await contributor.post(`/register/${entry.id}/actions/${must.id}`, {
      status: 'done', owner: 'Data Protection Officer', 'dueDate-day': '31', 'dueDate-month': '1', 'dueDate-year': '2027',
    })
    assert.equal(saved.statusCode, 303)
    assert.equal(saved.headers.location, `/register/${entry.id}/assessments/actions?done=action#action-${must.id}`)
    assert.equal((await viewer.get(`/register/${entry.id}/actions/${must.id}`)).statusCode, 200, 'a viewer can read an action')
    assert.doesNotMatch((await viewer.get(`/register/${entry.id}/actions/${must.id}`)).body, /name="owner"/, 'but not change it')
    assert.equal((await outsider.get(`/register/${entry.id}/actions/${must.id}`)).statusCode, 404)
    assert.equal((await outsider.get(`/register/${entry.id}/assessments/actions`)).statusCode, 404)
    const other = await newEntry()
    assert.equal((await contributor.get(`/register/${other.id}/actions/${must.id}`)).statusCode, 404, 'another entry’s action')
  })
})

describe('the actions form', () => {
  const stored = async (id: string) =>
    (await t.db.query<{ status: string; owner: string | null; due_date: string | null }>('select status, owner, due_date from entry_actions where id = $1', [id]))[0]!
  const fields = (id: string, f: { status: string; owner?: string; day?: string; month?: string; year?: string }) => ({
    [`actions[${id}].status`]: f.status, [`actions[${id}].owner`]: f.owner ?? '',
    [`actions[${id}].dueDate-day`]: f.day ?? '', [`actions[${id}].dueDate-month`]: f.month ?? '', [`actions[${id}].dueDate-year`]: f.year ?? '',
  })

  test('saves every action at once, or none: each bad field is named on its action and everything typed is kept', async () => {
    const entry = await makeEntry(t, team, { personalData: true, stage: 'under_assessment', screening: 'high' })
    const [first, second] = await t.services.assessments.actionsFor(team.viewer.user, entry.id)
    assert.ok(first && second, 'the high screening requires at least two actions')
    await contributor.get(`/register/${entry.id}/assessments/actions`)
    const bad = await contributor.post(`/register/${entry.id}/assessments/actions`, {
      ...fields(first.id, { status: 'open', owner: 'Priya Patel', day: '31', month: '2', year: '2027' }),
      ...fields(second.id, { status: 'finished', owner: 'x'.repeat(201) }),
    })
    assert.equal(bad.statusCode, 400)
    assert.match(bad.body, new RegExp(`href="#action-${first.id}-dueDate-day"`), 'the impossible date is named on its action')
    assert.match(bad.body, new RegExp(`href="#action-${second.id}-owner"`), 'the over-long owner is named')
    assert.match(bad.body, new RegExp(`href="#action-${second.id}-status"`), 'the unknown status is named')
    assert.match(bad.body, new RegExp(`id="action-${first.id}-owner" name="actions\\[${first.id}\\]\\.owner" type="text" value="Priya Patel"`), 'what was typed is kept')
    assert.match(bad.body, new RegExp(`id="action-${first.id}-dueDate-day" name="actions\\[${first.id}\\]\\.dueDate-day" type="text" inputmode="numeric" value="31"`))
    assert.deepEqual(await stored(first.id), { status: 'open', owner: null, due_date: null }, 'nothing was saved')
    const ok = await contributor.post(`/register/${entry.id}/assessments/actions`, {
      ...fields(first.id, { status: 'done', owner: 'Priya Patel', day: '28', month: '2', year: '2027' }),
      ...fields(second.id, { status: 'not_applicable' }),
      level: first.level,
    })
    assert.equal(ok.statusCode, 303, ok.body.slice(0, 300))
    assert.equal(ok.headers.location, `/register/${entry.id}/assessments/actions?level=${first.level}&done=actions`)
    assert.deepEqual(await stored(first.id), { status: 'done', owner: 'Priya Patel', due_date: '2027-02-28' })
    assert.equal((await stored(second.id)).status, 'not_applicable')
  })

  test('a viewer may not post it, and another council’s entry is not found', async () => {
    const entry = await makeEntry(t, team, { personalData: true, stage: 'under_assessment', screening: 'high' })
    const [action] = await t.services.assessments.actionsFor(team.viewer.user, entry.id)
    assert.ok(action, 'an action to change')
    assert.equal((await viewer.post(`/register/${entry.id}/assessments/actions`, fields(action.id, { status: 'done' }))).statusCode, 403)
    assert.equal((await outsider.post(`/register/${entry.id}/assessments/actions`, fields(action.id, { status: 'done' }))).statusCode, 404)
    const other = await newEntry()
    assert.equal((await contributor.post(`/register/${other.id}/assessments/actions`, fields(action.id, { status: 'done' }))).statusCode, 404, 'another entry’s action')
    assert.equal((await stored(action.id)).status, 'open')
    assert.doesNotMatch((await viewer.get(`/register/${entry.id}/assessments/actions`)).body, /name="actions\[/, 'a viewer sees the list without the form')
  })
})
