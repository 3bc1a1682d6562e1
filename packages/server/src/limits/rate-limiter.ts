import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import type { RateLimitConfig } from '../options/config-schema.js';

/**
 * Where the nodes count requests together: an ioredis client, or a pg Pool (its table is created in
 * `schema`, which must exist). Without it each node counts in its own memory.
 */
export type SharedRateLimits =
  | { type: 'redis'; client: unknown; keyPrefix?: string }
  | { type: 'postgres'; pool: unknown; schema?: string; table?: string };

interface Limiter {
  limiter: RateLimiterAbstract;
  /** Settles once the limiter can count (its Postgres table exists). */
  ready: Promise<void>;
}

/**
 * Per-key request limits on rate-limiter-flexible: `burst` requests (default one minute's worth) in
 * each window of `burst / requests_per_minute` minutes, so the rate averages `requests_per_minute` and
 * a quiet key may send `burst` at once. One limiter per distinct limit, in memory or, with `shared`,
 * on Redis or PostgreSQL so the limit holds across nodes (while that store is unreachable, each node
 * counts in memory instead of refusing every request).
 */
export class RateLimiter {
  private readonly limiters = new Map<string, Limiter>();

  constructor(private readonly shared?: SharedRateLimits) {}

  /** Takes one request for `key`; when none is left, says how long until the window reopens. */
  async take(
    key: string,
    limit: RateLimitConfig,
  ): Promise<{ allowed: true } | { allowed: false; retryAfterMs: number }> {
    const { limiter, ready } = this.limiterFor(limit);
    try {
      await ready;
      await limiter.consume(key);
      return { allowed: true };
    } catch (outcome) {
      if (outcome instanceof RateLimiterRes) return { allowed: false, retryAfterMs: outcome.msBeforeNext };
      throw outcome;
    }
  }

  private limiterFor(limit: RateLimitConfig): Limiter {
    const points = limit.burst ?? Math.max(1, Math.floor(limit.requests_per_minute));
    const duration = (points * 60) / limit.requests_per_minute;
    const id = `${points}/${duration}`;
    let entry = this.limiters.get(id);
    if (!entry) {
      entry = this.create(id, points, duration);
      this.limiters.set(id, entry);
    }
    return entry;
  }

  private create(id: string, points: number, duration: number): Limiter {
    const shared = this.shared;
    const memory = new RateLimiterMemory({ keyPrefix: id, points, duration });
    if (!shared) return { limiter: memory, ready: Promise.resolve() };
    if (shared.type === 'redis') {
      const limiter = new RateLimiterRedis({
        storeClient: shared.client,
        keyPrefix: `${shared.keyPrefix ?? 'ccs:'}rate:${id}`,
        points,
        duration,
        insuranceLimiter: memory,
      });
      return { limiter, ready: Promise.resolve() };
    }
    let limiter: RateLimiterPostgres | undefined;
    const ready = new Promise<void>((resolve, reject) => {
      limiter = new RateLimiterPostgres(
        {
          storeClient: shared.pool,
          ...(shared.schema ? { schemaName: shared.schema } : {}),
          tableName: shared.table ?? 'ccs_rate_limits',
          keyPrefix: id,
          points,
          duration,
          insuranceLimiter: memory,
        },
        (error?: unknown) => (error ? reject(error) : resolve()),
      );
    });
    // A table that could not be made: the next request tries a new limiter.
    ready.catch(() => this.limiters.delete(id));
    return { limiter: limiter as RateLimiterPostgres, ready };
  }
}
