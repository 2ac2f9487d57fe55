import { diffWords } from 'diff'
import { Marked } from 'marked'
import sanitizeHtml from 'sanitize-html'
import { t } from '../../platform/i18n/i18n.ts'
import type { Organisation } from '../organisations/model.ts'

/**
 * Policies are written in Markdown. What a page shows is the Markdown rendered by `marked` and then
 * passed through `sanitize-html` with a short allow-list, so no script, event handler, style,
 * `javascript:` or `data:` link, form or raw iframe an author (or a pasted document) brings survives.
 */

const markdown = new Marked({ gfm: true, breaks: false, async: false })

const SANITISE: sanitizeHtml.IOptions = {
  allowedTags: [
    'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'br', 'hr', 'ul', 'ol', 'li', 'strong', 'em', 'b', 'i', 'del', 'ins',
    'blockquote', 'code', 'pre', 'a', 'table', 'thead', 'tbody', 'tr', 'th', 'td',
  ],
  allowedAttributes: { a: ['href', 'title'], ol: ['start'], th: ['align'], td: ['align'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  // Script, style and the like go with their content; any other tag goes and its text stays.
  disallowedTagsMode: 'discard',
  // GOV.UK classes on what Markdown makes, so a policy reads like the rest of the service.
  transformTags: {
    h1: sanitizeHtml.simpleTransform('h2', { class: 'govuk-heading-l' }),
    h2: sanitizeHtml.simpleTransform('h3', { class: 'govuk-heading-m' }),
    h3: sanitizeHtml.simpleTransform('h4', { class: 'govuk-heading-s' }),
    p: sanitizeHtml.simpleTransform('p', { class: 'govuk-body' }),
    ul: sanitizeHtml.simpleTransform('ul', { class: 'govuk-list govuk-list--bullet' }),
    ol: sanitizeHtml.simpleTransform('ol', { class: 'govuk-list govuk-list--number' }),
    a: sanitizeHtml.simpleTransform('a', { class: 'govuk-link' }),
    table: sanitizeHtml.simpleTransform('table', { class: 'govuk-table' }),
  },
  allowedClasses: {
    h2: ['govuk-heading-l'], h3: ['govuk-heading-m'], h4: ['govuk-heading-s'], p: ['govuk-body'],
    ul: ['govuk-list', 'govuk-list--bullet'], ol: ['govuk-list', 'govuk-list--number'], a: ['govuk-link'], table: ['govuk-table'],
  },
}

/** Markdown → HTML that is safe to put in a page as it is. */
export function renderMarkdown(source: string): string {
  const html = markdown.parse(source) as string
  return sanitizeHtml(html, SANITISE)
}

// --- placeholders ---------------------------------------------------------------------------

/** The placeholders a policy may use, each filled from one of the organisation's settings. */
export const PLACEHOLDERS = {
  council_name: (o: Organisation) => o.name,
  siro: (o: Organisation) => o.siro,
  dpo_contact: (o: Organisation) => o.dpoContact,
  ai_lead: (o: Organisation) => o.aiLead,
  board_name: (o: Organisation) => o.boardName,
} as const satisfies Record<string, (o: Organisation) => string | null>
export type Placeholder = keyof typeof PLACEHOLDERS
export const PLACEHOLDER_NAMES = Object.keys(PLACEHOLDERS) as Placeholder[]

export const isPlaceholder = (name: string): name is Placeholder => Object.hasOwn(PLACEHOLDERS, name)

/** `{{ name }}` anywhere in the text. */
export const PLACEHOLDER_PATTERN = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g

/** What an admin calls a placeholder ("SIRO", "Data protection officer's contact"). */
export const placeholderLabel = (name: Placeholder) => t(`policies.placeholder.${name}`)

export interface Filled {
  text: string
  /** Placeholders the text uses whose setting is blank, in the order of PLACEHOLDERS. */
  unset: Placeholder[]
  /** Names between braces that are not placeholders (left as they are). */
  unknown: string[]
}

/**
 * Fills `{{council_name}}`, `{{siro}}`… from the organisation's settings. A setting that is blank
 * becomes a visible "[not set: SIRO]" marker and is listed in `unset`, so the admin knows what to
 * fill in; an unknown name is left as typed and listed in `unknown`.
 */
export function fillPlaceholders(text: string, org: Organisation): Filled {
  const unset: Placeholder[] = []
  const unknown: string[] = []
  const filled = text.replace(PLACEHOLDER_PATTERN, (whole, name: string) => {
    if (!isPlaceholder(name)) {
      if (!unknown.includes(name)) unknown.push(name)
      return whole
    }
    const value = PLACEHOLDERS[name](org)?.trim()
    if (value) return value
    if (!unset.includes(name)) unset.push(name)
    return t('policies.placeholder.notSet', { label: placeholderLabel(name) })
  })
  unset.sort((a, b) => PLACEHOLDER_NAMES.indexOf(a) - PLACEHOLDER_NAMES.indexOf(b))
  return { text: filled, unset, unknown }
}

// --- differences ------------------------------------------------------------------------------

export interface DiffPart {
  kind: 'same' | 'added' | 'removed'
  text: string
}

/** A word-level comparison of two texts, for a page to show with <ins> and <del>. */
export function wordDiff(before: string, after: string): { parts: DiffPart[]; added: number; removed: number } {
  const parts = diffWords(before, after).map((c): DiffPart => ({ kind: c.added ? 'added' : c.removed ? 'removed' : 'same', text: c.value }))
  const words = (s: string) => s.split(/\s+/).filter(Boolean).length
  return {
    parts,
    added: parts.filter((p) => p.kind === 'added').reduce((n, p) => n + words(p.text), 0),
    removed: parts.filter((p) => p.kind === 'removed').reduce((n, p) => n + words(p.text), 0),
  }
}
