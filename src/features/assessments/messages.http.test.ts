// Errors people can act on, in the assessments feature (issue 7, findings 7, 9 and 11): every
// message names its field in the page's own words, a risk form left empty says which ratings are
// missing, and an action saved with an impossible due date comes back with what was typed.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { type Client, createTestApp, signIn, type TestApp } from '../../../test/support/app.ts'
import type { Role } from '../../platform/auth/permissions.ts'
import { type CurrentUser, insertUser } from '../../platform/auth/store.ts'
import { allQuestions } from './questionSet/schema.ts'

const PASSWORD = 'assessment-messages-test-password'
let t: TestApp
let contributor: CurrentUser
let page: Client

before(async () => {
  t = await createTestApp({ demo: false })
  const org = await t.services.organisations.create({
    slug: 'messages-council', name: 'Messages Borough Council', contactEmail: null, websiteUrl: null, region: null,
  })
  const roles: Role[] = ['contributor', 'assessor']
  const email = 'contributor@messages.example'
  const id = await t.db.transaction((tx) => insertUser(tx, { email, name: 'Casey Contributor', password: PASSWORD, organisationId: org.id, roles }))
  contributor = { id, email, name: 'Casey Contributor', organisationId: org.id, organisationName: org.name, organisationSlug: org.slug, roles, via: 'session' }
  page = await signIn(t.app, email, PASSWORD)
})
after(() => t.close())

let n = 0
async function newEntry(): Promise<string> {
  const entry = await t.services.register.create(contributor, {
    name: `Benefits triage assistant ${++n}`, purpose: 'Sorts incoming benefit claims by urgency.', serviceArea: 'Revenues and benefits',
    owner: 'Head of Benefits', supplier: null, technique: 'Classification model', personalData: true, specialCategoryData: false,
    decisionRole: 'assists', peopleAffected: 'Claimants', humanOversight: 'An officer checks each claim.', nextReviewDate: null, stage: 'proposed',
  })
  return entry.id
}

/** A screening whose rules ask for several actions. */
const highRisk = {
  personal_data: true, special_category: false, people_scale: 'tens_of_thousands_or_more', data_matching: true,
  invisible_processing: false, biometric_identification: false, monitoring: 'none', decision_role: 'assists',
  significant_effect: true, profiling: true, vulnerable_people: true, prohibited_practices: ['none'],
  annex_iii_areas: ['benefits_and_services'], narrow_procedural_task: false, public_facing: ['none'], equality_impact: 'yes',
}

/** How Nunjucks writes text into the page. */
const html = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
/** The error summary's link to a field, with its text. */
const summaryLink = (href: string, text: string) => new RegExp(`href="#${escapeRe(href)}">${escapeRe(html(text))}</a>`)

