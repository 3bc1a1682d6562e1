import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { replies } from '@claude-code-server/fake-anthropic';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClaudeCodeServer } from '../src/index.js';
import { type ServerHarness, startServerHarness } from './harness.js';
import { parseSse, postStream, type SseMessage } from './sse-client.js';

const WEB_KEY = 'web-key-0123456789';
const OPS_KEY = 'ops-key-0123456789abcdef';
const PARTNER_KEY = 'partner-key-0123456789';
const LIMITED_KEY = 'limited-key-0123456789';
const LONG_TENANT_KEY = 'long-tenant-key-0123456789';
/** The longest tenant name: the stored ids of the longest client ids still fit the store. */
const LONG_TENANT = 't'.repeat(64);

let h: ServerHarness;
let server: ClaudeCodeServer;

beforeAll(async () => {
  h = await startServerHarness();
  server = await h.server({
    auth: {
      keys: [
        { name: 'web', key: WEB_KEY, users: ['alice', 'bob', 'team-*'], projects: ['main'] },
        {
          name: 'ops',
          sha256: createHash('sha256').update(OPS_KEY).digest('hex'),
          max_permission_mode: 'acceptEdits',
          tools: ['Read', 'Bash(git:*)'],
        },
        { name: 'partner', key: PARTNER_KEY },
        { name: 'limited', key: LIMITED_KEY, rate_limit: { requests_per_minute: 6, burst: 2 } },
        { name: 'long', key: LONG_TENANT_KEY, tenant: LONG_TENANT },
      ],
    },
  });
});
afterAll(async () => {
  await h?.close();
});

const chat = (key: string, body: Record<string, unknown>) =>
  request(server.app).post('/chat').set('X-API-Key', key).send(body);

