import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClaudeCodeServer } from '../src/index.js';
import { type ServerHarness, startServerHarness } from './harness.js';
import { parseSse, postStream, type SseMessage } from './sse-client.js';

// A server whose CLI has no Anthropic credentials: the first thing a new user runs into.
let h: ServerHarness;
let server: ClaudeCodeServer;
let url: string;

beforeAll(async () => {
  h = await startServerHarness();
  server = await h.server({
    claude: { config_dir: h.cli.configDir, env: { ...h.cli.env, ANTHROPIC_API_KEY: '' } },
    tasks: { heartbeat_ms: 200 },
  });
  url = `http://127.0.0.1:${((await server.listen(0)).address() as AddressInfo).port}`;
});
afterAll(async () => {
  await h?.close();
});

const NO_CREDENTIALS = {
  code: 'CLI_NOT_AUTHENTICATED',
  message:
    'the Claude Code CLI on this server has no Anthropic credentials: its operator must set ANTHROPIC_API_KEY for it (GET /health names the problem)',
};

describe('a CLI without credentials', () => {
  it('is warned about at start and shown as degraded by /health, naming the fix', async () => {
    expect(h.log.text).toContain('claude: no Anthropic credentials found');
    const health = await request(server.app).get('/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({
      status: 'degraded',
      store: 'ok',
      problems: [expect.stringMatching(/^claude: CLI_NOT_AUTHENTICATED .*set ANTHROPIC_API_KEY/)],
    });
  });

  it('answers a turn with 503 CLI_NOT_AUTHENTICATED and stores no answer', async () => {
    const res = await request(server.app).post('/chat').send({ message: 'Hello?', user_id: 'nokey' });
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ success: false, error: NO_CREDENTIALS });
    const history = await request(server.app).get('/session/user_nokey/history');
    expect(history.body.messages.map((m: { role: string }) => m.role)).toEqual(['user']);
    expect(h.fake.conversationRequests()).toEqual([]);
  });

  it('ends a stream with an error event, never sending the CLI text as the assistant', async () => {
    const res = await postStream(`${url}/chat/stream`, { message: 'Hello?', user_id: 'nokey-stream' });
    const events: SseMessage[] = [];
    for await (const message of parseSse(res.body as ReadableStream<Uint8Array>)) events.push(message);
    const names = events.map((e) => e.event).filter((name) => name !== undefined);
    expect(names).not.toContain('assistant');
    expect(names.at(-1)).toBe('error');
    expect(events.at(-1)?.data).toMatchObject({ status: 503, error: NO_CREDENTIALS });
  });

  it('fails an async task with CLI_NOT_AUTHENTICATED', async () => {
    const accepted = await request(server.app)
      .post('/chat/async')
      .send({ message: 'Hello?', user_id: 'nokey-task' });
    expect(accepted.status).toBe(202);
    let task = (await request(server.app).get(`/task/${accepted.body.task_id}`)).body;
    while (task.status === 'pending' || task.status === 'running') {
      await new Promise((resolve) => setTimeout(resolve, 50));
      task = (await request(server.app).get(`/task/${accepted.body.task_id}`)).body;
    }
    expect(task).toMatchObject({ status: 'failed', error_code: 'CLI_NOT_AUTHENTICATED', result: null });
  });
});
