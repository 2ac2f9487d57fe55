// Browser helpers for the end-to-end tests: the machine's own Chromium (Debian's package), driven
// by playwright-core, and an accessibility check with axe-core on every page a test visits.
import { mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import axe from 'axe-core'
import { type Browser, type BrowserContext, type BrowserContextOptions, chromium, type Page } from 'playwright-core'
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { DEMO_PASSWORD } from '../../src/demo.ts'
import type { Db } from '../../src/platform/db/db.ts'
import { createTestApp } from '../support/app.ts'

/** Where screenshots go (gitignored), resolved from this file so any working folder works. */
export const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../test-results')

/** Debian's Chromium; CHROMIUM_PATH overrides it for other machines. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/**
 * Headless Chromium with the flags a closed-network CI machine needs: no sandbox (CI runs as
 * root), and nothing that phones home (background networking, component updates, sync, QUIC).
 */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 60_000,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  })
}

/** Contexts made with JavaScript off: axe cannot run inside them (see checkA11y). */
const noScript = new WeakSet<BrowserContext>()

/** A fresh context (own cookies) with bounded timeouts; pages keep the app's real CSP. */
export async function newPage(browser: Browser, baseURL: string, options: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 900 }, ...options })
  context.setDefaultTimeout(10_000)
  context.setDefaultNavigationTimeout(20_000)
  if (options.javaScriptEnabled === false) noScript.add(context)
  return context.newPage()
}

interface AxeNode { target: unknown[]; html: string; failureSummary?: string }
interface AxeViolation { id: string; impact?: string | null; help: string; helpUrl: string; nodes: AxeNode[] }

/** Every page checked so far, with its findings (any finding fails the test that visited the page). */
export const axeLog: { url: string; violations: { id: string; impact: string; nodes: number }[] }[] = []

/**
 * Findings we accept on purpose, each with its reason. govuk-frontend's JavaScript puts
 * aria-expanded on radios and checkboxes that reveal conditional content; ARIA does not allow it
 * there, but the GOV.UK Design System keeps it deliberately because screen readers announce it
 * (alphagov/govuk-frontend#979, a documented known issue). Nothing else about the node may fail.
 */
function accepted(v: AxeViolation, n: AxeNode): boolean {
  return v.id === 'aria-allowed-attr' &&
    /class="govuk-(radios|checkboxes)__input"/.test(n.html) && /aria-controls="conditional-/.test(n.html) &&
    /^Fix all of the following: ARIA attribute is not allowed: aria-expanded="(true|false)"$/.test((n.failureSummary ?? '').replace(/\s+/g, ' ').trim())
}

let acceptedCount = 0

const AXE_TIMEOUT = 30_000

async function runAxe(page: Page): Promise<AxeViolation[]> {
  const already = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe !== 'undefined')
  if (!already) await page.evaluate(axe.source)
  const run = page.evaluate(async () => {
    const w = window as unknown as { axe: { run: (ctx: Document, opts: unknown) => Promise<{ violations: unknown[] }> } }
    const result = await w.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
      resultTypes: ['violations'],
    })
    return result.violations
  }) as Promise<AxeViolation[]>
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`axe did not finish within ${AXE_TIMEOUT / 1000}s on ${page.url()}`)), AXE_TIMEOUT)
  })
  try {
    return await Promise.race([run, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * axe needs timers, which a page with JavaScript off does not run. So the page's HTML as the
 * server sent it is shown again, at the same address (so the stylesheet and colours are the
 * same), in a scratch context with scripts on, with every <script> removed so that the DOM stays
 * exactly what a visitor without JavaScript gets.
 */
async function runAxeOnNoScriptPage(page: Page): Promise<AxeViolation[]> {
  const html = (await page.content()).replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, '')
  const url = page.url()
  const browser = page.context().browser()
  if (!browser) throw new Error('No browser for the accessibility check')
  const context = await browser.newContext({ viewport: page.viewportSize() ?? undefined })
  try {
    const scratch = await context.newPage()
    await scratch.route(url, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }))
    await scratch.goto(url)
    return await runAxe(scratch)
  } finally {
    await context.close()
  }
}

/**
 * Runs axe-core on the page as it is now and fails on any violation of any impact (minor,
 * moderate, serious or critical), listing each one readably; only the accepted govuk-frontend
 * finding above is let through. axe's source is evaluated through the DevTools protocol, which
 * the page's Content-Security-Policy does not govern (an injected <script> tag would be refused),
 * so the app's CSP stays on.
 */
