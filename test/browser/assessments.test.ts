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

/** Picks the radio or checkbox with this value for a question (form field q_<id>). */
async function choose(page: Page, questionId: string, value: string) {
  await page.locator(`input[name="q_${questionId}"][value="${value}"]`).check()
}

describe('answer once, comply many', () => {
  it('the intake answered once is already there in the DPIA screening; another assessor signs off', async () => {
    const page = await newPage(browser, baseUrl)
    await signInAs(page, 'contributor@northmoor.example')
    await openEntryAssessments(page, 'Planning application validation checks')

    await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: 'About this AI use' }).click()])
    await checkA11y(page)
    await page.locator('textarea[name="q_purpose"]').fill('Checks new planning applications for missing documents.')
    await choose(page, 'lifecycle_phase', 'design')
    await choose(page, 'service_area', 'planning_regulation')
    await choose(page, 'technique', 'computer_vision')
    await choose(page, 'usage_frequency', 'daily')
    await choose(page, 'personal_data', 'yes')
    await choose(page, 'special_category', 'no')
    await choose(page, 'people_scale', 'thousands')
    await choose(page, 'data_sources', 'council_records')
    await choose(page, 'people_affected', 'residents')
    await choose(page, 'decision_role', 'assists')
    await choose(page, 'significant_effect', 'no')
    await choose(page, 'vulnerable_people', 'no')
    await page.locator('textarea[name="q_human_oversight"]').fill('A validation officer confirms each finding.')
    await choose(page, 'supplier_involved', 'no')
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Submit for sign-off' }).click()])
    await checkA11y(page)
    assert.match(await page.locator('.govuk-notification-banner').innerText(), /Submitted for sign-off/)

    // The DPIA screening opens with the intake's answers already chosen.
    await page.goto(page.url().replace(/\/intake.*$/, '/dpia'))
    await checkA11y(page)
    assert.equal(await page.locator('input[name="q_personal_data"][value="yes"]').isChecked(), true)
    assert.equal(await page.locator('input[name="q_people_scale"][value="thousands"]').isChecked(), true)
    assert.equal(await page.locator('input[name="q_decision_role"][value="assists"]').isChecked(), true)
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
