/**
 * How a published record is shown to the public, as pure functions (no I/O): the standard's
 * sections with each field's text in the page's language, links only where they are safe, and
 * what changed between two versions, word by word.
 *
 * Everything is driven by the standard as data (`recordSections` of standard.ts: sections, each
 * repeated specification once per item, fields with their words), so a field or section the
 * standard adds appears without a template change.
 */
import { diffWords } from 'diff'
import { z } from 'zod'
import type { Lang } from '../../platform/i18n/i18n.ts'
import type { AtrsFields } from './atrs.ts'
import { CURRENT_STANDARD, isStandardVersion, recordSections, standardFor } from './standard.ts'

/** Fields the record page shows in its heading (title, organisation, summary, phase), not in the lists. */
export const HEADING_KEYS: ReadonlySet<string> = new Set(['title', 'organisation_name', 'one_sentence_description', 'phase'])

export type FieldKind = 'text' | 'link' | 'email'

export interface ShownField {
  key: string
  label: string
  text: string
  kind: FieldKind
  /** For a link or e-mail: where it goes (only http(s) URLs and valid addresses become links). */
  href?: string
  /** 'en' when a Welsh page shows the English text because the field has no Welsh (marks the language for screen readers). */
  lang?: Lang
  /** Why the organisation withheld this field, when it did (the standard allows redaction with a reason). */
  redaction?: string
}

export interface ShownSection {
  title: string
  tier: 'meta' | 1 | 2
  /** The tier this section opens (1 or 2) when it is the first shown of its tier: the page's tier heading goes before it. */
  tierStart: 1 | 2 | null
  fields: ShownField[]
}

/** A web address that may be a link: http or https only (never javascript:, data: and the like). */
export function safeHttpUrl(text: string): string | null {
  const s = text.trim()
  if (!/^https?:\/\//i.test(s)) return null
  try {
    const u = new URL(s)
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null
  } catch {
    return null
  }
}

const emailSchema = z.email().max(320)

/** An e-mail address that may be a mailto: link. */
export function safeEmail(text: string): string | null {
  const s = text.trim()
  return emailSchema.safeParse(s).success ? s : null
}

/** Why a field was withheld in a published version (its redactions: key → reason), or null. */
export function redactionOf(redactions: Readonly<Record<string, string>> | undefined, key: string): string | null {
  const reason = redactions && Object.hasOwn(redactions, key) ? redactions[key] : undefined
  return typeof reason === 'string' && reason.trim() ? reason.trim() : null
}

type Sections = ReturnType<typeof recordSections>

/** The standard version the record follows (the current one when this version is unknown here). */
function standardOf(version?: string) {
  return standardFor(version !== undefined && isStandardVersion(version) ? version : CURRENT_STANDARD)
}

const text = (v: unknown): string => (typeof v === 'string' ? v.trim() : '')

/** The standard's sections for these fields (a repeated specification once per item), words in the request's language. */
function sectionsFor(fields: AtrsFields, version?: string): Sections {
  return recordSections(standardOf(version), fields)
}

/**
 * The record's sections as the public page shows them, in the standard's order (each model and
 * dataset specification as a section of its own), each with the fields that have text (empty
 * fields are left out; "N/A" is shown as written). On a Welsh page each text field shows its
 * Welsh where the record has it, and its English (marked lang="en") where it has not.
 */
export function shownSections(fields: AtrsFields, fieldsCy: AtrsFields, lang: Lang,
  opts: { skip?: ReadonlySet<string>; standardVersion?: string; redactions?: Readonly<Record<string, string>> } = {}): ShownSection[] {
  const seen = new Set<string>()
  const out: ShownSection[] = []
  for (const section of sectionsFor(fields, opts.standardVersion)) {
    const shown: ShownField[] = []
    for (const f of section.fields) {
      if (opts.skip?.has(f.name) || seen.has(f.name)) continue
      seen.add(f.name)
      const english = text(fields[f.name])
      const redaction = redactionOf(opts.redactions, f.name)
      if (!english && !redaction) continue
      shown.push(showField(f.name, f.label, f.type, english, lang === 'cy' ? text(fieldsCy[f.name]) : '', lang, redaction))
    }
    if (!shown.length) continue
    const opens = section.tier !== 'meta' && !out.some((x) => x.tier === section.tier)
    out.push({ title: section.title, tier: section.tier, tierStart: opens ? section.tier as 1 | 2 : null, fields: shown })
  }
  return out
}

function showField(key: string, label: string, type: string, english: string, welsh: string, lang: Lang, redaction: string | null): ShownField {
  if (redaction) return { key, label, text: '', kind: 'text', redaction }
  if (type === 'email' || key === 'contact_email') {
    const email = safeEmail(english)
    if (email) return { key, label, text: email, kind: 'email', href: `mailto:${email}` }
  }
  if (type === 'url' || key === 'website_url') {
    const href = safeHttpUrl(english)
    if (href) return { key, label, text: english, kind: 'link', href }
  }
  if (lang === 'cy' && welsh) return { key, label, text: welsh, kind: 'text' }
  return { key, label, text: english, kind: 'text', ...(lang === 'cy' ? { lang: 'en' as const } : {}) }
}

/** One field's text in the page's language (the heading's title and summary), with the language it is in. */
export function localised(fields: AtrsFields, fieldsCy: AtrsFields, key: string, lang: Lang): { text: string; lang?: Lang } {
  const welsh = lang === 'cy' ? text(fieldsCy[key]) : ''
  if (welsh) return { text: welsh }
  return { text: text(fields[key]), ...(lang === 'cy' ? { lang: 'en' as const } : {}) }
}

// ---- What changed between two versions ----

export interface DiffPart {
  kind: 'same' | 'added' | 'removed'
  text: string
}

export interface FieldChange {
  key: string
  label: string
  /** added: the field had no text before; removed: it has none now; changed: words differ. */
  change: 'added' | 'removed' | 'changed'
  parts: DiffPart[]
}

/** Beyond this many edits a word diff says "replaced" rather than work out a long, unreadable one. */
const MAX_EDITS = 2000

/** A word-by-word comparison; texts too different for a useful diff come back as all removed, then all added. */
export function wordParts(before: string, after: string): DiffPart[] {
  const changes = diffWords(before, after, { maxEditLength: MAX_EDITS })
  if (!changes) return [{ kind: 'removed', text: before }, { kind: 'added', text: after }]
  return changes.map((c) => ({ kind: c.added ? 'added' : c.removed ? 'removed' : 'same', text: c.value }))
}

/**
 * The fields of the standard that differ between two versions (English text), in the standard's
 * order, repeats included. Fields that are the same are left out.
 */
export function recordChanges(before: AtrsFields, after: AtrsFields, standardVersion?: string): FieldChange[] {
  const labels = new Map<string, string>()
  for (const section of sectionsFor({ ...before, ...after }, standardVersion)) {
    const item = section.item === undefined ? '' : ` (${section.title})`
    for (const f of section.fields) if (!labels.has(f.name)) labels.set(f.name, `${f.label}${item}`)
  }
  const changes: FieldChange[] = []
  for (const [key, label] of labels) {
    const a = text(before[key])
    const b = text(after[key])
    if (a === b) continue
    if (!a) changes.push({ key, label, change: 'added', parts: [{ kind: 'added', text: b }] })
    else if (!b) changes.push({ key, label, change: 'removed', parts: [{ kind: 'removed', text: a }] })
    else changes.push({ key, label, change: 'changed', parts: wordParts(a, b) })
  }
  return changes
}
