// Policies in a real browser with JavaScript off, at a phone's width (390 px), axe-core on every page:
// a Riverside admin adopts the acceptable use policy, previews and saves an edit, submits it; a board
// member approves it; the admin publishes it and makes it public; anyone reads it without signing in.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { axeReport, checkA11y, launchBrowser, newPage, type RunningApp, signInAs, startApp } from './support.ts'

let running: RunningApp
let browser: Browser

before(async () => {
  running = await startApp()
  browser = await launchBrowser()
})
after(async () => {
  console.log(axeReport())
  await browser?.close()
  await running?.close()
})

const phone = () => newPage(browser, running.baseUrl, { javaScriptEnabled: false, viewport: { width: 390, height: 844 } })

async function check(page: Page, label: string) {
  await checkA11y(page, label)
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth)
  assert.ok(overflow <= 390, `${label} is ${overflow}px wide at 390px`)
}

const submit = async (page: Page, name: string) => {
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name, exact: true }).click()])
}

describe('policies in the browser, without JavaScript, at 390 px', () => {
  it('adopt → preview → save → submit → approve → publish → public', async () => {
    const admin = await phone()
    await signInAs(admin, 'admin@riverside.example')
    await admin.goto('/policies')
    await check(admin, 'policies list')
    await admin.getByLabel('Acceptable use of generative AI').check()
    await submit(admin, 'Start a draft')
    assert.match(admin.url(), /\/policies\/[0-9a-f-]{36}\/edit/)
    await check(admin, 'edit')
    const body = admin.getByLabel('Text (Markdown)')
    const text = `${await body.inputValue()}\n\n# 16. Local note\n\nAsk **{{ai_lead}}** first.`
    await body.fill(text)
    await submit(admin, 'Preview')
    await check(admin, 'preview')
    assert.equal(await admin.getByLabel('Text (Markdown)').inputValue(), text, 'the typed text is kept')
    assert.ok(await admin.getByRole('heading', { name: '16. Local note' }).isVisible())
    assert.ok(await admin.getByText('[not set: AI lead]').first().isVisible())
    await submit(admin, 'Save draft')
    await check(admin, 'policy page, draft')
    await submit(admin, 'Submit for approval')
    const policyUrl = admin.url().split('?')[0]!

    const board = await phone()
    await signInAs(board, 'board-member@riverside.example')
    await board.goto(policyUrl)
    await check(board, 'policy page, to approve')
    await board.getByLabel('Major change').check()
    await submit(board, 'Approve')

    await admin.goto(policyUrl)
    await check(admin, 'policy page, to publish')
    const fill = async (group: string, d: string, m: string, y: string) => {
      const g = admin.getByRole('group', { name: group })
      await g.getByLabel('Day').fill(d)
      await g.getByLabel('Month').fill(m)
      await g.getByLabel('Year').fill(y)
    }
    await fill('Effective date', '1', '4', '2027')
    await fill('Next review date', '1', '3', '2027')
    await submit(admin, 'Publish')
    await check(admin, 'publish with a review date before the effective date')
    assert.ok(await admin.getByRole('link', { name: 'The next review date must be after the effective date' }).isVisible())
    await fill('Next review date', '1', '4', '2028')
    await submit(admin, 'Publish')
    await submit(admin, 'Show it on the public page')
    await check(admin, 'policy page, in force')

    const reader = await phone()
    await reader.goto('/public/riverside/policies')
    await check(reader, 'public list')
    await Promise.all([reader.waitForEvent('load'), reader.getByRole('link', { name: 'Acceptable use of generative AI', exact: true }).click()])
    await check(reader, 'public policy')
    assert.ok(await reader.getByRole('heading', { name: '16. Local note' }).isVisible())
    for (const p of [admin, board, reader]) await p.context().close()
  })
})
