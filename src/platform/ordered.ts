/** Something other features add to a page or a computation: unique by id, lower order first. */
export interface Ordered {
  id: string
  order: number
}

/**
 * The list behind every seam that features add to (page panels, dashboard and benchmark
 * metrics): each id once (a second is a programming error, thrown at start-up), kept in order.
 */
export function createOrdered<T extends Ordered>(what: string) {
  const items: T[] = []
  return {
    add: (item: T): void => {
      if (items.some((i) => i.id === item.id)) throw new Error(`A ${what} "${item.id}" is already registered`)
      items.push(item)
      items.sort((a, b) => a.order - b.order)
    },
    ids: (): string[] => items.map((i) => i.id),
    /** Every item, in order. */
    all: (): readonly T[] => items,
  }
}
