import { ClaudeAgent } from '@claude-code-server/agent';
import { getCliVersion } from '@claude-code-server/core';
import { replies } from '@claude-code-server/fake-anthropic';
import { createMemorySessionStore } from '@claude-code-server/store-memory';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClaudeCodeServer } from '../src/index.js';
import { type ServerHarness, startServerHarness } from './harness.js';

let h: ServerHarness;
let server: ClaudeCodeServer;

beforeAll(async () => {
  h = await startServerHarness();
  server = await h.server();
});
afterAll(async () => {
  await h?.close();
});

describe('POST /chat', () => {
  it('answers in the original shape and keeps the conversation per user', async () => {
    const first = await request(server.app).post('/chat').send({ message: 'My name is Ann', user_id: 'ann' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      content: 'Nice to meet you, Ann. I will remember your name.',
      session_id: 'user_ann',
      success: true,
      error: null,
      metadata: { num_turns: 1, permission_denials: [], fresh_session: false, project: 'main', turn: 1 },
    });
    expect(first.body.claude_session_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.body.metadata.usage.output_tokens).toBeGreaterThan(0);
    expect(first.body.metadata.cost_usd).toBeGreaterThan(0);
    expect(first.body.metadata.duration_ms).toBeGreaterThan(0);

    const second = await request(server.app)
      .post('/chat')
      .send({ message: 'What is my name?', user_id: 'ann' });
    expect(second.body).toMatchObject({ content: 'Your name is Ann.', session_id: 'user_ann' });
    expect(second.body.claude_session_id).toBe(first.body.claude_session_id);
    expect(second.body.metadata).toMatchObject({ warm: true, turn: 2 });

    // Another user has another conversation.
    const other = await request(server.app)
      .post('/chat')
      .send({ message: 'What is my name?', user_id: 'bo' });
    expect(other.body.content).toBe("I don't know your name yet.");
  });

  it('runs a named session in a named project', async () => {
    const res = await request(server.app)
      .post('/chat')
      .send({ message: 'My name is Cy', user_id: 'cy', session_id: 'cy-notes', project: 'other' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ session_id: 'cy-notes', metadata: { project: 'other' } });
    // Without `project`, the session keeps its own.
    const next = await request(server.app)
      .post('/chat')
      .send({ message: 'What is my name?', user_id: 'cy', session_id: 'cy-notes' });
    expect(next.body).toMatchObject({ content: 'Your name is Cy.', metadata: { project: 'other' } });
    // A session stays in its project.
    const moved = await request(server.app)
      .post('/chat')
      .send({ message: 'hi', user_id: 'cy', session_id: 'cy-notes', project: 'main' });
    expect(moved.status).toBe(409);
    expect(moved.body.error.code).toBe('PROJECT_MISMATCH');
  });

  it('reports tool use the default mode refused as permission denials', async () => {
    h.fake.enqueue(
      replies.toolUse('Bash', { command: 'touch /tmp/ccs-should-not-exist' }),
      replies.text('Done.'),
    );
    const res = await request(server.app).post('/chat').send({ message: 'Run it', user_id: 'dee' });
    expect(res.status).toBe(200);
    expect(res.body.metadata.permission_denials).toEqual([
      expect.objectContaining({
        tool_name: 'Bash',
        tool_input: { command: 'touch /tmp/ccs-should-not-exist' },
      }),
    ]);
  });

  it('lets the read-only tools run by default', async () => {
    h.fake.enqueue(
      replies.toolUse('Read', { file_path: `${h.cli.workDir}/README.md` }),
      replies.text('Read it.'),
    );
    const res = await request(server.app).post('/chat').send({ message: 'Read the README', user_id: 'eve' });
    expect(res.body.metadata.permission_denials).toEqual([]);
    const toolResults = h.fake.conversationRequests().at(-1)?.toolResults ?? [];
    expect(toolResults[0]?.content).toContain('The main project.');
  });
});

describe('with an agent made by the caller', () => {
  it('answers through it, and leaves it open at shutdown', async () => {
    const store = createMemorySessionStore();
    const agent = new ClaudeAgent({
      store,
      config: { configDir: h.cli.configDir, env: h.cli.env, cwd: h.cli.workDir, allowedTools: ['Read'] },
      projects: { main: h.cli.workDir, other: h.otherDir },
    });
    // Its own admission decides: the limits that would size the server's agent are refused, named.
    await expect(h.server({ store, agent, limits: { max_queue: 3 } })).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
      problems: [
        'limits.max_queue: does not apply to an agent instance: set maxQueue on the ClaudeAgent you pass',
      ],
    });
    // The request defaults must stay within the agent's own config.
    const own = await h.server({ store, agent, claude: { allowed_tools: ['Read'] } });
    expect(own.agent).toBe(agent);
    const res = await request(own.app).post('/chat').send({ message: 'My name is Ida', user_id: 'ida' });
    expect(res.body).toMatchObject({ content: 'Nice to meet you, Ida. I will remember your name.' });
    await own.shutdown();
    expect(
      (await agent.chat('What is my name?', { userId: 'anonymous:ida', sessionId: 'anonymous:user_ida' }))
        .content,
    ).toBe('Your name is Ida.');
    await agent.close();
    await store.close();
  });
});

