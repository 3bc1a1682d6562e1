import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { type CliTestEnv, createCliTestEnv } from '@claude-code-server/core/testing';
import { type FakeAnthropic, replies, rules, startFakeAnthropic } from '@claude-code-server/fake-anthropic';
import type { JobQueue } from '@claude-code-server/jobs';
import { createBullMQJobQueue } from '@claude-code-server/jobs-bullmq';
import { createPgBossJobQueue } from '@claude-code-server/jobs-pgboss';
import type { SessionStore } from '@claude-code-server/store';
import { createPostgresSessionStore } from '@claude-code-server/store-postgres';
import { createRedisSessionStore } from '@claude-code-server/store-redis';
import { Redis } from 'ioredis';
import pg from 'pg';
import { pino } from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ClaudeCodeServer,
  createServer,
  InvalidServerOptionsError,
  type TaskBody,
} from '../src/index.js';

const DYING_NODE = fileURLToPath(new URL('./support/dying-node.ts', import.meta.url));
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A shared backend: each node opens its own store and queue on it, as two machines would. */
interface Backend {
  store(): SessionStore;
  queue(): JobQueue;
  /** How a worker of another process opens the same queue. */
  worker: ['bullmq' | 'pg-boss', Record<string, unknown>];
  cleanup(): Promise<void>;
}

function redisBackend(): Backend {
  const id = randomUUID().slice(0, 8);
  const queueOptions = {
    name: `tasks-${id}`,
    url: REDIS_URL,
    prefix: `ccs-nodes-jobs-${id}`,
    staleAfterMs: 1000,
  };
  return {
    store: () => createRedisSessionStore({ url: REDIS_URL, keyPrefix: `ccs-nodes-${id}:` }),
    queue: () => createBullMQJobQueue(queueOptions),
    worker: ['bullmq', queueOptions],
    async cleanup() {
      const redis = new Redis(REDIS_URL);
      for (const pattern of [`ccs-nodes-${id}:*`, `ccs-nodes-jobs-${id}:*`]) {
        const keys = await redis.keys(pattern);
        if (keys.length > 0) await redis.del(...keys);
      }
      await redis.quit();
    },
  };
}

function postgresBackend(): Backend {
  const id = randomUUID().slice(0, 8);
  const schemas = [`ccs_nodes_${id}`, `ccs_nodes_jobs_${id}`];
  const queueOptions = {
    name: 'tasks',
    url: DATABASE_URL,
    schema: schemas[1],
    staleAfterMs: 1000,
    pollIntervalMs: 200,
  };
  return {
    store: () => createPostgresSessionStore({ url: DATABASE_URL, schema: schemas[0] }),
    queue: () => createPgBossJobQueue(queueOptions),
    worker: ['pg-boss', queueOptions],
    async cleanup() {
      const client = new pg.Client({ connectionString: DATABASE_URL });
      await client.connect();
      for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    },
  };
}

/** Starts a worker process on the backend's queue; resolves once it took a job. */
function startDyingNode(backend: Backend): { child: ChildProcess; took: Promise<string> } {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', DYING_NODE, backend.worker[0], JSON.stringify(backend.worker[1])],
    {
      cwd: dirname(DYING_NODE),
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const took = new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /took (\S+)/.exec(out);
      if (match) resolve(match[1] as string);
    });
    child.once('exit', (code, signal) => reject(new Error(`the worker process exited (${code ?? signal})`)));
  });
  took.catch(() => undefined);
  return { child, took };
}

let fake: FakeAnthropic;
/** Each node its own CLI config dir and project directory, like two machines. */
const clis: CliTestEnv[] = [];

beforeAll(async () => {
  fake = await startFakeAnthropic();
  fake.addRule(rules.memory);
  for (const name of ['a', 'b']) {
    const cli = await createCliTestEnv({ baseUrl: fake.url, prefix: `ccs-node-${name}` });
    await writeFile(join(cli.workDir, 'README.md'), 'The main project.\n');
    clis.push(cli);
  }
});
afterAll(async () => {
  await fake?.close();
  await Promise.all(clis.map((cli) => cli.cleanup()));
});

/** A running node and what it opened. */
interface Node {
  server: ClaudeCodeServer;
  store: SessionStore;
  close(): Promise<void>;
}

/** Node `index` on the backend; concurrency 0 makes a node that takes tasks and never runs one. */
async function startNode(backend: Backend, index: number, concurrency: number): Promise<Node> {
  const cli = clis[index] as CliTestEnv;
  const store = backend.store();
  const server = await createServer({
    claude: { config_dir: cli.configDir, env: cli.env },
    projects: { main: { path: cli.workDir } },
    logger: pino({ level: 'silent' }),
    store,
    taskQueue: backend.queue(),
    tasks: { concurrency, heartbeat_ms: 500 },
  });
  return {
    server,
    store,
    async close() {
      await server.shutdown({ deadlineMs: 0 });
      await store.close();
    },
  };
}

