// A service manager screens an AI use the way the task list leads them: each section on its own
// page, saved and back to the list, then "check your answers" and submit; then the short results
// page, the actions form and the other assessment pages. At 1280 px and at 390 px (no page may
// scroll sideways on a phone), and once with JavaScript off. axe-core checks every page.
import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { type Answers } from '../../src/features/assessments/engine.ts'
import { allQuestions, type GroupField, type Question } from '../../src/features/assessments/questionSet/schema.ts'
import type { RegisterEntry } from '../../src/features/register/model.ts'
import { createTestApp, type TestApp } from '../support/app.ts'
import { makeEntry, makeTeam, PASSWORD, SCREENINGS, type Team } from '../support/factories.ts'
import { axeReport, checkA11y, launchBrowser, newPage } from './support.ts'

let t: TestApp
let team: Team
let baseUrl = ''
let browser: Browser
/** Page heights measured on the way (reported in the test log). */
const heights: string[] = []

before(async () => {
  t = await createTestApp({ demo: false })
  await t.app.listen({ port: 0, host: '127.0.0.1' })
  baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`
  team = await makeTeam(t)
  browser = await launchBrowser()
})

after(async () => {
  console.log(axeReport())
  console.log(heights.join('\n'))
  await browser?.close()
  await t?.close()
})

const M = SCREENINGS.medium
/** The medium screening, by section of content/assessments/screening/v1.yaml. */
const SECTIONS: [string, Answers][] = [
  ['Information about people', {
    personal_data: M.personal_data, special_category: M.special_category, people_scale: M.people_scale, data_matching: M.data_matching,
    invisible_processing: M.invisible_processing, biometric_identification: M.biometric_identification, monitoring: [...M.monitoring],
  }],
  ['People and decisions', {
    decision_role: M.decision_role, significant_effect: M.significant_effect, profiling: M.profiling, vulnerable_people: M.vulnerable_people,
  }],
  ['EU AI Act risk class', { prohibited_practices: [...M.prohibited_practices], annex_iii_areas: [...M.annex_iii_areas], public_facing: [...M.public_facing] }],
  ['Equality', { equality_impact: M.equality_impact }],
]

async function signIn(page: Page): Promise<void> {
  await page.goto('/login')
  await page.getByLabel('Email address', { exact: true }).fill(team.contributor.email)
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD)
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Sign in' }).click()])
}

/** The checks every page gets: axe-core, and at a phone's width no sideways scroll. */
async function checkPage(page: Page, label: string): Promise<void> {
  await checkA11y(page, label)
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }))
  assert.ok(scrollWidth <= innerWidth, `${label}: the page scrolls sideways (${scrollWidth} px wide in a ${innerWidth} px window)`)
}

async function follow(page: Page, click: () => Promise<void>): Promise<void> {
  await Promise.all([page.waitForEvent('load', { timeout: 20_000 }), click()])
}

async function height(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollHeight)
}

async function shoot(page: Page, name: string, fullPage = true): Promise<void> {
  await page.screenshot({ path: `/tmp/h3-${name}.png`, fullPage })
}

/** Ticks and chooses the answers on a section page (form fields q_<question id>, option values). */
async function answer(page: Page, answers: Answers): Promise<void> {
  for (const [id, value] of Object.entries(answers)) {
    if (value === undefined) continue
    const values = Array.isArray(value) ? value.map(String) : [typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value)]
    for (const v of values) await page.locator(`input[name="q_${id}"][value="${v}"]`).check()
  }
}

/** "Yes" to everything, every option ticked: an entry that needs every set and many actions. */
function everything(q: Question | GroupField): unknown {
  switch (q.kind) {
    case 'yes_no': return true
    case 'single': return q.options![q.options!.length - 1]!.value
    case 'multiple': return q.options!.filter((o) => !o.exclusive).map((o) => o.value)
    case 'scale': return 5
    case 'number': return 100000
    case 'date': return '2027-01-31'
    case 'group': return [Object.fromEntries((q.fields ?? []).map((f) => [f.id, everything(f)]))]
    default: return 'Summarises social workers’ case notes about children and families.'
  }
}

async function answerEverySet(entry: RegisterEntry): Promise<number> {
  for (const set of t.services.assessments.allSets()) {
    const raw: Record<string, unknown> = Object.fromEntries(allQuestions(set).map((q) => [q.id, everything(q)]))
    // A cross-question rule may refuse a combination: leave those answers out and save the rest.
    for (let attempt = 0; attempt < 4; attempt++) {
      const r = await t.services.assessments.save(team.contributor.user, entry.id, set.id, raw, 'submit')
      if (r.ok) break
      for (const key of Object.keys(r.errors)) delete raw[key.split('.')[0]!]
    }
  }
  return (await t.services.assessments.actionsFor(team.viewer.user, entry.id)).length
}

/** The whole journey at one width: task list → each section → check your answers → submit → results and the rest. */
async function journey(width: number, javaScriptEnabled: boolean): Promise<void> {
  const tag = `${width}${javaScriptEnabled ? '' : '-nojs'}`
  const entry = await makeEntry(t, team, { name: `Case-note summariser (${tag})`, personalData: true, stage: 'under_assessment' })
  const page = await newPage(browser, baseUrl, { viewport: { width, height: 900 }, javaScriptEnabled })
  try {
    await signIn(page)
    await page.goto(`/register/${entry.id}`)
    await follow(page, () => page.getByRole('button', { name: 'Answer the screening questions' }).click())
    assert.equal(new URL(page.url()).pathname, `/register/${entry.id}/assessments/screening`, 'the screening opens at its task list')
    await checkPage(page, `task list (${tag})`)
    await shoot(page, `tasklist-${tag}`)
    assert.equal(await page.locator('.govuk-task-list__item').count(), SECTIONS.length, 'one task per section')

    for (const [title, answers] of SECTIONS) {
      await follow(page, () => page.getByRole('link', { name: title, exact: true }).click())
      await checkPage(page, `section "${title}" (${tag})`)
      assert.equal(await page.locator('h1').innerText(), title)
      if (title === SECTIONS[0]![0]) await shoot(page, `section-${tag}`)
      await answer(page, answers)
      await follow(page, () => page.getByRole('button', { name: 'Save and continue' }).click())
      const problems = page.locator('.govuk-error-summary')
      if (await problems.count()) assert.fail(`"${title}" was not saved; the page says:\n${await problems.innerText()}`)
      const row = page.locator('.govuk-task-list__item', { hasText: title })
      assert.equal((await row.locator('.govuk-task-list__status').innerText()).trim(), 'Completed', `"${title}" is completed`)
    }
    await checkPage(page, `task list, all completed (${tag})`)
    assert.match(await page.locator('main').innerText(), /You have completed 4 of 4 sections\./)

    await follow(page, () => page.getByRole('button', { name: 'Check your answers and submit' }).click())
    await checkPage(page, `check your answers (${tag})`)
    await shoot(page, `check-${tag}`)
    assert.match(await page.locator('main').innerText(), /100 to 999/, 'the answers are shown in words')
    await follow(page, () => page.getByRole('button', { name: 'Submit for sign-off' }).click())
    assert.match(await page.locator('.govuk-notification-banner').innerText(), /Submitted for sign-off/)
    await checkPage(page, `task list, submitted (${tag})`)
    assert.equal((await t.services.assessments.assessmentFor(team.viewer.user, entry.id, 'screening'))?.status, 'submitted')

    await follow(page, () => page.getByRole('link', { name: 'Back to all assessments' }).click())
    await checkPage(page, `results (${tag})`)
    heights.push(`results page, one screening, ${tag}: ${await height(page)} px`)
    const actions = await t.services.assessments.actionsFor(team.viewer.user, entry.id)
    if (actions.length) {
      await page.goto(`/register/${entry.id}/assessments/actions`)
      await checkPage(page, `actions (${tag})`)
      await page.goto(`/register/${entry.id}/actions/${actions[0]!.id}`)
      await checkPage(page, `one action (${tag})`)
    }
    await page.goto(`/register/${entry.id}/assessments/screening/history`)
    await checkPage(page, `history (${tag})`)
    await page.goto(`/register/${entry.id}/risks/new`)
    await checkPage(page, `new risk (${tag})`)
  } finally {
    await page.context().close()
  }
}

describe('a service manager completes the screening through the task list', () => {
  it('at 1280 px', () => journey(1280, true))
  it('at 390 px', () => journey(390, true))
  it('with JavaScript off', () => journey(1280, false))
})

describe('an entry that needs every set stays readable', () => {
  it('has a short results page and an actions form that fits a phone', async () => {
    const entry = await makeEntry(t, team, {
      name: 'Children’s case-note summariser', personalData: true, specialCategoryData: true, supplier: 'Acme Analytics Ltd',
      decisionRole: 'assists', stage: 'under_assessment',
    })
    const count = await answerEverySet(entry)
    assert.ok(count > 30, `every set answered "yes" requires many actions (${count})`)
    await t.services.risks.add(team.contributor.user, entry.id, {
      category: 'ethics', description: 'Summaries leave out what a child said in their own words.', likelihood: 3, impact: 4,
      residualLikelihood: 2, residualImpact: 3, owner: 'Principal Social Worker', mitigation: 'Social workers read the source notes.', reviewDate: '2027-03-31',
    })
    for (const width of [1280, 390]) {
      const page = await newPage(browser, baseUrl, { viewport: { width, height: 900 } })
      try {
        await signIn(page)
        for (const [path, name] of [['', 'results'], ['/actions', 'actions'], ['/screening', 'tasks-full'], ['/screening/check', 'check-full']] as const) {
          await page.goto(`/register/${entry.id}/assessments${path}`)
          await checkPage(page, `${name} with ${count} actions (${width})`)
          const h = await height(page)
          heights.push(`${name} page, every set answered (${count} actions), ${width} px: ${h} px`)
          if (name === 'results') {
            await shoot(page, `results-${width}`)
            // "A few screens": at most five window heights at 1280, a few more on a phone.
            assert.ok(h <= (width === 1280 ? 5 : 9) * 900, `the results page is ${h} px tall at ${width} px`)
          }
          if (name === 'actions') await shoot(page, `actions-${width}-top`, false)
        }
      } finally {
        await page.context().close()
      }
    }
  })
})