describe('sessions and history', () => {
  it('pages the history of a session by seq', async () => {
    for (const name of ['Fay', 'Gil']) {
      await request(server.app)
        .post('/chat')
        .send({ message: `My name is ${name}`, user_id: 'fay' })
        .expect(200);
    }
    const all = await request(server.app).get('/session/user_fay/history');
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({
      session_id: 'user_fay',
      user_id: 'fay',
      total_messages: 4,
      has_more: false,
    });
    expect(all.body.messages.map((m: { seq: number; role: string }) => `${m.seq}:${m.role}`)).toEqual([
      '1:user',
      '2:assistant',
      '3:user',
      '4:assistant',
    ]);
    expect(all.body.messages[0]).toMatchObject({ content: 'My name is Fay', usage: null });
    expect(all.body.messages[1].usage.output_tokens).toBeGreaterThan(0);
    expect(Date.parse(all.body.messages[0].timestamp)).not.toBeNaN();

    const newest = await request(server.app).get('/session/user_fay/history?limit=2');
    expect(newest.body.messages.map((m: { seq: number }) => m.seq)).toEqual([3, 4]);
    expect(newest.body.has_more).toBe(true);
    const older = await request(server.app).get('/session/user_fay/history?limit=2&before=3');
    expect(older.body.messages.map((m: { seq: number }) => m.seq)).toEqual([1, 2]);
    const after = await request(server.app).get('/session/user_fay/history?after=3');
    expect(after.body.messages.map((m: { seq: number }) => m.seq)).toEqual([4]);

    const wrongUser = await request(server.app).get('/session/user_fay/history?user_id=ann');
    expect(wrongUser.status).toBe(404);
    const bad = await request(server.app).get('/session/user_fay/history?before=3&after=1');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe('after: cannot be combined with before');
  });

  it('lists a user’s sessions, newest first, a page at a time', async () => {
    for (const session_id of ['g-1', 'g-2', 'g-3']) {
      await request(server.app).post('/chat').send({ message: 'hi', user_id: 'gus', session_id }).expect(200);
    }
    const page = await request(server.app).get('/sessions?user_id=gus&limit=2');
    expect(page.status).toBe(200);
    expect(page.body.sessions.map((s: { session_id: string }) => s.session_id)).toEqual(['g-3', 'g-2']);
    expect(page.body.sessions[0]).toMatchObject({ project: 'main', created_at: expect.any(String) });
    const rest = await request(server.app).get(
      `/sessions?user_id=gus&limit=2&cursor=${page.body.next_cursor}`,
    );
    expect(rest.body).toMatchObject({ sessions: [{ session_id: 'g-1' }], next_cursor: null });
    const none = await request(server.app).get('/sessions?user_id=nobody');
    expect(none.body).toEqual({ user_id: 'nobody', sessions: [], next_cursor: null });
  });

  it('deletes a session: the next message starts a new conversation', async () => {
    await request(server.app).post('/chat').send({ message: 'My name is Hal', user_id: 'hal' }).expect(200);
    const deleted = await request(server.app).delete('/session/user_hal');
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({
      success: true,
      session_id: 'user_hal',
      message: 'Session cleared successfully',
    });
    expect((await request(server.app).get('/session/user_hal/history')).status).toBe(404);
    expect((await request(server.app).delete('/session/user_hal')).status).toBe(404);
    const again = await request(server.app)
      .post('/chat')
      .send({ message: 'What is my name?', user_id: 'hal' });
    expect(again.body).toMatchObject({ content: "I don't know your name yet.", metadata: { turn: 1 } });
  });
});

