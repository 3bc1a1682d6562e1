import type { Lease, LeaseBackend } from '@claude-code-server/store';
import type { Redis } from 'ioredis';
import type { RedisKeys } from './redis-keys.js';
import { RedisScript } from './redis-script.js';

/**
 * KEYS[1] lease, KEYS[2] fence counter; ARGV[1] owner, ARGV[2] ttl ms. Returns the new token, or nil
 * while any unexpired lease exists (the same owner's included). The counter never expires, so tokens
 * only grow, across lease expiry and session deletion alike.
 */
const acquireScript = new RedisScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return false end
local token = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], token .. ':' .. ARGV[1], 'PX', ARGV[2])
return token
`);

/** KEYS[1] lease; ARGV[1] '<token>:<owner>', ARGV[2] ttl ms. Returns 1, or 0 when the lease was lost. */
const renewScript = new RedisScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`);

/** KEYS[1] lease; ARGV[1] '<token>:<owner>'. Deletes only a lease still held by that holder. */
const releaseScript = new RedisScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1
`);

/**
 * Session leases: one key per session whose PX is the lease's time limit, so Redis itself ends an
 * expired lease; the value names the holder, so only it can renew or release.
 */
export class RedisLeases implements LeaseBackend {
  constructor(
    private readonly client: Redis,
    private readonly keys: RedisKeys,
  ) {}

  /** The new lease, or null while someone holds an unexpired one. */
  async acquire(sessionId: string, owner: string, ttlMs: number): Promise<Lease | null> {
    // Taken before the call, so the reported expiry is never later than Redis's own.
    const now = Date.now();
    const token = (await acquireScript.run(
      this.client,
      [this.keys.lease(sessionId), this.keys.leaseFence],
      [owner, ttlMs],
    )) as number | null;
    return token === null ? null : { sessionId, owner, token, expiresAt: now + ttlMs };
  }

  /** The same lease with a later expiry; null when it was lost. */
  async renew(lease: Lease, ttlMs: number): Promise<Lease | null> {
    const now = Date.now();
    const renewed = await renewScript.run(
      this.client,
      [this.keys.lease(lease.sessionId)],
      [holder(lease), ttlMs],
    );
    return renewed === 1 ? { ...lease, expiresAt: now + ttlMs } : null;
  }

  /** Ends the lease if it is still held; a lost lease is left alone. */
  async release(lease: Lease): Promise<void> {
    await releaseScript.run(this.client, [this.keys.lease(lease.sessionId)], [holder(lease)]);
  }
}

/** What the lease key holds while this lease is current. */
function holder(lease: Lease): string {
  return `${lease.token}:${lease.owner}`;
}
