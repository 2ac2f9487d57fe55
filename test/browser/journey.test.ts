// The whole governance journey through the real pages in a real browser: a contributor adds an
// AI use and screens it, the board approves it, an admin puts it live and publishes its
// transparency record, and a resident finds it on the public register. Every page visited is
// checked with axe-core. Setup goes through the services once (demo data); after that, only
// clicks and typing.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Browser, Locator, Page } from 'playwright-core'
import { DEMO_PASSWORD } from '../../src/demo.ts'
import { axeReport, checkA11y, launchBrowser, newPage, screenshot, type RunningApp, startApp } from './support.ts'

const NAME = 'Housing repairs triage assistant'
const NORTHMOOR = (role: string) => `${role}@northmoor.example`
const RIVERSIDE = (role: string) => `${role}@riverside.example`

let running: RunningApp
let browser: Browser
let baseUrl = ''

before(async () => {
  running = await startApp()
  baseUrl = running.baseUrl
  browser = await launchBrowser()
})

after(async () => {
  console.log(axeReport())
  await browser?.close()
  await running?.close()
})

// --- small steps, each ending on a loaded page that has passed the accessibility check -------

/** Opens a page by address and checks it. */
async function visit(page: Page, path: string): Promise<void> {
  await page.goto(path)
  await checkA11y(page)
}

/** Clicks something that loads a new page (a link or a form's button), waits, and checks it. */
async function follow(page: Page, target: Locator): Promise<void> {
  // The wait outlasts the click's own timeout, so a missing button is reported as such.
  await Promise.all([page.waitForEvent('load', { timeout: 20_000 }), target.click()])
  await checkA11y(page)
}

function button(page: Page, name: string): Locator {
  return page.getByRole('button', { name, exact: true })
}

/** The radio or checkbox labelled `option` inside the fieldset whose legend is `legend`. */
function choice(page: Page, legend: string, option: string): Locator {
  return page.getByRole('group', { name: legend, exact: true }).getByLabel(option, { exact: true })
}

async function heading(page: Page): Promise<string> {
  return (await page.getByRole('heading', { level: 1 }).innerText()).trim()
}

/** The GOV.UK success banner's text. */
async function successBanner(page: Page): Promise<string> {
  return page.locator('.govuk-notification-banner--success').innerText()
}

async function signIn(page: Page, email: string): Promise<void> {
  await visit(page, '/login')
  await page.getByLabel('Email address', { exact: true }).fill(email)
  await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD)
  await follow(page, button(page, 'Sign in'))
  assert.equal(new URL(page.url()).pathname, '/home', `signed in as ${email}`)
  // Signing in lands on Home (what needs the person, issue 12); the journey goes on from the register.
  await visit(page, '/register')
}

async function signOut(page: Page): Promise<void> {
  await follow(page, page.getByRole('navigation').getByRole('button', { name: 'Sign out' }))
  assert.equal(await heading(page), 'Sign in')
}

/** Fills the "Add an AI use" form as a contributor would. */
async function fillNewEntry(page: Page, name: string): Promise<void> {
  await page.getByLabel('Name', { exact: true }).fill(name)
  await page.getByLabel('What it is for', { exact: true }).fill(
    'Reads repair requests from tenants and suggests how urgent each one is. A housing officer checks every suggestion.',
  )
  await page.getByLabel('Service area', { exact: true }).fill('Housing')
  await page.getByLabel('Responsible owner', { exact: true }).fill('Head of Housing Repairs')
  await page.getByLabel('Technique', { exact: true }).fill('Machine-learning text classifier')
  await choice(page, 'Does it use personal data?', 'Yes').check()
  await choice(page, 'Does it use special category or criminal offence data?', 'No').check()
  await choice(page, 'Role in decisions', 'Assists').check()
  await page.getByLabel('People affected', { exact: true }).fill('Council tenants who report repairs, about 600 a year')
  await page.getByLabel('Human oversight', { exact: true }).fill('A housing officer reviews every suggested priority and can change it.')
}

/**
 * Screening answers (question id → option values, as in content/assessments/screening) that
 * make a medium-risk use: personal data, staff decide with the tool's help, no prohibited
 * practice, no EU AI Act high-risk area.
 */
