import type { RegisterEntry } from '../register/model.ts'
import { type SharedContent, sharedContent, SHARED_FIELDS, type SharedField } from './model.ts'
import { findPersonalData, type PersonalDataKind } from './personalData.ts'

/**
 * What sharing an entry to the library gives other councils: the one function that builds both
 * the admin's preview and the copy stored, so the preview is exactly what is shared. The owner,
 * the proposer, the stage, the review date and everything other features hold about the entry
 * stay at home.
 */
export function shareableCopy(entry: RegisterEntry): SharedContent {
  return sharedContent.parse({
    name: entry.name,
    purpose: entry.purpose,
    serviceArea: entry.serviceArea,
    supplier: entry.supplier,
    technique: entry.technique,
    personalData: entry.personalData,
    specialCategoryData: entry.specialCategoryData,
    decisionRole: entry.decisionRole,
    peopleAffected: entry.peopleAffected,
    humanOversight: entry.humanOversight,
    riskTier: entry.riskTier,
  })
}

export interface PersonalDataFound {
  field: SharedField
  kinds: PersonalDataKind[]
}

/** The shareable fields that still hold personal data (in form order), with what was found in each. */
export function personalDataIn(copy: SharedContent, knownNames: readonly string[] = []): PersonalDataFound[] {
  return SHARED_FIELDS.flatMap((field) => {
    const value = copy[field]
    if (typeof value !== 'string') return []
    const kinds = findPersonalData(value, knownNames)
    return kinds.length ? [{ field, kinds }] : []
  })
}

/** The copy's words, for the library's search. */
export function searchTextOf(copy: SharedContent): string {
  return [copy.name, copy.purpose, copy.serviceArea, copy.technique, copy.supplier ?? '', copy.peopleAffected, copy.humanOversight]
    .join(' ').toLowerCase()
}
