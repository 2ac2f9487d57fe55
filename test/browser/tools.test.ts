// Approved AI tools, "Can I use this AI tool?" and the organisation settings in a real browser, at
// 1280 px and at a phone's 390 px (JavaScript off there), axe-core on every page: a member of staff
// sees the approved tools and their own requests on the home page, asks about a tool (a mistake
// first, then a request that is sent), and an admin edits the organisation's details.
import assert from 'node:assert/strict'
import { copyFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { createTestApp, type TestApp } from '../support/app.ts'
import { makeEntry, makeOrganisation, makePerson, makeTeam, type Person } from '../support/factories.ts'
import { axeReport, checkA11y, launchBrowser, newPage, screenshot, signInAs } from './support.ts'

let t: TestApp
let baseUrl: string
let browser: Browser
let staff: Person
let admin: Person

before(async () => {
  t = await createTestApp({ demo: false })
  await t.app.listen({ port: 0, host: '127.0.0.1' })
  baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`
  browser = await launchBrowser()
  const org = await makeOrganisation(t, { slug: 'northmoor', name: 'Northmoor Borough Council' })
  const team = await makeTeam(t, org)
  staff = await makePerson(t, org, ['staff'], { name: 'Sam Staff', email: 'sam.staff@northmoor.example' })
  admin = team.admin
  const live = await makeEntry(t, team, { stage: 'live', name: 'Copilot Chat, enterprise tenancy' })
  await t.services.tools.approve(admin.user, live.id, { publicName: 'Microsoft Copilot Chat', approvedFor: 'Drafting and summarising documents that hold no personal data' })
  await t.services.tools.ask(staff.user, { toolName: 'Otter transcription', purpose: 'Notes of team meetings', information: 'internal', detail: null })
})

after(async () => {
  console.log(axeReport())
  await browser?.close()
  await t?.close()
})

const WIDTHS = [
  { width: 1280, height: 900, javaScriptEnabled: true },
  { width: 390, height: 844, javaScriptEnabled: false },
] as const

async function check(page: Page, label: string, width: number) {
  await checkA11y(page, `${label} at ${width}px`)
  const scroll = await page.evaluate(() => document.documentElement.scrollWidth)
  assert.ok(scroll <= width, `${label} is ${scroll}px wide at ${width}px`)
}

async function shot(page: Page, name: string) {
  const path = await screenshot(page, name)
  copyFileSync(path, `/tmp/${name}.png`)
}

const submit = async (page: Page, name: string) => {
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name, exact: true }).click()])
}

describe('approved tools, asking about a tool, and the settings page in the browser', () => {
  for (const w of WIDTHS) {
    it(`staff home and "Can I use this AI tool?" at ${w.width} px`, async () => {
      const page = await newPage(browser, baseUrl, { javaScriptEnabled: w.javaScriptEnabled, viewport: { width: w.width, height: w.height } })
      await signInAs(page, staff.email, staff.password)
      await page.goto('/home')
      assert.ok(await page.getByRole('heading', { name: 'Approved AI tools' }).isVisible(), 'the approved tools')
      assert.ok(await page.getByText('Microsoft Copilot Chat').isVisible(), 'the tool')
      assert.ok(await page.getByRole('link', { name: 'Otter transcription' }).isVisible(), 'the request')
      await check(page, 'home', w.width)
      await shot(page, `h6-home-${w.width}`)

      await page.getByRole('button', { name: 'Ask about a tool' }).click()
      await page.waitForURL('**/tools/ask')
      await check(page, 'ask', w.width)
      await page.getByLabel('Which tool?').fill('Gemini')
      await submit(page, 'Send request')
      assert.ok(await page.getByRole('link', { name: 'Enter what you want to use the tool for' }).isVisible(), 'the error summary')
      assert.equal(await page.getByLabel('Which tool?').inputValue(), 'Gemini', 'typed value kept')
      await check(page, 'ask with errors', w.width)
      await shot(page, `h6-ask-${w.width}`)

      await page.getByLabel('What do you want to use it for?').fill('Drafting replies to routine enquiries')
      await page.getByLabel('Internal council information').check()
      await submit(page, 'Send request')
      assert.match(page.url(), /\/tools\/requests\/[0-9a-f-]{36}\?done=sent$/, 'the request page')
      assert.ok(await page.getByText('Received').first().isVisible(), 'the stage')
      await check(page, 'request', w.width)
      await shot(page, `h6-request-${w.width}`)
      await page.context().close()
    })

    it(`the settings page at ${w.width} px`, async () => {
      const page = await newPage(browser, baseUrl, { javaScriptEnabled: w.javaScriptEnabled, viewport: { width: w.width, height: w.height } })
      await signInAs(page, admin.email, admin.password)
      await page.goto('/settings')
      await check(page, 'settings', w.width)
      await page.getByLabel('AI lead’s email address').fill('not an address')
      await submit(page, 'Save details')
      assert.ok(await page.getByRole('link', { name: /Enter the AI lead’s email address in the correct format/ }).isVisible(), 'the error summary')
      await check(page, 'settings with errors', w.width)
      await shot(page, `h6-settings-${w.width}`)
      await page.getByLabel('AI lead’s email address').fill('ai.lead@northmoor.example')
      await submit(page, 'Save details')
      assert.ok(await page.getByText('The settings have been saved.').isVisible(), 'saved')
      await page.context().close()
    })
  }
})
