// The use-case library in a real browser, at 1280 px and at a phone's 390 px (JavaScript off there),
// axe-core on every page: a contributor searches the library, opens a use and starts an entry from
// it; an admin previews sharing an entry (refused while it holds an e-mail address, then shared),
// and another council sees it marked with the sharing council's name.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Browser } from 'playwright-core'
import type { TestApp } from '../support/app.ts'
import { makeEntry, makeOrganisation, makeTeam, type Team } from '../support/factories.ts'
import type { RegisterEntry } from '../../src/features/register/model.ts'
import { axeReport, check, launchBrowser, listening, newPage, screenshot, signInAs, submit, WIDTHS } from './support.ts'

let t: TestApp
let baseUrl: string
let browser: Browser
let team: Team
let other: Team
let entry: RegisterEntry

before(async () => {
  ;({ t, baseUrl } = await listening())
  browser = await launchBrowser()
  team = await makeTeam(t, await makeOrganisation(t, { slug: 'northmoor', name: 'Northmoor Borough Council' }))
  other = await makeTeam(t, await makeOrganisation(t, { slug: 'riverside', name: 'Riverside District Council' }))
  entry = await makeEntry(t, team, { name: 'Planning enquiry triage', purpose: 'Sorts planning enquiries by topic. Questions to ai@northmoor.example.' })
})

after(async () => {
  console.log(axeReport())
  await browser?.close()
  await t?.close()
})



describe('the use-case library in the browser', () => {
  for (const { width, height, javaScriptEnabled } of WIDTHS) {
    it(`a contributor finds a use and starts an entry from it (${width}px, JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
      const page = await newPage(browser, baseUrl, { viewport: { width, height }, javaScriptEnabled })
      await signInAs(page, team.contributor.email, team.contributor.password)
      await page.goto('/home')
      await check(page, 'home', width)
      await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Browse the library' }).click()])
      await check(page, 'library', width)
      if (width === 1280) await screenshot(page, 'usecases-list')
      await page.getByLabel('Search by words').fill('rent arrears')
      await submit(page, 'Apply')
      assert.match(page.url(), /\/library\?q=rent\+arrears/, 'a GET form')
      await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: 'Rent-arrears prioritisation' }).click()])
      await check(page, 'use', width)
      if (width === 1280) await screenshot(page, 'usecases-show')
      await submit(page, 'Use this')
      assert.match(page.url(), /\/register\/[0-9a-f-]{36}\?done=fromLibrary/, 'the new entry')
      await page.getByText('Started from “Rent-arrears prioritisation”').waitFor()
      await check(page, 'new entry', width)
      await page.context().close()
    })
  }

  it('an admin is refused while the entry holds an e-mail address, then shares it; another council sees it', async () => {
    const page = await newPage(browser, baseUrl)
    await signInAs(page, team.admin.email, team.admin.password)
    await page.goto(`/register/${entry.id}`)
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Preview sharing to the library' }).click()])
    await page.locator('.govuk-error-summary').getByText('What it is for holds an e-mail address').waitFor()
    await check(page, 'share refused', 1280)
    await screenshot(page, 'usecases-share-refused')
    const current = await t.services.register.get(team.admin.user, entry.id)
    await t.services.register.update(team.admin.user, entry.id, { version: current.version, purpose: 'Sorts planning enquiries by topic.' })
    await page.reload()
    await check(page, 'share preview', 1280)
    await screenshot(page, 'usecases-share-preview')
    await submit(page, 'Share to the library')
    await page.getByText('The entry is shared in the use-case library').waitFor()
    await page.context().close()

    const theirs = await newPage(browser, baseUrl, { javaScriptEnabled: false })
    await signInAs(theirs, other.viewer.email, other.viewer.password)
    await theirs.goto('/library?theme=shared')
    await check(theirs, 'shared list', 1280)
    await Promise.all([theirs.waitForEvent('load'), theirs.getByRole('link', { name: 'Planning enquiry triage' }).click()])
    await theirs.getByText('Shared by Northmoor Borough Council').first().waitFor()
    await check(theirs, 'shared use', 1280)
    await screenshot(theirs, 'usecases-shared-show')
    await theirs.context().close()
  })
})
