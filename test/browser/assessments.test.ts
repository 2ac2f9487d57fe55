// Answer once, comply many, in a real browser: a contributor answers the intake once and the
// DPIA screening opens with those answers already chosen; an assessor who did not submit it signs
// it off. Every page visited is checked with axe-core.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { axeReport, checkA11y, launchBrowser, newPage, screenshot, type RunningApp, startApp, signInAs } from './support.ts'

let running: RunningApp
let browser: Browser
let baseUrl = ''

before(async () => {
  running = await startApp()
  baseUrl = running.baseUrl
  browser = await launchBrowser()
})

after(async () => {
  console.log(axeReport())
  await browser?.close()
  await running?.close()
})

async function openEntryAssessments(page: Page, name: string) {
  await page.goto('/register')
  await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name }).click()])
  await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: /See every assessment/ }).click()])
  await checkA11y(page)
}


describe('answer once, comply many', () => {
  it('the intake answered once is already there in the DPIA screening; another assessor signs off', async () => {
    const page = await newPage(browser, baseUrl)
    await signInAs(page, 'contributor@northmoor.example')
    await openEntryAssessments(page, 'Planning application validation checks')

    await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: 'About this AI use' }).click()])
    await checkA11y(page)
    // The intake is answered a section at a time from its task list, then checked and submitted.
    const intake: Record<string, string> = {
      lifecycle_phase: 'design', service_area: 'planning_regulation', technique: 'computer_vision', usage_frequency: 'daily',
      personal_data: 'yes', special_category: 'no', people_scale: 'thousands', data_sources: 'council_records',
      people_affected: 'residents', decision_role: 'assists', significant_effect: 'no', vulnerable_people: 'no', supplier_involved: 'no',
    }
    const texts: Record<string, string> = {
      purpose: 'Checks new planning applications for missing documents.',
      human_oversight: 'A validation officer confirms each finding.',
    }
    const sections = await page.locator('a.govuk-task-list__link').evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).href))
    assert.ok(sections.length > 1, 'the intake has sections')
    for (const href of sections) {
      await page.goto(href)
      await checkA11y(page)
      for (const [id, value] of Object.entries(intake)) {
        const input = page.locator(`input[name="q_${id}"][value="${value}"]`)
        if (await input.count()) await input.check()
      }
      for (const [id, value] of Object.entries(texts)) {
        const box = page.locator(`textarea[name="q_${id}"]`)
        if (await box.count()) await box.fill(value)
      }
      await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Save and continue' }).click()])
      assert.equal(await page.locator('.govuk-error-summary').count(), 0, `the section at ${href} was saved`)
    }
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Check your answers and submit' }).click()])
    await checkA11y(page)
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Submit for sign-off' }).click()])
    await checkA11y(page)
    assert.match(await page.locator('.govuk-notification-banner').innerText(), /Submitted for sign-off/)

    // The DPIA screening's sections open with the intake's answers already chosen.
    const dpia = page.url().replace(/\/intake.*$/, '/dpia')
    await page.goto(`${dpia}/sections/the_tool`)
    await checkA11y(page)
    assert.equal(await page.locator('input[name="q_personal_data"][value="yes"]').isChecked(), true)
    await page.goto(`${dpia}/sections/people_and_decisions`)
    assert.equal(await page.locator('input[name="q_decision_role"][value="assists"]').isChecked(), true)
    await page.goto(`${dpia}/sections/the_data`)
    await checkA11y(page)
    assert.equal(await page.locator('input[name="q_people_scale"][value="thousands"]').isChecked(), true)
    assert.equal(await page.locator('input[name="q_special_category"][value="no"]').isChecked(), true)
    await screenshot(page, 'dpia-prefilled')
    await page.close()

    // The contributor cannot sign off; an assessor (not the author) can.
    const assessor = await newPage(browser, baseUrl)
    await signInAs(assessor, 'assessor@northmoor.example')
    await openEntryAssessments(assessor, 'Planning application validation checks')
    await Promise.all([assessor.waitForEvent('load'), assessor.getByRole('link', { name: 'About this AI use' }).click()])
    await Promise.all([assessor.waitForEvent('load'), assessor.getByRole('button', { name: 'Sign off' }).click()])
    await checkA11y(assessor)
    assert.match(await assessor.locator('.govuk-notification-banner').innerText(), /has been signed off/)
    await assessor.close()
  })
})
