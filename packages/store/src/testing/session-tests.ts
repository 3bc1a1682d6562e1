import { describe, expect, it } from 'vitest';
import type { SessionRecord } from '../types.js';
import { expectConflict, expectInvalidInput, expectSessionNotFound, type Harness, sleep } from './harness.js';

/** create, get, getOrCreate, update, touch, delete. */
export function defineSessionTests(h: Harness): void {
  describe('sessions', () => {
    it('creates a session with defaults and reads it back', async () => {
      const store = await h.open();
      const [id, userId] = [h.id(), h.userId()];
      const before = Date.now();
      const session = await store.createSession({ id, userId });
      expect(session).toEqual({
        id,
        userId,
        claudeSessionId: null,
        project: null,
        metadata: {},
        createdAt: expect.any(Number),
        lastActiveAt: session.createdAt,
        expiresAt: null,
      });
      expect(session.createdAt).toBeGreaterThanOrEqual(before - 5000);
      expect(session.createdAt).toBeLessThanOrEqual(Date.now() + 5000);
      expect(await store.getSession(id)).toEqual(session);
    });

    it('keeps every field given at creation', async () => {
      const store = await h.open();
      const input = {
        id: h.id('full'),
        userId: h.userId('ユーザー'),
        claudeSessionId: '0b8f5a52-7d1c-4b9e-9a43-2f1f0c6c1e11',
        project: 'my-app',
        metadata: { channel: 'slack', nested: { list: [1, 'two', null, true], emoji: '🦀' }, n: 1.5 },
      };
      const session = await store.createSession(input);
      expect(session).toMatchObject(input);
      expect(await store.getSession(input.id)).toEqual(session);
    });

    it('returns null for a session that does not exist', async () => {
      const store = await h.open();
      expect(await store.getSession(h.id('missing'))).toBeNull();
    });

    it('refuses to create a session whose id is taken, leaving the first one as it was', async () => {
      const store = await h.open();
      const id = h.id();
      const first = await store.createSession({ id, userId: h.userId(), metadata: { v: 1 } });
      await expectConflict(() => store.createSession({ id, userId: h.userId(), metadata: { v: 2 } }));
      expect(await store.getSession(id)).toEqual(first);
    });

    it('getOrCreateSession creates once, then returns the stored session unchanged', async () => {
      const store = await h.open();
      const [id, userId] = [h.id(), h.userId()];
      const first = await store.getOrCreateSession({ id, userId, project: 'a', metadata: { v: 1 } });
      expect(first.created).toBe(true);
      expect(first.session).toMatchObject({ id, userId, project: 'a', metadata: { v: 1 } });
      const second = await store.getOrCreateSession({ id, userId, project: 'b', metadata: { v: 2 } });
      expect(second).toEqual({ session: first.session, created: false });
    });

    it('getOrCreateSession: 20 racing callers get one session, created exactly once', async () => {
      const store = await h.open();
      const [id, userId] = [h.id('race'), h.userId()];
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          store.getOrCreateSession({ id, userId, metadata: { caller: i } }),
        ),
      );
      expect(results.filter((result) => result.created)).toHaveLength(1);
      const winner = results.find((result) => result.created)!.session;
      for (const result of results) expect(result.session).toEqual(winner);
      expect(await store.getSession(id)).toEqual(winner);
    });

    it('getOrCreateSession refuses a session id that belongs to another user', async () => {
      const store = await h.open();
      const id = h.id();
      const owner = await store.createSession({ id, userId: h.userId('owner') });
      await expectConflict(() => store.getOrCreateSession({ id, userId: h.userId('intruder') }));
      expect(await store.getSession(id)).toEqual(owner);
    });

    it('updateSession changes the given fields, clears nulls, replaces metadata and leaves the rest', async () => {
      const store = await h.open();
      const id = h.id();
      const created = await store.createSession({
        id,
        userId: h.userId(),
        project: 'p1',
        metadata: { a: 1, b: { c: 2 } },
      });
      await sleep(5);
      const updated = await store.updateSession(id, {
        claudeSessionId: 'c3d9b0e2-1111-4222-8333-944455556666',
        metadata: { b: 'only' },
      });
      expect(updated).toMatchObject({
        id,
        userId: created.userId,
        claudeSessionId: 'c3d9b0e2-1111-4222-8333-944455556666',
        project: 'p1',
        metadata: { b: 'only' },
        createdAt: created.createdAt,
      });
      expect(updated.lastActiveAt).toBeGreaterThan(created.lastActiveAt);
      expect(await store.getSession(id)).toEqual(updated);

      const cleared = await store.updateSession(id, { project: null, claudeSessionId: null });
      expect(cleared).toMatchObject({ project: null, claudeSessionId: null, metadata: { b: 'only' } });
      expect(await store.getSession(id)).toEqual(cleared);
    });

    it('touchSession moves lastActiveAt forward and changes nothing else', async () => {
      const store = await h.open();
      const id = h.id();
      const created = await store.createSession({ id, userId: h.userId(), metadata: { k: 'v' } });
      await sleep(5);
      const touched = await store.touchSession(id);
      expect(touched.lastActiveAt).toBeGreaterThan(created.lastActiveAt);
      expect(touched).toEqual({ ...created, lastActiveAt: touched.lastActiveAt });
      expect(await store.getSession(id)).toEqual(touched);
    });

    it('update and touch of an unknown session throw SessionNotFoundError', async () => {
      const store = await h.open();
      const id = h.id('missing');
      await expectSessionNotFound(() => store.updateSession(id, { project: 'x' }), id);
      await expectSessionNotFound(() => store.touchSession(id), id);
      expect(await store.getSession(id)).toBeNull();
    });

    it('deleteSession removes the session, its messages and its transcript', async () => {
      const store = await h.open();
      const [id, userId] = [h.id(), h.userId()];
      await store.createSession({ id, userId });
      await store.appendMessage(id, { role: 'user', content: 'hello' });
      await store.appendMessage(id, { role: 'assistant', content: 'hi' });
      await store.saveTranscript(id, '{"type":"user"}\n');
      expect(await store.deleteSession(id)).toBe(true);
      expect(await store.getSession(id)).toBeNull();
      expect((await store.listSessions(userId)).sessions).toEqual([]);
      await expectSessionNotFound(() => store.listMessages(id), id);
      expect(await store.deleteSession(id)).toBe(false);

      await store.createSession({ id, userId });
      expect(await store.countMessages(id)).toBe(0);
      expect(await store.listMessages(id)).toEqual({ messages: [], hasMore: false });
      expect(await store.loadTranscript(id)).toBeNull();
      expect((await store.appendMessage(id, { role: 'user', content: 'again' })).seq).toBe(1);
    });

    it('rejects bad session input naming the field, and stores or changes nothing', async () => {
      const store = await h.open();
      const [id, userId] = [h.id('bad'), h.userId()];
      const create = (input: unknown) => () => store.createSession(input as never);
      const getOrCreate = (input: unknown) => () => store.getOrCreateSession(input as never);
      await expectInvalidInput(create(null), 'input');
      await expectInvalidInput(create({ id: 'has space', userId }), 'id');
      await expectInvalidInput(create({ id: '../up', userId }), 'id');
      await expectInvalidInput(create({ id: 'x'.repeat(257), userId }), 'id');
      await expectInvalidInput(create({ id, userId: '' }), 'userId');
      await expectInvalidInput(create({ id, userId: 'line\nbreak' }), 'userId');
      await expectInvalidInput(create({ id, userId, project: 'a/b' }), 'project');
      await expectInvalidInput(create({ id, userId, claudeSessionId: '' }), 'claudeSessionId');
      await expectInvalidInput(create({ id, userId, metadata: { big: 'x'.repeat(65 * 1024) } }), 'metadata');
      await expectInvalidInput(getOrCreate({ id, userId, metadata: 'text' }), 'metadata');
      await expectInvalidInput(getOrCreate({ id, userId: 42 }), 'userId');
      expect(await store.getSession(id)).toBeNull();
      expect((await store.listSessions(userId)).sessions).toEqual([]);

      const created = await store.createSession({ id, userId, project: 'kept', metadata: { k: 1 } });
      const update = (changes: unknown) => () => store.updateSession(id, changes as never);
      await expectInvalidInput(update(null), 'update');
      await expectInvalidInput(update({ project: '.hidden' }), 'project');
      await expectInvalidInput(update({ claudeSessionId: 7 }), 'claudeSessionId');
      await expectInvalidInput(update({ project: 'ok', metadata: { n: Number.NaN } }), 'metadata.n');
      await expectInvalidInput(() => store.getSession('bad id'), 'sessionId');
      await expectInvalidInput(() => store.updateSession('', { project: 'x' }), 'sessionId');
      await expectInvalidInput(() => store.touchSession('a/b'), 'sessionId');
      await expectInvalidInput(() => store.deleteSession('-flag'), 'sessionId');
      expect(await store.getSession(id)).toEqual(created);
    });

    it('stored state cannot be changed through objects passed in or handed out', async () => {
      const store = await h.open();
      const id = h.id();
      const metadata = { tags: ['a'], deep: { x: 1 } };
      await store.createSession({ id, userId: h.userId(), metadata });
      metadata.tags.push('mutated');
      metadata.deep.x = 2;
      const read = (await store.getSession(id)) as SessionRecord;
      expect(read.metadata).toEqual({ tags: ['a'], deep: { x: 1 } });
      (read.metadata.tags as string[]).push('mutated');
      read.project = 'mutated';
      expect(await store.getSession(id)).toMatchObject({ project: null, metadata: { tags: ['a'] } });

      const messageMetadata = { k: ['v'] };
      const message = await store.appendMessage(id, {
        role: 'user',
        content: 'x',
        metadata: messageMetadata,
      });
      messageMetadata.k.push('mutated');
      (message.metadata!.k as string[]).push('mutated');
      const [listed] = (await store.listMessages(id)).messages;
      expect(listed!.metadata).toEqual({ k: ['v'] });
    });
  });
}
