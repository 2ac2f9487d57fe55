// The list behind every seam: kept in order, each id once.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createOrdered } from './ordered.ts'

test('items come back lowest order first, whatever order they were added in', () => {
  const list = createOrdered<{ id: string; order: number }>('panel')
  list.add({ id: 'c', order: 30 })
  list.add({ id: 'a', order: 10 })
  list.add({ id: 'b', order: 20 })
  assert.deepEqual(list.ids(), ['a', 'b', 'c'])
  assert.deepEqual(list.all().map((i) => i.order), [10, 20, 30])
})

test('the same id twice is refused, naming what and which', () => {
  const list = createOrdered<{ id: string; order: number }>('dashboard metric')
  list.add({ id: 'stage', order: 1 })
  assert.throws(() => list.add({ id: 'stage', order: 2 }), /A dashboard metric "stage" is already registered/)
  assert.deepEqual(list.ids(), ['stage'])
})
