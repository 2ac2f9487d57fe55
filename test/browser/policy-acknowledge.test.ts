// Policy acknowledgement in a real browser at a phone's width (390 px), axe-core on every page, with
// JavaScript off and on: an admin adopts the acceptable use policy, edits and submits it; a board
// member (not the author) approves it; the admin publishes it; a member of staff signs in, lands on
// Home, reads it, ticks the box (first without), confirms; the admin sees the coverage.
import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { createTestApp, type TestApp } from '../support/app.ts'
import { makeOrganisation, makePerson, makeTeam, PASSWORD } from '../support/factories.ts'
import { axeReport, checkA11y, launchBrowser, newPage, signInAs } from './support.ts'

let t: TestApp
let baseUrl: string
let browser: Browser

before(async () => {
  t = await createTestApp({ demo: false })
  await t.app.listen({ port: 0, host: '127.0.0.1' })
  baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`
  browser = await launchBrowser()
})
after(async () => {
  console.log(axeReport())
  await browser?.close()
  await t?.close()
})

const submit = async (page: Page, name: string) => {
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name, exact: true }).click()])
}

for (const js of [false, true]) {
  describe(`policy acknowledgement in the browser, JavaScript ${js ? 'on' : 'off'}, at 390 px`, () => {
    const mode = js ? 'js' : 'nojs'
    const phone = () => newPage(browser, baseUrl, { javaScriptEnabled: js, viewport: { width: 390, height: 844 } })

    async function check(page: Page, label: string) {
      await checkA11y(page, `${label} (JavaScript ${js ? 'on' : 'off'})`)
      const width = await page.evaluate(() => document.documentElement.scrollWidth)
      assert.ok(width <= 390, `${label} is ${width}px wide at 390px`)
      await page.screenshot({ path: `/tmp/h4-${mode}-${label.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`, fullPage: true })
    }

    it('adopt → edit → approve → publish → staff acknowledge from Home → coverage', async () => {
      const team = await makeTeam(t, await makeOrganisation(t))
      const member = await makePerson(t, team.org, ['staff'], { name: 'Sam Staff' })
      await t.services.people.setServiceArea(team.org.id, member.id, 'Housing')
      const colleague = await makePerson(t, team.org, ['staff'], { name: 'Robin Waiting' })
      await t.services.people.setServiceArea(team.org.id, colleague.id, 'Planning')

      const admin = await phone()
      await signInAs(admin, team.admin.email, PASSWORD)
      await admin.goto('/policies')
      await admin.getByLabel('Acceptable use of generative AI').check()
      await submit(admin, 'Start a draft')
      const body = admin.getByLabel('Text (Markdown)')
      await body.fill(`${await body.inputValue()}\n\n# 16. Local note\n\nAsk the AI lead first.`)
      await submit(admin, 'Save draft')
      await submit(admin, 'Submit for approval')
      const policyUrl = admin.url().split('?')[0]!

      const board = await phone()
      await signInAs(board, team.board.email, PASSWORD)
      await board.goto(policyUrl)
      await board.getByLabel('Major change').check()
      await submit(board, 'Approve')

      await admin.goto(policyUrl)
      const today = new Date()
      const fill = async (group: string, year: number) => {
        const g = admin.getByRole('group', { name: group })
        await g.getByLabel('Day').fill(String(today.getUTCDate()))
        await g.getByLabel('Month').fill(String(today.getUTCMonth() + 1))
        await g.getByLabel('Year').fill(String(year))
      }
      await fill('Effective date', today.getUTCFullYear())
      await fill('Next review date', today.getUTCFullYear() + 1)
      await submit(admin, 'Publish')
      await check(admin, 'policy page in force')

      const staff = await phone()
      await signInAs(staff, member.email, PASSWORD)
      assert.equal(new URL(staff.url()).pathname, '/home', 'staff land on Home')
      await check(staff, 'staff home')
      assert.ok(await staff.getByText('You have 1 policy to read and acknowledge.').isVisible(), 'the prompt')
      assert.equal(await staff.getByRole('link', { name: 'AI register' }).count(), 0, 'no register link')
      await Promise.all([staff.waitForEvent('load'), staff.getByRole('link', { name: 'Acceptable use of generative AI' }).click()])
      await check(staff, 'policy to acknowledge')
      assert.ok(await staff.getByRole('heading', { name: '16. Local note' }).isVisible(), 'the published text')
      await submit(staff, 'Continue')
      await check(staff, 'acknowledge without the tick')
      assert.ok(await staff.getByRole('link', { name: /Select “I have read and will follow this policy”/ }).isVisible(), 'the error summary')
      await staff.getByLabel('I have read and will follow this policy').check()
      await submit(staff, 'Continue')
      await check(staff, 'confirm acknowledgement')
      assert.ok(await staff.getByText('I, Sam Staff, have read Acceptable use of generative AI (version 1.0) and will follow it.').isVisible(), 'the statement')
      await submit(staff, 'Confirm')
      await check(staff, 'acknowledged')
      assert.ok(await staff.getByText('Thank you: your acknowledgement is recorded.').isVisible(), 'thanked')
      await staff.goto('/home')
      assert.ok(await staff.getByText('You have acknowledged every AI policy in force. Thank you.').isVisible(), 'nothing left to do')

      await admin.goto(policyUrl)
      await Promise.all([admin.waitForEvent('load'), admin.getByRole('link', { name: 'Who has acknowledged it (coverage by service area)' }).click()])
      await check(admin, 'coverage')
      // The team's five, the two staff: one of seven acknowledged.
      assert.ok(await admin.getByText('14% acknowledged: 1 of 7 people').isVisible(), 'overall coverage')
      assert.ok(await admin.getByRole('cell', { name: colleague.email }).isVisible(), 'who is missing')
      assert.equal(await admin.getByRole('cell', { name: member.email }).count(), 0, 'not who acknowledged')
      await Promise.all([admin.waitForEvent('load'), admin.getByRole('link', { name: 'Planning' }).click()])
      await check(admin, 'coverage for one service area')
      for (const p of [admin, board, staff]) await p.context().close()
    })
  })
}
