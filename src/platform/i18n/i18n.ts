import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import en from './en.json' with { type: 'json' }

/**
 * Every piece of user-facing text goes through t(). Messages live in JSON files per language:
 * the platform's own en.json, plus a messages.<lang>.json in any feature folder and, for a large
 * feature, one per part of it (<part>.messages.<lang>.json), found by file name alone (the platform
 * names no feature), merged at start-up; a key defined twice stops start-up. Welsh (cy) is a matter
 * of adding the same files for cy and choosing the language.
 */
export type Lang = 'en'

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

const catalogues: Record<Lang, Record<string, string>> = { en: loadCatalogue('en', en) }
const plurals: Record<Lang, Intl.PluralRules> = { en: new Intl.PluralRules('en-GB') }

export type Vars = Record<string, string | number | null | undefined>

/**
 * A message with {name} placeholders filled. When vars has a numeric `count` and the catalogue
 * has "<key>.<plural category>" (key.one, key.other…), that form is used: "1 entry", "2 entries".
 */
export function translate(lang: Lang, key: string, vars?: Vars): string {
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

/** English for now; the request's language will be chosen here when Welsh arrives. */
export function t(key: string, vars?: Vars): string {
  return translate('en', key, vars)
}

export function hasMessage(key: string, lang: Lang = 'en'): boolean {
  const catalogue = catalogues[lang]
  return catalogue[key] !== undefined || catalogue[`${key}.other`] !== undefined
}

/** Every key of a language's catalogue (for the test that checks every key used exists). */
export function messageKeys(lang: Lang = 'en'): string[] {
  return Object.keys(catalogues[lang])
}
