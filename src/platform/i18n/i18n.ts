import en from './en.json' with { type: 'json' }

/**
 * Every piece of user-facing text goes through t(). Messages live in one JSON file per
 * language; Welsh (cy.json) is a matter of adding that file and choosing the language.
 */
export type Lang = 'en'
const catalogues: Record<Lang, Record<string, string>> = { en }

export type Vars = Record<string, string | number | null | undefined>

export function translate(lang: Lang, key: string, vars?: Vars): string {
  const template = catalogues[lang][key]
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
  return catalogues[lang][key] !== undefined
}
