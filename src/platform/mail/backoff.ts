/**
 * When a failed message is tried again: exponential backoff from `baseMs` (doubling per failed
 * attempt, capped at `maxMs`), giving up after `maxAttempts` attempts in all.
 */
export interface RetryPolicy {
  baseMs: number
  maxMs: number
  maxAttempts: number
}

/** 1, 2, 4, 8 … minutes, at most 6 hours apart; eight attempts spread over about four hours. */
export const DEFAULT_RETRY: RetryPolicy = { baseMs: 60_000, maxMs: 6 * 60 * 60_000, maxAttempts: 8 }

/** The wait after the `attempts`-th failed attempt (1-based), or null when there is no next attempt. */
export function retryDelayMs(attempts: number, policy: RetryPolicy = DEFAULT_RETRY): number | null {
  if (!Number.isInteger(attempts) || attempts < 1) throw new RangeError(`attempts must be a positive integer, got ${attempts}`)
  if (attempts >= policy.maxAttempts) return null
  // 2 ** (attempts - 1) grows past any cap quickly; clamp the exponent so it never overflows.
  return Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempts - 1, 40))
}

/** The whole schedule: the wait after each failed attempt before the next one. */
export function retrySchedule(policy: RetryPolicy = DEFAULT_RETRY): number[] {
  const waits: number[] = []
  for (let a = 1; ; a++) {
    const d = retryDelayMs(a, policy)
    if (d === null) return waits
    waits.push(d)
  }
}
