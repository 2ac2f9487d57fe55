// The public record page in a real browser, at 1280 px and at a phone's 390 px (JavaScript off
// there), axe-core on every page: the record in English and in Welsh (the language toggle keeps
// the page), what changed between its two versions, the print style, the Atom feed read by the
// browser's own XML parser, and "report a problem" (a mistake first, then a report that is sent).
import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { createTestApp, type TestApp } from '../support/app.ts'
import { approveRecord, makeEntry, makeOrganisation, makeTeam, type Person } from '../support/factories.ts'
import { axeReport, checkA11y, launchBrowser, newPage, screenshot, signInAs } from './support.ts'

let t: TestApp
let baseUrl: string
let browser: Browser
let recordPath: string
let admin: Person

before(async () => {
  t = await createTestApp({ demo: false })
  await t.app.listen({ port: 0, host: '127.0.0.1' })
  baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`
  browser = await launchBrowser()
  const team = await makeTeam(t, await makeOrganisation(t, { slug: 'glanmor', name: 'Cyngor Glan-môr Council' }))
  const entry = await makeEntry(t, team, { stage: 'live', name: 'Bin day finder', record: 'complete' })
  const s = t.services.transparency
  const r = (await s.recordFor(team.contributor.user, entry.id))!
  await s.update(team.contributor.user, entry.id, r.version, {
    title: 'Bin day finder', one_sentence_description: 'Tells residents which day their bins are collected.',
    description: 'Residents type their postcode and the tool shows the collection days for their street.',
  })
  const r2 = (await s.recordFor(team.contributor.user, entry.id))!
  await s.updateWelsh(team.contributor.user, entry.id, r2.version, {
    title: 'Canfod diwrnod biniau', one_sentence_description: 'Yn dweud wrth drigolion ar ba ddiwrnod y caiff eu biniau eu casglu.',
  })
  await approveRecord(t, team.assessor.user, entry)
  await s.publish(team.admin.user, entry.id)
  const r3 = (await s.recordFor(team.contributor.user, entry.id))!
  await s.update(team.contributor.user, entry.id, r3.version, {
    description: 'Residents type their postcode or street name and the tool shows the collection days, including garden waste.',
  })
  await approveRecord(t, team.assessor.user, entry)
  await s.publish(team.admin.user, entry.id)
  recordPath = `/public/records/glanmor/${r.slug}`
  admin = team.admin
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

describe('the public record page in the browser', () => {
  for (const w of WIDTHS) {
    const open = () => newPage(browser, baseUrl, { javaScriptEnabled: w.javaScriptEnabled, viewport: { width: w.width, height: w.height } })

    it(`the record, in English and in Welsh, at ${w.width} px`, async () => {
      const page = await open()
      await page.goto(recordPath)
      assert.ok(await page.getByRole('heading', { level: 1, name: 'Bin day finder' }).isVisible(), 'the title')
      assert.ok(await page.getByRole('heading', { name: 'Tier 1: summary' }).isVisible(), 'Tier 1')
      assert.ok(await page.getByRole('link', { name: 'Cyngor Glan-môr Council' }).first().isVisible(), 'the organisation')
      await check(page, 'record', w.width)
      await screenshot(page, `public-record-${w.width}`)

      await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: 'Cymraeg' }).click()])
      assert.ok(page.url().endsWith(`${recordPath}?lang=cy`), 'the same page in Welsh')
      assert.equal(await page.getAttribute('html', 'lang'), 'cy')
      assert.ok(await page.getByRole('heading', { level: 1, name: 'Canfod diwrnod biniau' }).isVisible(), 'the Welsh title')
      assert.equal(await page.locator('.govuk-summary-list__value span[lang="en"]').first().getAttribute('lang'), 'en', 'English text without Welsh is marked as English')
      await check(page, 'record in Welsh', w.width)
      await screenshot(page, `public-record-cy-${w.width}`)
      await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: 'English' }).click()])
      assert.ok(page.url().endsWith(recordPath), 'back in English')
      await page.context().close()
    })

    it(`what changed and the earlier version at ${w.width} px`, async () => {
      const page = await open()
      await page.goto(recordPath)
      await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: 'See what changed from version 1 to version 2' }).click()])
      assert.ok(await page.getByRole('heading', { level: 1, name: /What changed/ }).isVisible())
      assert.ok((await page.locator('ins').count()) > 0, 'words added')
      await check(page, 'changes', w.width)
      await screenshot(page, `public-changes-${w.width}`)
      await page.goto(`${recordPath}/changes?lang=cy`)
      await check(page, 'changes in Welsh', w.width)
      await page.goto(`${recordPath}?version=1`)
      assert.ok(await page.getByText('This is an earlier version of the record.').isVisible())
      await check(page, 'version 1', w.width)
      await page.context().close()
    })

    it(`reporting a problem at ${w.width} px`, async () => {
      const page = await open()
      await page.goto(recordPath)
      await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: 'Report a problem with this record' }).click()])
      await check(page, 'report form', w.width)
      await page.getByLabel('Your email address').fill('not an address')
      await submit(page, 'Send report')
      assert.ok(await page.getByRole('link', { name: 'Enter what is wrong with this record' }).isVisible(), 'the error summary')
      assert.equal(await page.getByLabel('Your email address').inputValue(), 'not an address', 'what was typed is kept')
      await check(page, 'report form with errors', w.width)
      await screenshot(page, `public-report-errors-${w.width}`)
      await page.getByLabel('What is wrong with this record?').fill('The collection days for my street are wrong.')
      await page.getByLabel('Your email address').fill(`resident-${w.width}@example.org`)
      await submit(page, 'Send report')
      assert.ok(await page.getByRole('heading', { name: 'Report sent' }).isVisible(), 'the confirmation')
      await check(page, 'report sent', w.width)

      await page.goto(`${recordPath}/report?lang=cy`)
      assert.equal(await page.getAttribute('html', 'lang'), 'cy')
      await submit(page, 'Anfon yr adroddiad')
      assert.ok(await page.getByRole('link', { name: 'Rhowch beth sy’n anghywir gyda’r cofnod hwn' }).isVisible(), 'the errors in Welsh')
      await check(page, 'report form in Welsh with errors', w.width)
      await page.context().close()
    })
  }

  it('the admins’ list of reports, at 1280 px and 390 px', async () => {
    for (const w of WIDTHS) {
      const page = await newPage(browser, baseUrl, { javaScriptEnabled: w.javaScriptEnabled, viewport: { width: w.width, height: w.height } })
      await signInAs(page, admin.email, admin.password)
      await page.goto('/transparency/reports')
      assert.ok(await page.getByRole('link', { name: `resident-${w.width}@example.org` }).isVisible(), 'the report sent from this width')
      await check(page, 'reports', w.width)
      await screenshot(page, `transparency-reports-${w.width}`)
      await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: new RegExp(`^Mark as dealt with the report from resident-${w.width}@example\\.org received`) }).click()])
      assert.ok(await page.getByText('The report has been marked as dealt with.').isVisible(), 'marked')
      await check(page, 'reports after marking', w.width)
      await page.context().close()
    }
  })

  it('prints the record without the header, footer and on-screen links', async () => {
    const page = await newPage(browser, baseUrl)
    await page.goto(recordPath)
    await page.emulateMedia({ media: 'print' })
    for (const selector of ['.govuk-template__header', '.govuk-footer', '.app-back-link', '.app-language-toggle']) {
      assert.equal(await page.locator(selector).first().isVisible(), false, `${selector} is hidden in print`)
    }
    assert.ok(await page.getByRole('heading', { level: 1, name: 'Bin day finder' }).isVisible(), 'the record is printed')
    assert.equal(await page.getByRole('link', { name: 'Report a problem with this record' }).isVisible(), false, 'on-screen links are not')
    await page.context().close()
  })

  it('the Atom feed is well-formed XML the browser reads as Atom', async () => {
    const page = await newPage(browser, baseUrl)
    await page.goto('/public')
    const feed = await page.evaluate(async () => {
      const text = await (await fetch('/public/feed.atom')).text()
      const doc = new DOMParser().parseFromString(text, 'application/xml')
      return {
        error: doc.getElementsByTagName('parsererror').length,
        ns: doc.documentElement.namespaceURI,
        entries: doc.getElementsByTagNameNS('http://www.w3.org/2005/Atom', 'entry').length,
      }
    })
    assert.deepEqual(feed, { error: 0, ns: 'http://www.w3.org/2005/Atom', entries: 2 })
    await page.context().close()
  })
})
