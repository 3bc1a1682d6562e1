import type { AddressInfo } from 'node:net';
import { replies } from '@claude-code-server/fake-anthropic';
import { createMemorySessionStore } from '@claude-code-server/store-memory';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ClaudeCodeServer } from '../src/index.js';
import { type ServerHarness, startServerHarness } from './harness.js';

let h: ServerHarness;
let server: ClaudeCodeServer;

beforeAll(async () => {
  h = await startServerHarness();
  server = await h.server({
    limits: { body_limit: '2kb', max_timeout_ms: 60_000, default_timeout_ms: 30_000 },
  });
});
afterAll(async () => {
  await h?.close();
});

const post = (body: Record<string, unknown>, app = server.app) => request(app).post('/chat').send(body);

/** The status, and the one error shape: `{ success: false, error: { code, message, details? } }`. */
function expectError(res: { status: number; body: unknown }, status: number): void {
  expect(res.status).toBe(status);
  const body = res.body as { success: unknown; error: Record<string, unknown> };
  expect(Object.keys(body).sort()).toEqual(['error', 'success']);
  expect(body.success).toBe(false);
  expect(body.error).toEqual({
    code: expect.any(String),
    message: expect.any(String),
    ...('details' in body.error ? { details: expect.any(Object) } : {}),
  });
}

describe('400: the message names what was wrong', () => {
  it('names missing, mistyped and unknown fields', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ user_id: 'a' }, 'message: is required'],
      [{ message: '   ', user_id: 'a' }, 'message: must not be empty'],
      [{ message: 'hi', user_id: 42 }, 'user_id: must be a string'],
      [{ message: 'hi', user_id: 'a', colour: 'red' }, 'colour: is not a known key'],
      [
        { message: 'hi', user_id: 'a', session_id: 'has space' },
        'session_id: must start with a letter or digit and use only A-Z a-z 0-9 . _ : @ -',
      ],
      [
        { message: 'hi', user_id: 'a', config: { permission_mode: 'root' } },
        'config.permission_mode: must be one of default, acceptEdits, bypassPermissions, plan, dontAsk, auto',
      ],
      [{ message: 'hi', user_id: 'a', config: { cwd: '/' } }, 'config.cwd: is not a known key'],
      [{ message: 'hi', user_id: 'a', timeout: 61 }, 'timeout: must be at most 60 seconds'],
    ];
    for (const [body, message] of cases) {
      const res = await post(body);
      expect(res.status, message).toBe(400);
      expect(res.body).toMatchObject({ success: false, error: { code: 'INVALID_REQUEST', message } });
    }
  });

  it('says when the body is not JSON', async () => {
    const broken = await request(server.app)
      .post('/chat')
      .set('Content-Type', 'application/json')
      .send('{"message":');
    expect(broken.status).toBe(400);
    expect(broken.body.error).toEqual({
      code: 'INVALID_JSON',
      message: 'body: is not valid JSON',
      details: { field: 'body' },
    });
    const text = await request(server.app).post('/chat').set('Content-Type', 'text/plain').send('hello');
    expect(text.status).toBe(400);
    expect(text.body.error.message).toBe('body: must be a JSON object (send Content-Type: application/json)');
    const query = await request(server.app).get('/sessions?user_id=a&limit=0');
    expect(query.body.error.message).toBe('limit: must be at least 1');
  });

  it('says when the path or the body cannot even be decoded', async () => {
    const path = await request(server.app).get('/session/%E0%A4%A/history');
    expectError(path, 400);
    expect(path.body.error).toMatchObject({
      message: 'path: has a malformed % escape',
      details: { field: 'path' },
    });
    const compressed = await request(server.app)
      .post('/chat')
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'br')
      .send('{"message":"hi","user_id":"a"}');
    expectError(compressed, 400);
    expect(compressed.body.error.message).toBe('body: Decompression failed');
    const encoding = await request(server.app)
      .post('/chat')
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'compress')
      .send('{}');
    expectError(encoding, 415);
    expect(encoding.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });
});

