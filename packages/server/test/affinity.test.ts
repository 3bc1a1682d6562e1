import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CliTestEnv, createCliTestEnv } from '@claude-code-server/core/testing';
import { type FakeAnthropic, replies, rules, startFakeAnthropic } from '@claude-code-server/fake-anthropic';
import type { SessionStore } from '@claude-code-server/store';
import { createMemorySessionStore } from '@claude-code-server/store-memory';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ClaudeCodeServer, createServer, type ServerOptions } from '../src/index.js';
import { LogCapture } from './harness.js';
import { parseSse, postStream, type SseMessage } from './sse-client.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const KEY = 'affinity-key-0123456789abcdef';

/** The fields of answers, errors and tasks these tests read. */
interface Body {
  content: string;
  metadata: { warm: boolean; turn: number };
  error: { code: string; details?: unknown };
  status: string;
  result: { content: string } | null;
}

/** One node: its own HTTP listener, CLI config dir and agent, on the store the test shares between nodes. */
interface Node {
  url: string;
  server: ClaudeCodeServer;
  http: Server;
  cli: CliTestEnv;
}

let fake: FakeAnthropic;
let workDir: string;
const nodes: Node[] = [];

beforeAll(async () => {
  fake = await startFakeAnthropic();
  fake.addRule((req) =>
    req.lastUserText.includes('slowly')
      ? replies.text('one two three four five six seven eight', { chunks: 8, delayMs: 400 })
      : undefined,
  );
  fake.addRule(rules.memory);
  fake.addRule(rules.echo);
  const shared = await createCliTestEnv({ baseUrl: fake.url, prefix: 'ccs-affinity-project' });
  workDir = shared.workDir;
  nodes.push({ cli: shared } as Node);
});
afterEach(async () => {
  await Promise.all(nodes.filter((node) => node.server).map((node) => stopNode(node)));
});
afterAll(async () => {
  await fake?.close();
  for (const node of nodes) await node.cli.cleanup();
});

/** Starts a node: the listener first, so that its URL can be the address it advertises. */
async function startNode(
  store: SessionStore,
  options: Partial<ServerOptions> = {},
  advertise = true,
  port = 0,
) {
  const http = createHttpServer();
  await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const cli = await createCliTestEnv({ baseUrl: fake.url, prefix: 'ccs-affinity' });
  const server = await createServer({
    claude: { config_dir: cli.configDir, env: cli.env },
    projects: { main: { path: workDir } },
    logger: pino({ level: 'silent' }),
    auth: { keys: [{ name: 'app', key: KEY }] },
    ...(advertise ? { cluster: { advertise_url: url } } : {}),
    ...options,
    store,
  });
  http.on('request', server.app);
  const node = { url, server, http, cli };
  nodes.push(node);
  return node;
}

async function stopNode(node: Node): Promise<void> {
  node.http.closeAllConnections();
  await new Promise((resolve) => node.http.close(resolve));
  await node.server.shutdown({ deadlineMs: 0 });
  (node as Partial<Node>).server = undefined;
}

