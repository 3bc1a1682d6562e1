/** The expiry of something active at `now`, or null when the store has no TTL. */
export function expiresAtFrom(now: number, ttlMs: number | undefined | null): number | null {
  return ttlMs === undefined || ttlMs === null ? null : now + ttlMs;
}

/** True when `expiresAt` has been reached at `now`; null never expires. */
export function isExpired(expiresAt: number | null, now: number): boolean {
  return expiresAt !== null && expiresAt <= now;
}