const SCREENING: Record<string, string | string[]> = {
  personal_data: 'yes', special_category: 'no', people_scale: 'hundreds', data_matching: 'no',
  invisible_processing: 'no', biometric_identification: 'no', monitoring: ['none'],
  decision_role: 'assists', significant_effect: 'no', profiling: 'no', vulnerable_people: 'no',
  prohibited_practices: ['none'], annex_iii_areas: ['none'], narrow_procedural_task: 'no',
  public_facing: ['none'], equality_impact: 'not_sure',
}

/** Fills ATRS fields left empty by the draft. Known formats get valid values. */
function atrsValue(label: string): string {
  if (label.startsWith('1.3 ')) return 'https://www.northmoor.example/ai/repairs-triage'
  if (label.startsWith('1.4 ')) return 'ai-governance@northmoor.example'
  if (label.startsWith('2.1.4 ')) return 'No'
  if (label.startsWith('0.13 ')) return 'Production'
  return `Completed in the browser test for ${label.replace(/^[\d.]+ /, '')}.`
}

describe('the governance journey in a browser', { timeout: 180_000 }, () => {
  let page: Page
  let entryPath = ''
  let entryUrl = ''

  before(async () => {
    page = await newPage(browser, baseUrl)
  })
  after(async () => {
    await page?.context().close()
  })

  it('a contributor gets the GOV.UK error summary for an empty new-entry form', async () => {
    await signIn(page, NORTHMOOR('contributor'))
    await follow(page, button(page, 'Add an AI use'))
    assert.equal(await heading(page), 'Add an AI use')
    await follow(page, button(page, 'Add to register'))

    const summary = page.locator('.govuk-error-summary')
    assert.match(await summary.innerText(), /There is a problem/)
    assert.match(await page.title(), /^Error: /)
    // govuk-frontend moves focus to the summary so screen readers announce it.
    await page.waitForFunction(() => document.activeElement?.classList.contains('govuk-error-summary'), null, { timeout: 5_000 })
    const links = summary.getByRole('link')
    const texts = await links.allInnerTexts()
    for (const expected of ['Enter the name of the AI use', 'Enter what it is for', 'Select yes if it uses personal data', 'Select the role it plays in decisions']) {
      assert.ok(texts.includes(expected), `error summary lists "${expected}"; it has: ${texts.join(' | ')}`)
    }
    // Each message links to its field, and following the link puts the cursor there.
    await summary.getByRole('link', { name: 'Enter the name of the AI use' }).click()
    await page.waitForFunction(() => document.activeElement?.id === 'name', null, { timeout: 5_000 })
    assert.equal(await summary.getByRole('link', { name: 'Select yes if it uses personal data' }).getAttribute('href'), '#personalData')
    // The field itself shows the message too.
    assert.match(await page.locator('#name-error').innerText(), /Enter the name of the AI use/)
  })

  it('a contributor adds an AI use to the register', async () => {
    await visit(page, '/register/new')
    await fillNewEntry(page, NAME)
    await follow(page, button(page, 'Add to register'))
    assert.match(page.url(), /\/register\/[^/?]+\?done=created/)
    assert.equal(await heading(page), NAME)
    assert.match(await successBanner(page), /The entry has been added to the register\./)
    entryPath = new URL(page.url()).pathname
    entryUrl = baseUrl + entryPath
    await screenshot(page, 'entry-added')
  })

  it('a contributor screens it and sends it to the board', async () => {
    await follow(page, button(page, 'Move to Under assessment'))
    assert.match(await successBanner(page), /The stage has been changed\./)
    assert.match(await page.locator('main').innerText(), /Current stage:\s*Under assessment/)

    await follow(page, button(page, 'Answer the screening questions'))
    // The screening's task list: each section is a page of its own. Fields are named
    // q_<question id> and take the option values of the question set, which stay the same
    // across wording changes. A question a section page does not show is skipped.
    const sections = await page.locator('a.govuk-task-list__link').evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).href))
    assert.ok(sections.length > 1, 'the screening is answered a section at a time')
    for (const href of sections) {
      await visit(page, new URL(href).pathname)
      for (const [id, answer] of Object.entries(SCREENING)) {
        for (const value of Array.isArray(answer) ? answer : [answer]) {
          const input = page.locator(`input[name="q_${id}"][value="${value}"]`)
          if (await input.count() && await input.isVisible()) await input.check()
        }
      }
      await follow(page, button(page, 'Save and continue'))
      const unsaved = page.locator('.govuk-error-summary')
      if (await unsaved.count()) assert.fail(`a section was not saved; the page says:\n${await unsaved.innerText()}`)
    }
    await follow(page, button(page, 'Check your answers and submit'))
    await follow(page, button(page, 'Submit for sign-off'))
    const problems = page.locator('.govuk-error-summary')
    if (await problems.count()) assert.fail(`the screening was not saved; the page says:\n${await problems.innerText()}`)
    if (new URL(page.url()).pathname === entryPath) {
      assert.match(await successBanner(page), /The screening has been saved and the risk tier updated\./)
    } else {
      // Submitted from the assessment page: it says so, and its back links lead to the entry.
      assert.match(await successBanner(page), /Submitted for sign-off\./)
      await follow(page, page.getByRole('link', { name: 'Back to all assessments', exact: true }))
      await follow(page, page.getByRole('link', { name: 'Back to the entry', exact: true }))
      assert.equal(new URL(page.url()).pathname, entryPath)
    }
    const main = await page.locator('main').innerText()
    assert.match(main, /Result: Medium risk \(screening questions version \d+\)\./)
    assert.ok(await page.locator('.govuk-tag', { hasText: 'Medium risk' }).first().isVisible(), 'risk tier tag shown')

    await follow(page, button(page, 'Move to Awaiting decision'))
    assert.match(await page.locator('main').innerText(), /Current stage:\s*Awaiting decision/)
    await screenshot(page, 'entry-awaiting-decision')
    await signOut(page)
  })

  it('a board member approves it', async () => {
    await signIn(page, NORTHMOOR('board-member'))
    await follow(page, page.getByRole('link', { name: NAME, exact: true }))
    assert.equal(await heading(page), NAME)
    await follow(page, button(page, "Record the board's decision"))
    // At the demo board's last meeting, which was quorate (the board member chairs it).
    await page.getByRole('group', { name: 'Where the decision is taken', exact: true }).getByLabel(/AI governance board: meeting on/).first().check()
    await choice(page, 'Decision', 'Approve').check()
    await page.getByLabel('Rationale', { exact: true }).fill('Clear benefit to tenants; an officer checks every suggestion.')
    // Only the screening and intake are done: the board says why it decides now.
    const anyway = page.getByLabel('Decide anyway: why', { exact: true })
    if (await anyway.count()) await anyway.fill('The screening shows the risk; the DPIA follows before go-live, as a condition of use.')
    const review = page.getByRole('group', { name: 'Review date', exact: true })
    await review.getByLabel('Day', { exact: true }).fill('31')
    await review.getByLabel('Month', { exact: true }).fill('3')
    await review.getByLabel('Year', { exact: true }).fill('2027')
    await follow(page, button(page, 'Record decision'))
    assert.equal(new URL(page.url()).pathname, entryPath)
    assert.match(await successBanner(page), /The decision has been recorded\./)
    assert.match(await page.locator('main').innerText(), /Current stage:\s*Approved/)
    await signOut(page)
  })

  it('a contributor puts it live and writes its transparency record; an admin publishes it', async () => {
    // Separation of duties: the person who writes the record is not the one who publishes it.
    await signIn(page, NORTHMOOR('contributor'))
    // Go-live waits for the MUST actions: the contributor marks them done, with an owner, in the actions form.
    await visit(page, `${entryPath}/assessments/actions?level=MUST&status=open`)
    const statuses = page.locator('select[name$=".status"]')
    const open = await statuses.count()
    for (let i = 0; i < open; i++) await statuses.nth(i).selectOption('done')
    const owners = page.locator('input[name$=".owner"]')
    for (let i = 0; i < open; i++) await owners.nth(i).fill('Head of Housing Repairs')
    if (open) await follow(page, button(page, 'Save the actions'))
    assert.equal(await page.locator('.govuk-error-summary').count(), 0, 'the MUST actions were saved')
    await visit(page, entryUrl)
    await follow(page, button(page, 'Move to Live'))
    assert.match(await page.locator('main').innerText(), /Current stage:\s*Live/)
    await follow(page, button(page, 'Draft the transparency record'))
    assert.match(await successBanner(page), /A transparency record has been drafted/)

    // Fill every required field the draft could not (labels start with the ATRS reference).
    const form = page.locator('form', { has: button(page, 'Save record') })
    const labels = (await form.locator('label.govuk-label').allInnerTexts()).map((l) => l.trim())
    assert.ok(labels.some((l) => l.startsWith('2.2.2 Benefit')), `the form has ATRS labels: ${labels.join(' | ')}`)
    const filled: string[] = []
    for (const label of labels.filter((l) => !l.endsWith('(optional)'))) {
      const field = form.getByLabel(label, { exact: true })
      if ((await field.evaluate((e) => e.tagName)) === 'SELECT') continue
      if ((await field.inputValue()).trim() === '') {
        await field.fill(atrsValue(label))
        filled.push(label)
      }
    }
    // Fixed-value fields are selects: any still unchosen takes the first option.
    const selects = form.locator('select')
    for (let i = 0; i < await selects.count(); i++) {
      if ((await selects.nth(i).inputValue()) === '') await selects.nth(i).selectOption({ index: 1 })
    }
    await follow(page, button(page, 'Save record').last())
    assert.match(await successBanner(page), /The record has been saved\./)
    assert.match(await page.locator('main').innerText(), /Complete: ready to publish/, `filled ${filled.join(', ')}`)
    await signOut(page)
    await signIn(page, NORTHMOOR('admin'))
    await visit(page, `${entryUrl}/transparency`)
    // The admin did not write the record, so may approve it before publishing it.
    await follow(page, button(page, 'Approve the saved record for publishing'))
    await follow(page, button(page, 'Publish the saved record'))
    assert.match(await successBanner(page), /The record has been published on the public register\./)
    assert.match(await page.locator('main').innerText(), /Version 1 published on/)
    await signOut(page)
  })

  it('a resident finds the record on the public register', async () => {
    await visit(page, '/public')
    await page.getByLabel('Search records', { exact: true }).fill('repairs triage')
    await follow(page, button(page, 'Search'))
    assert.match(await page.locator('main').innerText(), /\b1 record\b/)
    await follow(page, page.getByRole('link', { name: NAME, exact: true }))
    assert.equal(await heading(page), NAME)
    const main = await page.locator('main').innerText()
    assert.match(main, /Northmoor Borough Council/)
    assert.match(main, /Version 1, published/)
    for (const key of ['Description', 'Senior responsible owner', 'Benefit', 'Risks and mitigations']) {
      assert.ok(await page.locator('dt', { hasText: new RegExp(`^${key}$`) }).count(), `public record shows ${key}`)
    }
    assert.match(main, /Head of Housing Repairs/)
    await screenshot(page, 'public-record')

    const res = await page.request.get('/public/records.json')
    assert.equal(res.status(), 200)
    const json = JSON.stringify(await res.json())
    assert.ok(json.includes(NAME), 'records.json includes the new record')
  })

  it("another council's admin gets Page not found for the entry", async () => {
    await signIn(page, RIVERSIDE('admin'))
    const res = await page.goto(entryUrl)
    assert.equal(res?.status(), 404)
    await checkA11y(page)
    assert.equal(await heading(page), 'Page not found')
    assert.doesNotMatch(await page.locator('body').innerText(), new RegExp(NAME))
    await signOut(page)
  })
})

describe('without JavaScript', { timeout: 60_000 }, () => {
  it('a contributor signs in and adds an entry', async () => {
    const page = await newPage(browser, baseUrl, { javaScriptEnabled: false })
    try {
      await signIn(page, NORTHMOOR('contributor'))
      // A GOV.UK start-style button: a link with role="button".
      await follow(page, button(page, 'Add an AI use'))
      await follow(page, button(page, 'Add to register'))
      assert.match(await page.locator('.govuk-error-summary').innerText(), /Enter the name of the AI use/)
      await fillNewEntry(page, 'No-script entry')
      await follow(page, button(page, 'Add to register'))
      assert.equal(await heading(page), 'No-script entry')
      assert.match(await successBanner(page), /The entry has been added to the register\./)
      await screenshot(page, 'entry-added-no-js')
    } finally {
      await page.context().close()
    }
  })
})