describe('health, docs and plumbing', () => {
  it('reports health without a key', async () => {
    const res = await request(server.app).get('/health');
    expect(res.status).toBe(200);
    // The version of the binary the tests run (the pinned one, or $CLAUDE_CODE_CLI_PATH's).
    const claudeVersion = await getCliVersion();
    expect(res.body).toEqual({
      status: 'healthy',
      version: '0.1.0',
      claude_version: claudeVersion,
      store: 'ok',
    });
  });

  it('serves an OpenAPI 3.1 document built from the request schemas', async () => {
    const res = await request(server.app).get('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(Object.keys(res.body.paths).sort()).toEqual([
      '/chat',
      '/chat/async',
      '/chat/stream',
      '/health',
      '/session/{session_id}',
      '/session/{session_id}/history',
      '/session/{session_id}/permissions',
      '/session/{session_id}/permissions/{request_id}',
      '/sessions',
      '/task/{task_id}',
      '/v1/chat/completions',
      '/v1/models',
      '/v1/models/{model}',
      '/ws',
    ]);
    const chatRequest = res.body.components.schemas.ChatRequest;
    expect(chatRequest.required).toEqual(['message', 'user_id']);
    expect(chatRequest.additionalProperties).toBe(false);
    expect(chatRequest.properties.config.properties.permission_mode.enum).toContain('plan');
    expect(res.body.paths['/chat/stream'].post.responses['200'].content).toHaveProperty('text/event-stream');
    expect(res.body.paths['/sessions'].get.parameters.map((p: { name: string }) => p.name)).toEqual([
      'user_id',
      'limit',
      'cursor',
    ]);
  });

  it('serves the docs page and every file it loads itself: nothing from another host', async () => {
    const res = await request(server.app).get('/docs');
    expect(res.status).toBe(200);
    expect(res.type).toBe('text/html');
    expect(res.text).toContain('openapi.json');
    expect(res.text).not.toMatch(/https?:\/\//);
    const csp = res.headers['content-security-policy'];
    expect(csp).toMatch(/default-src 'self'/);
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toMatch(/connect-src 'self'(;|$)/);
    expect(csp).not.toMatch(/https?:|\*/);
    // Every script and stylesheet is a path on this server, and is served.
    const loaded = [...res.text.matchAll(/<(?:script|link)[^>]+(?:src|href)="([^"]+)"/g)].map((m) =>
      String(m[1]),
    );
    expect(loaded).toEqual([
      'docs/swagger-ui.css',
      'docs/swagger-ui-bundle.js',
      'docs/swagger-initializer.js',
    ]);
    for (const path of loaded) {
      const asset = await request(server.app).get(`/${path}`);
      expect(asset.status).toBe(200);
      expect(asset.type).toMatch(path.endsWith('.css') ? /^text\/css$/ : /^(text|application)\/javascript$/);
      expect(asset.text.length).toBeGreaterThan(0);
    }
    // The page reads the server's own document, and Swagger UI's validator (another host) is off.
    const initializer = await request(server.app).get('/docs/swagger-initializer.js');
    expect(initializer.text).toContain("getElementById('swagger-ui').dataset.spec");
    expect(initializer.text).toContain('validatorUrl: null');
    expect(initializer.text).not.toMatch(/https?:\/\//);
    expect((await request(server.app).get('/docs/index.html')).status).toBe(404);
    expect((await request(server.app).get('/openapi.json')).status).toBe(200);
  });

  it('echoes a request id, or makes one', async () => {
    const given = await request(server.app).get('/health').set('X-Request-Id', 'abc-123');
    expect(given.headers['x-request-id']).toBe('abc-123');
    const made = await request(server.app).get('/health').set('X-Request-Id', 'not a token; has spaces');
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const line = h.log.lines.map((l) => JSON.parse(l)).find((l) => l.request_id === 'abc-123');
    expect(line).toMatchObject({ msg: 'request', method: 'GET', path: '/health', status: 200 });
    // Nothing of the request itself (headers, query, body) is in its line.
    expect(Object.keys(line).sort()).toEqual(
      [
        'duration_ms',
        'hostname',
        'level',
        'method',
        'msg',
        'path',
        'pid',
        'request_id',
        'status',
        'time',
      ].sort(),
    );

    // A turn's own log lines carry the id of the request that asked for it.
    await request(server.app)
      .post('/chat')
      .set('X-Request-Id', 'turn-42')
      .send({ message: 'hi', user_id: 'ann' })
      .expect(200);
    const turnLines = h.log.lines.map((l) => JSON.parse(l)).filter((l) => l.request_id === 'turn-42');
    expect(turnLines.map((l) => l.msg)).toEqual(['turn finished', 'request']);
    expect(turnLines[0]).toMatchObject({ user_id: 'ann', session_id: 'user_ann', success: true });
  });

  it('sends no CORS headers unless origins are configured', async () => {
    const res = await request(server.app).get('/health').set('Origin', 'https://example.com');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers CORS for the configured origins only', async () => {
    const withCors = await h.server({ cors: { origins: ['https://app.example'] } });
    const preflight = await request(withCors.app)
      .options('/chat')
      .set('Origin', 'https://app.example')
      .set('Access-Control-Request-Method', 'POST');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(preflight.headers['access-control-allow-headers']).toContain('X-API-Key');
    const other = await request(withCors.app).get('/health').set('Origin', 'https://evil.example');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});