describe('the screening’s error summary names each question in its own words', () => {
  test('each unanswered required question is listed as “Answer ‘<question>’”', async () => {
    const id = await newEntry()
    const res = await page.post(`/register/${id}/screening`, { q_personal_data: 'no' })
    assert.equal(res.statusCode, 400)
    const set = t.services.assessments.screeningSet()
    // (Not the decision role: the register entry's own field answers that one.)
    const equality = allQuestions(set).find((q) => q.id === 'equality_impact')!
    assert.match(res.body, summaryLink('q_equality_impact', `Answer ‘${equality.text}’`))
    assert.doesNotMatch(res.body, /Answer this question/)
    // Every link in the summary says which question it is about.
    const links = [...res.body.matchAll(/<a href="#(q_[a-z_]+)">([^<]*)<\/a>/g)]
    assert.ok(links.length >= 3, `${links.length} links`)
    for (const [, href, text] of links) {
      const question = allQuestions(set).find((q) => `q_${q.id}` === href)!
      assert.ok(text!.includes(html(question.text)), `${href}: ${text}`)
    }
    assert.equal((await t.db.query('select 1 from assessments where entry_id = $1', [id])).length, 0)
  })

  test('a wrong kind of answer names the question too', async () => {
    const id = await newEntry()
    const res = await page.post(`/register/${id}/screening`, { q_personal_data: 'perhaps' })
    assert.equal(res.statusCode, 400)
    const personal = allQuestions(t.services.assessments.screeningSet()).find((q) => q.id === 'personal_data')!
    assert.match(res.body, summaryLink('q_personal_data', `Select yes or no for ‘${personal.text}’`))
    // The same words beside the question.
    assert.match(res.body, new RegExp(`govuk-error-message">\\s*<span class="govuk-visually-hidden">Error:</span> ${escapeRe(html(`Select yes or no for ‘${personal.text}’`))}`))
  })

  test('an answer that is too long names the question and the limit, and is kept', async () => {
    const id = await newEntry()
    const purpose = allQuestions(t.services.assessments.setNamed('intake')).find((q) => q.id === 'purpose')!
    const long = 'A sentence about the tool. '.repeat(800)
    const res = await page.post(`/register/${id}/assessments/intake`, { q_purpose: long, intent: 'save' })
    assert.equal(res.statusCode, 400)
    assert.match(res.body, summaryLink('q_purpose', `‘${purpose.text}’ must be 20,000 characters or fewer`))
    assert.ok(res.body.includes(long.trim()), 'what was typed is shown again')
    assert.doesNotMatch(res.body, /This is too long/)
  })

  test('a field of a repeating group is named with its item', async () => {
    const id = await newEntry()
    const res = await page.post(`/register/${id}/assessments/hidden_risks`, {
      q_risks__0__category: 'quality_assurance', q_risks__0__description: 'Staff copy answers without checking.',
      q_risks__0__likelihood: '9', q_risks__0__impact: '3', intent: 'save',
    })
    assert.equal(res.statusCode, 400)
    const group = allQuestions(t.services.assessments.setNamed('hidden_risks')).find((q) => q.id === 'risks')!
    const field = group.fields!.find((f) => f.id === 'likelihood')!
    assert.match(res.body, summaryLink('q_risks__0__likelihood', `Select one of the options for ‘${field.text} (${group.itemLabel} 1)’`))
  })
})

describe('the risk form names the field in every message', () => {
  test('an empty risk form says “Select the likelihood” and “Select the impact”, not zod’s NaN', async () => {
    const id = await newEntry()
    const res = await page.post(`/register/${id}/risks`, {})
    assert.equal(res.statusCode, 400)
    assert.match(res.body, summaryLink('category', 'Select a category'))
    assert.match(res.body, summaryLink('description', 'Describe what could go wrong'))
    assert.match(res.body, summaryLink('likelihood', 'Select the likelihood'))
    assert.match(res.body, summaryLink('impact', 'Select the impact'))
    assert.doesNotMatch(res.body, /NaN|expected number|Invalid input/)
    assert.equal((await t.db.query('select 1 from entry_risks where entry_id = $1', [id])).length, 0)
  })

  test('a rating out of range, over-long texts and a bad review date each name their field; typed values are kept', async () => {
    const id = await newEntry()
    const res = await page.post(`/register/${id}/risks`, {
      category: 'ethics', description: 'd'.repeat(5001), likelihood: '9', impact: '0', residualLikelihood: '7',
      owner: 'o'.repeat(201), mitigation: 'm'.repeat(5001), 'reviewDate-day': '31', 'reviewDate-month': '4', 'reviewDate-year': '2027',
    })
    assert.equal(res.statusCode, 400)
    for (const [href, text] of [
      ['description', '‘What could go wrong’ must be 5,000 characters or fewer'],
      ['likelihood', 'Select a rating from 1 to 5 for the likelihood'],
      ['impact', 'Select a rating from 1 to 5 for the impact'],
      ['residualLikelihood', 'Select a rating from 1 to 5 for the likelihood after mitigation, or leave it blank'],
      ['owner', '‘Owner’ must be 200 characters or fewer'],
      ['mitigation', '‘Mitigation’ must be 5,000 characters or fewer'],
      ['reviewDate-day', 'Review date must be a real date'],
    ] as const) assert.match(res.body, summaryLink(href, text))
    assert.doesNotMatch(res.body, /This is too long/)
    assert.ok(res.body.includes('o'.repeat(201)), 'the owner typed is kept')
    assert.match(res.body, /name="reviewDate-day" type="text" value="31"/)
    assert.equal((await t.db.query('select 1 from entry_risks where entry_id = $1', [id])).length, 0)
  })
})

