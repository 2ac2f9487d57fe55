import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { loadConfig, ConfigError } from '../config.ts'
import { safeNext } from '../features/people/authRoutes.ts'
import { dateFromParts } from './http/forms.ts'
import { diff } from './audit.ts'
import { hashPassword, verifyPassword } from './auth/passwords.ts'
import { can } from './auth/permissions.ts'
import { hasMessage, translate } from './i18n/i18n.ts'

describe('config', () => {
  test('development defaults', () => {
    const c = loadConfig({})
    assert.equal(c.port, 3000)
    assert.equal(c.databaseUrl, undefined)
    assert.match(c.dataDir, /data$/)
    assert.equal(c.secureCookies, false)
  })
  test('production refuses to start without a strong SESSION_SECRET', () => {
    assert.throws(() => loadConfig({ NODE_ENV: 'production' }), ConfigError)
    assert.throws(() => loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'short' }), ConfigError)
    assert.equal(loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32) }).secureCookies, true)
  })
  test('a bad PORT names the variable', () => {
    assert.throws(() => loadConfig({ PORT: 'eighty' }), /PORT/)
  })
})

describe('passwords', () => {
  test('scrypt hashes verify only the right password, with a per-hash salt', async () => {
    const a = await hashPassword('correct horse battery')
    const b = await hashPassword('correct horse battery')
    assert.notEqual(a, b)
    assert.match(a, /^scrypt\$32768\$8\$1\$/)
    assert.equal(await verifyPassword('correct horse battery', a), true)
    assert.equal(await verifyPassword('wrong', a), false)
    assert.equal(await verifyPassword('x', 'not-a-hash'), false)
  })
})

describe('permissions', () => {
  test('only board members record decisions; only admins publish and manage people', () => {
    assert.equal(can(['board_member'], 'decision:record'), true)
    assert.equal(can(['admin'], 'decision:record'), false)
    assert.equal(can(['contributor'], 'transparency:publish'), false)
    assert.equal(can(['admin'], 'transparency:publish'), true)
    assert.equal(can(['viewer'], 'register:write'), false)
    assert.equal(can(['viewer', 'contributor'], 'register:write'), true)
  })
})

describe('audit diff', () => {
  test('lists only fields that changed, from → to', () => {
    const before = { name: 'A', supplier: null as string | null, personalData: false }
    assert.deepEqual(diff(before, { name: 'B', supplier: null, personalData: false }, ['name', 'supplier', 'personalData']), {
      name: { from: 'A', to: 'B' },
    })
    assert.deepEqual(diff(before, { personalData: true }, ['name', 'personalData']), { personalData: { from: false, to: true } })
  })
})

describe('form helpers', () => {
  test('date parts become an ISO date, empty parts nothing', () => {
    assert.equal(dateFromParts({ 'd-day': '3', 'd-month': '7', 'd-year': '2027' }, 'd'), '2027-07-03')
    assert.equal(dateFromParts({ 'd-day': '', 'd-month': '', 'd-year': '' }, 'd'), undefined)
    assert.equal(dateFromParts({}, 'd'), undefined)
  })
  test('login redirects only to paths on this site', () => {
    assert.equal(safeNext('/register/1'), '/register/1')
    assert.equal(safeNext('//evil.example'), '/home')
    assert.equal(safeNext('/\\evil.example'), '/home')
    assert.equal(safeNext('https://evil.example'), '/home')
    assert.equal(safeNext(undefined), '/home')
    assert.equal(safeNext('/\t/evil.example'), '/home')
    assert.equal(safeNext('/\n/evil.example'), '/home')
    assert.equal(safeNext('/register?q=a b'), '/register?q=a%20b')
  })
})

describe('translation', () => {
  test('interpolates variables', () => {
    assert.equal(translate('en', 'register.list.count', { count: 3 }), '3 entries')
  })

  /** Every literal key passed to t("…") in the code and templates has an English message. */
  test('every message key used in src has an English message', () => {
    const files: string[] = []
    const walk = (dir: string) => {
      for (const f of readdirSync(dir)) {
        const p = join(dir, f)
        if (statSync(p).isDirectory()) walk(p)
        else if (/\.(ts|njk)$/.test(f) && !f.endsWith('.test.ts')) files.push(p)
      }
    }
    walk(join(import.meta.dirname, '..'))
    const missing = new Set<string>()
    for (const f of files) {
      for (const m of readFileSync(f, 'utf8').matchAll(/\bt\(\s*["']([a-zA-Z0-9_.]+)["']/g)) {
        const key = m[1]!
        if (!key.endsWith('.') && !hasMessage(key)) missing.add(`${key} (${f})`)
      }
    }
    assert.deepEqual([...missing], [])
  })
})
