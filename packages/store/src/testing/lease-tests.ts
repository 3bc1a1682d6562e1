import { describe, expect, it } from 'vitest';
import type { Lease } from '../types.js';
import { expectConflict, expectInvalidInput, type Harness, sleep } from './harness.js';

/** acquireLease, renewLease, releaseLease: exclusivity, fencing tokens, expiry. */
export function defineLeaseTests(h: Harness): void {
  describe('leases', () => {
    it('grants a lease to one owner at a time, on sessions that need not exist', async () => {
      const store = await h.open();
      const id = h.id('lease');
      const before = Date.now();
      const lease = await store.acquireLease(id, 'server-a', 10_000);
      expect(lease).toEqual({
        sessionId: id,
        owner: 'server-a',
        token: expect.any(Number),
        expiresAt: expect.any(Number),
      });
      expect(lease!.token).toBeGreaterThanOrEqual(1);
      expect(Number.isSafeInteger(lease!.token)).toBe(true);
      expect(lease!.expiresAt).toBeGreaterThanOrEqual(before + 10_000 - 5000);
      expect(lease!.expiresAt).toBeLessThanOrEqual(Date.now() + 10_000 + 5000);
      expect(await store.acquireLease(id, 'server-b', 10_000)).toBeNull();
      expect(await store.acquireLease(id, 'server-a', 10_000)).toBeNull();
      const other = await store.acquireLease(h.id('lease'), 'server-b', 10_000);
      expect(other).toMatchObject({ owner: 'server-b' });
    });

    it('lets exactly one of 10 racing owners win', async () => {
      const store = await h.open();
      const id = h.id('lease-race');
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => store.acquireLease(id, `owner-${i}`, 10_000)),
      );
      expect(results.filter((lease) => lease !== null)).toHaveLength(1);
    });

    it('after release another owner gets it with a strictly larger token', async () => {
      const store = await h.open();
      const id = h.id('lease');
      const tokens: number[] = [];
      for (let round = 0; round < 4; round++) {
        const lease = (await store.acquireLease(id, `owner-${round}`, 10_000)) as Lease;
        expect(lease).not.toBeNull();
        tokens.push(lease.token);
        await store.releaseLease(lease);
      }
      for (let i = 1; i < tokens.length; i++) expect(tokens[i]).toBeGreaterThan(tokens[i - 1]!);
    });

    it('renews a held lease: same token, later expiry, still exclusive', async () => {
      const store = await h.open();
      const id = h.id('lease');
      const lease = (await store.acquireLease(id, 'a', 1000)) as Lease;
      await sleep(5);
      const renewed = await store.renewLease(lease, 60_000);
      expect(renewed).toMatchObject({ sessionId: id, owner: 'a', token: lease.token });
      expect(renewed.expiresAt).toBeGreaterThan(lease.expiresAt);
      await sleep(1200);
      expect(await store.acquireLease(id, 'b', 1000)).toBeNull();
      const again = await store.renewLease(renewed, 60_000);
      expect(again.token).toBe(lease.token);
      await store.releaseLease(again);
      expect(await store.acquireLease(id, 'b', 1000)).toMatchObject({ owner: 'b' });
    });

    it('renewing a released lease throws ConflictError', async () => {
      const store = await h.open();
      const lease = (await store.acquireLease(h.id('lease'), 'a', 10_000)) as Lease;
      await store.releaseLease(lease);
      await expectConflict(() => store.renewLease(lease, 10_000));
    });

    it('renewing with a token that was never handed out throws ConflictError', async () => {
      const store = await h.open();
      const lease = (await store.acquireLease(h.id('lease'), 'a', 10_000)) as Lease;
      await expectConflict(() => store.renewLease({ ...lease, token: lease.token + 1 }, 10_000));
      await expectConflict(() => store.renewLease({ ...lease, owner: 'b' }, 10_000));
      expect((await store.renewLease(lease, 10_000)).token).toBe(lease.token);
    });

    it('an expired lease is taken over with a larger token; the old holder can neither renew nor release it', async () => {
      const store = await h.open();
      const id = h.id('lease');
      const old = (await store.acquireLease(id, 'a', 200)) as Lease;
      expect(await store.acquireLease(id, 'b', 10_000)).toBeNull();
      await sleep(450);
      const taken = (await store.acquireLease(id, 'b', 10_000)) as Lease;
      expect(taken).toMatchObject({ sessionId: id, owner: 'b' });
      expect(taken.token).toBeGreaterThan(old.token);
      await expectConflict(() => store.renewLease(old, 10_000));
      await store.releaseLease(old);
      expect(await store.acquireLease(id, 'c', 10_000)).toBeNull();
      expect((await store.renewLease(taken, 10_000)).token).toBe(taken.token);
    });

    it('rejects bad lease arguments naming the field', async () => {
      const store = await h.open();
      const id = h.id('lease');
      await expectInvalidInput(() => store.acquireLease('', 'a', 1000), 'sessionId');
      await expectInvalidInput(() => store.acquireLease(id, '', 1000), 'owner');
      await expectInvalidInput(() => store.acquireLease(id, 'x'.repeat(257), 1000), 'owner');
      await expectInvalidInput(() => store.acquireLease(id, 'a', 0), 'ttlMs');
      await expectInvalidInput(() => store.acquireLease(id, 'a', 3_600_001), 'ttlMs');
      await expectInvalidInput(() => store.acquireLease(id, 'a', 1.5), 'ttlMs');
      const lease = (await store.acquireLease(id, 'a', 1000)) as Lease;
      await expectInvalidInput(() => store.renewLease(lease, -5), 'ttlMs');
      await expectInvalidInput(() => store.renewLease({ ...lease, token: 0 }, 1000), 'lease.token');
      await expectInvalidInput(() => store.releaseLease({ ...lease, sessionId: '' }), 'lease.sessionId');
    });
  });
}
