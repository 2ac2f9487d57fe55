// Framework packs in a real browser, axe-core on every page: a platform admin uploads a broken
// question set (the error summary and the problems table), then a good one, reads its preview,
// and puts it live for one council; that council's contributor then finds it on an entry. The
// preview is checked again at a phone's 390 px with JavaScript off.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { Browser } from 'playwright-core'
import { LOCAL_V1 } from '../../src/features/assessments/packs/fixtures.ts'
import { createTestApp, type TestApp } from '../support/app.ts'
import { makeEntry, makePlatformAdmin, makeTeam, PASSWORD, type Person, type Team } from '../support/factories.ts'
import { axeReport, checkA11y, launchBrowser, newPage, screenshot, signInAs, submit } from './support.ts'

let t: TestApp
let baseUrl: string
let browser: Browser
let operator: Person
let team: Team
let entryId: string
let previewUrl = ''
const dir = mkdtempSync(join(tmpdir(), 'aigov-packs-browser-'))
const good = join(dir, 'northshire-local.yaml')
const broken = join(dir, 'broken.yaml')

before(async () => {
  t = await createTestApp({ demo: false })
  operator = await makePlatformAdmin(t)
  team = await makeTeam(t)
  await makeTeam(t)
  entryId = (await makeEntry(t, team, { name: 'Browser chatbot', personalData: true, stage: 'under_assessment' })).id
  writeFileSync(good, LOCAL_V1)
  writeFileSync(broken, LOCAL_V1.replace('kind: yes_no', 'kind: yesno'))
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


describe('framework packs in the browser', () => {
  it('a platform admin uploads, previews and puts a question set live for one council', async () => {
    const page = await newPage(browser, baseUrl)
    await signInAs(page, operator.email, PASSWORD)
    await page.goto('/platform/question-sets')
    await checkA11y(page, 'the question sets list')
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Upload a question set' }).click()])
    await checkA11y(page, 'the upload form')

    await page.getByLabel('YAML file').setInputFiles(broken)
    await submit(page, 'Check and save as draft')
    assert.match(await page.locator('.govuk-error-summary').innerText(), /broken\.yaml: sections\[0\]\.questions\[1\]\.kind: .*\(line 17\)/)
    await checkA11y(page, 'the upload form with problems')
    await screenshot(page, 'packs-upload-problems')

    await page.getByLabel('YAML file').setInputFiles(good)
    await submit(page, 'Check and save as draft')
    assert.match(page.url(), /\/platform\/question-sets\/[0-9a-f-]{36}\?done=uploaded/)
    previewUrl = new URL(page.url()).pathname
    assert.ok(await page.getByText('Is a named officer responsible for the tool?', { exact: true }).isVisible())
    await checkA11y(page, 'the preview')
    await screenshot(page, 'packs-preview')

    await page.getByLabel('Selected organisations').check()
    await page.getByLabel(team.org.name).check()
    await submit(page, 'Put live')
    assert.match(await page.locator('#status').innerText(), /Live/)
    await checkA11y(page, 'the preview once live')
  })

  it('the preview works on a phone without JavaScript', async () => {
    const page = await newPage(browser, baseUrl, { viewport: { width: 390, height: 844 }, javaScriptEnabled: false })
    await signInAs(page, operator.email, PASSWORD)
    await page.goto(previewUrl)
    await checkA11y(page, 'the preview at 390px')
    const scroll = await page.evaluate(() => document.documentElement.scrollWidth)
    assert.ok(scroll <= 390, `the preview is ${scroll}px wide at 390px`)
  })

  it("the council it is published to finds it on its entry's assessments", async () => {
    const page = await newPage(browser, baseUrl)
    await signInAs(page, team.contributor.email, PASSWORD)
    await page.goto(`/register/${entryId}/assessments`)
    await page.getByRole('link', { name: /Northshire local AI checks/ }).first().click()
    await checkA11y(page, "the pack's task list")
    assert.match(page.url(), /\/assessments\/local_checks/)
  })
})
