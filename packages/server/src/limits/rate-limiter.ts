import type { RateLimitConfig } from '../options/config-schema.js';

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** Per-key token buckets: `burst` requests at once, refilled at `requests_per_minute`. */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  /** Takes one token for `key`; when none is left, says how long until one is. */
  take(
    key: string,
    limit: RateLimitConfig,
    now = Date.now(),
  ): { allowed: true } | { allowed: false; retryAfterMs: number } {
    const capacity = limit.burst ?? Math.max(1, Math.floor(limit.requests_per_minute));
    const perMs = limit.requests_per_minute / 60_000;
    const bucket = this.buckets.get(key) ?? { tokens: capacity, updatedAt: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + (now - bucket.updatedAt) * perMs);
    bucket.updatedAt = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterMs: Math.ceil((1 - bucket.tokens) / perMs) };
  }
}
