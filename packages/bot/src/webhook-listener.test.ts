import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMemoryState } from '@chat-adapter/state-memory';
import { ClaudeAgent } from '@claude-code-server/agent';
import { createMemorySessionStore } from '@claude-code-server/store-memory';
import type { Adapter } from 'chat';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ClaudeBot } from './claude-bot.js';
import { quietLogger } from './testing/index.js';
import { webhookRequestListener } from './webhook-listener.js';

// An adapter that answers a GET echostr check the way WeCom and Official Account callbacks need,
// and says which requests reached it. No turn runs, so no CLI starts.
const seen: string[] = [];
const echoAdapter = {
  name: 'echo',
  userName: 'claude',
  async initialize() {},
  async handleWebhook(request: Request) {
    const url = new URL(request.url);
    seen.push(`${request.method} ${url.pathname}${url.search}`);
    if (request.method === 'GET') return new Response(url.searchParams.get('echostr') ?? '', { status: 200 });
    return new Response('taken', { status: 200 });
  },
} as unknown as Adapter;

const store = createMemorySessionStore();
const agent = new ClaudeAgent({ store, pool: { maxLive: 1, spares: 0 } });
let bot: ClaudeBot;
let server: Server;
let base: string;

beforeAll(async () => {
  bot = new ClaudeBot({
    agent,
    userName: 'claude',
    adapters: { echo: echoAdapter },
    state: createMemoryState(),
    logger: quietLogger,
  });
  server = createServer(webhookRequestListener(bot, { basePath: '/hooks' }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await bot.close({ graceMs: 0 });
  await agent.close();
  await store.close();
});

it('passes a GET URL verification through to the adapter, which answers the echostr', async () => {
  const response = await fetch(`${base}/hooks/echo?msg_signature=s&echostr=hello%2B1`);
  expect(response.status).toBe(200);
  expect(await response.text()).toBe('hello+1');
  expect(seen).toContain('GET /hooks/echo?msg_signature=s&echostr=hello%2B1');
});

it('passes HEAD and POST through too, and refuses other methods with 405 naming the allowed ones', async () => {
  const head = await fetch(`${base}/hooks/echo`, { method: 'HEAD' });
  expect(head.status).toBe(200);
  const post = await fetch(`${base}/hooks/echo`, { method: 'POST', body: '{}' });
  expect(await post.text()).toBe('taken');
  const put = await fetch(`${base}/hooks/echo`, { method: 'PUT', body: '{}' });
  expect(put.status).toBe(405);
  expect(put.headers.get('allow')).toBe('GET, HEAD, POST');
  expect(seen.filter((line) => line.startsWith('PUT'))).toEqual([]);
  expect(seen).toEqual(expect.arrayContaining(['HEAD /hooks/echo', 'POST /hooks/echo']));
});

it('answers 404 for a platform the bot does not have, without asking any adapter', async () => {
  const before = seen.length;
  const response = await fetch(`${base}/hooks/nobody`);
  expect(response.status).toBe(404);
  expect(seen.length).toBe(before);
});
