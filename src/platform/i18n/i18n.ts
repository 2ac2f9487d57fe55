import { AsyncLocalStorage } from 'node:async_hooks'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import cy from './cy.json' with { type: 'json' }
import en from './en.json' with { type: 'json' }

/**
 * Every piece of user-facing text goes through t(). Messages live in JSON files per language:
 * the platform's own en.json, plus a messages.<lang>.json in any feature folder and, for a large
 * feature, one per part of it (<part>.messages.<lang>.json), found by file name alone (the platform
 * names no feature), merged at start-up; a key defined twice stops start-up. Welsh (cy) has the
 * same files (cy.json, *.messages.cy.json) for what the public pages say; a key with no Welsh is
 * said in English. The language is the request's (runWithLang and currentLang below).
 */
export type Lang = 'en' | 'cy'

const featuresDir = join(dirname(fileURLToPath(import.meta.url)), '../../features')

function loadCatalogue(lang: Lang, base: Record<string, string>): Record<string, string> {
  const merged: Record<string, string> = { ...base }
  const ours = (name: string) => name === `messages.${lang}.json` || name.endsWith(`.messages.${lang}.json`)
  const files = readdirSync(featuresDir, { withFileTypes: true }).filter((d) => d.isDirectory())
    .map((d) => d.name).sort()
    .flatMap((feature) => readdirSync(join(featuresDir, feature)).filter(ours).sort().map((f) => join(featuresDir, feature, f)))
  for (const file of files) {
    const messages = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
    for (const [key, text] of Object.entries(messages)) {
      if (typeof text !== 'string') throw new Error(`${file}: message "${key}" is not a string`)
      if (key in merged) throw new Error(`${file}: message "${key}" is defined twice`)
      merged[key] = text
    }
  }
  return merged
}

const catalogues: Record<Lang, Record<string, string>> = { en: loadCatalogue('en', en), cy: loadCatalogue('cy', cy) }
const plurals: Record<Lang, Intl.PluralRules> = { en: new Intl.PluralRules('en-GB'), cy: new Intl.PluralRules('cy') }

export type Vars = Record<string, string | number | null | undefined>

/**
 * A message with {name} placeholders filled. When vars has a numeric `count` and the catalogue
 * has "<key>.<plural category>" (key.one, key.other…), that form is used: "1 entry", "2 entries".
 */
export function translate(lang: Lang, key: string, vars?: Vars): string {
  // Key by key: a message not yet in Welsh is said in English rather than as its key.
  if (lang !== 'en' && !hasMessage(key, lang)) return translate('en', key, vars)
  const catalogue = catalogues[lang]
  let template = catalogue[key]
  if (vars && typeof vars.count === 'number') {
    const form = catalogue[`${key}.${plurals[lang].select(vars.count)}`] ?? catalogue[`${key}.other`]
    if (form !== undefined) template = form
  }
  if (template === undefined) return key
  if (!vars) return template
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = vars[name]
    return v === undefined || v === null ? whole : String(v)
  })
}

/**
 * The language of the request being answered. Each request runs inside runWithLang (an onRequest
 * hook), so t() called anywhere below it (handlers, templates, the error page) speaks that
 * request's language without it being passed around; outside a request it is English.
 */
const requestLang = new AsyncLocalStorage<Lang>()

export function runWithLang<R>(lang: Lang, fn: () => R): R {
  return requestLang.run(lang, fn)
}

export function currentLang(): Lang {
  return requestLang.getStore() ?? 'en'
}

/**
 * The language a request asks for: Welsh only on the public pages (`/public…`) with `?lang=cy`.
 * Nothing is stored (no cookie), so every resident asking for the same address gets the same page.
 */
export function langForUrl(url: string): Lang {
  if (!/^\/public(?:[/?.]|$)/.test(url)) return 'en'
  const q = url.indexOf('?')
  if (q < 0) return 'en'
  return new URLSearchParams(url.slice(q + 1)).getAll('lang').includes('cy') ? 'cy' : 'en'
}

/** A message in the current request's language (English where Welsh has no such message yet). */
export function t(key: string, vars?: Vars): string {
  return translate(currentLang(), key, vars)
}

export function hasMessage(key: string, lang: Lang = 'en'): boolean {
  const catalogue = catalogues[lang]
  return catalogue[key] !== undefined || catalogue[`${key}.other`] !== undefined
}

/** Every key of a language's catalogue (for the test that checks every key used exists). */
export function messageKeys(lang: Lang = 'en'): string[] {
  return Object.keys(catalogues[lang])
}
