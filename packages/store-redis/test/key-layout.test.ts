import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisSessionStore, type RedisSessionStore } from '../src/index.js';
import { deleteKeysUnder, keysUnder, openRedis, REDIS_URL, uniquePrefix } from './support/shared-redis.js';

const redis = openRedis();
const prefix = uniquePrefix('layout');
let store: RedisSessionStore;

beforeAll(() => {
  store = createRedisSessionStore({ url: REDIS_URL, keyPrefix: prefix, ttlMs: 60_000 });
});

afterAll(async () => {
  await store.close();
  await deleteKeysUnder(prefix, redis);
  redis.disconnect();
});

describe('key layout', () => {
  it('writes exactly the documented keys, with the documented types and contents', async () => {
    const session = await store.createSession({
      id: 'chat:42',
      userId: 'alice',
      project: 'demo',
      metadata: { channel: 'slack' },
    });
    const first = await store.appendMessage('chat:42', { role: 'user', content: 'hello', createdAt: 1000 });
    await store.appendMessage('chat:42', { role: 'assistant', content: 'hi', costUsd: 0.5 });
    await store.saveTranscript('chat:42', '{"type":"user"}\n');
    const lease = await store.acquireLease('chat:42', 'worker-1', 30_000);
    const current = await store.getSession('chat:42');

    const keys = await keysUnder(redis, prefix);
    expect(keys).toEqual(
      [
        `${prefix}lease-fence`,
        `${prefix}lease:chat:42`,
        `${prefix}messages:chat:42`,
        `${prefix}session:chat:42`,
        `${prefix}transcript:chat:42`,
        `${prefix}user-sessions:alice`,
      ].sort(),
    );
    const types = await Promise.all(keys.map((key) => redis.type(key)));
    expect(Object.fromEntries(keys.map((key, i) => [key.slice(prefix.length), types[i]]))).toEqual({
      'lease-fence': 'string',
      'lease:chat:42': 'string',
      'messages:chat:42': 'list',
      'session:chat:42': 'hash',
      'transcript:chat:42': 'string',
      'user-sessions:alice': 'zset',
    });

    expect(await redis.hgetall(`${prefix}session:chat:42`)).toEqual({
      id: 'chat:42',
      userId: 'alice',
      project: 'demo',
      metadata: '{"channel":"slack"}',
      createdAt: String(session.createdAt),
      lastActiveAt: String(current!.lastActiveAt),
      expiresAt: String(current!.expiresAt),
    });
    const entries = await redis.lrange(`${prefix}messages:chat:42`, 0, -1);
    expect(entries.map((entry) => JSON.parse(entry))).toEqual([
      {
        role: 'user',
        content: 'hello',
        createdAt: first.createdAt,
        usage: null,
        costUsd: null,
        metadata: null,
      },
      {
        role: 'assistant',
        content: 'hi',
        createdAt: expect.any(Number),
        usage: null,
        costUsd: 0.5,
        metadata: null,
      },
    ]);
    expect(await redis.get(`${prefix}transcript:chat:42`)).toBe('{"type":"user"}\n');
    expect(await redis.zrange(`${prefix}user-sessions:alice`, 0, -1, 'WITHSCORES')).toEqual([
      'chat:42',
      String(current!.lastActiveAt),
    ]);
    expect(await redis.get(`${prefix}lease:chat:42`)).toBe(`${lease!.token}:worker-1`);
    expect(Number(await redis.get(`${prefix}lease-fence`))).toBe(lease!.token);
  });

  it('leaves no key of a session behind after deleteSession but its lease', async () => {
    await store.createSession({ id: 'gone', userId: 'bob' });
    await store.appendMessage('gone', { role: 'user', content: 'x' });
    await store.appendTranscript('gone', 'line\n');
    const lease = await store.acquireLease('gone', 'worker', 30_000);
    expect(await store.deleteSession('gone')).toBe(true);
    const left = (await keysUnder(redis, prefix)).filter(
      (key) => key.endsWith(':gone') || key.endsWith(':bob'),
    );
    expect(left).toEqual([`${prefix}lease:gone`]);
    await store.releaseLease(lease!);
  });

  it('keeps keys of ids that contain the separator apart', async () => {
    await store.createSession({ id: 'a', userId: 'carol' });
    await store.createSession({ id: 'messages:a', userId: 'carol' });
    await store.appendMessage('a', { role: 'user', content: 'to a' });
    expect(await store.countMessages('messages:a')).toBe(0);
    expect(await store.getSession('a')).toMatchObject({ id: 'a' });
    expect(await store.getSession('messages:a')).toMatchObject({ id: 'messages:a' });
  });

  it('hands out fencing tokens from one counter that outlives leases and sessions', async () => {
    await store.createSession({ id: 'fenced', userId: 'dave' });
    const first = await store.acquireLease('fenced', 'w1', 30_000);
    await store.releaseLease(first!);
    await store.deleteSession('fenced');
    await redis.del(`${prefix}lease:fenced`);
    const second = await store.acquireLease('fenced', 'w2', 30_000);
    expect(second!.token).toBeGreaterThan(first!.token);
    await store.releaseLease(second!);
  });

  it('keeps a task in its own hash and in the index of its owner, without the session TTL', async () => {
    const task = await store.createTask({ id: 'task:1', owner: 'tenant/a', data: { step: 1 } });
    await store.updateTask('tenant/a', 'task:1', { result: '{"ok":true}' });
    await store.createTask({ id: '1', owner: 'tenant/a/task:', data: {} });
    const taskKeys = (await keysUnder(redis, prefix)).filter((key) => key.includes('task'));
    expect(taskKeys).toEqual(
      [
        `${prefix}task-index:tenant/a`,
        `${prefix}task-index:tenant/a/task:`,
        `${prefix}task:tenant/a/task:1`,
        `${prefix}task:tenant/a/task:/1`,
      ].sort(),
    );
    expect(await redis.hgetall(`${prefix}task:tenant/a/task:1`)).toEqual({
      data: '{"step":1}',
      result: '{"ok":true}',
      createdAt: String(task.createdAt),
      updatedAt: expect.any(String),
    });
    expect(await redis.zrange(`${prefix}task-index:tenant/a`, 0, -1, 'WITHSCORES')).toEqual(['task:1', '0']);
    for (const key of taskKeys) expect(await redis.pttl(key)).toBe(-1);
    expect((await store.listTasks('tenant/a')).tasks.map((t) => t.id)).toEqual(['task:1']);
    expect(await store.deleteTask('tenant/a', 'task:1')).toBe(true);
    expect(await redis.exists(`${prefix}task:tenant/a/task:1`, `${prefix}task-index:tenant/a`)).toBe(0);
  });
});
