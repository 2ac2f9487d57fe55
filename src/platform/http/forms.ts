import type { z } from 'zod'
import { t } from '../i18n/i18n.ts'

export interface FormErrors {
  /** field name → translated message, for each govuk component's errorMessage. */
  fields: Record<string, string>
  /** The GOV.UK error summary list, in field order. */
  errorList: { text: string; href: string }[]
}

/**
 * Turns zod issues into messages. Schemas carry message keys (e.g. "register.errors.name"),
 * translated here, so the same schema speaks English or Welsh.
 */
export function issuesToFields(issues: readonly z.core.$ZodIssue[]): Record<string, string> {
  const fields: Record<string, string> = {}
  for (const issue of issues) {
    const name = issue.path.length ? issue.path.map(String).join('.') : '_form'
    if (!fields[name]) fields[name] = t(issue.message)
  }
  return fields
}

export function formErrors(fields: Record<string, string>, idFor: (field: string) => string = (f) => f): FormErrors {
  return {
    fields,
    errorList: Object.entries(fields).map(([f, text]) => ({ text, href: `#${idFor(f)}` })),
  }
}

export type Parsed<T> = { ok: true; data: T } | { ok: false; errors: FormErrors }

export function parseWith<S extends z.ZodType>(schema: S, input: unknown): Parsed<z.output<S>> {
  const result = schema.safeParse(input)
  if (result.success) return { ok: true, data: result.data }
  return { ok: false, errors: formErrors(issuesToFields(result.error.issues)) }
}

/** HTML forms send strings; these helpers read them into the types the schemas want. */
export const formValue = {
  /** "" → undefined, so optional fields stay optional. */
  text(v: unknown): unknown {
    if (typeof v !== 'string') return v
    const s = v.trim()
    return s === '' ? undefined : s
  },
  bool(v: unknown): unknown {
    if (v === 'yes' || v === 'true' || v === true) return true
    if (v === 'no' || v === 'false' || v === false) return false
    return v === '' ? undefined : v
  },
}

/**
 * Three GOV.UK date-input boxes → "YYYY-MM-DD"; all empty → undefined. Day and month are padded,
 * the year is not: a blank or short year stays short, so the schema refuses it with the field's
 * own message instead of the database refusing year 0.
 */
export function dateFromParts(body: Record<string, unknown>, name: string): string | undefined {
  const parts = ['day', 'month', 'year'].map((p) => {
    const v = body[`${name}-${p}`]
    return typeof v === 'string' ? v.trim() : ''
  })
  if (parts.every((p) => p === '')) return undefined
  const [day, month, year] = parts as [string, string, string]
  return `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`
}

export function datePartsFrom(iso: string | null): Record<string, string> {
  if (!iso) return {}
  const [year, month, day] = iso.split('-')
  return { year: year ?? '', month: String(Number(month)), day: String(Number(day)) }
}
