// Every asset the layout links (icons, manifest, scripts, stylesheet), every icon the manifest
// names and every url() in the stylesheet answers 200: govuk-frontend 6 keeps its images under
// dist/govuk/assets, so a wrong assetPath is a 404 on every page.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, before, test } from 'node:test'
import * as sass from 'sass'
import { createTestApp, signIn, type TestApp } from '../../../test/support/app.ts'

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..')
const css = join(root, 'public/app.css')
let ta: TestApp

before(async () => {
  // The stylesheet is built by `npm run build:css`; build it if this checkout has not yet.
  if (!existsSync(css)) execFileSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/build-css.ts')], { cwd: root })
  ta = await createTestApp({ demo: false })
  const org = await ta.services.organisations.create({ slug: 'assetham', name: 'Assetham Council', contactEmail: null, websiteUrl: null, region: null })
  await ta.services.people.createAccount({ organisationId: org.id, email: 'viewer@assetham.example', name: 'V', password: 'a-long-enough-password', roles: ['viewer'] })
})
after(async () => {
  await ta?.close()
})

/** Local URLs in a page's link href and script/img src attributes. */
function linkedAssets(html: string): string[] {
  const urls = new Set<string>()
  for (const m of html.matchAll(/<(?:link|script|img)\b[^>]*?\b(?:href|src)="(\/[^"]*)"/g)) urls.add(m[1]!)
  return [...urls]
}

test('every asset the layout links answers 200, signed out and signed in', async () => {
  const viewer = await signIn(ta.app, 'viewer@assetham.example', 'a-long-enough-password')
  const pages = [
    (await ta.app.inject({ url: '/login' })).body,
    (await ta.app.inject({ url: '/public' })).body,
    (await viewer.get('/register')).body,
  ]
  const assets = new Set(pages.flatMap(linkedAssets))
  for (const expected of ['/assets/govuk/assets/images/favicon.svg', '/assets/govuk/assets/images/favicon.ico', '/assets/app.css']) {
    assert.ok(assets.has(expected), `the layout links ${expected}`)
  }
  for (const url of assets) {
    const res = await ta.app.inject({ url })
    assert.equal(res.statusCode, 200, url)
  }

  // The manifest's icons are relative to the manifest.
  const manifestUrl = [...assets].find((u) => u.endsWith('manifest.json'))
  assert.ok(manifestUrl)
  const manifest = (await ta.app.inject({ url: manifestUrl })).json<{ icons: { src: string }[] }>()
  for (const icon of manifest.icons) {
    const url: string = new URL(icon.src, `http://x${manifestUrl}`).pathname
    assert.equal((await ta.app.inject({ url })).statusCode, 200, url)
  }
})

test('every url() in the stylesheet answers 200', async () => {
  // Compiled afresh from the Sass entry, so a stale public/app.css cannot hide a wrong path.
  const sheet = sass.compile(join(root, 'src/platform/http/assets/app.scss'), {
    importers: [new sass.NodePackageImporter(root)], quietDeps: true, silenceDeprecations: ['import'],
  }).css
  const urls = [...new Set([...sheet.matchAll(/url\("?(\/[^")]+)"?\)/g)].map((m) => m[1]!))]
  for (const url of urls) assert.equal((await ta.app.inject({ url })).statusCode, 200, url)
})
