import { z } from 'zod'

/** A real calendar date as YYYY-MM-DD (so 2027-02-30 is refused, not sent to the database). */
export function isoDate(messageKey: string) {
  return z
    .string({ error: messageKey })
    .regex(/^\d{4}-\d{2}-\d{2}$/, messageKey)
    .refine((s) => {
      const d = new Date(`${s}T00:00:00Z`)
      return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s
    }, messageKey)
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Whether an id from a URL is a well-formed UUID (anything else is a 404, never a 500). */
export const isUuid = (s: string): boolean => UUID.test(s)
