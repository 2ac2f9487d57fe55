// Every page of the service, as each role sees it, in a real browser with axe-core: no serious or
// critical accessibility violation anywhere, and no page that fails to render. Complements the
// journeys, which check behaviour.
import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import type { FastifyInstance } from 'fastify'
import type { Browser, Page } from 'playwright-core'
import { buildApp } from '../../src/app.ts'
import { loadConfig } from '../../src/config.ts'
import { DEMO_PASSWORD, loadDemo } from '../../src/demo.ts'
import { loadCatalogue } from '../../src/features/assessments/catalogue.ts'
import { type Db, openPglite } from '../../src/platform/db/db.ts'
import { migrate } from '../../src/platform/db/migrate.ts'
import { createServices } from '../../src/services.ts'
import { axeReport, checkA11y, launchBrowser, newPage } from './support.ts'

let db: Db
let app: FastifyInstance
let browser: Browser
let baseUrl = ''
const ids: Record<string, string> = {}

before(async () => {
  db = await openPglite()
  await migrate(db)
  const config = { ...loadConfig({ NODE_ENV: 'test' }), databaseUrl: undefined }
  const questionSets = await loadCatalogue()
  await loadDemo(db, createServices(db, questionSets, config))
  app = await buildApp({ config, db, questionSets })
  await app.listen({ port: 0, host: '127.0.0.1' })
  baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  browser = await launchBrowser()
  for (const name of ['Rent arrears prioritisation model', 'Contact centre call wrap-up', 'Meeting notes and actions assistant']) {
    const [row] = await db.query<{ id: string }>('select id from register_entries where name = $1', [name])
    ids[name] = row!.id
  }
})

after(async () => {
  console.log(axeReport())
  await browser?.close()
  await app?.close()
  await db?.close()
})

async function signedIn(email: string): Promise<Page> {
  const page = await newPage(browser, baseUrl)
  await page.goto('/login')
  await page.getByLabel('Email address').fill(email)
  await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD)
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Sign in' }).click()])
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
