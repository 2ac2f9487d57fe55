import type { FastifyReply, FastifyRequest } from 'fastify'
import type { KnownDevice } from '../../platform/auth/store.ts'
import { newSecret } from '../../platform/auth/tokens.ts'
import { isUuid } from '../../platform/validation.ts'

/**
 * The "known device" cookie: set when a browser signs in, signed with SESSION_SECRET, naming the
 * account and a random id for the browser. During a lockout caused by someone else's failed
 * guesses, the right password from this browser still gets in (see platform/auth/throttle.ts).
 */
export const DEVICE_COOKIE = 'aigov_device'
const DEVICE_DAYS = 365

export function knownDeviceFrom(request: FastifyRequest): KnownDevice | null {
  const raw = request.cookies[DEVICE_COOKIE]
  if (!raw) return null
  const unsigned = request.unsignCookie(raw)
  if (!unsigned.valid || !unsigned.value) return null
  const [userId, deviceId, ...rest] = unsigned.value.split('.')
  if (!userId || !deviceId || rest.length || !isUuid(userId) || !/^[A-Za-z0-9_-]{20,100}$/.test(deviceId)) return null
  return { userId, deviceId }
}

/** Marks this browser as a known device of the account (keeping its id if it already was one). */
export function rememberDevice(request: FastifyRequest, reply: FastifyReply, userId: string, secure: boolean): void {
  const current = knownDeviceFrom(request)
  const deviceId = current?.userId === userId ? current.deviceId : newSecret()
  reply.setCookie(DEVICE_COOKIE, `${userId}.${deviceId}`, {
    path: '/', httpOnly: true, sameSite: 'lax', secure, signed: true, maxAge: DEVICE_DAYS * 24 * 3600,
  })
}
