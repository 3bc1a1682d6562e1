import type { AddressInfo } from 'node:net';
import { findProcessesByEnv } from '@claude-code-server/core/testing';
import { replies } from '@claude-code-server/fake-anthropic';
import { createMemorySessionStore } from '@claude-code-server/store-memory';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClaudeCodeServer } from '../src/index.js';
import { type ServerHarness, startServerHarness } from './harness.js';

let h: ServerHarness;

beforeAll(async () => {
  h = await startServerHarness();
});
afterAll(async () => {
  await h?.close();
});

async function listening(server: ClaudeCodeServer): Promise<string> {
  const address = (await server.listen(0)).address() as AddressInfo;
  return `http://127.0.0.1:${address.port}`;
}

function postChat(url: string, body: Record<string, unknown>) {
  return fetch(`${url}/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('shutdown', () => {
  it('lets a running turn finish within the deadline, refusing new requests meanwhile', async () => {
    const server = await h.server();
    const url = await listening(server);
    h.fake.enqueue(replies.text('finishing my sentence', { chunks: 3, delayMs: 400 }));
    const running = postChat(url, { message: 'Talk slowly', user_id: 'ann' });
    await h.fake.waitForRequest((r) => r.lastUserText === 'Talk slowly');

    const stopped = server.shutdown({ deadlineMs: 30_000 });
    const late = await request(server.app).post('/chat').send({ message: 'hi', user_id: 'bob' });
    expect(late.status).toBe(503);

    const res = await running;
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ content: 'finishing my sentence', success: true });
    await stopped;
  });

  it('interrupts turns still running at the deadline, fails queued tasks and leaves no CLI process', async () => {
    const store = createMemorySessionStore();
    const server = await h.server({ store, limits: { max_concurrent_turns: 1 } });
    const url = await listening(server);
    h.fake.enqueue(replies.hang());
    const running = postChat(url, { message: 'Take forever', user_id: 'cy' });
    await h.fake.waitForRequest((r) => r.lastUserText === 'Take forever');
    const queued = await request(server.app).post('/chat/async').send({ message: 'Later', user_id: 'dee' });
    expect(queued.status).toBe(202);
    expect(findProcessesByEnv('CLAUDE_CONFIG_DIR', h.cli.configDir).length).toBeGreaterThan(0);

    await server.shutdown({ deadlineMs: 300 });

    const res = await running;
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: { code: 'SHUTTING_DOWN' } });

    // Another server on the same store sees how the task ended.
    const reader = await h.server({ store });
    const task = await request(reader.app).get(`/task/${queued.body.task_id}`);
    expect(task.body).toMatchObject({ status: 'failed', error_code: 'SHUTTING_DOWN' });
    await reader.shutdown();

    // Every CLI process the servers started is gone once their shutdown resolved.
    expect(findProcessesByEnv('CLAUDE_CONFIG_DIR', h.cli.configDir)).toEqual([]);
    await store.close();
  });
});
