import { z } from 'zod'

/** Years a governance date can sensibly have (JavaScript accepts year 0; PostgreSQL does not). */
export const MIN_YEAR = 1900
export const MAX_YEAR = 2199

/** Whether s is a real calendar date as YYYY-MM-DD with a four-digit year in range. */
export function isRealDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false
  const year = Number(s.slice(0, 4))
  if (year < MIN_YEAR || year > MAX_YEAR) return false
  const d = new Date(`${s}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s
}

/** A real calendar date as YYYY-MM-DD (so 2027-02-30 and year 0 are refused, not sent to the database). */
export function isoDate(messageKey: string) {
  return z.string({ error: messageKey }).refine(isRealDate, messageKey)
}

/** Today's date in the UK as YYYY-MM-DD (for "must be in the future" checks). */
export function todayIso(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now)
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Whether an id from a URL is a well-formed UUID (anything else is a 404, never a 500). */
export const isUuid = (s: string): boolean => UUID.test(s)
