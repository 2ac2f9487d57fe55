// A complete ATRS record in a real browser (issue 11 §1): a contributor completes the record a draft
// left, with radios and selects for the fixed-value fields, adds a model specification, withholds a
// field with a reason and writes Welsh text; the completeness list names each field by section; an
// assessor who did not write it reads it and approves it; the admin publishes it. Every page is
// checked with axe-core at 1280 px; the form also at 390 px, where it must not scroll sideways.
import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import type { Browser, Locator, Page } from 'playwright-core'
import type { RegisterEntry } from '../../src/features/register/model.ts'
import { createTestApp, type TestApp } from '../support/app.ts'
import { completeRecord, makeEntry, makeTeam, type Team } from '../support/factories.ts'
import { axeReport, checkA11y, launchBrowser, newPage, screenshot, signInAs } from './support.ts'

let t: TestApp
let team: Team
let entry: RegisterEntry
let baseUrl = ''
let browser: Browser

before(async () => {
  t = await createTestApp({ demo: false })
  await t.app.listen({ port: 0, host: '127.0.0.1' })
  baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`
  team = await makeTeam(t)
  entry = await makeEntry(t, team, { name: 'Rent arrears prioritisation', stage: 'live', record: 'draft' })
  browser = await launchBrowser()
})

after(async () => {
  console.log(axeReport())
  await browser?.close()
  await t?.close()
})

async function follow(page: Page, target: Locator): Promise<void> {
  await Promise.all([page.waitForEvent('load', { timeout: 20_000 }), target.click()])
  await checkA11y(page)
}

const recordUrl = () => `/register/${entry.id}/transparency`

describe('completing, approving and publishing an ATRS record', () => {
  it('the contributor completes the record with the form, at 1280 and 390 px', async () => {
    const page = await newPage(browser, baseUrl)
    await signInAs(page, team.contributor.email, team.contributor.password)
    await page.goto(recordUrl())
    await checkA11y(page, 'the record form')
    // The completeness list names fields by section and links to each.
    const list = page.locator('#completeness')
    await assert.doesNotReject(list.getByRole('link', { name: 'Enter Benefit' }).waitFor())
    await follow(page, page.getByRole('button', { name: 'Add another: Model specification' }))
    assert.match(page.url(), /#model-add$/)
    await page.getByLabel('2.4.2.1 Model name').fill('Arrears risk model')
    await page.getByRole('group', { name: /1\.5 Phase/ }).getByLabel('Production').check()
    await page.getByLabel('1.6 Region').selectOption('London')
    await page.getByLabel('2.2.2 Benefit').fill('Officers reach the tenants most at risk first.')
    await follow(page, page.getByRole('button', { name: 'Save record' }).last())
    await page.getByText('Model specification 1', { exact: true }).first().waitFor()
    assert.equal(await page.getByLabel('2.4.2.1 Model name').inputValue(), 'Arrears risk model')
    await screenshot(page, 'atrs-record-form-1280')

    // A careless value: a website that is not an address. Refused, named, typing kept.
    await page.getByLabel(/1\.3 Website URL/).fill('javascript:alert(1)')
    await page.getByLabel('2.2.3 Previous process').fill('Officers worked through a spreadsheet of every account.')
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Save record' }).last().click()])
    await page.locator('.govuk-error-summary').getByRole('link', { name: 'Website URL is not valid' }).waitFor()
    assert.equal(await page.getByLabel('2.2.3 Previous process').inputValue(), 'Officers worked through a spreadsheet of every account.')
    await checkA11y(page, 'the form with an error')
    await page.getByLabel(/1\.3 Website URL/).fill('https://www.example.gov.uk/rent')
    await follow(page, page.getByRole('button', { name: 'Save record' }).last())

    const phone = await newPage(browser, baseUrl, { viewport: { width: 390, height: 844 } })
    await signInAs(phone, team.contributor.email, team.contributor.password)
    await phone.goto(recordUrl())
    await checkA11y(phone, 'the record form at 390 px')
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
    assert.ok(overflow <= 0, `the form scrolls sideways by ${overflow}px at 390 px`)
    await screenshot(phone, 'atrs-record-form-390')
    await phone.context().close()

    // Withhold a field, with the reason.
    await follow(page, page.getByRole('link', { name: /Withhold fields/ }))
    await page.getByLabel('Field').selectOption({ label: '2.4.1.1 System architecture' })
    await page.getByLabel('Reason, as the public will read it').fill('Publishing it would help people get round the checks.')
    await follow(page, page.getByRole('button', { name: 'Withhold this field' }))
    await page.getByText('Publishing it would help people get round the checks.').waitFor()
    await screenshot(page, 'atrs-record-redactions')

    // Welsh text.
    await page.goto(`${recordUrl()}/welsh`)
    await checkA11y(page, 'the Welsh text page')
    await page.getByLabel('0.11 Title').fill('Blaenoriaethu ôl-ddyledion rhent')
    await follow(page, page.getByRole('button', { name: 'Save Welsh text' }))
    await page.context().close()
    const r = (await t.services.transparency.recordFor(team.contributor.user, entry.id))!
    assert.equal(r.fields.model_name__1, 'Arrears risk model')
    assert.equal(r.fields.phase, 'Production')
    assert.equal(r.fieldsCy.title, 'Blaenoriaethu ôl-ddyledion rhent')
    assert.ok(r.redactions.system_architecture, 'withheld')
  })

  it('an assessor who did not write it reads it and approves it; the admin publishes it', async () => {
    await completeRecord(t, team.contributor.user, entry)
    const reviewer = await newPage(browser, baseUrl)
    await signInAs(reviewer, team.board.email, team.board.password)
    await reviewer.goto(recordUrl())
    await checkA11y(reviewer, 'the record as a reviewer reads it')
    assert.equal(await reviewer.getByRole('button', { name: 'Save record' }).count(), 0, 'a reviewer reads, does not edit')
    await follow(reviewer, reviewer.getByRole('button', { name: 'Approve the saved record for publishing' }))
    await reviewer.getByText('Approved for publishing by').waitFor()
    await screenshot(reviewer, 'atrs-record-approved')
    await reviewer.context().close()

    const admin = await newPage(browser, baseUrl)
    await signInAs(admin, team.admin.email, team.admin.password)
    await admin.goto(recordUrl())
    await follow(admin, admin.getByRole('button', { name: 'Publish the saved record' }))
    await admin.context().close()
    const r = (await t.services.transparency.recordFor(team.admin.user, entry.id))!
    assert.deepEqual(r.publications.map((p) => p.versionNo), [1])
  })
})
