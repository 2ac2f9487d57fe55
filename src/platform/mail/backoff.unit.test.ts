// The retry schedule of the outbox: exponential from the base, capped, ending after the last attempt.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { DEFAULT_RETRY, retryDelayMs, retrySchedule } from './backoff.ts'

const MIN = 60_000

describe('retry backoff', () => {
  test('the default schedule doubles from one minute and stops after eight attempts', () => {
    assert.deepEqual(retrySchedule(), [1, 2, 4, 8, 16, 32, 64].map((m) => m * MIN))
    assert.equal(retryDelayMs(1), MIN)
    assert.equal(retryDelayMs(7), 64 * MIN)
    assert.equal(retryDelayMs(DEFAULT_RETRY.maxAttempts), null)
    assert.equal(retryDelayMs(DEFAULT_RETRY.maxAttempts + 5), null)
  })

  test('the wait never exceeds the cap, however many attempts are allowed', () => {
    const policy = { baseMs: 1000, maxMs: 10_000, maxAttempts: 100 }
    const waits = retrySchedule(policy)
    assert.equal(waits.length, 99)
    assert.deepEqual(waits.slice(0, 6), [1000, 2000, 4000, 8000, 10_000, 10_000])
    assert.ok(waits.every((w) => w <= 10_000 && Number.isFinite(w)))
    assert.equal(retryDelayMs(99, policy), 10_000)
  })

  test('one attempt allowed: no retry at all', () => {
    assert.deepEqual(retrySchedule({ baseMs: 1000, maxMs: 5000, maxAttempts: 1 }), [])
  })

  test('an attempt number that is not a positive integer is a bug', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) assert.throws(() => retryDelayMs(bad), RangeError)
  })
})
