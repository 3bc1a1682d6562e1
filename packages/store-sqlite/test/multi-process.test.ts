import type { Lease, MessageRecord } from '@claude-code-server/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteSessionStore, type SqliteSessionStore } from '../src/index.js';
import { type StoreProcess, startStoreProcess } from './store-process.js';
import { makeTempDir } from './temp-database.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// One child process for the whole file: spawning costs more than everything it is asked to do.
describe('two processes on one file', () => {
  const files = makeTempDir();
  const path = files.file('shared.db');
  let local: SqliteSessionStore;
  let child: StoreProcess;

  beforeAll(async () => {
    local = createSqliteSessionStore({ path });
    child = await startStoreProcess(path);
  });
  afterAll(async () => {
    expect(await child?.stop()).toBe(0);
    await local?.close();
    files.cleanup();
  });

  it('appends concurrently without losing or duplicating a seq', async () => {
    await local.createSession({ id: 'shared', userId: 'u' });
    const perProcess = 300;
    let childDone = false;
    const remote = child.call<number[]>('appendMany', 'shared', perProcess, 'child').finally(() => {
      childDone = true;
    });
    // This process appends first, keeps going while the child runs and once more after it is done,
    // so the child's appends land in the middle of this process's ones.
    const mine: number[] = [];
    const appendMine = async () => {
      const content = `parent-${mine.length}`;
      mine.push((await local.appendMessage('shared', { role: 'user', content })).seq);
    };
    while (mine.length < perProcess || !childDone) {
      await appendMine();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await appendMine();
    const theirs = await remote;

    const total = mine.length + theirs.length;
    const all = [...mine, ...theirs].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(await local.countMessages('shared')).toBe(total);

    const stored: MessageRecord[] = [];
    for (let after = 0; ; ) {
      const page = await local.listMessages('shared', { after, limit: 1000 });
      stored.push(...page.messages);
      if (!page.hasMore) break;
      after = page.messages[page.messages.length - 1]!.seq;
    }
    const contents = stored.map((message) => message.content);
    // Each process's messages keep their own order, and the two really did interleave.
    expect(contents.filter((c) => c.startsWith('parent-'))).toEqual(mine.map((_, i) => `parent-${i}`));
    expect(contents.filter((c) => c.startsWith('child-'))).toEqual(theirs.map((_, i) => `child-${i}`));
    const switches = contents.filter((c, i) => i > 0 && c.split('-')[0] !== contents[i - 1]!.split('-')[0]);
    expect(switches.length).toBeGreaterThan(1);
  });

  it('getOrCreateSession racing across processes creates once', async () => {
    const input = { id: 'raced', userId: 'u', metadata: { from: 'either' } };
    const [remote, mine] = await Promise.all([
      child.call<{ created: boolean }>('getOrCreateSession', input),
      local.getOrCreateSession(input),
    ]);
    expect([remote.created, mine.created].filter(Boolean)).toHaveLength(1);
    expect(remote).toMatchObject({ session: mine.session });
  });

  it('a lease held by one process excludes the other until released, then fences the old holder', async () => {
    const held = (await local.acquireLease('leased', 'parent', 60_000)) as Lease;
    expect(held).not.toBeNull();
    expect(await child.call('acquireLease', 'leased', 'child', 60_000)).toBeNull();
    await local.releaseLease(held);
    const taken = await child.call<Lease>('acquireLease', 'leased', 'child', 60_000);
    expect(taken).toMatchObject({ owner: 'child' });
    expect(taken.token).toBeGreaterThan(held.token);
    await expect(local.renewLease(held, 60_000)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await local.acquireLease('leased', 'parent', 60_000)).toBeNull();
    await child.call('releaseLease', taken);
  });

  it('a lease the other process let expire is taken over with a larger token', async () => {
    const theirs = await child.call<Lease>('acquireLease', 'expiring', 'child', 200);
    expect(await local.acquireLease('expiring', 'parent', 60_000)).toBeNull();
    await sleep(400);
    const mine = (await local.acquireLease('expiring', 'parent', 60_000)) as Lease;
    expect(mine).toMatchObject({ owner: 'parent' });
    expect(mine.token).toBeGreaterThan(theirs.token);
    await expect(child.call('renewLease', theirs, 60_000)).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});
