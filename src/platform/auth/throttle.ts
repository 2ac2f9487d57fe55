import { z } from 'zod'
import type { SignInThrottle } from '../../config.ts'
import type { Queryable } from '../db/db.ts'
import { col, one, run } from '../db/rows.ts'

/**
 * Failed sign-ins, counted in the database (table sign_in_failures) so every app process behind a
 * load balancer sees the same count. Three counts over a sliding window: per e-mail address typed
 * (whether or not an account has it, so a refusal says nothing about which accounts exist), per
 * client address, and per "known device" (a signed cookie a browser gets when it signs in).
 */

export const DEFAULT_THROTTLE: SignInThrottle = { maxPerAccount: 5, maxPerAddress: 20, windowMinutes: 15 }

export interface AttemptKey {
  /** The e-mail address as typed, trimmed and lower-cased. */
  accountKey: string
  /** The client's IP address. */
  address: string
  /** The browser's known-device id, when it sent a valid one. */
  deviceId: string | null
}

export interface FailureCounts {
  account: number
  address: number
  device: number
}

const counts = z.object({ account: col.int, address: col.int, device: col.int })

export function recentFailures(q: Queryable, key: AttemptKey, windowMinutes: number): Promise<FailureCounts> {
  return one(q, counts,
    `select count(*) filter (where account_key = $1)::int as account,
            count(*) filter (where address = $2)::int as address,
            count(*) filter (where device_id is not null and device_id = $3)::int as device
     from sign_in_failures
     where at > now() - make_interval(mins => $4::int)
       and (account_key = $1 or address = $2 or (device_id is not null and device_id = $3))`,
    [key.accountKey, key.address, key.deviceId, windowMinutes])
}

/** Records a failure (before the password is checked, so parallel guesses are counted too); returns its id. */
export async function recordFailure(q: Queryable, key: AttemptKey, windowMinutes: number): Promise<number> {
  // Rows that can no longer count are cleared as new ones arrive.
  await run(q, 'delete from sign_in_failures where at < now() - make_interval(mins => $1::int)', [windowMinutes * 2])
  const row = await one(q, z.object({ id: col.int }),
    'insert into sign_in_failures (account_key, address, device_id) values ($1, $2, $3) returning id',
    [key.accountKey, key.address, key.deviceId])
  return row.id
}

/** The attempt turned out to be a success: it is not a failure after all. */
export async function forgetFailure(q: Queryable, id: number): Promise<void> {
  await run(q, 'delete from sign_in_failures where id = $1', [id])
}

/**
 * Whether sign-in is refused. The lockout cannot be used to lock everyone out: a browser that
 * signed in to this account before (a known device with few failures of its own) is not
 * refused, and the lockout ends by itself once the failures are older than the window.
 */
export function isThrottled(c: FailureCounts, policy: SignInThrottle, knownDevice: boolean): 'account' | 'address' | null {
  const reason = c.account >= policy.maxPerAccount ? 'account' : c.address >= policy.maxPerAddress ? 'address' : null
  if (!reason) return null
  return knownDevice && c.device < policy.maxPerAccount ? null : reason
}
