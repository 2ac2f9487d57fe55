/** A page link, or the gap between two non-adjacent page numbers. */
export type PageItem = { number: number; href: string; current: boolean } | { ellipsis: true }

/**
 * The parameters of govukPagination for page `page` of `pages`: the first, last, current and
 * neighbouring pages, with gaps between, and previous/next links; null when there is one page.
 * `link(n)` is the address of page n (the caller keeps its own filters in it).
 */
export function paginationFor(page: number, pages: number, link: (n: number) => string, landmarkLabel?: string) {
  if (pages <= 1) return null
  const shown = [...new Set([1, page - 1, page, page + 1, pages])].filter((n) => n >= 1 && n <= pages).sort((a, b) => a - b)
  const items: PageItem[] = []
  shown.forEach((n, i) => {
    if (i > 0 && n - shown[i - 1]! > 1) items.push({ ellipsis: true })
    items.push({ number: n, href: link(n), current: n === page })
  })
  return {
    items,
    previous: page > 1 ? { href: link(page - 1) } : undefined,
    next: page < pages ? { href: link(page + 1) } : undefined,
    ...(landmarkLabel ? { landmarkLabel } : {}),
  }
}
