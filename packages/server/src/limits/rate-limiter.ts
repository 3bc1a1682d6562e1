import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimitConfig } from '../options/config-schema.js';

/**
 * Per-key request limits on rate-limiter-flexible (in memory): `burst` requests (default one
 * minute's worth) in each window of `burst / requests_per_minute` minutes, so the rate averages
 * `requests_per_minute` and a quiet key may send `burst` at once. One limiter per distinct limit.
 */
export class RateLimiter {
  private readonly limiters = new Map<string, RateLimiterMemory>();

  /** Takes one request for `key`; when none is left, says how long until the window reopens. */
  async take(
    key: string,
    limit: RateLimitConfig,
  ): Promise<{ allowed: true } | { allowed: false; retryAfterMs: number }> {
    try {
      await this.limiterFor(limit).consume(key);
      return { allowed: true };
    } catch (outcome) {
      if (outcome instanceof RateLimiterRes) return { allowed: false, retryAfterMs: outcome.msBeforeNext };
      throw outcome;
    }
  }

  private limiterFor(limit: RateLimitConfig): RateLimiterMemory {
    const points = limit.burst ?? Math.max(1, Math.floor(limit.requests_per_minute));
    const duration = (points * 60) / limit.requests_per_minute;
    const id = `${points}/${duration}`;
    let limiter = this.limiters.get(id);
    if (!limiter) {
      limiter = new RateLimiterMemory({ keyPrefix: id, points, duration });
      this.limiters.set(id, limiter);
    }
    return limiter;
  }
}