async function waitForTask(node: Node, taskId: string, statuses: string[]): Promise<TaskBody> {
  for (;;) {
    const res = await request(node.server.app).get(`/task/${taskId}`);
    expect(res.status).toBe(200);
    if (statuses.includes(res.body.status)) return res.body as TaskBody;
    await sleep(100);
  }
}

describe.each([
  ['Redis (BullMQ)', 'redis', redisBackend],
  ['PostgreSQL (pg-boss)', 'pg', postgresBackend],
])('async tasks across two nodes on %s', (_name, tag, makeBackend) => {
  // The nodes' CLI config dirs outlive a backend: each backend's users are its own.
  const user = (name: string) => `${name}-${tag}`;
  const backend = makeBackend();
  // Node A takes the requests and has no worker capacity: every task it takes runs on node B.
  let a: Node;
  let b: Node;

  beforeAll(async () => {
    a = await startNode(backend, 0, 0);
    b = await startNode(backend, 1, 1);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await backend.cleanup();
  });

  it('runs a task taken by node A on node B', async () => {
    fake.enqueue(replies.text('Answered by the other node.'));
    const accepted = await request(a.server.app)
      .post('/chat/async')
      .send({ message: 'Queued work', user_id: user('ann') });
    expect(accepted.status).toBe(202);
    const task = await waitForTask(a, accepted.body.task_id, ['completed', 'failed']);
    expect(task).toMatchObject({
      status: 'completed',
      result: { content: 'Answered by the other node.', session_id: `user_${user('ann')}`, success: true },
    });
    // Node B ran the turn in its own project directory; both nodes read the one record.
    expect((await request(b.server.app).get(`/task/${accepted.body.task_id}`)).body).toMatchObject({
      status: 'completed',
    });
  });

  it('cancels from node A the turn running on node B', async () => {
    fake.enqueue(replies.hang());
    const accepted = await request(a.server.app)
      .post('/chat/async')
      .send({ message: `Long job on ${tag}`, user_id: user('bo') });
    await fake.waitForRequest((r) => r.lastUserText === `Long job on ${tag}`);
    await waitForTask(b, accepted.body.task_id, ['running']);

    const cancelled = await request(a.server.app).delete(`/task/${accepted.body.task_id}`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', error_code: 'CANCELLED', result: null });
    expect((await request(b.server.app).get(`/task/${accepted.body.task_id}`)).body.status).toBe('cancelled');
    const again = await request(b.server.app).delete(`/task/${accepted.body.task_id}`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('TASK_FINISHED');
  });

  it('keeps a queued task across a restart of both nodes, then runs it', async () => {
    await b.close();
    const accepted = await request(a.server.app)
      .post('/chat/async')
      .send({ message: 'After restart', user_id: user('cy') });
    expect(accepted.status).toBe(202);
    await a.close();

    fake.enqueue(replies.text('Run after the restart.'));
    a = await startNode(backend, 0, 0);
    b = await startNode(backend, 1, 1);
    const task = await waitForTask(a, accepted.body.task_id, ['completed', 'failed']);
    expect(task).toMatchObject({ status: 'completed', result: { content: 'Run after the restart.' } });
  });

  it('fails a task whose node died while it ran, and never runs its turn twice', async () => {
    await b.close();
    const dying = startDyingNode(backend);
    const message = `Dies with its node on ${tag}`;
    const accepted = await request(a.server.app)
      .post('/chat/async')
      .send({ message, user_id: user('di') });
    expect(await dying.took).toBe(accepted.body.task_id);
    dying.child.kill('SIGKILL');

    // The queue hands the job on (attempt 2) once the dead worker's lock or heartbeat runs out.
    b = await startNode(backend, 1, 1);
    const task = await waitForTask(a, accepted.body.task_id, ['completed', 'failed', 'cancelled']);
    expect(task).toMatchObject({ status: 'failed', error_code: 'SERVER_RESTARTED', result: null });
    expect(fake.conversationRequests().some((r) => r.lastUserText === message)).toBe(false);
  });
});

describe('the task queue options', () => {
  const base = () => {
    const cli = clis[0] as CliTestEnv;
    return {
      claude: { config_dir: cli.configDir, env: cli.env },
      projects: { main: { path: cli.workDir } },
      logger: pino({ level: 'silent' }),
      store: redisBackend().store(),
    };
  };

  it('refuses a node that runs no task without a shared queue, and a queue the options contradict', async () => {
    const options = base();
    try {
      await expect(createServer({ ...options, tasks: { concurrency: 0 } })).rejects.toMatchObject({
        constructor: InvalidServerOptionsError,
        path: 'tasks.concurrency',
      });
      await expect(createServer({ ...options, tasks: { queue: 'bullmq' } })).rejects.toMatchObject({
        constructor: InvalidServerOptionsError,
        path: 'tasks.queue',
        message: expect.stringContaining('bullmq needs a taskQueue'),
      });
      const queue = redisBackend().queue();
      await expect(
        createServer({ ...options, taskQueue: queue, tasks: { queue: 'in-process' } }),
      ).rejects.toMatchObject({ constructor: InvalidServerOptionsError, path: 'tasks.queue' });
      await queue.close();
    } finally {
      await options.store.close();
    }
  });
});
