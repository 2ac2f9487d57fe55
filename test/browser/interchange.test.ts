// Imports and "published on GOV.UK" in a real browser, axe-core on every page, at 1280 px and at a
// phone's 390 px with JavaScript off: an admin uploads GOV.UK's index and reads the report (with a
// rejected row), then the public list of records published on GOV.UK is searched and paged.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { createTestApp, type TestApp } from '../support/app.ts'
import { makeOrganisation, makePlatformAdmin, PASSWORD, type Person } from '../support/factories.ts'
import { axeReport, checkA11y, launchBrowser, newPage, signInAs } from './support.ts'

let t: TestApp
let baseUrl: string
let browser: Browser
let admin: Person
const dir = mkdtempSync(join(tmpdir(), 'aigov-interchange-browser-'))
const index = join(dir, 'atrs_records.csv')

before(async () => {
  t = await createTestApp({ demo: false })
  // GOV.UK's index changes the whole platform: a platform admin imports it.
  admin = await makePlatformAdmin(t, await makeOrganisation(t, { slug: 'browsershire', name: 'Browsershire Council' }))
  const rows = Array.from({ length: 60 }, (_, i) => `Body ${i % 7},Tool number ${i},2025-0${1 + (i % 9)}-1${i % 10}T10:00:00Z,https://www.gov.uk/algorithmic-transparency-records/body-tool-${i}`)
  writeFileSync(index, ['publishing_body,tool_name,published,url', ...rows, 'Evil,Bad link,2025-01-01,https://evil.example/x'].join('\r\n') + '\r\n')
  await t.app.listen({ port: 0, host: '127.0.0.1' })
  baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`
  browser = await launchBrowser()
})

after(async () => {
  console.log(axeReport())
  await browser?.close()
  await t?.close()
  rmSync(dir, { recursive: true, force: true })
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

describe('imports and records published on GOV.UK, in the browser', () => {
  for (const w of WIDTHS) {
    it(`an admin imports GOV.UK's index at ${w.width}px`, async () => {
      const page = await newPage(browser, baseUrl, { viewport: { width: w.width, height: w.height }, javaScriptEnabled: w.javaScriptEnabled })
      await signInAs(page, admin.email, PASSWORD)
      await page.goto('/interchange/import')
      await check(page, 'the import form', w.width)
      await submit(page, 'Import')
      assert.ok(await page.locator('.govuk-error-summary').getByText('Choose what is in the file').isVisible(), 'no format chosen')
      await check(page, 'the form with errors', w.width)
      await page.getByLabel('The index of ATRS records published on GOV.UK (CSV or JSON)').check()
      await page.getByLabel('File', { exact: true }).setInputFiles(index)
      await submit(page, 'Import')
      assert.ok(await page.getByRole('heading', { name: 'Import report' }).isVisible())
      assert.ok(await page.getByRole('cell', { name: 'Not a GOV.UK record address: https://www.gov.uk/algorithmic-transparency-records/…' }).isVisible())
      await check(page, 'the report', w.width)
      await page.context().close()
    })

    it(`the public list, searched and paged, at ${w.width}px`, async () => {
      const page = await newPage(browser, baseUrl, { viewport: { width: w.width, height: w.height }, javaScriptEnabled: w.javaScriptEnabled })
      await page.goto('/public/elsewhere')
      assert.ok(await page.getByRole('heading', { name: '60 records' }).isVisible())
      await check(page, 'records published on GOV.UK', w.width)
      await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: 'Next' }).click()])
      assert.match(page.url(), /page=2/)
      await check(page, 'page 2', w.width)
      await page.getByLabel('Search by name or publishing body').fill('"Tool number 42"')
      await submit(page, 'Search')
      assert.ok(await page.getByRole('heading', { name: '1 record' }).isVisible())
      await check(page, 'a search', w.width)
      await page.getByLabel('Search by name or publishing body').fill('x'.repeat(300))
      await submit(page, 'Search')
      assert.ok(await page.locator('.govuk-error-summary').isVisible(), 'a refused search says why')
      await check(page, 'a refused search', w.width)
      await page.context().close()
    })
  }
})
