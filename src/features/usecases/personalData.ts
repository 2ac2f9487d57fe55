/**
 * Spotting personal data in text before it leaves the organisation (sharing an entry to the
 * library). This is a safety net, not a guarantee: it finds what can be found reliably —
 * e-mail addresses, telephone numbers, National Insurance numbers, postcodes, a title followed
 * by a name ("Mrs Patel", "Cllr J. Smith") and the names of the organisation's own people — and
 * the admin's preview is the check for the rest.
 */

export type PersonalDataKind = 'email' | 'phone' | 'niNumber' | 'postcode' | 'titledName' | 'knownName'

const EMAIL = /[\p{L}\p{N}._%+'-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/u
// A UK number: +44 or 0, then 9 or 10 more digits, spaces, hyphens or brackets between them.
const PHONE = /(?:\+\s?44|\b0)[\s\-()]*(?:\d[\s\-()]*){9,10}(?!\d)/
const NI_NUMBER = /\b(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b/i
const POSTCODE = /\b(?:[A-PR-UWYZ][A-HK-Y]?\d[A-HJKPSTUW\d]?|GIR)\s*\d[ABD-HJLNP-UW-Z]{2}\b/
const TITLED_NAME = /\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Cllr|Councillor|Sir|Dame)\.?\s+(?:[A-Z]\.\s*)*[A-Z][\p{L}'’-]+/u

const PATTERNS: [PersonalDataKind, RegExp][] = [
  ['email', EMAIL], ['phone', PHONE], ['niNumber', NI_NUMBER], ['postcode', POSTCODE], ['titledName', TITLED_NAME],
]

const words = (s: string) => s.toLowerCase().split(/[^\p{L}'’-]+/u).filter(Boolean)

/**
 * The kinds of personal data found in `text`. `knownNames` are people's full names (the
 * organisation's own staff): a name of two or more words found whole, as words, is personal data.
 */
export function findPersonalData(text: string, knownNames: readonly string[] = []): PersonalDataKind[] {
  const found: PersonalDataKind[] = PATTERNS.filter(([, re]) => re.test(text)).map(([kind]) => kind)
  if (knownNames.length && text.trim()) {
    const haystack = ` ${words(text).join(' ')} `
    const hit = knownNames.some((name) => {
      const w = words(name)
      return w.length >= 2 && haystack.includes(` ${w.join(' ')} `)
    })
    if (hit) found.push('knownName')
  }
  return found
}
