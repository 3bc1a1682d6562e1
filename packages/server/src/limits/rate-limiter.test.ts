import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limiter.js';

describe('RateLimiter', () => {
  it('lets `burst` requests through at once, then says how long until more may come', async () => {
    const limiter = new RateLimiter();
    const limit = { requests_per_minute: 6, burst: 2 };
    expect(await limiter.take('a', limit)).toEqual({ allowed: true });
    expect(await limiter.take('a', limit)).toEqual({ allowed: true });
    const refused = await limiter.take('a', limit);
    // Two requests at six a minute: the window is 20 s.
    expect(refused).toEqual({ allowed: false, retryAfterMs: expect.any(Number) });
    if (refused.allowed) throw new Error('expected a refusal');
    expect(refused.retryAfterMs).toBeGreaterThan(19_000);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(20_000);
    // Keys are counted apart.
    expect(await limiter.take('b', limit)).toEqual({ allowed: true });
  });

  it("allows a minute's worth at once when no burst is set", async () => {
    const limiter = new RateLimiter();
    const limit = { requests_per_minute: 3 };
    for (let i = 0; i < 3; i++) expect((await limiter.take('k', limit)).allowed).toBe(true);
    expect((await limiter.take('k', limit)).allowed).toBe(false);
  });
});
