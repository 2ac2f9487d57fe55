/**
 * Searching the library and the cases: pure functions over what is listed (content and approved
 * contributions alike), so the ranking is tested as tables.
 *
 * Words are compared folded (lower case, accents off, punctuation as spaces). Every word of the
 * query must start some word of the item (so "procur" finds "procurement"); an item scores 3 for
 * each query word in its title, 2 in its publisher or credit, 1 elsewhere (the best place counts
 * once per word). Best score first, then newest, then by title.
 */

export interface Searchable {
  title: string
  /** Publisher, or the organisation a contribution is credited to. */
  by: string
  /** Summary and any other text. */
  text: string
  /** YYYY, YYYY-MM or YYYY-MM-DD, or a timestamp's ISO form. */
  date: string
}

export const MAX_QUERY_WORDS = 12

export function fold(s: string): string {
  return s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim()
}

export function words(s: string): string[] {
  const f = fold(s)
  return f ? f.split(' ') : []
}

/** The query's distinct words, at most MAX_QUERY_WORDS. */
export function queryWords(q: string): string[] {
  return [...new Set(words(q))].slice(0, MAX_QUERY_WORDS)
}

const hits = (field: string[], word: string) => field.some((w) => w.startsWith(word))

/** The item's score for the query's words: 0 when any word is missing. */
export function score(item: Searchable, query: readonly string[]): number {
  if (query.length === 0) return 1
  const title = words(item.title)
  const by = words(item.by)
  const rest = words(item.text)
  let total = 0
  for (const w of query) {
    const s = hits(title, w) ? 3 : hits(by, w) ? 2 : hits(rest, w) ? 1 : 0
    if (s === 0) return 0
    total += s
  }
  return total
}

/** The items that match, best first (newest first when there is no query). */
export function rank<T extends Searchable>(items: readonly T[], q: string): T[] {
  const query = queryWords(q)
  return items
    .map((item) => ({ item, s: score(item, query) }))
    .filter((x) => x.s > 0)
    .sort((a, b) => b.s - a.s || (a.item.date < b.item.date ? 1 : a.item.date > b.item.date ? -1 : 0) || a.item.title.localeCompare(b.item.title))
    .map((x) => x.item)
}