function chat(node: Node, body: Record<string, unknown>, path = '/chat'): Promise<Response> {
  return fetch(`${node.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': KEY },
    body: JSON.stringify(body),
  });
}

async function answer(node: Node, body: Record<string, unknown>) {
  const res = await chat(node, body);
  const json = (await res.json()) as Body;
  expect(res.status, JSON.stringify(json)).toBe(200);
  return json;
}

const WITH_METRICS = { metrics: { enabled: true, public: true } };

/** The value of `ccs_forwarded_requests_total` for an outcome, as the node's /metrics shows it. */
async function forwards(node: Node, outcome: string): Promise<number> {
  const text = await (await fetch(`${node.url}/metrics`)).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`ccs_forwarded_requests_total{outcome="${outcome}"}`));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

async function streamEvents(node: Node, body: Record<string, unknown>): Promise<SseMessage[]> {
  const res = await postStream(`${node.url}/chat/stream`, body, { headers: { 'x-api-key': KEY } });
  expect(res.status).toBe(200);
  const events: SseMessage[] = [];
  for await (const message of parseSse(res.body as ReadableStream<Uint8Array>)) {
    if (message.event) events.push(message);
  }
  return events;
}

describe('session affinity between two nodes of one store', () => {
  it('answers a message that reaches the other node with the warm process of the node that ran the session', async () => {
    const store = createMemorySessionStore();
    const log = new LogCapture();
    const [a, b] = [
      await startNode(store),
      await startNode(store, { ...WITH_METRICS, logger: pino({ level: 'info' }, log) }),
    ];
    const first = await answer(a, { message: 'My name is Ada', user_id: 'ada' });
    expect(first.metadata.warm).toBe(false);
    const second = await answer(b, { message: 'What is my name?', user_id: 'ada' });
    expect(second.content).toContain('Your name is Ada');
    expect(second.metadata.warm).toBe(true);
    const third = await answer(a, { message: 'What is my name?', user_id: 'ada' });
    expect(third.metadata).toMatchObject({ warm: true, turn: 3 });
    // Node b ran nothing: every turn was a's.
    expect(b.server.agent.stats().turnsStarted).toBe(0);
    expect(a.server.agent.stats().turnsStarted).toBe(3);

    // Streamed too: the events come through b as a sent them.
    const events = await streamEvents(b, { message: 'What is my name?', user_id: 'ada' });
    expect(events[0]?.event).toBe('session');
    const done = events.find((event) => event.event === 'done')?.data as Body;
    expect(done.content).toContain('Your name is Ada');
    expect(done.metadata).toMatchObject({ warm: true, turn: 4 });
    expect(events.filter((event) => event.event === 'delta').length).toBeGreaterThan(0);
    expect(await forwards(b, 'answered')).toBe(2);
    // b's access log names where each request went, and holds no prompt.
    const requests = log.lines.map((line) => JSON.parse(line)).filter((line) => line.msg === 'request');
    expect(requests.filter((line) => line.forwarded_to === a.url)).toHaveLength(2);
    expect(log.text).not.toContain('What is my name');
  });

  it('without cluster.advertise_url each node answers itself, resuming the conversation', async () => {
    const store = createMemorySessionStore();
    const [a, b] = [await startNode(store, {}, false), await startNode(store, {}, false)];
    await answer(a, { message: 'My name is Bo', user_id: 'bo' });
    const second = await answer(b, { message: 'What is my name?', user_id: 'bo' });
    expect(second.content).toContain('Your name is Bo');
    expect(second.metadata.warm).toBe(false);
    expect(b.server.agent.stats().turnsStarted).toBe(1);
  });

  it('answers on the node that got the message when the session’s node is gone, keeping the conversation', async () => {
    const store = createMemorySessionStore();
    const [a, b] = [await startNode(store), await startNode(store, WITH_METRICS)];
    await answer(a, { message: 'My name is Cy', user_id: 'cy' });
    await stopNode(a);
    const second = await answer(b, { message: 'What is my name?', user_id: 'cy' });
    expect(second.content).toContain('Your name is Cy');
    expect(second.metadata.warm).toBe(false);
    // b ran it, and the next message stays on b.
    const third = await answer(b, { message: 'What is my name?', user_id: 'cy' });
    expect(third.metadata.warm).toBe(true);
    expect(await forwards(b, 'unreachable')).toBe(1);
  });

  it('sends the messages of a session to its node again once that node is back at its address', async () => {
    const store = createMemorySessionStore();
    const [a, b] = [await startNode(store), await startNode(store)];
    await answer(a, { message: 'My name is Eva', user_id: 'eva' });
    await answer(b, { message: 'hello', user_id: 'eva' });
    const port = Number(new URL(a.url).port);
    await stopNode(a);
    const restarted = await startNode(store, {}, true, port);
    const next = await answer(b, { message: 'What is my name?', user_id: 'eva' });
    expect(next.content).toContain('Your name is Eva');
    // The restarted node resumed the conversation; b only passed the message on.
    expect(restarted.server.agent.stats().turnsStarted).toBe(1);
    expect(b.server.agent.stats().turnsStarted).toBe(0);
  });

  it('reports NODE_LOST when the session’s node goes away after it took the message', async () => {
    const store = createMemorySessionStore();
    const [a, b] = [await startNode(store), await startNode(store, WITH_METRICS)];
    await answer(a, { message: 'My name is Di', user_id: 'di' });

    const pending = chat(b, { message: 'Count slowly', user_id: 'di' });
    await fake.waitForRequest((req) => req.lastUserText.includes('Count slowly'));
    a.http.closeAllConnections();
    const res = await pending;
    expect(res.status).toBe(502);
    expect(((await res.json()) as Body).error).toMatchObject({ code: 'NODE_LOST' });

    const streamed = postStream(
      `${b.url}/chat/stream`,
      { message: 'Count slowly again', user_id: 'di' },
      { headers: { 'x-api-key': KEY } },
    );
    const opened = await streamed;
    expect(opened.status).toBe(200);
    const events: SseMessage[] = [];
    for await (const message of parseSse(opened.body as ReadableStream<Uint8Array>)) {
      if (!message.event) continue;
      events.push(message);
      if (message.event === 'delta') a.http.closeAllConnections();
    }
    expect(events[0]?.event).toBe('session');
    expect(events.at(-1)).toMatchObject({
      event: 'error',
      data: { error: { code: 'NODE_LOST' }, status: 502 },
    });
    expect(await forwards(b, 'node_lost')).toBe(2);
  });

  it('counts a forwarded request once against the key’s shared rate limit, on the node that answers it', async () => {
    const redis = new Redis(REDIS_URL);
    const keyPrefix = `ccs-affinity-${randomUUID().slice(0, 8)}:`;
    try {
      const store = createMemorySessionStore();
      const limited = {
        auth: { keys: [{ name: 'app', key: KEY, rate_limit: { requests_per_minute: 2 } }] },
        rateLimits: { type: 'redis' as const, client: redis, keyPrefix },
      };
      const [a, b] = [await startNode(store, limited), await startNode(store, limited)];
      await answer(a, { message: 'hello', user_id: 'ed' });
      // Forwarded to a: counted there only, so the second of two requests a minute goes through.
      const second = await answer(b, { message: 'hello again', user_id: 'ed' });
      expect(second.metadata.warm).toBe(true);
      const third = await chat(b, { message: 'once more', user_id: 'ed' });
      expect(third.status).toBe(429);
      expect(((await third.json()) as Body).error.code).toBe('RATE_LIMITED');
    } finally {
      const keys = await redis.keys(`${keyPrefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    }
  });
});