describe('API keys', () => {
  it('refuses requests without a key or with a wrong one', async () => {
    const none = await request(server.app).post('/chat').send({ message: 'hi', user_id: 'alice' });
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer');
    expect(none.body).toEqual({
      success: false,
      error: {
        code: 'UNAUTHORIZED',
        message: 'an API key is required: send X-API-Key or Authorization: Bearer <key>',
      },
    });
    const wrong = await chat(`${WEB_KEY}x`, { message: 'hi', user_id: 'alice' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.message).toBe('the API key is not valid');
    const wrongBearer = await request(server.app)
      .get('/sessions?user_id=alice')
      .set('Authorization', 'Bearer nope');
    expect(wrongBearer.status).toBe(401);
  });

  it('needs no key for health and docs', async () => {
    expect((await request(server.app).get('/health')).status).toBe(200);
    expect((await request(server.app).get('/docs')).status).toBe(200);
    const openapi = await request(server.app).get('/openapi.json');
    expect(openapi.body.paths['/chat'].post.security).toEqual([{ ApiKey: [] }, { Bearer: [] }]);
  });

  it('accepts a plain key in X-API-Key or as a bearer token, and a key configured as a hash', async () => {
    expect(
      (await chat(WEB_KEY, { message: 'My name is Alice', user_id: 'alice', session_id: 'shared' })).status,
    ).toBe(200);
    const bearer = await request(server.app)
      .get('/sessions?user_id=alice')
      .set('Authorization', `Bearer ${WEB_KEY}`);
    expect(bearer.status).toBe(200);
    expect(bearer.body.sessions.map((s: { session_id: string }) => s.session_id)).toEqual(['shared']);
    const hashed = await request(server.app).get('/sessions?user_id=alice').set('X-API-Key', OPS_KEY);
    expect(hashed.status).toBe(200);
  });

  it('rate-limits a key with 429 and Retry-After', async () => {
    const get = () => request(server.app).get('/sessions?user_id=x').set('X-API-Key', LIMITED_KEY);
    expect((await get()).status).toBe(200);
    expect((await get()).status).toBe(200);
    const limited = await get();
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Other keys are not affected.
    expect((await request(server.app).get('/sessions?user_id=x').set('X-API-Key', PARTNER_KEY)).status).toBe(
      200,
    );
  });
});

describe('tenants', () => {
  it('keeps each key’s sessions to itself: another key gets 404 and its own conversation', async () => {
    await chat(WEB_KEY, { message: 'My name is Alison', user_id: 'alice', session_id: 'tenant-test' }).expect(
      200,
    );

    const asPartner = (path: string) => request(server.app).get(path).set('X-API-Key', PARTNER_KEY);
    expect((await asPartner('/session/tenant-test/history')).status).toBe(404);
    expect((await asPartner('/sessions?user_id=alice')).body.sessions).toEqual([]);
    const deleted = await request(server.app).delete('/session/tenant-test').set('X-API-Key', PARTNER_KEY);
    expect(deleted.status).toBe(404);

    const partnerTurn = await chat(PARTNER_KEY, {
      message: 'What is my name?',
      user_id: 'alice',
      session_id: 'tenant-test',
    });
    expect(partnerTurn.body).toMatchObject({
      content: "I don't know your name yet.",
      session_id: 'tenant-test',
    });

    const webHistory = await request(server.app)
      .get('/session/tenant-test/history')
      .set('X-API-Key', WEB_KEY);
    expect(webHistory.body.messages.map((m: { content: string }) => m.content)).toEqual([
      'My name is Alison',
      'Nice to meet you, Alison. I will remember your name.',
    ]);
  });

  it('keeps each key’s tasks to itself', async () => {
    const accepted = await request(server.app)
      .post('/chat/async')
      .set('X-API-Key', WEB_KEY)
      .send({ message: 'hi', user_id: 'bob' });
    expect(accepted.status).toBe(202);
    const other = await request(server.app)
      .get(`/task/${accepted.body.task_id}`)
      .set('X-API-Key', PARTNER_KEY);
    expect(other.status).toBe(404);
    const cancel = await request(server.app)
      .delete(`/task/${accepted.body.task_id}`)
      .set('X-API-Key', PARTNER_KEY);
    expect(cancel.status).toBe(404);
    const own = await request(server.app).get(`/task/${accepted.body.task_id}`).set('X-API-Key', WEB_KEY);
    expect(own.status).toBe(200);
  });

  it('lets a key act only for its users (exact or by pattern)', async () => {
    const carol = await chat(WEB_KEY, { message: 'hi', user_id: 'carol' });
    expect(carol.status).toBe(403);
    expect(carol.body.error).toMatchObject({
      code: 'FORBIDDEN',
      message: 'user_id: this key may not act for user "carol"',
      details: { field: 'user_id' },
    });
    expect(
      (await request(server.app).get('/sessions?user_id=team-red').set('X-API-Key', WEB_KEY)).status,
    ).toBe(200);
    expect((await request(server.app).get('/sessions?user_id=carol').set('X-API-Key', WEB_KEY)).status).toBe(
      403,
    );
  });

  it('takes the longest ids the store can hold under the longest tenant, and names the limit past them', async () => {
    const userId = 'u'.repeat(191);
    const sessionId = 's'.repeat(191);
    const res = await chat(LONG_TENANT_KEY, {
      message: 'My name is Max',
      user_id: userId,
      session_id: sessionId,
    });
    expect(res.status).toBe(200);
    const history = await request(server.app)
      .get(`/session/${sessionId}/history`)
      .set('X-API-Key', LONG_TENANT_KEY);
    expect(history.body).toMatchObject({ session_id: sessionId, user_id: userId, total_messages: 2 });
    const tooLong = await chat(LONG_TENANT_KEY, { message: 'hi', user_id: `${userId}u` });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.message).toBe('user_id: must be at most 191 characters');
    const sessionTooLong = await chat(LONG_TENANT_KEY, {
      message: 'hi',
      user_id: 'u',
      session_id: `${sessionId}s`,
    });
    expect(sessionTooLong.body.error.message).toBe('session_id: must be at most 191 characters');
  });

  it('refuses the reserved user id namespace', async () => {
    const res = await chat(PARTNER_KEY, { message: 'hi', user_id: '__tasks__:partner' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe('user_id: must not start with __ (reserved)');
  });
});

describe('narrowing, never widening', () => {
  it('refuses a permission mode above the key’s, naming it', async () => {
    const res = await chat(WEB_KEY, {
      message: 'hi',
      user_id: 'alice',
      config: { permission_mode: 'acceptEdits' },
    });
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({
      code: 'FORBIDDEN',
      message: 'config.permission_mode: acceptEdits is above what this key may use (default)',
      details: { field: 'config.permission_mode', requested: 'acceptEdits', allowed: 'default' },
    });
    const bypass = await chat(OPS_KEY, {
      message: 'hi',
      user_id: 'alice',
      config: { permission_mode: 'bypassPermissions' },
    });
    expect(bypass.status).toBe(403);
    expect(bypass.body.error.message).toBe(
      'config.permission_mode: bypassPermissions is above what this key may use (acceptEdits)',
    );
  });

  it('refuses tools the key may not pre-approve, naming them', async () => {
    const res = await chat(WEB_KEY, {
      message: 'hi',
      user_id: 'alice',
      config: { allowed_tools: ['Read', 'Bash', 'Write'] },
    });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe('config.allowed_tools: this key may not pre-approve Bash, Write');
    expect(res.body.error.details.refused).toEqual(['Bash', 'Write']);
    const wider = await chat(OPS_KEY, { message: 'hi', user_id: 'ops', config: { allowed_tools: ['Bash'] } });
    expect(wider.status).toBe(403);
  });

  it('runs what the key allows, and narrower requests', async () => {
    const address = (await server.listen(0)).address() as AddressInfo;
    const stream = async (key: string, config: Record<string, unknown>) => {
      const res = await postStream(
        `http://127.0.0.1:${address.port}/chat/stream`,
        { message: 'hi', user_id: 'ops', config },
        { headers: { 'X-API-Key': key } },
      );
      const events: SseMessage[] = [];
      for await (const message of parseSse(res.body as ReadableStream<Uint8Array>)) events.push(message);
      return events;
    };
    const wide = await stream(OPS_KEY, { permission_mode: 'acceptEdits', allowed_tools: ['Bash(git:*)'] });
    expect(wide.find((e) => e.event === 'init')?.data).toMatchObject({ permission_mode: 'acceptEdits' });
    expect(wide.at(-1)?.event).toBe('done');
    const narrow = await stream(OPS_KEY, { permission_mode: 'plan' });
    expect(narrow.find((e) => e.event === 'init')?.data).toMatchObject({ permission_mode: 'plan' });
  });
});

describe('bypassPermissions', () => {
  it('runs only for a key that allows it, and only when the request asks', async () => {
    const ADMIN_KEY = 'admin-key-0123456789';
    const admin = await h.server({
      // The CLI refuses bypassPermissions as root unless it is told it runs in a sandbox.
      claude: { config_dir: h.cli.configDir, env: { ...h.cli.env, IS_SANDBOX: '1' } },
      auth: {
        keys: [
          { name: 'admin', key: ADMIN_KEY, max_permission_mode: 'bypassPermissions', allow_bypass: true },
          { name: 'user', key: PARTNER_KEY },
        ],
      },
    });
    const write = (file: string) =>
      h.fake.enqueue(
        replies.toolUse('Write', { file_path: join(h.cli.workDir, file), content: 'x' }),
        replies.text('ok'),
      );
    const send = (key: string, config?: Record<string, unknown>) =>
      request(admin.app)
        .post('/chat')
        .set('X-API-Key', key)
        .send({ message: 'Write it', user_id: 'root', config });

    const refused = await send(PARTNER_KEY, { permission_mode: 'bypassPermissions' });
    expect(refused.status).toBe(403);

    write('default-mode.txt');
    const asked = await send(ADMIN_KEY);
    expect(asked.body.metadata.permission_denials.map((d: { tool_name: string }) => d.tool_name)).toEqual([
      'Write',
    ]);
    expect(existsSync(join(h.cli.workDir, 'default-mode.txt'))).toBe(false);

    write('bypass.txt');
    const bypassed = await send(ADMIN_KEY, { permission_mode: 'bypassPermissions' });
    expect(bypassed.status).toBe(200);
    expect(bypassed.body.metadata.permission_denials).toEqual([]);
    expect(existsSync(join(h.cli.workDir, 'bypass.txt'))).toBe(true);
  });
});

describe('projects', () => {
  it('takes project names only: paths, `..` and unknown names are refused', async () => {
    for (const project of ['../etc', '/etc', 'main/../../etc', '..']) {
      const res = await chat(PARTNER_KEY, { message: 'hi', user_id: 'pat', project });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe('project: must be the name of a configured project, never a path');
    }
    const unknown = await chat(PARTNER_KEY, { message: 'hi', user_id: 'pat', project: 'secrets' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({
      code: 'UNKNOWN_PROJECT',
      message: 'project: unknown project "secrets" (configured: main, other)',
    });
  });

  it('refuses projects the key may not use', async () => {
    const res = await chat(WEB_KEY, { message: 'hi', user_id: 'alice', project: 'other' });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe('project: this key may not use project "other"');
  });
});

describe('logs', () => {
  it('never hold prompts, answers or keys by default', async () => {
    await chat(PARTNER_KEY, { message: 'My name is Secretia', user_id: 'logs' }).expect(200);
    await request(server.app).get('/sessions?user_id=logs').set('Authorization', `Bearer ${WEB_KEY}`);
    const text = h.log.text;
    expect(text).toContain('"key":"partner"');
    for (const secret of ['Secretia', WEB_KEY, OPS_KEY, PARTNER_KEY, LIMITED_KEY])
      expect(text).not.toContain(secret);
  });

  it('hold prompts and answers when log.include_content is on (still no keys)', async () => {
    const verbose = await h.server({
      auth: { keys: [{ name: 'v', key: PARTNER_KEY }] },
      log: { include_content: true },
    });
    await request(verbose.app)
      .post('/chat')
      .set('X-API-Key', PARTNER_KEY)
      .send({ message: 'My name is Verbosa', user_id: 'logs' })
      .expect(200);
    expect(h.log.text).toContain('My name is Verbosa');
    expect(h.log.text).toContain('Nice to meet you, Verbosa');
    expect(h.log.text).not.toContain(PARTNER_KEY);
  });
});
