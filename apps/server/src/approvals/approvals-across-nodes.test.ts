import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type CliTestEnv, createCliTestEnv } from '@claude-code-server/core/testing';
import { type FakeAnthropic, replies, startFakeAnthropic } from '@claude-code-server/fake-anthropic';
import { type ClaudeCodeServer, createServer } from '@claude-code-server/server';
import type { SessionStore } from '@claude-code-server/store';
import { createPostgresSessionStore } from '@claude-code-server/store-postgres';
import { createRedisSessionStore } from '@claude-code-server/store-redis';
import { Redis } from 'ioredis';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LISTENER_APPLICATION_NAME, PostgresApprovalHandOff } from './postgres-hand-off.js';
import { RedisApprovalHandOff, SUBSCRIBER_CONNECTION_NAME } from './redis-hand-off.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const KEY = 'approvals-nodes-key-0123456789';
const id = randomUUID().slice(0, 8);
const prefix = `ccs-approvals-${id}:`;
const schemas = [`ccs_approvals_${id}`, `ccs_approvals_${id}_approvals`];

/** A shared backend: each node opens its own store and hand-off on it. */
const BACKENDS = {
  redis: () => ({
    store: createRedisSessionStore({ url: REDIS_URL, keyPrefix: prefix }),
    handOff: new RedisApprovalHandOff({ url: REDIS_URL, prefix }),
  }),
  postgres: () => ({
    store: createPostgresSessionStore({ url: DATABASE_URL, schema: schemas[0] }),
    handOff: new PostgresApprovalHandOff({ url: DATABASE_URL, schema: schemas[1] as string }),
  }),
};
type BackendName = keyof typeof BACKENDS;

interface Node {
  server: ClaudeCodeServer;
  store: SessionStore;
  handOff: RedisApprovalHandOff | PostgresApprovalHandOff;
  url: string;
}

let fake: FakeAnthropic;
const clis: CliTestEnv[] = [];

/** A node on the shared Redis with its own CLI config dir and project directory, as another machine. */
async function startNode(cli: CliTestEnv, backend: BackendName): Promise<Node> {
  const { store, handOff } = BACKENDS[backend]();
  const server = await createServer({
    claude: {
      config_dir: cli.configDir,
      env: cli.env,
      permission_mode: 'default',
      allowed_tools: ['Read'],
      max_turns: 4,
    },
    projects: { main: { path: cli.workDir } },
    auth: { keys: [{ name: 'writer', key: KEY, tools: ['Read', 'Write'] }] },
    logger: pino({ level: 'silent' }),
    store,
    approvals: handOff,
  });
  const listening = await server.listen(0);
  const address = listening.address() as { port: number };
  return { server, store, handOff, url: `http://127.0.0.1:${address.port}` };
}

/** Drops the connections on which the nodes wait for answers, as a restart of the database would. */
async function dropAnswerConnections(backend: BackendName): Promise<number> {
  if (backend === 'redis') {
    const redis = new Redis(REDIS_URL);
    const clients = String(await redis.call('CLIENT', 'LIST')).split('\n');
    const ids = clients
      .filter((line) => line.includes(` name=${SUBSCRIBER_CONNECTION_NAME} `))
      .map((line) => /\bid=(\d+)/.exec(line)?.[1] as string);
    for (const clientId of ids) await redis.call('CLIENT', 'KILL', 'ID', clientId);
    await redis.quit();
    return ids.length;
  }
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  const { rowCount } = await admin.query(
    `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND query LIKE $2`,
    [LISTENER_APPLICATION_NAME, `%${schemas[1]}_answers%`],
  );
  await admin.end();
  return rowCount ?? 0;
}

// Response bodies are read field by field in assertions.
// biome-ignore lint/suspicious/noExplicitAny: test-only JSON
type Json = any;

async function call(url: string, method: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: await res.json() };
}

beforeAll(async () => {
  fake = await startFakeAnthropic();
  for (const name of ['a', 'b']) {
    clis.push(await createCliTestEnv({ baseUrl: fake.url, prefix: `ccs-approvals-${name}` }));
  }
});
afterAll(async () => {
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
  await fake?.close();
  await Promise.all(clis.map((cli) => cli.cleanup()));
});

