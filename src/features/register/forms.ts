import { datePartsFrom, dateFromParts, formValue } from '../../platform/http/forms.ts'
import type { RegisterEntry } from './model.ts'

type Body = Record<string, unknown>

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
