import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisSessionStore, type RedisSessionStore } from '../src/index.js';
import { PrivateRedis } from './support/private-redis.js';

// MONITOR on a private server shows every command a call makes, including those run inside scripts.
let server: PrivateRedis;
let store: RedisSessionStore;
let monitor: Awaited<ReturnType<Redis['monitor']>>;
let client: Redis;
let seen: string[][] = [];

beforeAll(async () => {
  server = await PrivateRedis.start();
  client = new Redis(server.url);
  store = createRedisSessionStore({ client, keyPrefix: 'cmd:', ttlMs: 60_000 });
  await store.createSession({ id: 'long', userId: 'u' });
  await Promise.all(
    Array.from({ length: 1000 }, (_, i) => store.appendMessage('long', { role: 'user', content: `m${i}` })),
  );
  monitor = await new Redis(server.url).monitor();
  monitor.on('monitor', (_time: string, args: string[]) => seen.push(args));
});

afterAll(async () => {
  await store.close();
  monitor.disconnect();
  client.disconnect();
  await server.kill();
});

/** The commands one call ran, scripts' inner commands included, without the EVALSHA itself. */
async function commandsOf(call: () => Promise<unknown>): Promise<string[]> {
  await client.ping('start');
  await call();
  await client.ping('end');
  // MONITOR lags the replies a little: wait until the closing PING has come through.
  while (!seen.some((args) => args[0]?.toLowerCase() === 'ping' && args[1] === 'end')) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const start = seen.findIndex((args) => args[0]?.toLowerCase() === 'ping' && args[1] === 'start');
  const end = seen.findIndex((args) => args[0]?.toLowerCase() === 'ping' && args[1] === 'end');
  const commands = seen.slice(start + 1, end).map((args) => args.join(' '));
  seen = [];
  return commands.filter((command) => !/^(evalsha|eval) /i.test(command));
}

describe('what each call asks of Redis', () => {
  it('appends with one RPUSH and never reads the history', async () => {
    const commands = await commandsOf(() => store.appendMessage('long', { role: 'user', content: 'new' }));
    expect(commands.filter((command) => command.includes('cmd:messages:long'))).toEqual([
      expect.stringMatching(/^RPUSH cmd:messages:long /i),
      'PEXPIRE cmd:messages:long 60000',
    ]);
    expect(commands.join('\n')).not.toMatch(/LRANGE|LINDEX|LLEN|GET cmd:messages/i);
  });

  it('reads a page with one LRANGE of exactly that page', async () => {
    const commands = await commandsOf(() => store.listMessages('long', { before: 501, limit: 20 }));
    expect(commands.filter((command) => command.includes('cmd:messages:long'))).toEqual([
      'LLEN cmd:messages:long',
      'LRANGE cmd:messages:long 480 499',
    ]);
  });

  it('refreshes the TTL of every key of the session on activity', async () => {
    const commands = await commandsOf(() => store.touchSession('long'));
    const expiring = commands
      .filter((command) => /^PEXPIRE \S+:long 60000$/i.test(command))
      .map((command) => command.split(' ')[1]);
    expect(expiring.sort()).toEqual(['cmd:messages:long', 'cmd:session:long', 'cmd:transcript:long']);
  });
});
