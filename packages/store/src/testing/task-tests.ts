import { describe, expect, it } from 'vitest';
import type { SessionStore, StoredTask } from '../types.js';
import { expectClosed, expectConflict, expectInvalidInput, type Harness, sleep } from './harness.js';

/** Every page of an owner's tasks, deleting each page's tasks first when `deleting`. */
async function pagesOf(store: SessionStore, owner: string, limit: number, deleting = false) {
  const pages: string[][] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await store.listTasks(owner, { limit, cursor });
    pages.push(page.tasks.map((task) => task.id));
    if (deleting) for (const task of page.tasks) await store.deleteTask(owner, task.id);
    if (page.nextCursor === null) return pages;
    cursor = page.nextCursor;
  }
}

/** createTask, getTask, updateTask, deleteTask, listTasks: tasks kept by (owner, id), outside sessions. */
export function defineTaskTests(h: Harness): void {
  describe('tasks', () => {
    it('creates a task with defaults, reads it back and updates data and result apart', async () => {
      const store = await h.open();
      const [id, owner] = [h.id('task'), h.userId('tenant')];
      const before = Date.now();
      const created = await store.createTask({ id, owner });
      expect(created).toEqual({
        id,
        owner,
        data: {},
        result: null,
        createdAt: expect.any(Number),
        updatedAt: created.createdAt,
      });
      expect(created.createdAt).toBeGreaterThanOrEqual(before - 5000);
      expect(await store.getTask(owner, id)).toEqual(created);

      await sleep(5);
      const data = { status: 'running', nested: { list: [1, 'two', null], emoji: '🦀' }, n: 1.5 };
      const withData = await store.updateTask(owner, id, { data });
      expect(withData).toEqual({ ...created, data, updatedAt: expect.any(Number) });
      expect(withData!.updatedAt).toBeGreaterThan(created.updatedAt);
      const result = JSON.stringify({ text: 'réponse ✓', big: 'x'.repeat(1024 * 1024) });
      const withResult = await store.updateTask(owner, id, { result });
      expect(withResult).toMatchObject({ data, result });
      const replaced = await store.updateTask(owner, id, { data: { status: 'done' } });
      expect(replaced).toMatchObject({ data: { status: 'done' }, result });
      expect(await store.getTask(owner, id)).toEqual(replaced);
      expect(await store.updateTask(owner, id, { result: null })).toMatchObject({ result: null });
      const touched = await store.updateTask(owner, id, {});
      expect(touched).toMatchObject({ data: { status: 'done' }, result: null, createdAt: created.createdAt });
    });

    it('keeps data given at creation, and refuses a second task with the id of the same owner', async () => {
      const store = await h.open();
      const [id, owner] = [h.id('task'), h.userId('tenant')];
      const first = await store.createTask({ id, owner, data: { v: 1 } });
      expect(first.data).toEqual({ v: 1 });
      await expectConflict(() => store.createTask({ id, owner, data: { v: 2 } }));
      expect(await store.getTask(owner, id)).toEqual(first);
    });

    it('answers null or false for a task that does not exist', async () => {
      const store = await h.open();
      const [id, owner] = [h.id('missing'), h.userId('tenant')];
      expect(await store.getTask(owner, id)).toBeNull();
      expect(await store.updateTask(owner, id, { result: 'x' })).toBeNull();
      expect(await store.deleteTask(owner, id)).toBe(false);
      expect(await store.getTask(owner, id)).toBeNull();
      expect(await store.listTasks(owner)).toEqual({ tasks: [], nextCursor: null });
    });

    it('deletes a task: gone from get and list; its id can be used again', async () => {
      const store = await h.open();
      const [id, owner] = [h.id('task'), h.userId('tenant')];
      await store.createTask({ id, owner, data: { v: 1 } });
      await store.updateTask(owner, id, { result: 'done' });
      expect(await store.deleteTask(owner, id)).toBe(true);
      expect(await store.getTask(owner, id)).toBeNull();
      expect((await store.listTasks(owner)).tasks).toEqual([]);
      expect(await store.deleteTask(owner, id)).toBe(false);
      expect(await store.createTask({ id, owner })).toMatchObject({ data: {}, result: null });
    });

    it('keeps owners apart: the same id under two owners is two tasks', async () => {
      const store = await h.open();
      const [id, a, b] = [h.id('task'), h.userId('tenant-a'), h.userId('tenant-b')];
      await store.createTask({ id, owner: a, data: { owner: 'a' } });
      expect(await store.getTask(b, id)).toBeNull();
      expect(await store.updateTask(b, id, { result: 'x' })).toBeNull();
      expect(await store.deleteTask(b, id)).toBe(false);
      expect((await store.listTasks(b)).tasks).toEqual([]);
      await store.createTask({ id, owner: b, data: { owner: 'b' } });
      expect(await store.getTask(a, id)).toMatchObject({ owner: a, data: { owner: 'a' }, result: null });
      expect(await store.getTask(b, id)).toMatchObject({ owner: b, data: { owner: 'b' } });
      expect((await store.listTasks(a)).tasks.map((task) => task.owner)).toEqual([a]);
    });

    it('lists by id in byte order, page by page, and skips none when pages are deleted as they come', async () => {
      const store = await h.open();
      const owner = h.userId('tenant');
      const base = h.id('list');
      const ids = ['a', 'B', '_', '9', 'Z', '.x', '@', 'a.b', 'A'].map((suffix) => `${base}${suffix}`);
      for (const id of ids) await store.createTask({ id, owner, data: { id } });
      const sorted = [...ids].sort();
      expect(await pagesOf(store, owner, 4)).toEqual([
        sorted.slice(0, 4),
        sorted.slice(4, 8),
        sorted.slice(8),
      ]);
      expect(await pagesOf(store, owner, 9)).toEqual([sorted]);
      expect(await pagesOf(store, owner, 200)).toEqual([sorted]);
      const page = await store.listTasks(owner, { limit: 2 });
      expect(page.tasks[0]).toEqual(await store.getTask(owner, sorted[0]!));
      expect(
        (await store.listTasks(owner, { limit: 2, cursor: page.nextCursor! })).tasks.map((t) => t.id),
      ).toEqual(sorted.slice(2, 4));

      expect((await pagesOf(store, owner, 2, true)).flat()).toEqual(sorted);
      expect(await store.listTasks(owner)).toEqual({ tasks: [], nextCursor: null });
    });

    it('does not expire tasks with the session TTL, nor remove them with sessions', async () => {
      const store = await h.open({ ttlMs: h.expiryTtlMs });
      const [id, owner] = [h.id('kept'), h.userId('tenant')];
      await store.createSession({ id, userId: owner });
      const task = await store.createTask({ id, owner, data: { v: 1 } });
      await sleep(h.expiryTtlMs * 2);
      expect(await store.getSession(id)).toBeNull();
      expect(await store.getTask(owner, id)).toEqual(task);
      expect((await store.listTasks(owner)).tasks).toEqual([task]);
      await store.createSession({ id, userId: owner });
      expect(await store.deleteSession(id)).toBe(true);
      expect(await store.getTask(owner, id)).toEqual(task);
    });

    it('stored tasks cannot be changed through objects passed in or handed out', async () => {
      const store = await h.open();
      const [id, owner] = [h.id('task'), h.userId('tenant')];
      const data = { tags: ['a'] };
      const created = await store.createTask({ id, owner, data });
      data.tags.push('mutated');
      (created.data.tags as string[]).push('mutated');
      const update = { tags: ['b'] };
      const updated = (await store.updateTask(owner, id, { data: update })) as StoredTask;
      update.tags.push('mutated');
      (updated.data.tags as string[]).push('mutated');
      const [listed] = (await store.listTasks(owner)).tasks;
      (listed!.data.tags as string[]).push('mutated');
      expect((await store.getTask(owner, id))!.data).toEqual({ tags: ['b'] });
    });

    it('rejects bad task input naming the field, and stores or changes nothing', async () => {
      const store = await h.open();
      const [id, owner] = [h.id('bad'), h.userId('tenant')];
      const create = (input: unknown) => () => store.createTask(input as never);
      await expectInvalidInput(create(null), 'input');
      await expectInvalidInput(create({ id: 'has space', owner }), 'id');
      await expectInvalidInput(create({ id: 'x'.repeat(257), owner }), 'id');
      await expectInvalidInput(create({ id, owner: '' }), 'owner');
      await expectInvalidInput(create({ id, owner: 'line\nbreak' }), 'owner');
      await expectInvalidInput(create({ id, owner, data: 'text' }), 'data');
      await expectInvalidInput(create({ id, owner, data: { n: Number.NaN } }), 'data.n');
      await expectInvalidInput(create({ id, owner, data: { big: 'x'.repeat(65 * 1024) } }), 'data');
      expect(await store.getTask(owner, id)).toBeNull();

      const created = await store.createTask({ id, owner, data: { k: 1 } });
      const update = (changes: unknown) => () => store.updateTask(owner, id, changes as never);
      await expectInvalidInput(update(null), 'update');
      await expectInvalidInput(update({ result: 5 }), 'result');
      await expectInvalidInput(update({ result: 'nul\u0000' }), 'result');
      await expectInvalidInput(update({ data: new Map() }), 'data');
      await expectInvalidInput(update({ data: { list: [1, () => 2] } }), 'data.list[1]');
      await expectInvalidInput(() => store.getTask('', id), 'owner');
      await expectInvalidInput(() => store.getTask(owner, 'a/b'), 'taskId');
      await expectInvalidInput(() => store.updateTask(owner, '-x', {}), 'taskId');
      await expectInvalidInput(() => store.deleteTask(owner, ''), 'taskId');
      await expectInvalidInput(() => store.listTasks('bad\u0007owner'), 'owner');
      await expectInvalidInput(() => store.listTasks(owner, { limit: 0 }), 'limit');
      await expectInvalidInput(() => store.listTasks(owner, { limit: 201 }), 'limit');
      await expectInvalidInput(() => store.listTasks(owner, { cursor: 'not-a-cursor' }), 'cursor');
      const userId = h.userId();
      for (const session of [h.id(), h.id()]) await store.createSession({ id: session, userId });
      const { nextCursor } = await store.listSessions(userId, { limit: 1 });
      await expectInvalidInput(() => store.listTasks(owner, { cursor: nextCursor! }), 'cursor');
      expect(await store.getTask(owner, id)).toEqual(created);
    });

    it('after close every task call throws StoreClosedError, before looking at the arguments', async () => {
      const store = await h.open();
      const [id, owner] = [h.id('closed'), h.userId('tenant')];
      await store.createTask({ id, owner });
      await store.close();
      await expectClosed(() => store.createTask({ id: h.id(), owner }));
      await expectClosed(() => store.getTask(owner, id));
      await expectClosed(() => store.updateTask(owner, id, { result: 'x' }));
      await expectClosed(() => store.deleteTask(owner, id));
      await expectClosed(() => store.listTasks(owner));
      await expectClosed(() => store.getTask('', 'bad id'));
    });

    it('keeps namespaces apart', async () => {
      const main = await h.open({ namespace: 'main' });
      const other = await h.open({ namespace: 'other' });
      const [id, owner] = [h.id('ns'), h.userId('tenant')];
      await main.createTask({ id, owner, data: { in: 'main' } });
      expect(await other.getTask(owner, id)).toBeNull();
      expect((await other.listTasks(owner)).tasks).toEqual([]);
      expect(await other.deleteTask(owner, id)).toBe(false);
      await other.createTask({ id, owner, data: { in: 'other' } });
      expect(await main.getTask(owner, id)).toMatchObject({ data: { in: 'main' } });
    });

    it.skipIf(!h.sharedNamespace)('shares tasks across instances; racing creates make one task', async () => {
      const [a, b] = [await h.open(), await h.open()];
      const [id, owner] = [h.id('race'), h.userId('tenant')];
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).createTask({ id, owner, data: { caller: i } })),
      );
      const won = results.filter((result) => result.status === 'fulfilled');
      expect(won).toHaveLength(1);
      for (const result of results) {
        if (result.status === 'rejected') expect(result.reason).toMatchObject({ code: 'CONFLICT' });
      }
      expect(await b.getTask(owner, id)).toEqual(await a.getTask(owner, id));
      await a.updateTask(owner, id, { result: 'from a' });
      expect(await b.getTask(owner, id)).toMatchObject({ result: 'from a' });
    });
  });
}