describe.each(['redis', 'postgres'] as const)('approvals across nodes on %s', (backend) => {
  const nodes: Node[] = [];
  beforeAll(async () => {
    for (const cli of clis) nodes.push(await startNode(cli, backend));
  });
  afterAll(async () => {
    for (const node of nodes) {
      await node.server.shutdown({ deadlineMs: 0 });
      await node.handOff.shutdown();
      await node.store.close();
    }
  });

  it('a Write waiting on node A is allowed on node B, and node A writes the file', async () => {
    const [a, b] = nodes as [Node, Node];
    const file = join((clis[0] as CliTestEnv).workDir, `approved-on-${backend}.txt`);
    fake.enqueue(
      replies.toolUse('Write', { file_path: file, content: 'written after approval\n' }),
      replies.text('The file is written.'),
    );
    const accepted = await call(`${a.url}/chat/async`, 'POST', {
      message: `write the file on ${backend}`,
      user_id: `alice-${backend}`,
      wait_for_approval: true,
    });
    expect(accepted.status).toBe(202);

    // Node B sees the request (the task's record and the hand-off are shared) and answers it.
    let pending: Array<{ request_id: string; tool_name: string }> = [];
    while (pending.length === 0) {
      await sleep(100);
      pending = (await call(`${b.url}/session/user_alice-${backend}/permissions`, 'GET')).body.pending ?? [];
    }
    expect(pending[0]).toMatchObject({ tool_name: 'Write' });
    const answered = await call(
      `${b.url}/session/user_alice-${backend}/permissions/${pending[0]?.request_id}`,
      'POST',
      {
        behavior: 'allow',
      },
    );
    expect(answered.status).toBe(200);
    expect(answered.body).toMatchObject({ success: true, behavior: 'allow' });

    let task = await call(`${a.url}/task/${accepted.body.task_id}`, 'GET');
    while (!['completed', 'failed', 'cancelled'].includes(task.body.status)) {
      await sleep(100);
      task = await call(`${a.url}/task/${accepted.body.task_id}`, 'GET');
    }
    expect(task.body).toMatchObject({ status: 'completed', result: { content: 'The file is written.' } });
    expect(await readFile(file, 'utf8')).toBe('written after approval\n');
    // Answered once: a second answer finds nothing open.
    const again = await call(
      `${b.url}/session/user_alice-${backend}/permissions/${pending[0]?.request_id}`,
      'POST',
      {
        behavior: 'deny',
        message: 'too late',
      },
    );
    expect(again.status).toBe(404);
  });

  it('an answer given while the waiting node had lost its connection for answers reaches the turn once it is back', async () => {
    const [a, b] = nodes as [Node, Node];
    fake.enqueue(
      replies.toolUse('Write', {
        file_path: join((clis[0] as CliTestEnv).workDir, `after-reconnect-${backend}.txt`),
        content: 'x\n',
      }),
      replies.text('Written after the reconnect.'),
    );
    const accepted = await call(`${a.url}/chat/async`, 'POST', {
      message: 'write after a reconnect',
      user_id: `reconnect-${backend}`,
      wait_for_approval: true,
    });
    let pending: Array<{ request_id: string }> = [];
    while (pending.length === 0) {
      await sleep(100);
      pending =
        (await call(`${b.url}/session/user_reconnect-${backend}/permissions`, 'GET')).body.pending ?? [];
    }
    // The nodes lose the connections they wait for answers on (other processes' may go too).
    expect(await dropAnswerConnections(backend)).toBeGreaterThanOrEqual(1);
    const answered = await call(
      `${b.url}/session/user_reconnect-${backend}/permissions/${pending[0]?.request_id}`,
      'POST',
      { behavior: 'allow' },
    );
    expect(answered.status).toBe(200);
    let task = await call(`${a.url}/task/${accepted.body.task_id}`, 'GET');
    while (!['completed', 'failed', 'cancelled'].includes(task.body.status)) {
      await sleep(100);
      task = await call(`${a.url}/task/${accepted.body.task_id}`, 'GET');
    }
    expect(task.body).toMatchObject({
      status: 'completed',
      result: { content: 'Written after the reconnect.' },
    });
  });
});