describe('other statuses', () => {
  it('404 for unknown routes and sessions', async () => {
    const route = await request(server.app).get('/nope');
    expectError(route, 404);
    expect(route.body.error).toEqual({ code: 'NOT_FOUND', message: 'no route GET /nope' });
    const session = await request(server.app).get('/session/missing/history');
    expect(session.body.error).toMatchObject({ code: 'NOT_FOUND', message: 'session not found: missing' });
  });

  it('409 when a session id belongs to another user', async () => {
    await post({ message: 'hi', user_id: 'owner', session_id: 'owned' }).expect(200);
    const res = await post({ message: 'hi', user_id: 'intruder', session_id: 'owned' });
    expectError(res, 409);
    expect(['SESSION_OWNED_BY_OTHER_USER', 'CONFLICT']).toContain(res.body.error.code);
  });

  it('413 for a body over the limit', async () => {
    const res = await post({ message: 'x'.repeat(3000), user_id: 'big' });
    expectError(res, 413);
    expect(res.body.error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: { limit_bytes: 2048 } });
  });

  it('502 when the API fails the turn', async () => {
    h.fake.enqueue(replies.error(403, { message: 'forbidden model' }));
    const res = await post({ message: 'hi', user_id: 'api-fail' });
    expectError(res, 502);
    expect(res.body.error).toMatchObject({
      code: 'API_ERROR',
      details: { upstream_status: 403, auth_failed: true },
    });
  });

  it('504 when the turn runs past its timeout', async () => {
    h.fake.enqueue(replies.hang());
    const res = await post({ message: 'Wait forever', user_id: 'slow', timeout: 1 });
    expectError(res, 504);
    expect(res.body.error.code).toBe('TIMEOUT');
  });

  it('429 with Retry-After when every turn slot is busy and the queue is full', async () => {
    const busy = await h.server({ limits: { max_concurrent_turns: 1, max_queue: 0 } });
    const address = (await busy.listen(0)).address() as AddressInfo;
    h.fake.enqueue(replies.hang());
    const first = new AbortController();
    const running = fetch(`http://127.0.0.1:${address.port}/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'Hold the slot', user_id: 'first' }),
      signal: first.signal,
    }).catch(() => undefined);
    await h.fake.waitForRequest((r) => r.lastUserText === 'Hold the slot');
    const refused = await post({ message: 'hi', user_id: 'second' }, busy.app);
    expectError(refused, 429);
    expect(refused.body.error.code).toBe('SERVER_BUSY');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    const asyncRefused = await request(busy.app)
      .post('/chat/async')
      .send({ message: 'hi', user_id: 'third' });
    expectError(asyncRefused, 429);
    first.abort();
    await running;
  });

  it('429 AGENT_BUSY when one session has limits.max_queue_per_session messages waiting', async () => {
    const busy = await h.server({ limits: { max_queue_per_session: 1 } });
    const address = (await busy.listen(0)).address() as AddressInfo;
    h.fake.enqueue(replies.hang());
    const holder = new AbortController();
    const send = (message: string) =>
      fetch(`http://127.0.0.1:${address.port}/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message, user_id: 'una' }),
        signal: holder.signal,
      }).catch(() => undefined);
    const running = send('Hold the session');
    await h.fake.waitForRequest((r) => r.lastUserText === 'Hold the session');
    const waiting = send('Next, please');
    await vi.waitFor(() => expect(busy.agent.stats().queuedMessages).toBe(1), { timeout: 10_000 });
    const refused = await post({ message: 'And another', user_id: 'una' }, busy.app);
    expectError(refused, 429);
    expect(refused.body.error).toMatchObject({
      code: 'AGENT_BUSY',
      message: 'this session already has 1 message waiting',
    });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Another session still gets in.
    expect(busy.agent.refusal('anonymous:user_other')).toBeUndefined();
    holder.abort();
    await Promise.all([running, waiting]);
  });

  it('503 from health, and for turns, when the CLI cannot be found', async () => {
    const broken = await h.server({
      claude: { cli_path: '/nonexistent/claude', config_dir: h.cli.configDir },
    });
    const health = await request(broken.app).get('/health');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ status: 'unhealthy', claude_version: null, store: 'ok' });
    expect(health.body.problems).toEqual(['claude: CLI_NOT_FOUND']);
    const turn = await post({ message: 'hi', user_id: 'nocli' }, broken.app);
    expectError(turn, 503);
    expect(turn.body.error).toEqual({
      code: 'CLI_NOT_FOUND',
      message: 'the Claude Code CLI is not available on this server',
    });
  });

  it('503 from health when the store is gone', async () => {
    const store = createMemorySessionStore();
    const orphan = await h.server({ store });
    await store.close();
    const health = await request(orphan.app).get('/health');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({
      status: 'unhealthy',
      store: 'unavailable',
      problems: ['store: STORE_CLOSED'],
    });
  });

  it('503 once shutdown began', async () => {
    const closing = await h.server();
    await closing.shutdown();
    const res = await post({ message: 'hi', user_id: 'late' }, closing.app);
    expectError(res, 503);
    expect(res.body.error.code).toBe('SHUTTING_DOWN');
    expect(res.headers['retry-after']).toBe('5');
    const health = await request(closing.app).get('/health');
    expect(health.status).toBe(503);
    expect(health.body.status).toBe('shutting_down');
  });
});
