import { afterAll, describe, expect, it } from 'vitest';
import { createRedisSessionStore, type RedisSessionStore } from '../src/index.js';
import { deleteKeysUnder, keysUnder, openRedis, REDIS_URL, uniquePrefix } from './support/shared-redis.js';

const redis = openRedis();
const prefix = uniquePrefix('expiry');
const stores: RedisSessionStore[] = [];

function open(ttlMs?: number): RedisSessionStore {
  const store = createRedisSessionStore({ url: REDIS_URL, keyPrefix: prefix, ttlMs });
  stores.push(store);
  return store;
}

afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()));
  await deleteKeysUnder(prefix, redis);
  redis.disconnect();
});

/** PTTL of every key of the session (and of its user's index). */
async function ttls(id: string, userId: string) {
  const names = [`session:${id}`, `messages:${id}`, `transcript:${id}`, `user-sessions:${userId}`];
  const values = await Promise.all(names.map((name) => redis.pttl(`${prefix}${name}`)));
  return Object.fromEntries(names.map((name, i) => [name, values[i]!]));
}

describe('TTL', () => {
  it('puts the TTL on every key of a session', async () => {
    const store = open(60_000);
    await store.createSession({ id: 'ttl-all', userId: 'u-all' });
    await store.appendMessage('ttl-all', { role: 'user', content: 'x' });
    await store.saveTranscript('ttl-all', 'line\n');
    for (const ttl of Object.values(await ttls('ttl-all', 'u-all'))) {
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
    }
  });

  it('slides the TTL of every key on each kind of activity', async () => {
    const store = open(60_000);
    await store.createSession({ id: 'ttl-slide', userId: 'u-slide' });
    await store.appendMessage('ttl-slide', { role: 'user', content: 'x' });
    await store.saveTranscript('ttl-slide', 'line\n');
    const shorten = async () => {
      for (const name of Object.keys(await ttls('ttl-slide', 'u-slide'))) {
        await redis.pexpire(`${prefix}${name}`, 5_000);
      }
    };
    const activities = [
      () => store.touchSession('ttl-slide'),
      () => store.updateSession('ttl-slide', { project: 'p' }),
      () => store.appendMessage('ttl-slide', { role: 'assistant', content: 'y' }),
      () => store.appendTranscript('ttl-slide', 'more\n'),
      () => store.saveTranscript('ttl-slide', 'again\n'),
    ];
    for (const activity of activities) {
      await shorten();
      await activity();
      for (const ttl of Object.values(await ttls('ttl-slide', 'u-slide'))) expect(ttl).toBeGreaterThan(5_000);
    }
  });

  it('sets no TTL when the store has none', async () => {
    const store = open();
    await store.createSession({ id: 'ttl-none', userId: 'u-none' });
    await store.appendMessage('ttl-none', { role: 'user', content: 'x' });
    await store.saveTranscript('ttl-none', 'line\n');
    expect(Object.values(await ttls('ttl-none', 'u-none'))).toEqual([-1, -1, -1, -1]);
    expect((await store.getSession('ttl-none'))!.expiresAt).toBeNull();
  });

  it('drops expired sessions from listSessions and removes their index entries', async () => {
    const store = open(60_000);
    await store.createSession({ id: 'ttl-keep', userId: 'u-list' });
    await store.createSession({ id: 'ttl-lapse', userId: 'u-list' });
    // Expire one session's keys now, as Redis would after the TTL; its index entry stays behind.
    for (const name of ['session', 'messages', 'transcript']) await redis.del(`${prefix}${name}:ttl-lapse`);
    expect(await redis.zrange(`${prefix}user-sessions:u-list`, 0, -1)).toHaveLength(2);

    const page = await store.listSessions('u-list');
    expect(page.sessions.map((session) => session.id)).toEqual(['ttl-keep']);
    expect(await redis.zrange(`${prefix}user-sessions:u-list`, 0, -1)).toEqual(['ttl-keep']);
  });

  it('lets a session and all its keys vanish once the TTL passes', async () => {
    const store = open(200);
    await store.createSession({ id: 'ttl-short', userId: 'u-short' });
    await store.appendMessage('ttl-short', { role: 'user', content: 'x' });
    await store.saveTranscript('ttl-short', 'line\n');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await store.getSession('ttl-short')).toBeNull();
    expect((await store.listSessions('u-short')).sessions).toEqual([]);
    const left = (await keysUnder(redis, prefix)).filter((key) => key.includes('short'));
    expect(left).toEqual([]);
  });
});
