// Platform administration and the sector hub in a real browser, at 1280 px and at 390 px (with
// JavaScript off there), axe-core on every page: a platform admin lists the organisations, adds
// one (a mistake first: the errors name the fields and keep what was typed), suspends it and
// reinstates it; a council viewer finds the hub's sections.
import assert from 'node:assert/strict'
import { copyFileSync } from 'node:fs'
import { after, before, describe, it } from 'node:test'
import type { Browser } from 'playwright-core'
import type { TestApp } from '../support/app.ts'
import { makeOrganisation, makePlatformAdmin, makeTeam, type Person, type Team } from '../support/factories.ts'
import { axeReport, check, launchBrowser, listening, newPage, screenshot, signInAs, submit, WIDTHS } from './support.ts'

let t: TestApp
let baseUrl: string
let browser: Browser
let operator: Person
let team: Team

before(async () => {
  ;({ t, baseUrl } = await listening())
  browser = await launchBrowser()
  operator = await makePlatformAdmin(t, await makeOrganisation(t, { slug: 'operators', name: 'Hub operators' }))
  team = await makeTeam(t, await makeOrganisation(t, { slug: 'northmoor', name: 'Northmoor Borough Council' }))
})

after(async () => {
  console.log(axeReport())
  await browser?.close()
  await t?.close()
})

const shot = async (page: Parameters<typeof screenshot>[0], name: string) => copyFileSync(await screenshot(page, name), `/tmp/${name}.png`)

describe('platform administration and the hub in the browser', () => {
  for (const { width, height, javaScriptEnabled } of WIDTHS) {
    it(`a platform admin adds, suspends and reinstates an organisation (${width}px)`, async () => {
      const page = await newPage(browser, baseUrl, { viewport: { width, height }, javaScriptEnabled })
      await signInAs(page, operator.email, operator.password)
      await page.getByRole('link', { name: 'Platform', exact: true }).click()
      await page.waitForURL(/\/platform\/organisations$/)
      await check(page, 'organisations', width)
      await page.getByRole('button', { name: 'Add an organisation' }).click()
      await page.waitForURL(/\/platform\/organisations\/new$/)
      await check(page, 'add an organisation', width)
      const slug = `westvale-${width}`
      await page.getByLabel('Name', { exact: true }).fill('')
      await page.getByLabel('Short name').fill('Not A Slug')
      await page.getByLabel('Region').fill('North West')
      await submit(page, 'Add organisation')
      assert.match(await page.locator('.govuk-error-summary').innerText(), /Enter the organisation's name/)
      assert.equal(await page.getByLabel('Region').inputValue(), 'North West', 'what was typed is kept')
      await check(page, 'add an organisation with errors', width)
      await shot(page, `platform-new-errors-${width}`)
      await page.getByLabel('Name', { exact: true }).fill(`Westvale Borough Council ${width}`)
      await page.getByLabel('Short name').fill(slug)
      await page.getByLabel('England').check()
      await page.getByLabel('Official identifier (optional)').fill(`E0799${width}`)
      await submit(page, 'Add organisation')
      assert.match(await page.locator('.govuk-notification-banner').innerText(), /The organisation has been added/)
      await check(page, 'the new organisation', width)
      await page.getByLabel('Reason').fill('Testing suspension in the browser.')
      await submit(page, 'Suspend organisation')
      assert.match(await page.locator('.govuk-warning-text').innerText(), /Suspended since/)
      await check(page, 'a suspended organisation', width)
      await shot(page, `platform-suspended-${width}`)
      await submit(page, 'Reinstate organisation')
      assert.match(await page.locator('.govuk-notification-banner').innerText(), /reinstated/)
      await page.goto('/platform/organisations')
      await shot(page, `platform-list-${width}`)
      assert.match(await page.locator('#organisations').innerText(), new RegExp(`Westvale Borough Council ${width}`))
      await page.context().close()
    })

    it(`a council viewer finds the sector hub (${width}px)`, async () => {
      const page = await newPage(browser, baseUrl, { viewport: { width, height }, javaScriptEnabled })
      await signInAs(page, team.viewer.email, team.viewer.password)
      await page.goto('/hub')
      await check(page, 'the hub', width)
      for (const heading of ['Start from the use-case library', 'Your AI governance maturity', 'Sector benchmark']) {
        assert.ok(await page.getByRole('heading', { name: heading }).isVisible(), heading)
      }
      await shot(page, `hub-${width}`)
      await page.context().close()
    })
  }
})
