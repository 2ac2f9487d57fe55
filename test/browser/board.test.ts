// The governance board in a real browser (issue 10): an admin sets the board up from the terms of
// reference template and seats its members, schedules a meeting for today and records who came
// (the page says why it is not quorate until it is), downloads the board pack; the chair records
// an approval with a condition from the meeting's agenda; the condition's owner says it is met,
// the chair accepts it, and the entry goes live. Then the key steps again with JavaScript off.
// The entries awaiting decision are made through the services; every board step is clicks and
// typing. Every page visited is checked with axe-core, at 1280 px, and the meeting page and the
// decision form also at 390 px, where they must not scroll sideways.
import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import type { Browser, Locator, Page } from 'playwright-core'
import type { RegisterEntry } from '../../src/features/register/model.ts'
import { todayIso } from '../../src/platform/validation.ts'
import { createTestApp, type TestApp } from '../support/app.ts'
import { daysFromToday, makeEntry, makePerson, makeTeam, type Person, type Team } from '../support/factories.ts'
import { axeReport, checkA11y, launchBrowser, newPage, screenshot } from './support.ts'

const BOARD = 'AI governance board'
const CONDITION = 'Publish a privacy notice for residents before the service goes live.'
const CONDITION_NO_JS = 'Train the planning team on checking every summary.'

let t: TestApp
let team: Team
/** The third voting member of the board. */
let member: Person
/** Awaiting decision: decided in the browser with JavaScript on, and with it off. */
let entry: RegisterEntry
let entryNoJs: RegisterEntry
let baseUrl = ''
let browser: Browser

/** MUST actions keep an entry out of live: its owner closes them (setup, through the services). */
async function closeMustActions(id: string): Promise<void> {
  const open = await t.services.assessments.openMustActions(team.contributor.user, id)
  if (!open.length) return
  const done = await t.services.assessments.updateActions(team.contributor.user, id,
    open.map((a) => ({ id: a.id, status: 'done', owner: 'Head of Planning', dueDate: null })))
  assert.ok(done.ok, `the MUST actions were closed: ${JSON.stringify(done)}`)
}

