// The guidance library, impact cases and glossary in a real browser at 1280 px and at 390 px (with
// JavaScript off there), axe-core on every page: searching and filtering the library, a case, the
// glossary's anchors; sharing a contribution (a mistake first), a platform admin approving it,
// and the guidance links on an assessment question.
import assert from 'node:assert/strict'
import { copyFileSync } from 'node:fs'
import { after, before, describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import type { TestApp } from '../support/app.ts'
import { makeEntry, makeOrganisation, makePlatformAdmin, makeTeam, type Person, type Team } from '../support/factories.ts'
import { axeReport, check, launchBrowser, listening, newPage, screenshot, signInAs, submit, WIDTHS } from './support.ts'

let t: TestApp
let baseUrl: string
let browser: Browser
let team: Team
let operator: Person
let entryId: string

before(async () => {
  ;({ t, baseUrl } = await listening())
  browser = await launchBrowser()
  team = await makeTeam(t, await makeOrganisation(t, { slug: 'northmoor', name: 'Northmoor Borough Council' }))
  operator = await makePlatformAdmin(t)
  entryId = (await makeEntry(t, team)).id
})

after(async () => {
  console.log(axeReport())
  await browser?.close()
  await t?.close()
})


async function shot(page: Page, name: string) {
  copyFileSync(await screenshot(page, name), `/tmp/${name}.png`)
}


describe('the guidance library in the browser', () => {
  for (const w of WIDTHS) {
    it(`library, a resource, cases and the glossary at ${w.width} px`, async () => {
      const page = await newPage(browser, baseUrl, { javaScriptEnabled: w.javaScriptEnabled, viewport: { width: w.width, height: w.height } })
      await page.goto('/guidance')
      await check(page, 'library', w.width)
      await shot(page, `g-library-${w.width}`)
      await page.getByLabel('Search by words').fill('supplier')
      await page.getByLabel('Theme').selectOption('security')
      await submit(page, 'Search')
      assert.match(page.url(), /\/guidance\?q=supplier&theme=security$/)
      assert.ok(await page.getByRole('link', { name: 'Guidelines for secure AI system development' }).isVisible(), 'the match')
      await check(page, 'library searched', w.width)
      await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: 'Guidelines for secure AI system development' }).click()])
      await check(page, 'resource', w.width)
      await shot(page, `g-resource-${w.width}`)

      await page.goto('/cases?maturity=culture_and_structure')
      await check(page, 'cases filtered', w.width)
      await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: /social care team pilots AI/ }).click()])
      assert.ok(await page.getByText('This is an illustrative example').isVisible())
      await check(page, 'case', w.width)
      await shot(page, `g-case-${w.width}`)

      await page.goto('/guidance/glossary')
      await check(page, 'glossary', w.width)
      await Promise.all([page.waitForURL('**#atrs'), page.getByRole('link', { name: 'What is ATRS?' }).click()])
      await shot(page, `g-glossary-${w.width}`)
      await page.context().close()
    })

    it(`sharing, moderation and a question's guidance at ${w.width} px`, async () => {
      const page = await newPage(browser, baseUrl, { javaScriptEnabled: w.javaScriptEnabled, viewport: { width: w.width, height: w.height } })
      await signInAs(page, team.contributor.email, team.contributor.password)
      await page.goto('/guidance/contribute')
      await check(page, 'contribute', w.width)
      await page.getByLabel('Title').fill(`Register in a week (${w.width})`)
      await page.getByLabel('Link (optional)').fill('javascript:alert(1)')
      await submit(page, 'Send for review')
      assert.ok(await page.getByRole('link', { name: 'Enter a summary' }).isVisible(), 'the error summary')
      assert.equal(await page.getByLabel('Title').inputValue(), `Register in a week (${w.width})`, 'typed value kept')
      await check(page, 'contribute with errors', w.width)
      await shot(page, `g-contribute-${w.width}`)
      await page.getByLabel('Case study').check()
      await page.getByLabel('Theme').selectOption('governance')
      await page.getByLabel('Link (optional)').fill('https://example.org/register')
      await page.getByLabel('Summary').fill('We listed forty tools from an intake survey.')
      await submit(page, 'Send for review')
      assert.ok(await page.getByText('Waiting for review').first().isVisible())
      await check(page, 'my contributions', w.width)

      await page.goto(`/register/${entryId}/assessments/dpia/sections/the_data`)
      await page.getByText(/Guidance this question draws on/).first().click()
      await check(page, 'question with guidance', w.width)
      await shot(page, `g-question-${w.width}`)
      await page.context().close()

      const mod = await newPage(browser, baseUrl, { javaScriptEnabled: w.javaScriptEnabled, viewport: { width: w.width, height: w.height } })
      await signInAs(mod, operator.email, operator.password)
      await mod.goto('/guidance/moderation')
      await check(mod, 'moderation', w.width)
      await shot(mod, `g-moderation-${w.width}`)
      await Promise.all([mod.waitForEvent('load'), mod.getByRole('button', { name: 'Approve and publish' }).first().click()])
      assert.ok(await mod.getByText('The contribution is approved and now published.').isVisible())
      await mod.goto('/cases')
      assert.ok(await mod.getByText('Shared by Northmoor Borough Council').first().isVisible())
      await mod.context().close()
    })
  }
})
