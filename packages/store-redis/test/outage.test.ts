import { StoreUnavailableError } from '@claude-code-server/store';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisSessionStore, redisClientDefaults } from '../src/index.js';
import { PrivateRedis } from './support/private-redis.js';

// These tests kill and freeze a private redis-server child; the shared Redis is never touched.
let server: PrivateRedis;

beforeAll(async () => {
  server = await PrivateRedis.start();
});

afterAll(async () => {
  server.thaw();
  await server.kill();
});

/** Resolves to what the call settled with: the value, or the error. */
async function settle<T>(call: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await call };
  } catch (error) {
    return { ok: false, error };
  }
}

function expectUnavailable(error: unknown): void {
  expect(error).toBeInstanceOf(StoreUnavailableError);
  expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE' });
  expect((error as Error).cause).toBeInstanceOf(Error);
}

describe('when Redis goes away', () => {
  it('fails calls with StoreUnavailableError while it is down and works again when it returns', async () => {
    const store = createRedisSessionStore({ url: server.url, keyPrefix: 'outage:', ttlMs: 60_000 });
    try {
      await store.createSession({ id: 'before', userId: 'u' });
      await store.appendMessage('before', { role: 'user', content: 'one' });

      await server.kill();
      const calls: (() => Promise<unknown>)[] = [
        () => store.getSession('before'),
        () => store.createSession({ id: 'during', userId: 'u' }),
        () => store.appendMessage('before', { role: 'user', content: 'two' }),
        () => store.listSessions('u'),
        () => store.acquireLease('before', 'w', 1000),
      ];
      for (const call of calls) {
        const result = await settle(call());
        expect(result.ok).toBe(false);
        if (!result.ok) expectUnavailable(result.error);
      }

      await server.start();
      // A fresh server knows none of the scripts: they load again on first use.
      const again = await store.createSession({ id: 'after', userId: 'u' });
      expect(again).toMatchObject({ id: 'after', userId: 'u' });
      expect((await store.appendMessage('after', { role: 'user', content: 'back' })).seq).toBe(1);
      expect((await store.listSessions('u')).sessions.map((session) => session.id)).toEqual(['after']);
    } finally {
      await store.close();
    }
  });

  it('rejects calls made in flight when Redis dies, each with StoreUnavailableError', async () => {
    const store = createRedisSessionStore({ url: server.url, keyPrefix: 'inflight:' });
    try {
      await store.createSession({ id: 'busy', userId: 'u' });
      // Frozen first, so every call below is surely sent and unanswered when the server dies.
      server.freeze();
      const calls = Array.from({ length: 200 }, (_, i) =>
        settle(store.appendMessage('busy', { role: 'user', content: `m${i}` })),
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      await server.kill();
      const results = await Promise.all(calls);
      for (const result of results) {
        expect(result.ok).toBe(false);
        if (!result.ok) expectUnavailable(result.error);
      }
      await server.start();
      await store.createSession({ id: 'busy', userId: 'u' });
      expect((await store.appendMessage('busy', { role: 'user', content: 'again' })).seq).toBe(1);
    } finally {
      await store.close();
    }
  });

  it('leaves no half-written session when Redis stops answering mid-write', async () => {
    // A short command timeout through the exported client defaults, so the frozen server fails calls fast.
    const client = new Redis(server.url, { ...redisClientDefaults, commandTimeout: 500 });
    client.on('error', () => {});
    const store = createRedisSessionStore({ client, keyPrefix: 'frozen:', ttlMs: 60_000 });
    const inspect = new Redis(server.url, { maxRetriesPerRequest: 0 });
    try {
      await store.createSession({ id: 'warm', userId: 'u' });
      const write = (id: string) =>
        settle(
          (async () => {
            await store.createSession({ id, userId: 'u', metadata: { id } });
            for (let n = 1; n <= 3; n++)
              await store.appendMessage(id, { role: 'user', content: `${id}/${n}` });
            await store.saveTranscript(id, `${id}\n`);
          })(),
        );
      // Some sessions are mid-way through their writes when the server freezes; others only begin after.
      const early = Array.from({ length: 100 }, (_, i) => `early${i}`);
      const late = Array.from({ length: 50 }, (_, i) => `late${i}`);
      const writes = early.map(write);
      await new Promise((resolve) => setTimeout(resolve, 5));
      server.freeze();
      writes.push(...late.map(write));
      const results = await Promise.all(writes);
      server.thaw();

      const failures = results.filter((result) => !result.ok);
      expect(failures.length).toBeGreaterThanOrEqual(late.length);
      for (const result of failures) if (!result.ok) expectUnavailable(result.error);

      // Commands sent before the freeze run after it; once PING answers, Redis has caught up.
      expect(await inspect.ping()).toBe('PONG');
      const indexed = await inspect.zrange('frozen:user-sessions:u', 0, -1);
      for (const id of [...early, ...late]) {
        const hash = await inspect.hgetall(`frozen:session:${id}`);
        const messages = await inspect.lrange(`frozen:messages:${id}`, 0, -1);
        const transcript = await inspect.get(`frozen:transcript:${id}`);
        if (hash.id === undefined) {
          // Never created: nothing of it exists anywhere.
          expect({ id, messages, transcript, indexed: indexed.includes(id) }).toEqual({
            id,
            messages: [],
            transcript: null,
            indexed: false,
          });
          continue;
        }
        // Created: the record is whole and indexed, and messages are a gap-free prefix of what was sent.
        expect(hash).toMatchObject({ id, userId: 'u', metadata: JSON.stringify({ id }) });
        expect(indexed).toContain(id);
        expect(await inspect.zscore('frozen:user-sessions:u', id)).toBe(hash.lastActiveAt);
        const contents = messages.map((entry) => JSON.parse(entry).content);
        expect(contents).toEqual([1, 2, 3].slice(0, contents.length).map((n) => `${id}/${n}`));
        if (transcript !== null) expect(transcript).toBe(`${id}\n`);
        for (const key of ['session', 'messages', 'transcript']) {
          expect(await inspect.pttl(`frozen:${key}:${id}`)).not.toBe(-1);
        }
      }
      // And the store carries on.
      expect((await store.appendMessage('warm', { role: 'user', content: 'still here' })).seq).toBe(1);
    } finally {
      server.thaw();
      await store.close();
      client.disconnect();
      inspect.disconnect();
    }
  });
});
