// The request's language: t() speaks the language runWithLang set for the request (Welsh falls
// back to English key by key), only public pages take ?lang=cy, and the Welsh catalogue covers
// what the public pages say, with the same placeholders as the English.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { currentLang, hasMessage, langForUrl, messageKeys, runWithLang, t, translate } from './i18n.ts'

describe('the request’s language', () => {
  it('is English outside a request, and the language runWithLang set inside one', () => {
    assert.equal(currentLang(), 'en')
    assert.equal(t('common.back'), 'Back')
    runWithLang('cy', () => {
      assert.equal(currentLang(), 'cy')
      assert.equal(t('common.back'), 'Yn ôl')
    })
    assert.equal(t('common.back'), 'Back', 'back to English after')
  })

  it('stays with each request across awaits, however requests interleave', async () => {
    const seen: string[] = []
    await Promise.all([
      runWithLang('cy', async () => { await sleep(20); seen.push(`a:${t('common.back')}`) }),
      runWithLang('en', async () => { await sleep(5); seen.push(`b:${t('common.back')}`) }),
      runWithLang('cy', async () => { await sleep(1); seen.push(`c:${currentLang()}`) }),
    ])
    assert.deepEqual(seen.sort(), ['a:Yn ôl', 'b:Back', 'c:cy'])
  })

  it('falls back to English key by key, and to the key itself only when English has none', () => {
    assert.ok(!hasMessage('publicRecord.reports.title', 'cy'), 'an admin page’s words are not in Welsh')
    assert.equal(translate('cy', 'publicRecord.reports.title'), translate('en', 'publicRecord.reports.title'))
    assert.equal(translate('cy', 'no.such.key'), 'no.such.key')
    assert.equal(translate('cy', 'publicRecord.versionOf', { version: 2, latest: 3 }), '2 o 3', 'placeholders filled in Welsh')
    assert.equal(translate('cy', 'public.list.count', { count: 2 }), '2 cofnod', 'a Welsh plural category (two) falls back to the key’s other form')
  })
})

describe('langForUrl', () => {
  it('is Welsh only for public pages asked for with ?lang=cy', () => {
    for (const url of ['/public?lang=cy', '/public/records/a/b?version=2&lang=cy', '/public/feed.atom?lang=cy', '/public/x/report?lang=cy']) {
      assert.equal(langForUrl(url), 'cy', url)
    }
    for (const url of ['/public', '/public?lang=en', '/public?lang=fr', '/public?xlang=cy', '/login?lang=cy', '/register?lang=cy',
      '/publicity?lang=cy', '/api/v1/entries?lang=cy', '/public?lang=%E0%A4%A', '/public?lang']) {
      assert.equal(langForUrl(url), 'en', url)
    }
  })
})

describe('the Welsh catalogue', () => {
  const en = new Set(messageKeys('en'))
  const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()

  it('has no key English lacks (a typo would never be shown), and the same placeholders as the English', () => {
    for (const key of messageKeys('cy')) {
      assert.ok(en.has(key), `"${key}" is in Welsh but not in English`)
      assert.deepEqual(placeholders(translate('cy', key)), placeholders(translate('en', key)), `"${key}" has the English placeholders`)
    }
  })

  it('covers what the public pages say: the layout, the record, what changed, the report form and its errors', () => {
    const layout = ['public.serviceName', 'public.headerName', 'common.skipLink', 'lang.toggle', 'nav.publicRegister', 'nav.signIn',
      'footer.links', 'footer.publicRegister', 'footer.api', 'footer.about', 'common.errorSummaryTitle', 'common.errorPrefix', 'common.back',
      'error.notFound', 'error.notFound.title', 'error.home', 'error.csrf', 'error.csrf.title', 'error.server', 'error.server.title']
    const record = [...en].filter((k) => k.startsWith('publicRecord.') && !/^publicRecord\.(mail|reports|feed)\./.test(k))
    const oldPublic = [...en].filter((k) => /^(public\.(record|errors|organisation)|publicList)\./.test(k))
    const missing = [...layout, ...record, ...oldPublic].filter((k) => !hasMessage(k, 'cy'))
    assert.deepEqual(missing, [], 'every one has Welsh')
  })
})
