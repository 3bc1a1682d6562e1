import { describe, expect, it } from 'vitest';
import { compareSessionsNewestFirst } from '../session-cursor.js';
import type { SessionRecord, SessionStore } from '../types.js';
import { expectInvalidInput, type Harness, sleep } from './harness.js';

async function listAll(store: SessionStore, userId: string, limit: number) {
  const pages: SessionRecord[][] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await store.listSessions(userId, { limit, cursor });
    pages.push(page.sessions);
    if (page.nextCursor === null) return pages;
    expect(page.sessions).toHaveLength(limit);
    cursor = page.nextCursor;
  }
}

/** listSessions: order, isolation between users, cursor paging. */
export function defineListTests(h: Harness): void {
  describe('listSessions', () => {
    it('returns an empty last page for a user with no sessions', async () => {
      const store = await h.open();
      expect(await store.listSessions(h.userId())).toEqual({ sessions: [], nextCursor: null });
    });

    it('lists the most recently active first; touch and append count as activity', async () => {
      const store = await h.open();
      const userId = h.userId();
      const [a, b, c] = [h.id('a'), h.id('b'), h.id('c')];
      for (const id of [a, b, c]) {
        await store.createSession({ id, userId });
        await sleep(5);
      }
      const ids = async () => (await store.listSessions(userId)).sessions.map((session) => session.id);
      expect(await ids()).toEqual([c, b, a]);
      await store.touchSession(a);
      expect(await ids()).toEqual([a, c, b]);
      await sleep(5);
      await store.appendMessage(b, { role: 'user', content: 'wake up' });
      expect(await ids()).toEqual([b, a, c]);
      const listed = await store.listSessions(userId);
      expect(listed.sessions[1]).toEqual(await store.getSession(a));
    });

    it("lists only the user's own sessions", async () => {
      const store = await h.open();
      const [alice, bob] = [h.userId('alice'), h.userId('bob')];
      const aliceIds = [h.id(), h.id()];
      const bobIds = [h.id()];
      for (const id of aliceIds) await store.createSession({ id, userId: alice });
      for (const id of bobIds) await store.createSession({ id, userId: bob });
      const ids = async (userId: string) =>
        (await store.listSessions(userId)).sessions.map((session) => session.id).sort();
      expect(await ids(alice)).toEqual([...aliceIds].sort());
      expect(await ids(bob)).toEqual(bobIds);
    });

    it('pages with a cursor through many sessions: each exactly once, in order, last cursor null', async () => {
      const store = await h.open();
      const userId = h.userId();
      // Created concurrently so several share a lastActiveAt: ties are broken by id, descending.
      const ids = Array.from({ length: 25 }, (_, i) => h.id(`page${String(i).padStart(2, '0')}`));
      await Promise.all(ids.map((id) => store.createSession({ id, userId })));
      const all = (await store.listSessions(userId, { limit: 200 })).sessions;
      expect(all.map((session) => session.id).sort()).toEqual([...ids].sort());
      expect(all).toEqual([...all].sort(compareSessionsNewestFirst));

      for (const limit of [10, 5, 1, 25]) {
        const pages = await listAll(store, userId, limit);
        expect(pages.map((page) => page.length)).toEqual(
          Array.from({ length: Math.ceil(25 / limit) }, (_, i) => Math.min(limit, 25 - i * limit)),
        );
        expect(pages.flat()).toEqual(all);
      }
      expect((await store.listSessions(userId, { limit: 26 })).nextCursor).toBeNull();
    });

    it('uses 50 as the default page size', async () => {
      const store = await h.open();
      const userId = h.userId();
      await Promise.all(Array.from({ length: 51 }, () => store.createSession({ id: h.id(), userId })));
      const first = await store.listSessions(userId);
      expect(first.sessions).toHaveLength(50);
      expect(first.nextCursor).not.toBeNull();
      const second = await store.listSessions(userId, { cursor: first.nextCursor! });
      expect(second).toEqual({ sessions: [expect.any(Object)], nextCursor: null });
    });

    it('rejects bad paging options naming the field', async () => {
      const store = await h.open();
      const userId = h.userId();
      await expectInvalidInput(() => store.listSessions(userId, { limit: 0 }), 'limit');
      await expectInvalidInput(() => store.listSessions(userId, { limit: 201 }), 'limit');
      await expectInvalidInput(() => store.listSessions(userId, { limit: 2.5 }), 'limit');
      await expectInvalidInput(() => store.listSessions(userId, { cursor: 'not-a-cursor' }), 'cursor');
      await expectInvalidInput(() => store.listSessions(userId, { cursor: '' }), 'cursor');
      await expectInvalidInput(() => store.listSessions('', {}), 'userId');
    });
  });
}