describe('a required action saved with an impossible due date', () => {
  async function entryWithAction() {
    const id = await newEntry()
    assert.ok((await t.services.assessments.saveScreening(contributor, id, highRisk)).ok)
    const [action] = await t.services.assessments.actionsFor(contributor, id)
    assert.ok(action, 'the screening asks for an action')
    return { id, action }
  }
  const stored = async (actionId: string) =>
    (await t.db.query<{ status: string; owner: string | null; due_date: string | null }>(
      'select status, owner, due_date from entry_actions where id = $1', [actionId]))[0]!

  test('comes back with a field error, and with the status, owner and date that were typed', async () => {
    const { id, action } = await entryWithAction()
    const res = await page.post(`/register/${id}/actions/${action.id}`, {
      status: 'done', owner: 'Priya Patel, Benefits', 'dueDate-day': '31', 'dueDate-month': '4', 'dueDate-year': '2027',
    })
    assert.equal(res.statusCode, 400)
    assert.match(res.body, summaryLink(`due-${action.id}-day`, 'Due date must be a real date'))
    // This action's form shows what was typed, not what is stored.
    const form = res.body.slice(res.body.indexOf(`action="/register/${id}/actions/${action.id}"`))
    const own = form.slice(0, form.indexOf('</form>'))
    assert.match(own, /<option value="done" selected>/)
    assert.match(own, /id="owner-[^"]+" name="owner" type="text" value="Priya Patel, Benefits"/)
    assert.match(own, /name="dueDate-day" type="text" inputmode="numeric" value="31"/)
    assert.match(own, /name="dueDate-month" type="text" inputmode="numeric" value="4"/)
    assert.match(own, /name="dueDate-year" type="text" inputmode="numeric" value="2027"/)
    assert.match(own, /govuk-error-message"><span class="govuk-visually-hidden">Error:<\/span> Due date must be a real date/)
    assert.deepEqual(await stored(action.id), { status: 'open', owner: null, due_date: null }, 'nothing was saved')
  })

  test('a blank year, an over-long owner and an unknown status are each named', async () => {
    const { id, action } = await entryWithAction()
    const res = await page.post(`/register/${id}/actions/${action.id}`, {
      status: 'finished', owner: 'x'.repeat(201), 'dueDate-day': '1', 'dueDate-month': '5', 'dueDate-year': '',
    })
    assert.equal(res.statusCode, 400)
    assert.match(res.body, summaryLink(`status-${action.id}`, 'Select the action’s status: open, done or not applicable'))
    assert.match(res.body, summaryLink(`owner-${action.id}`, '‘Owner’ must be 200 characters or fewer'))
    assert.match(res.body, summaryLink(`due-${action.id}-day`, 'Due date must be a real date'))
    assert.deepEqual(await stored(action.id), { status: 'open', owner: null, due_date: null })
  })

  test('a real date is saved, and another entry’s action is not found', async () => {
    const { id, action } = await entryWithAction()
    const ok = await page.post(`/register/${id}/actions/${action.id}`, {
      status: 'done', owner: 'Priya Patel', 'dueDate-day': '30', 'dueDate-month': '4', 'dueDate-year': '2027',
    })
    assert.equal(ok.statusCode, 303)
    assert.deepEqual(await stored(action.id), { status: 'done', owner: 'Priya Patel', due_date: '2027-04-30' })
    const other = await newEntry()
    const bad = await page.post(`/register/${other}/actions/${action.id}`, { status: 'open', 'dueDate-day': '31', 'dueDate-month': '4', 'dueDate-year': '2027' })
    assert.equal(bad.statusCode, 404)
  })
})
