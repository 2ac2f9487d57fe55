// Makes sure the browser tests have what they need before they start: Debian's Chromium (driven
// by playwright-core, which downloads no browser of its own) and Liberation fonts (metric-compatible
// with Arial, which the stylesheet asks for). On a fresh Debian machine run as root, it installs
// what is missing with apt-get, once, saying so; anywhere else it stops at once with the exact
// command to run. CHROMIUM_PATH points at another Chromium instead (as test/browser/support.ts reads it).
//
// Usage: tsx scripts/ensure-browser.ts      (npm run test:browser runs it first)
import { spawnSync } from 'node:child_process'
import { accessSync, constants, existsSync } from 'node:fs'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const FONT_DIRS = ['/usr/share/fonts/truetype/liberation', '/usr/share/fonts/truetype/liberation2']

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** The Debian packages still missing. */
function missing(): string[] {
  const packages: string[] = []
  if (!executable(CHROMIUM)) packages.push('chromium')
  if (!FONT_DIRS.some((d) => existsSync(d))) packages.push('fonts-liberation')
  return packages
}

function stop(lines: string[]): never {
  console.error(lines.join('\n'))
  process.exit(1)
}

const needed = missing()
if (needed.length === 0) process.exit(0)

if (process.env.CHROMIUM_PATH && needed.includes('chromium')) {
  stop([`The browser tests need Chromium, and CHROMIUM_PATH=${process.env.CHROMIUM_PATH} is not an executable file.`,
    'Point CHROMIUM_PATH at a Chromium or Chrome binary, or unset it to use Debian\'s /usr/bin/chromium.'])
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
const aptGet = ['/usr/bin/apt-get', '/bin/apt-get'].find((p) => executable(p))
const install = `apt-get install -y --no-install-recommends ${needed.join(' ')}`

if (!isRoot || !aptGet) {
  const sudo = isRoot ? '' : 'sudo '
  stop([
    `The browser tests need ${needed.join(' and ')}, which ${needed.length > 1 ? 'are' : 'is'} not installed.`,
    aptGet
      ? `Installing ${needed.length > 1 ? 'them' : 'it'} needs root. Run this, then run the tests again:`
      : 'This machine has no apt-get (the tests expect Debian or Ubuntu). On Debian or Ubuntu, run:',
    '',
    `    ${sudo}apt-get update && ${sudo}${install}`,
    '',
    ...(needed.includes('chromium') ? ['Or set CHROMIUM_PATH to a Chromium or Chrome you already have.'] : []),
  ])
}

console.log(`The browser tests need ${needed.join(' and ')}: installing with apt-get (once; later runs find ${needed.length > 1 ? 'them' : 'it'}).`)
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
for (const args of [['update'], ['install', '-y', '--no-install-recommends', ...needed]]) {
  console.log(`$ apt-get ${args.join(' ')}`)
  const r = spawnSync(aptGet, args, { stdio: 'inherit', env })
  if (r.status !== 0) {
    stop([`apt-get ${args[0]} failed (exit ${r.status ?? r.signal}). Run it yourself and try again:`, '',
      `    apt-get update && ${install}`])
  }
}

const still = missing()
if (still.length) stop([`apt-get finished, but ${still.join(' and ')} ${still.length > 1 ? 'are' : 'is'} still missing (${CHROMIUM}, ${FONT_DIRS.join(' or ')}).`])
console.log(`Installed ${needed.join(' and ')}.`)
