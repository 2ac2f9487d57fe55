// The maturity self-assessment and the sector benchmark in a real browser, at 1280 px and at a
// phone's 390 px (JavaScript off there), axe-core on every page: an admin submits an empty form
// (the error summary), then a complete one; the results show the history chart with its text and
// table; the benchmark shows figures from five councils (charts with tables) and hidden ones.
import assert from 'node:assert/strict'
import { copyFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import type { Browser } from 'playwright-core'
import { createTestApp, type TestApp } from '../support/app.ts'
import { makeOrganisation, makeTeam, type Team } from '../support/factories.ts'
import { axeReport, check, launchBrowser, newPage, screenshot, signInAs, submit, WIDTHS } from './support.ts'

let t: TestApp
let baseUrl: string
let browser: Browser
let team: Team

before(async () => {
  t = await createTestApp({ demo: false })
  await t.app.listen({ port: 0, host: '127.0.0.1' })
  baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`
  browser = await launchBrowser()
  team = await makeTeam(t, await makeOrganisation(t, { slug: 'northmoor', name: 'Northmoor Borough Council' }))
  // Five other councils take part and have assessed their maturity.
  const dims = t.services.maturity.model().dimensions
  for (let i = 0; i < 5; i++) {
    const other = await makeTeam(t)
    await t.services.maturity.submit(other.admin.user, dims.map((d, j) => ({ dimension: d.id, score: 1 + ((i + j) % 5), evidence: '' })))
    await t.services.benchmark.setParticipation(other.admin.user, true)
  }
})

after(async () => {
  console.log(axeReport())
  await browser?.close()
  await t?.close()
})

const shot = async (page: Parameters<typeof screenshot>[0], name: string) => copyFileSync(await screenshot(page, name), `/tmp/${name}.png`)

describe('maturity and the benchmark in the browser', () => {
  for (const [n, w] of WIDTHS.entries()) {
    it(`assessing, the results and the benchmark at ${w.width} px`, async () => {
      const page = await newPage(browser, baseUrl, { javaScriptEnabled: w.javaScriptEnabled, viewport: { width: w.width, height: w.height } })
      await signInAs(page, team.admin.email, team.admin.password)
      await page.goto('/maturity')
      await check(page, 'maturity results', w.width)
      await page.goto('/maturity/assess')
      await check(page, 'assessment form', w.width)
      if (n === 0) {
        await submit(page, 'Save assessment')
        assert.ok(await page.getByRole('link', { name: 'Choose a level from 1 to 5 for Leadership and strategy' }).isVisible(), 'the error summary')
      } else {
        // The form starts from the latest assessment: a mistake of another kind.
        await page.getByLabel('Evidence for Data (optional)').fill('d'.repeat(5001))
        await submit(page, 'Save assessment')
        assert.ok(await page.getByRole('link', { name: 'The evidence for Data must be 5,000 characters or fewer' }).isVisible(), 'the error summary')
        assert.equal((await page.getByLabel('Evidence for Data (optional)').inputValue()).length, 5001, 'what was typed is kept')
        await page.getByLabel('Evidence for Data (optional)').fill('Data owners named for each use.')
      }
      await check(page, 'assessment form with errors', w.width)
      await shot(page, `maturity-errors-${w.width}`)
      for (const d of t.services.maturity.model().dimensions) await page.locator(`#${d.id}-${2 + n}`).check()
      await page.getByLabel('Evidence for Policy (optional)').fill('Acceptable-use policy approved by cabinet.')
      await submit(page, 'Save assessment')
      assert.ok(await page.getByText('The assessment has been saved.').isVisible(), 'saved')
      assert.ok(await page.getByRole('img', { name: 'Maturity level by dimension at each assessment' }).isVisible(), 'the chart, named')
      await check(page, 'maturity results with history', w.width)
      await shot(page, `maturity-results-${w.width}`)

      await page.goto('/benchmark')
      await check(page, 'benchmark', w.width)
      assert.ok(await page.getByRole('img', { name: 'Maturity: Data' }).isVisible(), 'a distribution chart')
      await shot(page, `benchmark-${w.width}`)
      await page.goto('/benchmark?nation=wales')
      await check(page, 'benchmark, filtered', w.width)
      await page.context().close()
    })
  }
})
