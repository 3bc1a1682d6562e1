import { randomUUID } from 'node:crypto';
import { type CliTestEnv, createCliTestEnv } from '@claude-code-server/core/testing';
import { type FakeAnthropic, startFakeAnthropic } from '@claude-code-server/fake-anthropic';
import { type ClaudeCodeServer, createServer } from '@claude-code-server/server';
import { createMemorySessionStore } from '@claude-code-server/store-memory';
import { Redis } from 'ioredis';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoreConfig } from '../config/app-config-schema.js';
import { createRateLimitsFromConfig, type OpenRateLimits } from './create-rate-limits.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const KEY = 'limits-nodes-key-0123456789';
const id = randomUUID().slice(0, 8);
const STORES: Record<'redis' | 'postgres', StoreConfig> = {
  redis: { type: 'redis', url: REDIS_URL, key_prefix: `ccs-limits-${id}:` },
  postgres: { type: 'postgres', url: DATABASE_URL, schema: `ccs_limits_${id}` },
};

let fake: FakeAnthropic;
let cli: CliTestEnv;

beforeAll(async () => {
  fake = await startFakeAnthropic();
  cli = await createCliTestEnv({ baseUrl: fake.url, prefix: 'ccs-limits' });
});
afterAll(async () => {
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`ccs-limits-${id}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ccs_limits_${id}_limits CASCADE`);
  await client.end();
  await fake?.close();
  await cli?.cleanup();
});

describe.each(['redis', 'postgres'] as const)('rate limits across nodes on %s', (type) => {
  const opened: Array<{ server: ClaudeCodeServer; limits: OpenRateLimits; url: string }> = [];

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      const limits = (await createRateLimitsFromConfig(STORES[type])) as OpenRateLimits;
      const server = await createServer({
        claude: { config_dir: cli.configDir, env: cli.env },
        projects: { main: { path: cli.workDir } },
        auth: { keys: [{ name: 'limited', key: KEY, rate_limit: { requests_per_minute: 2 } }] },
        logger: pino({ level: 'silent' }),
        store: createMemorySessionStore(),
        rateLimits: limits.rateLimits,
      });
      const listening = await server.listen(0);
      opened.push({
        server,
        limits,
        url: `http://127.0.0.1:${(listening.address() as { port: number }).port}`,
      });
    }
  });
  afterAll(async () => {
    for (const { server, limits } of opened) {
      await server.shutdown({ deadlineMs: 0 });
      await limits.close();
    }
  });

  it("a key's two requests a minute hold across two nodes", async () => {
    const [a, b] = opened as [(typeof opened)[0], (typeof opened)[0]];
    const list = (url: string) =>
      fetch(`${url}/sessions?user_id=u`, { headers: { authorization: `Bearer ${KEY}` } });
    expect((await list(a.url)).status).toBe(200);
    expect((await list(b.url)).status).toBe(200);
    // Each node has seen one request; the key's limit is spent all the same.
    const refused = await list(a.url);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await list(b.url)).status).toBe(429);
  });
});
