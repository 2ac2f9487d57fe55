/**
 * The Atom 1.0 feed (RFC 4287) of new and changed public records, as a pure function: each
 * publication (a new record, or a new version of one) is an entry whose id is the address of
 * that version's page, so a reader sees each version once and never the same entry twice.
 * Every piece of text is XML-escaped, and characters XML 1.0 cannot hold at all are dropped.
 */

/** How many publications the feed carries: the newest. */
export const FEED_SIZE = 50

export interface FeedEntry {
  /** The version's page, from the site's root ("/public/records/…?version=2"): the entry's id, in every language. */
  path: string
  /** Where the entry links (the same page in the feed's language); `path` when not given. */
  linkPath?: string
  title: string
  updated: Date
  summary: string
  author: string
  /** The language of the title, and of the summary, when it is not the feed's (a Welsh feed showing English text). */
  titleLang?: string
  summaryLang?: string
}

export interface Feed {
  /** The site's address without a trailing slash ("https://register.example"). */
  baseUrl: string
  id: string
  title: string
  selfPath: string
  alternatePath: string
  author: string
  /** The feed's language (xml:lang), "en" or "cy". */
  lang?: string
  entries: FeedEntry[]
}

/** Characters XML 1.0 does not allow anywhere (controls other than tab and line breaks, lone surrogates, U+FFFE/U+FFFF). */
const NOT_XML_SOURCE = '[\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\uFFFE\\uFFFF]|[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]'
const NOT_XML = new RegExp(NOT_XML_SOURCE, 'g')

export function xmlEscape(text: string): string {
  return text.replace(NOT_XML, '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!)
}

/** The newest time (the feed's `updated`); a feed with no entries says the epoch, which never changes. */
const newest = (entries: readonly FeedEntry[]) =>
  entries.reduce((max, e) => (e.updated > max ? e.updated : max), new Date(0))

export function atomFeed(feed: Feed): string {
  const x = xmlEscape
  const abs = (path: string) => `${feed.baseUrl}${path}`
  const entries = feed.entries.map((e) => [
    '  <entry>',
    `    <id>${x(abs(e.path))}</id>`,
    `    <title type="text"${e.titleLang ? ` xml:lang="${x(e.titleLang)}"` : ''}>${x(e.title)}</title>`,
    `    <updated>${e.updated.toISOString()}</updated>`,
    `    <author><name>${x(e.author)}</name></author>`,
    `    <link rel="alternate" type="text/html" href="${x(abs(e.linkPath ?? e.path))}"/>`,
    `    <summary type="text"${e.summaryLang ? ` xml:lang="${x(e.summaryLang)}"` : ''}>${x(e.summary)}</summary>`,
    '  </entry>',
  ].join('\n'))
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${x(feed.lang ?? 'en')}">`,
    `  <id>${x(feed.id)}</id>`,
    `  <title type="text">${x(feed.title)}</title>`,
    `  <updated>${newest(feed.entries).toISOString()}</updated>`,
    `  <author><name>${x(feed.author)}</name></author>`,
    `  <link rel="self" type="application/atom+xml" href="${x(abs(feed.selfPath))}"/>`,
    `  <link rel="alternate" type="text/html" href="${x(abs(feed.alternatePath))}"/>`,
    ...entries,
    '</feed>',
    '',
  ].join('\n')
}
