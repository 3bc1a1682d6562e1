import { type SessionStore, StoreUnavailableError } from '@claude-code-server/store';
import { createMemorySessionStore } from '@claude-code-server/store-memory';
import { afterEach, describe, expect, it } from 'vitest';
import { LeaseLostError, LeaseTimeoutError } from './errors.js';
import { LeaseTaker } from './lease.js';
import { createFlakyStore } from './test-support/flaky-store.js';

describe('LeaseTaker', () => {
  const stores: SessionStore[] = [];
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
  });

  const wait = { ttlMs: 60_000, waitMs: 0 };

  it('hands a session to one owner at a time and gives up when told not to wait', async () => {
    const store = createMemorySessionStore();
    stores.push(store);
    const a = new LeaseTaker(store, 'agent-a');
    const b = new LeaseTaker(store, 'agent-b');
    const held = await a.acquire('s1', wait);
    await expect(b.acquire('s1', wait)).rejects.toThrow(LeaseTimeoutError);
    await held.release();
    const next = await b.acquire('s1', wait);
    expect(next.token).toBeGreaterThan(held.token);
    await next.release();
  });

  it('takes up its own lease again when giving it back failed, without waiting for it to expire', async () => {
    const { store, failing } = createFlakyStore();
    stores.push(store);
    const a = new LeaseTaker(store, 'agent-a');
    const first = await a.acquire('s1', wait);
    failing.add('releaseLease');
    await expect(first.release()).rejects.toThrow(StoreUnavailableError);
    failing.clear();
    // Others still see it held; its owner gets it back at once.
    await expect(new LeaseTaker(store, 'agent-b').acquire('s1', wait)).rejects.toThrow(LeaseTimeoutError);
    const again = await a.acquire('s1', wait);
    await again.confirm();
    await again.release();
    const other = await new LeaseTaker(store, 'agent-b').acquire('s1', wait);
    await other.release();
  });

  it('notices a lease that was lost to another owner', async () => {
    const store = createMemorySessionStore();
    stores.push(store);
    const held = await new LeaseTaker(store, 'agent-a').acquire('s1', { ttlMs: 1_000, waitMs: 0 });
    const lost = held.token;
    // Simulate expiry and takeover: release through the store behind the holder's back.
    await store.releaseLease({ sessionId: 's1', owner: 'agent-a', token: lost, expiresAt: 0 });
    await new LeaseTaker(store, 'agent-b').acquire('s1', wait);
    await expect(held.confirm()).rejects.toMatchObject({ code: 'LEASE_LOST' });
  });

  it('signals a lease that ran out while the store was unreachable at its next renewal, unasked', async () => {
    const { store, failing } = createFlakyStore();
    stores.push(store);
    const held = await new LeaseTaker(store, 'agent-a').acquire('s1', { ttlMs: 1_000, waitMs: 0 });
    failing.add('renewLease');
    const reason = await new Promise<unknown>((resolve) =>
      held.lostSignal.addEventListener('abort', () => resolve(held.lostSignal.reason), { once: true }),
    );
    expect(reason).toBeInstanceOf(LeaseLostError);
    expect(held.lost).toBe(true);
    failing.clear();
    // Expired, so another owner may have it now; the lost holder leaves it alone.
    await held.release();
    const other = await new LeaseTaker(store, 'agent-b').acquire('s1', wait);
    expect(other.token).toBeGreaterThan(held.token);
    await other.release();
  });
});