export async function checkA11y(page: Page, label = ''): Promise<void> {
  const url = page.url()
  const found = noScript.has(page.context()) ? await runAxeOnNoScriptPage(page) : await runAxe(page)
  const violations = found
    .map((v) => ({ ...v, nodes: v.nodes.filter((n) => !accepted(v, n)) }))
    .filter((v) => v.nodes.length)
  acceptedCount += found.reduce((sum, v) => sum + v.nodes.filter((n) => accepted(v, n)).length, 0)
  axeLog.push({ url, violations: violations.map((v) => ({ id: v.id, impact: v.impact ?? 'unknown', nodes: v.nodes.length })) })
  if (!violations.length) return
  const lines = violations.flatMap((v) => [
    `  [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})`,
    ...v.nodes.slice(0, 5).map((n) => `      at ${n.target.map(String).join(' ')}\n        ${n.html.slice(0, 200)}${n.failureSummary ? `\n        ${n.failureSummary.replace(/\n/g, '\n        ')}` : ''}`),
    ...(v.nodes.length > 5 ? [`      …and ${v.nodes.length - 5} more`] : []),
  ])
  throw new Error(`Accessibility violations on ${label || url}:\n${lines.join('\n')}`)
}

/** Full-page screenshot into test-results/ for people to look at. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(RESULTS_DIR, { recursive: true })
  const path = join(RESULTS_DIR, `${name}.png`)
  await page.screenshot({ path, fullPage: true })
  return path
}

/** A summary of the axe findings (each of which failed its test), for the test log. */
export function axeReport(): string {
  const byRule = new Map<string, { impact: string; pages: Set<string> }>()
  for (const p of axeLog) for (const v of p.violations) {
    const m = byRule.get(v.id) ?? { impact: v.impact, pages: new Set<string>() }
    m.pages.add(new URL(p.url).pathname.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, ':id'))
    byRule.set(v.id, m)
  }
  const rows = [...byRule].map(([id, m]) => `${id} (${m.impact}) on ${[...m.pages].join(', ')}`)
  const known = acceptedCount ? `; ${acceptedCount} accepted govuk-frontend aria-expanded finding(s)` : ''
  return `axe checked ${axeLog.length} page(s); ${rows.length ? `findings: ${rows.join('; ')}` : 'no other findings'}${known}`
}

export interface RunningApp {
  db: Db
  app: FastifyInstance
  baseUrl: string
  close(): Promise<void>
}

/** The real app with demo data on a fresh database, listening on a free local port. */
export async function startApp(): Promise<RunningApp> {
  const t = await createTestApp()
  await t.app.listen({ port: 0, host: '127.0.0.1' })
  return { db: t.db, app: t.app, baseUrl: `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`, close: () => t.close() }
}

/** Signs in through the login form and waits for the page that follows. */
export async function signInAs(page: Page, email: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto('/login')
  await page.getByLabel('Email address', { exact: true }).fill(email)
  await page.getByLabel('Password', { exact: true }).fill(password)
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Sign in' }).click()])
}

/** The widths every journey is checked at: a desktop with JavaScript, and a phone without it. */
export const WIDTHS = [
  { width: 1280, height: 900, javaScriptEnabled: true },
  { width: 390, height: 844, javaScriptEnabled: false },
] as const

/** axe-core finds nothing, and the page does not scroll sideways at this width. */
export async function check(page: Page, label: string, width: number): Promise<void> {
  await checkA11y(page, `${label} at ${width}px`)
  const scroll = await page.evaluate(() => document.documentElement.scrollWidth)
  if (scroll > width) throw new Error(`${label} is ${scroll}px wide at ${width}px`)
}

/** Presses the button with this exact name and waits for the page that follows. */
export async function submit(page: Page, name: string): Promise<void> {
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name, exact: true }).click()])
}

/** A test app (without the demo unless asked) listening on a free local port. */
export async function listening(opts: { demo?: boolean } = {}): Promise<{ t: Awaited<ReturnType<typeof createTestApp>>; baseUrl: string }> {
  const t = await createTestApp({ demo: opts.demo ?? false })
  await t.app.listen({ port: 0, host: '127.0.0.1' })
  return { t, baseUrl: `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}` }
}
