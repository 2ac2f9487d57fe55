// Every page of the service, as each role sees it, in a real browser with axe-core: no
// accessibility violation of any impact anywhere, and no page that fails to render. Complements the
// journeys, which check behaviour.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import type { Db } from '../../src/platform/db/db.ts'
import { axeReport, checkA11y, launchBrowser, newPage, type RunningApp, startApp, signInAs } from './support.ts'

let running: RunningApp
let db: Db
let browser: Browser
let baseUrl = ''
const ids: Record<string, string> = {}

before(async () => {
  running = await startApp()
  db = running.db
  baseUrl = running.baseUrl
  browser = await launchBrowser()
  for (const name of ['Rent arrears prioritisation model', 'Contact centre call wrap-up', 'Meeting notes and actions assistant']) {
    const [row] = await db.query<{ id: string }>('select id from register_entries where name = $1', [name])
    ids[name] = row!.id
  }
})

after(async () => {
  console.log(axeReport())
  await browser?.close()
  await running?.close()
})

async function signedIn(email: string): Promise<Page> {
  const page = await newPage(browser, baseUrl)
  await signInAs(page, email)
  return page
}

async function sweep(page: Page, paths: string[]) {
  for (const path of paths) {
    const res = await page.goto(path)
    assert.equal(res?.status(), 200, `${path} answered ${res?.status()}`)
    await checkA11y(page, path)
  }
}

describe('every page passes axe-core', () => {
  it('public pages, signed out', async () => {
    const page = await newPage(browser, baseUrl)
    await sweep(page, ['/', '/login', '/public', '/public?q=translation', '/public/records/northmoor/meeting-notes-and-actions-assistant'])
    await page.close()
  })

  it('a contributor’s pages', async () => {
    const rent = ids['Rent arrears prioritisation model']!
    const page = await signedIn('contributor@northmoor.example')
    await sweep(page, [
      '/register', '/register?stage=live&tier=medium', '/register/new', `/register/${rent}`, `/register/${rent}/edit`,
      `/register/${rent}/assessments`, `/register/${rent}/assessments/intake`, `/register/${rent}/assessments/screening`,
      `/register/${rent}/assessments/dpia`, `/register/${rent}/assessments/equality`, `/register/${rent}/assessments/hidden_risks`,
      `/register/${rent}/assessments/security`, `/register/${rent}/assessments/procurement`, `/register/${rent}/assessments/ethics`,
      `/register/${rent}/assessments/eu_ai_act`, `/register/${rent}/assessments/playbook`,
      `/register/${rent}/assessments/screening/history`, `/register/${rent}/risks/new`,
      `/register/${rent}/assessments/screening/sections/personal_data`, `/register/${rent}/assessments/dpia/sections/the_data`,
      `/register/${rent}/assessments/screening/check`, `/register/${rent}/assessments/actions`,
      `/register/${ids['Meeting notes and actions assistant']}/transparency`, '/account',
    ])
    await page.close()
  })

  it('a board member’s and an admin’s pages', async () => {
    const board = await signedIn('board-member@northmoor.example')
    await sweep(board, [`/register/${ids['Rent arrears prioritisation model']}/decision`, `/register/${ids['Contact centre call wrap-up']}`])
    await board.close()
    const [viewer] = await db.query<{ id: string }>("select id from users where email = 'viewer@northmoor.example'")
    const admin = await signedIn('admin@northmoor.example')
    await sweep(admin, ['/people', '/people/new', `/people/${viewer!.id}`])
    await admin.close()
  })
})
