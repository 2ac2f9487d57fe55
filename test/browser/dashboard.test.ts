// The organisation dashboard, its printable summary and Home ("what needs me") in a real browser
// (issue 12), at 1280 px and at a phone's 390 px (JavaScript off there), axe-core on every page:
// signing in lands on Home, the charts' tables open without JavaScript, nothing overflows, and the
// summary prints on one A4 page with no navigation.
import assert from 'node:assert/strict'
import { copyFileSync } from 'node:fs'
import { after, before, describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { as, type TestApp } from '../support/app.ts'
import { axeReport, check, launchBrowser, listening, newPage, screenshot, signInAs, WIDTHS } from './support.ts'

let t: TestApp
let baseUrl: string
let browser: Browser

before(async () => {
  ;({ t, baseUrl } = await listening({ demo: true }))
  browser = await launchBrowser()
})

after(async () => {
  console.log(axeReport())
  await browser?.close()
  await t?.close()
})


async function shot(page: Page, name: string) {
  const path = await screenshot(page, name)
  copyFileSync(path, `/tmp/${name}.png`)
}

describe('the dashboard and Home in the browser', () => {
  for (const w of WIDTHS) {
    it(`at ${w.width}px${w.javaScriptEnabled ? '' : ', JavaScript off'}`, async () => {
      const page = await newPage(browser, baseUrl, { viewport: { width: w.width, height: w.height }, javaScriptEnabled: w.javaScriptEnabled })
      // An assessor: signing in lands on Home, with what waits for them.
      await signInAs(page, as.northmoor('assessor'))
      assert.equal(new URL(page.url()).pathname, '/home')
      assert.ok(await page.locator('#home-attention').isVisible())
      await check(page, 'home (assessor)', w.width)
      await shot(page, `dashboard-home-assessor-${w.width}`)

      await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: 'Dashboard', exact: true }).click()])
      assert.equal(await page.locator('h1').innerText(), 'Dashboard')
      const charts = page.locator('svg[role="img"]')
      assert.ok((await charts.count()) >= 4, 'charts drawn')
      const name = await charts.first().evaluate((svg) => {
        const ids = (svg.getAttribute('aria-labelledby') ?? '').split(' ')
        return ids.map((id) => document.getElementById(id)?.textContent ?? '').join(' | ')
      })
      assert.match(name, /Register by lifecycle stage \| .*Live: \d+/, 'the chart is named and described with its figures')
      // The table alternative opens without JavaScript (a native <details>).
      await page.getByText('Show the figures as a table').first().click()
      assert.ok(await page.locator('.app-dashboard__table').first().isVisible())
      await check(page, 'dashboard', w.width)
      await shot(page, `dashboard-${w.width}`)

      await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: /Printable one-page summary/ }).click()])
      await check(page, 'dashboard summary', w.width)
      await shot(page, `dashboard-summary-${w.width}`)
      if (w.javaScriptEnabled) {
        // Printed: no header, navigation or footer, and one A4 page.
        await page.emulateMedia({ media: 'print' })
        assert.equal(await page.locator('.govuk-service-navigation').isVisible(), false, 'no navigation when printed')
        assert.equal(await page.locator('.govuk-footer').isVisible(), false, 'no footer when printed')
        await shot(page, 'dashboard-summary-print')
        const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true })
        const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length
        assert.equal(pages, 1, `the summary prints on ${pages} page(s)`)
        await page.emulateMedia({ media: 'screen' })
      }
      await page.context().close()
    })
  }

  it('a board member and a member of staff see their own Home', async () => {
    for (const [email, label] of [[as.northmoor('board-member'), 'board member'], ['staff@northmoor.example', 'staff']] as const) {
      const page = await newPage(browser, baseUrl)
      await signInAs(page, email)
      assert.equal(new URL(page.url()).pathname, '/home', label)
      await check(page, `home (${label})`, 1280)
      await shot(page, `dashboard-home-${label.replace(' ', '-')}`)
      await page.context().close()
    }
  })
})