describe('a key’s max_concurrent_turns across nodes', () => {
  it('refuses a turn beyond the limit on any node with 429 CONCURRENCY_LIMITED, and lets one run once a slot is free', async () => {
    const store = createMemorySessionStore();
    const options = { auth: { keys: [{ name: 'app', key: KEY, max_concurrent_turns: 1 }] } };
    const [a, b] = [await startNode(store, options), await startNode(store, options)];
    const running = chat(a, { message: 'Count slowly', user_id: 'fay' });
    await fake.waitForRequest(
      (req) => req.lastUserText.includes('Count slowly') && req.userTexts.length === 1,
    );

    const refused = await chat(b, { message: 'hello', user_id: 'gus' });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(((await refused.json()) as Body).error).toMatchObject({
      code: 'CONCURRENCY_LIMITED',
      details: { max_concurrent_turns: 1 },
    });
    const stream = await postStream(
      `${b.url}/chat/stream`,
      { message: 'hello', user_id: 'gus' },
      { headers: { 'x-api-key': KEY } },
    );
    expect(stream.status).toBe(429);
    await stream.body?.cancel();

    // An async task waits (pending) for the slot instead of failing.
    const submitted = await chat(b, { message: 'queued hello', user_id: 'hal' }, '/chat/async');
    expect(submitted.status).toBe(202);
    const { task_id: taskId } = (await submitted.json()) as { task_id: string };

    expect((await running).status).toBe(200);
    const after = await answer(b, { message: 'hello now', user_id: 'gus' });
    expect(after.content).toContain('hello now');
    let task = {} as Body;
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
      const res = await fetch(`${b.url}/task/${taskId}`, { headers: { 'x-api-key': KEY } });
      task = (await res.json()) as Body;
      if (task.status === 'completed' || task.status === 'failed') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(task).toMatchObject({
      status: 'completed',
      result: { content: expect.stringContaining('queued hello') },
    });
  });
});
