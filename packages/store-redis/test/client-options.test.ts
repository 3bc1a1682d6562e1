import { InvalidInputError, StoreClosedError } from '@claude-code-server/store';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRedisSessionStore } from '../src/index.js';
import { PrivateRedis } from './support/private-redis.js';

// A private server, so the test can see every connection and every key.
let server: PrivateRedis;
let inspect: Redis;
const savedRedisUrl = process.env.REDIS_URL;

beforeAll(async () => {
  server = await PrivateRedis.start();
  inspect = new Redis(server.url, { maxRetriesPerRequest: 0 });
});

afterEach(async () => {
  if (savedRedisUrl === undefined) delete process.env.REDIS_URL;
  else process.env.REDIS_URL = savedRedisUrl;
  await inspect.flushall();
});

afterAll(async () => {
  inspect.disconnect();
  await server.kill();
});

/** Connections the server holds besides our inspecting one, given a moment to reach `expected`. */
async function otherConnections(expected: number): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const count =
      String(await inspect.client('LIST'))
        .trim()
        .split('\n').length - 1;
    if (count === expected || attempt === 50) return count;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('client options', () => {
  it('reads REDIS_URL when neither url nor client is given', async () => {
    process.env.REDIS_URL = server.url;
    const store = createRedisSessionStore({ keyPrefix: 'env:' });
    await store.createSession({ id: 's1', userId: 'u' });
    expect(await inspect.exists('env:session:s1')).toBe(1);
    await store.close();
  });

  it('prefers url over REDIS_URL', async () => {
    process.env.REDIS_URL = 'redis://127.0.0.1:1';
    const store = createRedisSessionStore({ url: server.url, keyPrefix: 'url:' });
    await store.createSession({ id: 's1', userId: 'u' });
    expect(await inspect.exists('url:session:s1')).toBe(1);
    await store.close();
  });

  it('uses the default prefix ccs:', async () => {
    const store = createRedisSessionStore({ url: server.url });
    await store.createSession({ id: 's1', userId: 'u' });
    expect((await inspect.keys('*')).sort()).toEqual(['ccs:session:s1', 'ccs:user-sessions:u']);
    await store.close();
  });

  it('closes the connection it opened', async () => {
    const store = createRedisSessionStore({ url: server.url });
    await store.getSession('s1');
    expect(await otherConnections(1)).toBe(1);
    await store.close();
    expect(await otherConnections(0)).toBe(0);
    await expect(store.getSession('s1')).rejects.toBeInstanceOf(StoreClosedError);
  });

  it('never closes a client it was given, and then never reads REDIS_URL', async () => {
    process.env.REDIS_URL = 'redis://127.0.0.1:1';
    const client = new Redis(server.url);
    const store = createRedisSessionStore({ client, keyPrefix: 'given:' });
    await store.createSession({ id: 's1', userId: 'u' });
    await store.close();
    await store.close();
    await expect(store.getSession('s1')).rejects.toBeInstanceOf(StoreClosedError);
    expect(await client.hget('given:session:s1', 'userId')).toBe('u');
    client.disconnect();
  });

  it("refuses a client with ioredis's own keyPrefix, and a bad ttlMs", () => {
    const client = new Redis(server.url, { keyPrefix: 'x:', lazyConnect: true });
    expect(() => createRedisSessionStore({ client })).toThrow(InvalidInputError);
    expect(() => createRedisSessionStore({ client })).toThrow(/client/);
    expect(() => createRedisSessionStore({ url: server.url, ttlMs: 0 })).toThrow(/ttlMs/);
    client.disconnect();
  });

  it('refuses url and client together, and an empty url, naming them', () => {
    const client = new Redis(server.url, { lazyConnect: true });
    expect(() => createRedisSessionStore({ url: server.url, client })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', field: 'options' }),
    );
    expect(() => createRedisSessionStore({ url: '' })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', field: 'url' }),
    );
    client.disconnect();
  });
});
