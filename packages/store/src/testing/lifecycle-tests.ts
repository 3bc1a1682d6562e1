import { describe, expect, it } from 'vitest';
import type { Lease, SessionStore } from '../types.js';
import { expectClosed, expectConflict, type Harness } from './harness.js';

/** Every operation of the contract, as a call with valid arguments. */
function everyOperation(id: string): Record<string, (store: SessionStore) => Promise<unknown>> {
  const lease: Lease = { sessionId: id, owner: 'a', token: 1, expiresAt: Date.now() + 1000 };
  return {
    createSession: (s) => s.createSession({ id, userId: 'u' }),
    getSession: (s) => s.getSession(id),
    getOrCreateSession: (s) => s.getOrCreateSession({ id, userId: 'u' }),
    updateSession: (s) => s.updateSession(id, { project: 'p' }),
    touchSession: (s) => s.touchSession(id),
    deleteSession: (s) => s.deleteSession(id),
    listSessions: (s) => s.listSessions('u'),
    appendMessage: (s) => s.appendMessage(id, { role: 'user', content: 'x' }),
    listMessages: (s) => s.listMessages(id),
    countMessages: (s) => s.countMessages(id),
    saveTranscript: (s) => s.saveTranscript(id, 'x'),
    appendTranscript: (s) => s.appendTranscript(id, 'x'),
    loadTranscript: (s) => s.loadTranscript(id),
    acquireLease: (s) => s.acquireLease(id, 'a', 1000),
    renewLease: (s) => s.renewLease(lease, 1000),
    releaseLease: (s) => s.releaseLease(lease),
  };
}

/** close, and isolation or sharing between store instances. */
export function defineLifecycleTests(h: Harness): void {
  describe('close', () => {
    it('after close every operation throws StoreClosedError; closing again is fine', async () => {
      const store = await h.open();
      const id = h.id();
      await store.createSession({ id, userId: 'u' });
      await store.close();
      for (const call of Object.values(everyOperation(id))) await expectClosed(() => call(store));
      // Closed wins over bad input: the caller learns the store is gone, not that an argument was wrong.
      await expectClosed(() => store.getSession('bad id!'));
      await expectClosed(() => store.appendMessage(id, { role: 'robot' as never, content: 'x' }));
      await store.close();
    });
  });

  describe('isolation between namespaces', () => {
    it('stores on different namespaces never see each other', async () => {
      const main = await h.open({ namespace: 'main' });
      const other = await h.open({ namespace: 'other' });
      const [id, userId] = [h.id('shared-id'), h.userId()];
      await main.createSession({ id, userId, project: 'main' });
      await main.appendMessage(id, { role: 'user', content: 'in main' });
      await main.saveTranscript(id, 'main\n');
      const mainLease = await main.acquireLease(id, 'a', 10_000);
      expect(mainLease).not.toBeNull();

      expect(await other.getSession(id)).toBeNull();
      expect((await other.listSessions(userId)).sessions).toEqual([]);
      expect(await other.deleteSession(id)).toBe(false);
      await other.createSession({ id, userId, project: 'other' });
      expect(await other.countMessages(id)).toBe(0);
      expect(await other.loadTranscript(id)).toBeNull();
      expect((await other.appendMessage(id, { role: 'user', content: 'in other' })).seq).toBe(1);
      expect(await other.acquireLease(id, 'b', 10_000)).not.toBeNull();

      expect(await main.getSession(id)).toMatchObject({ project: 'main' });
      expect((await main.listMessages(id)).messages.map((message) => message.content)).toEqual(['in main']);
      expect(await main.loadTranscript(id)).toBe('main\n');
    });
  });

  describe.skipIf(!h.sharedNamespace)('two instances on one namespace', () => {
    it('share sessions, messages and transcripts, and keep appends atomic across instances', async () => {
      const [a, b] = [await h.open(), await h.open()];
      const [id, userId] = [h.id('two'), h.userId()];
      await a.createSession({ id, userId });
      expect(await b.getSession(id)).toEqual(await a.getSession(id));
      await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          (i % 2 ? a : b).appendMessage(id, { role: 'user', content: `m${i}` }),
        ),
      );
      const page = await a.listMessages(id, { limit: 1000 });
      expect(page.messages.map((message) => message.seq)).toEqual(
        Array.from({ length: 100 }, (_, i) => i + 1),
      );
      expect(new Set(page.messages.map((message) => message.content)).size).toBe(100);
      await b.saveTranscript(id, 'from b\n');
      expect(await a.loadTranscript(id)).toBe('from b\n');
    });

    it('race getOrCreateSession across instances: one created, same record', async () => {
      const [a, b] = [await h.open(), await h.open()];
      const [id, userId] = [h.id('two-race'), h.userId()];
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).getOrCreateSession({ id, userId })),
      );
      expect(results.filter((result) => result.created)).toHaveLength(1);
      for (const result of results) expect(result.session).toEqual(results[0]!.session);
    });

    it('a lease is exclusive across instances and fenced on takeover', async () => {
      const [a, b] = [await h.open(), await h.open()];
      const id = h.id('two-lease');
      const held = (await a.acquireLease(id, 'server-a', 10_000)) as Lease;
      expect(held).not.toBeNull();
      expect(await b.acquireLease(id, 'server-b', 10_000)).toBeNull();
      await a.releaseLease(held);
      const taken = (await b.acquireLease(id, 'server-b', 10_000)) as Lease;
      expect(taken.token).toBeGreaterThan(held.token);
      await expectConflict(() => a.renewLease(held, 10_000));
    });

    it('closing one instance leaves the other working', async () => {
      const [a, b] = [await h.open(), await h.open()];
      const id = h.id();
      await a.createSession({ id, userId: h.userId() });
      await a.close();
      expect(await b.getSession(id)).not.toBeNull();
      await b.appendMessage(id, { role: 'user', content: 'still here' });
      expect(await b.countMessages(id)).toBe(1);
    });
  });
}
