import { formValue } from '../../platform/http/forms.ts'
import type { RegisterEntry } from './model.ts'

type Body = Record<string, unknown>

/** Three GOV.UK date-input boxes → "YYYY-MM-DD"; all empty → undefined; nonsense stays nonsense for the schema to refuse. */
export function dateFromParts(body: Body, name: string): string | undefined {
  const parts = ['day', 'month', 'year'].map((p) => String(body[`${name}-${p}`] ?? '').trim())
  if (parts.every((p) => p === '')) return undefined
  const [day, month, year] = parts as [string, string, string]
  return `${year.padStart(4, '0')}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`
}

export function datePartsFrom(iso: string | null): Record<string, string> {
  if (!iso) return {}
  const [year, month, day] = iso.split('-')
  return { year: year ?? '', month: String(Number(month)), day: String(Number(day)) }
}

/** A submitted entry form, as the types the shared schema expects. */
export function entryFromForm(body: Body): Record<string, unknown> {
  return {
    name: formValue.text(body.name),
    purpose: formValue.text(body.purpose),
    serviceArea: formValue.text(body.serviceArea),
    owner: formValue.text(body.owner),
    supplier: formValue.text(body.supplier),
    technique: formValue.text(body.technique),
    personalData: formValue.bool(body.personalData),
    specialCategoryData: body.personalData === 'no' ? false : formValue.bool(body.specialCategoryData),
    decisionRole: formValue.text(body.decisionRole),
    peopleAffected: formValue.text(body.peopleAffected),
    humanOversight: formValue.text(body.humanOversight),
    nextReviewDate: dateFromParts(body, 'nextReviewDate'),
    stage: formValue.text(body.stage),
    version: formValue.text(body.version),
  }
}

/** The form's values for an existing entry (radios take "yes"/"no"). */
export function formValuesFor(entry: RegisterEntry): Record<string, unknown> {
  const yn = (b: boolean) => (b ? 'yes' : 'no')
  return {
    ...entry,
    supplier: entry.supplier ?? '',
    personalData: yn(entry.personalData),
    specialCategoryData: yn(entry.specialCategoryData),
    nextReviewDateParts: datePartsFrom(entry.nextReviewDate),
  }
}

/** The submitted body, kept so a re-rendered form shows what the person typed. */
export function formValuesFromBody(body: Body): Record<string, unknown> {
  return {
    ...body,
    nextReviewDateParts: {
      day: body['nextReviewDate-day'] ?? '', month: body['nextReviewDate-month'] ?? '', year: body['nextReviewDate-year'] ?? '',
    },
  }
}
