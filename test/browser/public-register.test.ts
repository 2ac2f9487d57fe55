// The public register's list and an organisation's page in a real browser, at 1280 px and at a
// phone's 390 px (JavaScript off there), axe-core on every page: searching, ticking filters and
// paging through the one GET form, a refused search, Welsh, and the print style.
import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { seedPublicRecords } from '../../src/features/transparency/publicTestkit.ts'
import { createTestApp, type TestApp } from '../support/app.ts'
import { axeReport, checkA11y, launchBrowser, newPage, screenshot } from './support.ts'

let t: TestApp
let baseUrl: string
let browser: Browser

before(async () => {
  t = await createTestApp({ demo: false })
  await seedPublicRecords(t.db, {
    records: 180, organisations: 30, prefix: 'br',
    fields: (n): Record<string, string> => n === 3 ? { title: 'Pothole reporting assistant with a rather long name that has to wrap on a phone' } : {},
  })
  await t.db.query(`update public_records set fields_cy = '{"title": "Cynorthwyydd adrodd tyllau"}' where public_id = 'br-org-3/tool-3'`)
  await t.app.listen({ port: 0, host: '127.0.0.1' })
  baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`
  browser = await launchBrowser()
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

const submit = async (page: Page, name: string) => {
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name, exact: true }).click()])
}

describe('the public register in the browser', () => {
  for (const w of WIDTHS) {
    it(`search, filters and pages at ${w.width}px`, async () => {
      const page = await newPage(browser, baseUrl, { viewport: { width: w.width, height: w.height }, javaScriptEnabled: w.javaScriptEnabled })
      await page.goto('/public')
      await check(page, 'the list', w.width)
      assert.ok(await page.getByRole('heading', { name: '180 records' }).isVisible(), 'the count')

      await page.getByLabel('Search records').fill('pothole')
      await submit(page, 'Search')
      assert.ok(await page.getByRole('heading', { name: '1 record matches “pothole”' }).isVisible(), 'the search')
      await check(page, 'a search', w.width)

      await page.goto('/public')
      await page.getByLabel('Production (45)', { exact: true }).check()
      await page.getByLabel('Yes (90)', { exact: true }).check()
      await submit(page, 'Apply filters')
      assert.match(page.url(), /phase=Production/)
      assert.match(page.url(), /third_party=yes/)
      await check(page, 'filtered', w.width)

      await page.goto('/public')
      await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: 'Next' }).click()])
      assert.match(page.url(), /page=2/)
      await check(page, 'page 2', w.width)
      await screenshot(page, `public-register-${w.width}`)

      await page.goto(`/public?q=${'x'.repeat(300)}`)
      assert.ok(await page.locator('.govuk-error-summary').isVisible(), 'a refused search says why')
      await check(page, 'a refused search', w.width)

      await page.goto('/public?lang=cy&q=pothole')
      assert.ok(await page.getByRole('link', { name: 'Cynorthwyydd adrodd tyllau' }).isVisible(), 'the Welsh title')
      await check(page, 'in Welsh', w.width)

      await page.goto('/public/br-org-3')
      await check(page, "an organisation's page", w.width)
      await page.context().close()
    })
  }

  it('prints the records without the form, filters, pages or navigation', async () => {
    const page = await newPage(browser, baseUrl)
    await page.goto('/public')
    await page.emulateMedia({ media: 'print' })
    for (const selector of ['.govuk-template__header', '.govuk-footer', '.app-filters', '.govuk-pagination', '#q']) {
      assert.equal(await page.locator(selector).first().isVisible(), false, `${selector} is hidden in print`)
    }
    assert.ok(await page.getByRole('heading', { name: '180 records' }).isVisible(), 'the results are printed')
    await page.context().close()
  })
})
