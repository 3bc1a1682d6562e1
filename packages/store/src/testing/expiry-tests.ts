import { describe, expect, it } from 'vitest';
import type { SessionStore } from '../types.js';
import { expectSessionNotFound, type Harness, sleep } from './harness.js';

/** A store made with ttlMs: sliding expiry, and expired sessions gone from every operation. */
export function defineExpiryTests(h: Harness): void {
  describe('expiry', () => {
    it('sets expiresAt to lastActiveAt + ttlMs on every activity', async () => {
      const ttlMs = 60_000;
      const store = await h.open({ namespace: 'expiry', ttlMs });
      const id = h.id();
      const created = await store.createSession({ id, userId: h.userId() });
      expect(created.expiresAt).toBe(created.lastActiveAt + ttlMs);
      const updated = await store.updateSession(id, { project: 'p' });
      expect(updated.expiresAt).toBe(updated.lastActiveAt + ttlMs);
      const touched = await store.touchSession(id);
      expect(touched.expiresAt).toBe(touched.lastActiveAt + ttlMs);
      await store.appendMessage(id, { role: 'user', content: 'x' });
      const read = await store.getSession(id);
      expect(read!.expiresAt).toBe(read!.lastActiveAt + ttlMs);
    });

    it('an expired session is gone from every operation, and its id starts afresh', async () => {
      const ttlMs = h.expiryTtlMs;
      const store = await h.open({ namespace: 'expiry', ttlMs });
      const [id, userId] = [h.id('expiring'), h.userId()];
      await store.createSession({ id, userId, project: 'old' });
      await store.appendMessage(id, { role: 'user', content: 'old message' });
      await store.saveTranscript(id, 'old transcript\n');
      await sleep(ttlMs * 1.5 + 50);

      expect(await store.getSession(id)).toBeNull();
      expect((await store.listSessions(userId)).sessions).toEqual([]);
      await expectSessionNotFound(() => store.touchSession(id), id);
      await expectSessionNotFound(() => store.updateSession(id, { project: 'x' }), id);
      await expectSessionNotFound(() => store.appendMessage(id, { role: 'user', content: 'x' }), id);
      await expectSessionNotFound(() => store.listMessages(id), id);
      await expectSessionNotFound(() => store.countMessages(id), id);
      await expectSessionNotFound(() => store.saveTranscript(id, 'x'), id);
      await expectSessionNotFound(() => store.appendTranscript(id, 'x'), id);
      await expectSessionNotFound(() => store.loadTranscript(id), id);
      expect(await store.deleteSession(id)).toBe(false);

      const { session, created } = await store.getOrCreateSession({ id, userId: h.userId('new owner') });
      expect(created).toBe(true);
      expect(session.project).toBeNull();
      expect(await store.countMessages(id)).toBe(0);
      expect(await store.listMessages(id)).toEqual({ messages: [], hasMore: false });
      expect(await store.loadTranscript(id)).toBeNull();
      expect((await store.appendMessage(id, { role: 'user', content: 'new' })).seq).toBe(1);
    });

    it('activity slides the expiry: touch, update, append and transcript writes each keep a session alive', async () => {
      const ttlMs = h.expiryTtlMs * 3;
      const store = await h.open({ namespace: 'expiry', ttlMs });
      const userId = h.userId();
      const activities: Record<string, (store: SessionStore, id: string) => Promise<unknown>> = {
        touch: (s, id) => s.touchSession(id),
        update: (s, id) => s.updateSession(id, { project: 'p' }),
        append: (s, id) => s.appendMessage(id, { role: 'user', content: 'x' }),
        save: (s, id) => s.saveTranscript(id, 'x\n'),
        appendTranscript: (s, id) => s.appendTranscript(id, 'y\n'),
      };
      const ids = Object.fromEntries(Object.keys(activities).map((name) => [name, h.id(name)]));
      const idle = h.id('idle');
      await Promise.all([...Object.values(ids), idle].map((id) => store.createSession({ id, userId })));
      await sleep(ttlMs * 0.6);
      await Promise.all(Object.entries(activities).map(([name, act]) => act(store, ids[name]!)));
      await sleep(ttlMs * 0.6);

      expect(await store.getSession(idle)).toBeNull();
      for (const id of Object.values(ids)) expect(await store.getSession(id)).not.toBeNull();
      const listed = (await store.listSessions(userId)).sessions.map((session) => session.id).sort();
      expect(listed).toEqual(Object.values(ids).sort());

      await sleep(ttlMs * 0.6);
      expect((await store.listSessions(userId)).sessions).toEqual([]);
      for (const id of Object.values(ids)) expect(await store.getSession(id)).toBeNull();
    });

    it('sessions never expire without ttlMs', async () => {
      const store = await h.open();
      const id = h.id();
      const session = await store.createSession({ id, userId: h.userId() });
      expect(session.expiresAt).toBeNull();
      await sleep(h.expiryTtlMs * 1.5);
      expect(await store.getSession(id)).toEqual(session);
    });
  });
}
