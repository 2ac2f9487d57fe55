import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import nunjucks from 'nunjucks'
import { currentLang, type Lang, t } from '../i18n/i18n.ts'

const here = dirname(fileURLToPath(import.meta.url))
const govukDist = join(dirname(fileURLToPath(import.meta.resolve('govuk-frontend'))), '..')

/**
 * Template search path: the platform's layout and error pages, each feature's folder
 * (templates are named "<feature>/views/<page>.njk"), then govuk-frontend's macros.
 */
export function createViews(): nunjucks.Environment {
  const env = new nunjucks.Environment(
    new nunjucks.FileSystemLoader([join(here, 'views'), join(here, '../../features'), govukDist], {
      noCache: process.env.NODE_ENV === 'development',
    }),
    { autoescape: true, throwOnUndefined: false },
  )
  env.addGlobal('t', t)
  env.addGlobal('currentLang', currentLang)
  env.addGlobal('langUrl', langUrl)
  env.addFilter('withLang', withLang)
  env.addFilter('date', (value: unknown) => formatDate(value))
  env.addFilter('dateTime', (value: unknown) => formatDateTime(value))
  env.addFilter('json', (value: unknown) => JSON.stringify(value, null, 2))
  env.addFilter('asList', (value: unknown): unknown[] => (Array.isArray(value) ? (value as unknown[]) : []))
  env.addFilter('auditValue', auditValue)
  return env
}

const dateOpts: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' }
const dateTimeOpts: Intl.DateTimeFormatOptions = { ...dateOpts, hour: '2-digit', minute: '2-digit' }
const dateFmts: Record<Lang, Intl.DateTimeFormat> = { en: new Intl.DateTimeFormat('en-GB', dateOpts), cy: new Intl.DateTimeFormat('cy', dateOpts) }
const dateTimeFmts: Record<Lang, Intl.DateTimeFormat> = { en: new Intl.DateTimeFormat('en-GB', dateTimeOpts), cy: new Intl.DateTimeFormat('cy', dateTimeOpts) }

/**
 * The same address in another language (the public pages' language toggle): every other part of
 * the path and query kept, `lang` replaced (English is the default, so it is simply dropped).
 */
export function langUrl(url: unknown, lang: Lang): string {
  const s = typeof url === 'string' && url.startsWith('/') ? url : '/'
  const q = s.indexOf('?')
  const path = q < 0 ? s : s.slice(0, q)
  const params = new URLSearchParams(q < 0 ? '' : s.slice(q + 1))
  params.delete('lang')
  if (lang !== 'en') params.set('lang', lang)
  const query = params.toString()
  return query ? `${path}?${query}` : path
}

/** A link that keeps the current request's language (Welsh pages link to Welsh pages). */
export function withLang(url: unknown): string {
  const lang = currentLang()
  return lang === 'en' ? (typeof url === 'string' ? url : '') : langUrl(url, lang)
}

/** A date, or a 'YYYY-MM-DD' / ISO string, as a person reads it; anything else as it is. */
function asDate(value: unknown): Date | null {
  if (value instanceof Date) return value
  if (typeof value === 'string' || typeof value === 'number') return new Date(value)
  return null
}

export function formatDate(value: unknown): string {
  if (value === null || value === undefined || value === '') return ''
  const d = asDate(value)
  return d && !Number.isNaN(d.getTime()) ? dateFmts[currentLang()].format(d) : auditValue(value)
}

export function formatDateTime(value: unknown): string {
  if (value === null || value === undefined || value === '') return ''
  const d = asDate(value)
  return d && !Number.isNaN(d.getTime()) ? dateTimeFmts[currentLang()].format(d) : auditValue(value)
}

export const GOVUK_ASSETS = join(govukDist, 'govuk')

/** A changed value as a person reads it in a history: Yes/No, lists joined, nothing as a dash. */
export function auditValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—'
  if (value === true) return t('common.yes')
  if (value === false) return t('common.no')
  if (Array.isArray(value)) return value.map(auditValue).join(', ')
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'bigint') return value.toString()
  return JSON.stringify(value) ?? '—'
}