before(async () => {
  t = await createTestApp({ demo: false })
  await t.app.listen({ port: 0, host: '127.0.0.1' })
  baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`
  team = await makeTeam(t)
  member = await makePerson(t, team.org, ['board_member'], { name: 'Priya Shah' })
  entry = await makeEntry(t, team, { stage: 'awaiting_decision', name: 'Planning enquiries summariser' })
  entryNoJs = await makeEntry(t, team, { stage: 'awaiting_decision', name: 'Planning appeals drafting aid' })
  await closeMustActions(entry.id)
  await closeMustActions(entryNoJs.id)
  browser = await launchBrowser()
})

after(async () => {
  console.log(axeReport())
  await browser?.close()
  await t?.close()
})

// --- small steps, each ending on a loaded page that has passed the accessibility check -------

async function visit(page: Page, path: string): Promise<void> {
  const res = await page.goto(path)
  assert.ok(res?.ok(), `${path} answered ${res?.status()}`)
  await checkA11y(page)
}

/** Clicks something that loads a new page (a link or a form's button), waits, and checks it. */
async function follow(page: Page, target: Locator): Promise<void> {
  await Promise.all([page.waitForEvent('load', { timeout: 20_000 }), target.click()])
  await checkA11y(page)
}

function button(page: Page, name: string): Locator {
  return page.getByRole('button', { name, exact: true })
}

function link(page: Page, name: string): Locator {
  return page.getByRole('link', { name, exact: true })
}

/**
 * The accessible name "Action: subject" of a link or button whose subject is visually hidden
 * (govuk-visually-hidden is positioned absolutely, so its text counts as a block of its own and
 * the name may read "Action : subject").
 */
function hiddenSubject(action: string, subject: string): RegExp {
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return new RegExp(`^${esc(action)}\\s*:\\s*${esc(subject)}$`)
}

async function heading(page: Page): Promise<string> {
  return (await page.getByRole('heading', { level: 1 }).innerText()).trim()
}

async function main(page: Page): Promise<string> {
  return page.locator('main').innerText()
}

async function successBanner(page: Page): Promise<string> {
  return page.locator('.govuk-notification-banner--success').innerText()
}

/** Fails with the page's error summary, if it shows one. */
async function noErrors(page: Page, what: string): Promise<void> {
  const summary = page.locator('.govuk-error-summary')
  if (await summary.count()) assert.fail(`${what}: the page says\n${await summary.innerText()}`)
}

/** At a phone's width: axe again, and no sideways scroll. Back to 1280 px afterwards. */
async function checkNarrow(page: Page, label: string): Promise<void> {
  await page.setViewportSize({ width: 390, height: 844 })
  try {
    await checkA11y(page, `${label} at 390 px`)
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }))
    assert.ok(scrollWidth <= innerWidth, `${label}: the page scrolls sideways at 390 px (${scrollWidth} px wide in a ${innerWidth} px window)`)
    await screenshot(page, `board-${label.replace(/\W+/g, '-')}-390`)
  } finally {
    await page.setViewportSize({ width: 1280, height: 900 })
  }
}

async function signIn(page: Page, person: Person): Promise<void> {
  await visit(page, '/login')
  await page.getByLabel('Email address', { exact: true }).fill(person.email)
  await page.getByLabel('Password', { exact: true }).fill(person.password)
  await follow(page, button(page, 'Sign in'))
  assert.notEqual(await heading(page), 'Sign in', `${person.email} is signed in`)
}

/** A fresh browser context for one person, signed in. */
async function pageFor(person: Person, javaScriptEnabled = true): Promise<Page> {
  const page = await newPage(browser, baseUrl, { javaScriptEnabled })
  await signIn(page, person)
  return page
}

/** The quorum panel's text. */
async function quorum(page: Page): Promise<string> {
  return page.locator('#quorum').innerText()
}

/** Ticks exactly these members in "Who attended" (labels are "Name – Seat") and saves. */
async function recordAttendance(page: Page, present: { name: string; seat: string }[]): Promise<void> {
  const group = page.getByRole('group', { name: 'Who attended', exact: true })
  const boxes = group.getByRole('checkbox')
  for (let i = 0; i < await boxes.count(); i++) await boxes.nth(i).uncheck()
  for (const p of present) await group.getByLabel(`${p.name} – ${p.seat}`, { exact: true }).check()
  await follow(page, button(page, 'Save attendance'))
  await noErrors(page, 'the attendance was not saved')
  assert.match(await successBanner(page), /The attendance is saved\./)
}

/** Fills the "Schedule a meeting" form for today and sends it; ends on the meeting page. */
async function scheduleToday(page: Page, time: string, location: string): Promise<string> {
  const [y, m, d] = todayIso().split('-')
  const date = page.getByRole('group', { name: 'Date of the meeting', exact: true })
  await date.getByLabel('Day', { exact: true }).fill(String(Number(d)))
  await date.getByLabel('Month', { exact: true }).fill(String(Number(m)))
  await date.getByLabel('Year', { exact: true }).fill(y!)
  await page.getByLabel('Time', { exact: true }).fill(time)
  await page.getByLabel('Location', { exact: true }).fill(location)
  await follow(page, button(page, 'Schedule the meeting'))
  await noErrors(page, 'the meeting was not scheduled')
  assert.match(new URL(page.url()).pathname, /^\/board\/meetings\/[0-9a-f-]{36}$/, 'the meeting page follows')
  assert.match(await successBanner(page), /The meeting is scheduled, with a proposed agenda\./)
  return new URL(page.url()).pathname
}

/** Fills the decision form: approve with one condition owned by the contributor, due in 60 days, and a review date a year ahead. */
async function approveWithCondition(page: Page, text: string, rationale: string): Promise<void> {
  await page.getByRole('group', { name: 'Decision', exact: true }).getByLabel('Approve with conditions', { exact: true }).check()
  await page.locator('#condition-0-text').fill(text)
  await page.locator('#condition-0-owner').selectOption(team.contributor.id)
  const [dy, dm, dd] = daysFromToday(60).split('-')
  await page.locator('#condition-0-due-day').fill(String(Number(dd)))
  await page.locator('#condition-0-due-month').fill(String(Number(dm)))
  await page.locator('#condition-0-due-year').fill(dy!)
  await page.getByLabel('Rationale', { exact: true }).fill(rationale)
  const [ry, rm, rd] = daysFromToday(365).split('-')
  const review = page.getByRole('group', { name: 'Review date', exact: true })
  await review.getByLabel('Day', { exact: true }).fill(String(Number(rd)))
  await review.getByLabel('Month', { exact: true }).fill(String(Number(rm)))
  await review.getByLabel('Year', { exact: true }).fill(ry!)
  // Assessments the entry needs that are not finished: the board says why it decides anyway.
  const anyway = page.locator('#decidedAnyway')
  if (await anyway.count()) await anyway.fill('The screening is done and shows a low risk; the other assessments follow as a condition of go-live.')
}

/** The condition's line in the entry's decisions panel. */
function conditionItem(page: Page, text: string): Locator {
  return page.locator('.govuk-summary-card li', { hasText: text })
}

// --- the journey --------------------------------------------------------------------------------

describe('the governance board in a browser', { timeout: 300_000 }, () => {
  let admin: Page
  let chair: Page
  let contributor: Page
  let boardPath = ''
  let meetingPath = ''
  const seated = () => [
    { name: team.board.name, seat: 'Chair' },
    { name: team.admin.name, seat: 'Data protection officer (DPO)' },
    { name: member.name, seat: 'Member' },
  ]

  after(async () => {
    for (const p of [admin, chair, contributor]) await p?.context().close()
  })

  it('an admin sets up a board from the terms-of-reference template', async () => {
    admin = await pageFor(team.admin)
    await visit(admin, '/board')
    assert.equal(await heading(admin), 'Governance boards')
    assert.match(await main(admin), /No board has been set up yet\./)
    await follow(admin, button(admin, 'Set up a board'))
    assert.equal(await heading(admin), 'Set up a board')
    // The form starts from the template.
    assert.equal(await admin.getByLabel('Name of the board', { exact: true }).inputValue(), BOARD)
    assert.equal(await admin.getByLabel('Voting members who must be present', { exact: true }).inputValue(), '3')
    assert.ok(await admin.getByRole('group', { name: 'How often it meets', exact: true }).getByLabel('Monthly', { exact: true }).isChecked(), 'monthly by default')
    const groups = admin.getByRole('group', { name: 'Who must be among them', exact: true })
    assert.ok(await groups.getByLabel('The chair or the deputy chair', { exact: true }).isChecked(), 'the chair or deputy is in the quorum')
    assert.ok(await groups.getByLabel('The DPO or the SIRO', { exact: true }).isChecked(), 'the DPO or SIRO is in the quorum')
    await follow(admin, button(admin, 'Set up the board'))
    await noErrors(admin, 'the board was not set up')
    assert.equal(await heading(admin), BOARD)
    assert.match(await successBanner(admin), /The board is set up\./)
    assert.match(await main(admin), /At least 3 voting members present, including the chair or the deputy chair and the DPO or the SIRO\./)
    assert.match(await main(admin), /The board has no members yet\./)
    boardPath = new URL(admin.url()).pathname
  })

  it('an admin seats the chair, the DPO and a member', async () => {
    for (const [person, seat] of [[team.board, 'chair'], [team.admin, 'dpo'], [member, 'member']] as const) {
      await admin.getByLabel('Person', { exact: true }).selectOption(person.id)
      await admin.getByLabel('Seat', { exact: true }).selectOption(seat)
      await follow(admin, button(admin, 'Add the member'))
      await noErrors(admin, `${person.name} was not seated`)
      assert.match(await successBanner(admin), /The member is added\./)
    }
    const table = admin.getByRole('table', { name: 'Members of the board' })
    for (const s of seated()) {
      assert.equal(await table.getByRole('row').filter({ hasText: s.name }).filter({ hasText: s.seat }).count(), 1, `${s.name} sits as ${s.seat}`)
    }
    await screenshot(admin, 'board-members')
  })

  it('an admin schedules a meeting for today; its agenda holds what awaits decision', async () => {
    assert.equal(new URL(admin.url()).pathname, boardPath, "on the board's page")
    await follow(admin, button(admin, 'Schedule a meeting'))
    assert.equal(await heading(admin), 'Schedule a meeting')
    meetingPath = await scheduleToday(admin, '09:30', 'Committee room 2')
    const agenda = admin.locator('ol.app-agenda')
    for (const e of [entry, entryNoJs]) {
      const item = agenda.locator('li', { hasText: e.name })
      assert.equal(await item.count(), 1, `"${e.name}" is on the agenda`)
      assert.match(await item.innerText(), /For decision/, `"${e.name}" is for decision`)
      assert.equal(await item.getByRole('link', { name: hiddenSubject('Record decision', e.name) }).getAttribute('href'),
        `/register/${e.id}/decision?meeting=${meetingPath.split('/').pop()}`, 'the agenda links to the decision form for this meeting')
    }
    // Nobody is recorded as present yet: not quorate, and the page says why.
    const q = await quorum(admin)
    assert.match(q, /Not quorate/)
    assert.match(q, /No decision can be recorded at this meeting until it is quorate/)
    assert.match(q, /Too few voting members: 0 present, 3 needed\./)
    assert.match(q, /Neither the chair nor the deputy chair is present\./)
    assert.match(q, /Neither the DPO nor the SIRO is present\./)
    await checkNarrow(admin, 'meeting page')
  })

  it('an admin records attendance: not quorate without the DPO, quorate with', async () => {
    const [chairSeat, dpoSeat, memberSeat] = seated()
    await recordAttendance(admin, [chairSeat!, memberSeat!])
    let q = await quorum(admin)
    assert.match(q, /Not quorate/)
    assert.match(q, /Too few voting members: 2 present, 3 needed\./)
    assert.match(q, /Neither the DPO nor the SIRO is present\./)
    assert.doesNotMatch(q, /chair nor the deputy chair/, 'the chair is present')

    await recordAttendance(admin, [chairSeat!, dpoSeat!, memberSeat!])
    q = await quorum(admin)
    assert.match(q, /Quorate/)
    assert.doesNotMatch(q, /Not quorate/)
    assert.match(q, /3 voting members present\. The board can record decisions at this meeting\./)
    await screenshot(admin, 'board-meeting-quorate')
  })

  it('an admin opens the board pack and downloads it as PDF and Word', async () => {
    await follow(admin, link(admin, 'The board pack for this meeting'))
    assert.match(await main(admin), new RegExp(entry.name), 'the pack lists the entry')
    for (const [name, type, magic] of [
      ['Download as PDF', 'application/pdf', '%PDF-'],
      ['Download as Word (DOCX)', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'PK'],
    ] as const) {
      const href = await link(admin, name).getAttribute('href')
      assert.ok(href, `the pack page links to "${name}"`)
      const res = await admin.request.get(href)
      assert.equal(res.status(), 200, `${href} answers 200`)
      assert.equal(res.headers()['content-type']?.split(';')[0], type, `${href} is ${type}`)
      assert.match(res.headers()['content-disposition'] ?? '', /^attachment; filename=".+"$/, `${href} downloads as a file`)
      const body = await res.body()
      assert.equal(body.subarray(0, magic.length).toString('latin1'), magic, `${href} starts with ${magic}`)
      assert.ok(body.length > 1000, `${href} is a real document (${body.length} bytes)`)
    }
    // The browser's own download of the PDF, as someone clicking the link gets it.
    const [download] = await Promise.all([admin.waitForEvent('download'), link(admin, 'Download as PDF').click()])
    assert.match(download.suggestedFilename(), /\.pdf$/, `the download is named ${download.suggestedFilename()}`)
    assert.equal(await download.failure(), null, 'the download finished')
  })

  it('the chair approves with a condition from the agenda of the quorate meeting', async () => {
    chair = await pageFor(team.board)
    await visit(chair, meetingPath)
    assert.match(await quorum(chair), /Quorate/)
    await follow(chair, chair.getByRole('link', { name: hiddenSubject('Record decision', entry.name) }))
    assert.equal(await heading(chair), "Record the board's decision")
    const sitting = chair.getByRole('group', { name: 'Where the decision is taken', exact: true })
    const meetingRadio = sitting.locator(`input[value="meeting:${meetingPath.split('/').pop()}"]`)
    assert.ok(await meetingRadio.isChecked(), 'the meeting the chair came from is chosen')
    await checkNarrow(chair, 'decision form')
    await approveWithCondition(chair, CONDITION, 'Saves planning officers time; every summary is checked against the file.')
    await checkNarrow(chair, 'decision form filled in')
    await checkA11y(chair, 'decision form filled in')
    await follow(chair, button(chair, 'Record decision'))
    await noErrors(chair, 'the decision was not recorded')
    assert.equal(new URL(chair.url()).pathname, `/register/${entry.id}`)
    assert.match(await successBanner(chair), /The decision has been recorded\./)
    const text = await main(chair)
    assert.match(text, /Current stage:\s*Approved/)
    assert.match(text, new RegExp(`${BOARD}: meeting on`), 'the decision names its meeting')
    for (const s of seated()) assert.match(text, new RegExp(s.name), `${s.name} is listed as present`)
    const item = conditionItem(chair, CONDITION)
    assert.match(await item.innerText(), /Open/)
    assert.match(await item.innerText(), new RegExp(`Owner: ${team.contributor.name}\\. Due: `))
    await screenshot(chair, 'board-decision-recorded')
  })

  it('the entry cannot go live while its condition is open', async () => {
    contributor = await pageFor(team.contributor)
    await visit(contributor, `/register/${entry.id}`)
    assert.equal(await button(contributor, 'Move to Live').count(), 0, 'no "Move to Live" while the condition is open')
    assert.match(await main(contributor), /Cannot move to Live yet:/)
  })

  it("the condition's owner says it is met, with evidence", async () => {
    await follow(contributor, contributor.getByRole('link', { name: hiddenSubject('Say this condition is met', CONDITION) }))
    assert.equal(await heading(contributor), 'Say this condition is met')
    assert.match(await main(contributor), new RegExp(CONDITION))
    await contributor.getByLabel('What was done', { exact: true }).fill('The privacy notice is published on the council website and linked from the planning portal.')
    await contributor.getByLabel('Link to the evidence (optional)', { exact: true }).fill('https://www.example.org/privacy/planning-summaries')
    await follow(contributor, button(contributor, 'Send to the board'))
    await noErrors(contributor, 'the evidence was not sent')
    assert.equal(new URL(contributor.url()).pathname, `/register/${entry.id}`)
    const item = await conditionItem(contributor, CONDITION).innerText()
    assert.match(item, /Evidence sent/)
    assert.match(item, /Evidence: The privacy notice is published/)
    assert.equal(await conditionItem(contributor, CONDITION).getByRole('link', { name: 'Link to the evidence' }).getAttribute('href'),
      'https://www.example.org/privacy/planning-summaries')
  })

  it('the chair accepts it as met', async () => {
    await visit(chair, `/register/${entry.id}`)
    assert.match(await conditionItem(chair, CONDITION).innerText(), /Evidence sent/)
    await follow(chair, chair.getByRole('button', { name: hiddenSubject('Mark as met', CONDITION) }))
    assert.match(await successBanner(chair), /The condition has been updated\./)
    assert.match(await conditionItem(chair, CONDITION).innerText(), /\bMet\b/)
    assert.equal(await chair.getByRole('button', { name: hiddenSubject('Mark as met', CONDITION) }).count(), 0, 'a met condition has no buttons')
  })

  it('the entry goes live', async () => {
    await visit(contributor, `/register/${entry.id}`)
    await follow(contributor, button(contributor, 'Move to Live'))
    await noErrors(contributor, 'the entry did not go live')
    assert.match(await successBanner(contributor), /The stage has been changed\./)
    assert.match(await main(contributor), /Current stage:\s*Live/)
    assert.equal((await t.services.register.get(team.viewer.user, entry.id)).stage, 'live')
    await screenshot(contributor, 'board-entry-live')
  })
})

describe('the board without JavaScript', { timeout: 180_000 }, () => {
  let admin: Page
  let chair: Page
  let contributor: Page
  let meetingPath = ''

  after(async () => {
    for (const p of [admin, chair, contributor]) await p?.context().close()
  })

  it('an admin schedules a meeting and records attendance', async () => {
    admin = await pageFor(team.admin, false)
    await visit(admin, '/board')
    await follow(admin, link(admin, BOARD))
    await follow(admin, button(admin, 'Schedule a meeting'))
    meetingPath = await scheduleToday(admin, '11:00', 'Online')
    assert.match(await quorum(admin), /Not quorate/)
    assert.equal(await admin.getByRole('link', { name: hiddenSubject('Record decision', entryNoJs.name) }).count(), 1, 'the entry left awaiting decision is on the agenda')
    assert.equal(await admin.getByRole('link', { name: hiddenSubject('Record decision', entry.name) }).count(), 0, 'the live entry is not')
    await recordAttendance(admin, [
      { name: team.board.name, seat: 'Chair' },
      { name: team.admin.name, seat: 'Data protection officer (DPO)' },
      { name: member.name, seat: 'Member' },
    ])
    assert.match(await quorum(admin), /3 voting members present/)
    await checkNarrow(admin, 'meeting page without JavaScript')
  })

  it('the chair records an approval with a condition', async () => {
    chair = await pageFor(team.board, false)
    await visit(chair, meetingPath)
    await follow(chair, chair.getByRole('link', { name: hiddenSubject('Record decision', entryNoJs.name) }))
    // Without JavaScript the condition rows are on the page from the start.
    assert.ok(await chair.locator('#condition-0-text').isVisible(), 'the condition fields show without JavaScript')
    assert.ok(await chair.locator(`input[name="sitting"][value="meeting:${meetingPath.split('/').pop()}"]`).isChecked(), 'this meeting is chosen')
    await approveWithCondition(chair, CONDITION_NO_JS, 'Drafts are always checked by a planning officer before they are sent.')
    await checkNarrow(chair, 'decision form without JavaScript')
    await follow(chair, button(chair, 'Record decision'))
    await noErrors(chair, 'the decision was not recorded')
    assert.equal(new URL(chair.url()).pathname, `/register/${entryNoJs.id}`)
    assert.match(await successBanner(chair), /The decision has been recorded\./)
    assert.match(await main(chair), /Current stage:\s*Approved/)
    assert.match(await conditionItem(chair, CONDITION_NO_JS).innerText(), /Open/)
  })

  it("the condition's owner sends evidence and the chair accepts it", async () => {
    contributor = await pageFor(team.contributor, false)
    await visit(contributor, `/register/${entryNoJs.id}`)
    await follow(contributor, contributor.getByRole('link', { name: hiddenSubject('Say this condition is met', CONDITION_NO_JS) }))
    await contributor.getByLabel('What was done', { exact: true }).fill('All eight planning officers were trained on 1 December.')
    await follow(contributor, button(contributor, 'Send to the board'))
    await noErrors(contributor, 'the evidence was not sent')
    assert.match(await conditionItem(contributor, CONDITION_NO_JS).innerText(), /Evidence sent/)

    await visit(chair, `/register/${entryNoJs.id}`)
    await follow(chair, chair.getByRole('button', { name: hiddenSubject('Mark as met', CONDITION_NO_JS) }))
    assert.match(await successBanner(chair), /The condition has been updated\./)
    assert.match(await conditionItem(chair, CONDITION_NO_JS).innerText(), /\bMet\b/)
  })
})
