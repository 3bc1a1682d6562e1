import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { replies, rules } from '@claude-code-server/fake-anthropic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppFixture, createAppFixture, getJson, postJson } from '../test/fixtures.js';
import { runCli, type StartedServer, startServer } from '../test/run-cli.js';

let fx: AppFixture;
const running: StartedServer[] = [];

beforeAll(async () => {
  fx = await createAppFixture('start');
});
afterAll(async () => {
  for (const server of running) server.child.kill('SIGKILL');
  await fx?.close();
});

function sqliteConfig(name: string, deadlineMs: number): string {
  return fx.writeConfig(
    name,
    [
      'server:',
      '  port: 0',
      `  shutdown_deadline_ms: ${deadlineMs}`,
      'store:',
      '  type: sqlite',
      '  path: ./sessions.db',
      'projects:',
      '  app:',
      '    path: ./project',
      'agent:',
      '  max_live: 2',
      '',
    ].join('\n'),
  );
}

async function start(args: string[], env = fx.env): Promise<StartedServer> {
  const server = await startServer(args, { env, cwd: fx.dir });
  running.push(server);
  return server;
}

/** Sends SIGTERM and resolves with how the process ended. */
async function terminate(server: StartedServer) {
  server.child.kill('SIGTERM');
  return server.exited;
}

describe('claude-code-server start', () => {
  let sessionId: string;

  it('serves /health and /chat, logs one JSON line with the address', async () => {
    fx.fake.addRule(rules.memory);
    const server = await start(['--config', sqliteConfig('sqlite.yaml', 10_000)]);
    const listening = JSON.parse(
      server.output.stdout.split('\n').find((line) => line.includes('"url"')) ?? '',
    );
    expect(listening).toMatchObject({
      level: 30,
      url: server.url,
      msg: `claude-code-server listening on ${server.url}`,
    });
    expect(listening.store).toBe(`sqlite ${join(fx.dir, 'sessions.db')}`);

    const health = await getJson(`${server.url}/health`);
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({
      status: 'healthy',
      claude_version: expect.stringMatching(/^\d+\.\d+\.\d+/),
    });

    const chat = await postJson(`${server.url}/chat`, { message: 'My name is Ann', user_id: 'u1' });
    expect(chat.status).toBe(200);
    expect(chat.body).toMatchObject({
      success: true,
      content: 'Nice to meet you, Ann. I will remember your name.',
    });
    sessionId = chat.body.session_id;
    expect(typeof sessionId).toBe('string');
    expect(await terminate(server)).toEqual({ code: 0, signal: null });
  });

  it('SIGTERM while a slow turn runs: the turn finishes within the deadline, exit 0, no CLI process left', async () => {
    const server = await start(['--config', sqliteConfig('sqlite.yaml', 20_000)]);
    fx.fake.enqueue(replies.text('one two three four five six', { chunks: 6, delayMs: 400 }));
    const before = fx.fake.conversationRequests().length;
    const reply = postJson(`${server.url}/chat`, {
      message: 'Count slowly',
      user_id: 'u1',
      session_id: sessionId,
    });
    await fx.fake.waitForRequest(() => fx.fake.conversationRequests().length > before);
    const exited = terminate(server);
    const answer = await reply;
    expect(answer.status).toBe(200);
    expect(answer.body.content).toBe('one two three four five six');
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(server.output.stdout).toMatch(/"msg":"stopped"/);
    expect(fx.liveCliProcesses()).toEqual([]);
  });

  it('SIGTERM while a turn hangs: the deadline interrupts it, exit 0, no CLI process left', async () => {
    const server = await start(['--config', sqliteConfig('sqlite-short.yaml', 1_000)]);
    fx.fake.enqueue(replies.hang());
    const before = fx.fake.conversationRequests().length;
    const reply = postJson(`${server.url}/chat`, { message: 'Never answered', user_id: 'u2' });
    await fx.fake.waitForRequest(() => fx.fake.conversationRequests().length > before);
    const exited = terminate(server);
    const answer = await reply;
    expect(answer.status).toBeGreaterThanOrEqual(500);
    expect(answer.body.success).toBe(false);
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(fx.liveCliProcesses()).toEqual([]);
  });

  it('a restart on the same SQLite file keeps the session and its history', async () => {
    const server = await start(['--config', sqliteConfig('sqlite.yaml', 10_000)]);
    const history = await getJson(`${server.url}/session/${sessionId}/history?user_id=u1`);
    expect(history.status).toBe(200);
    const contents = JSON.stringify(history.body);
    expect(contents).toContain('My name is Ann');
    expect(contents).toContain('Nice to meet you, Ann.');
    expect(contents).toContain('one two three four five six');
    const chat = await postJson(`${server.url}/chat`, {
      message: 'What is my name?',
      user_id: 'u1',
      session_id: sessionId,
    });
    // The answer comes from the conversation the CLI resumed: the transcript survived the restart.
    expect(chat.body).toMatchObject({ success: true, session_id: sessionId, content: 'Your name is Ann.' });
    expect(await terminate(server)).toEqual({ code: 0, signal: null });
  });

  it('with no config file: defaults (SQLite in ./data, default project created); --pretty logs', async () => {
    const server = await start(['--port', '0', '--pretty']);
    expect(server.output.stdout).toMatch(
      /^\[\d\d:\d\d:\d\d\] INFO: claude-code-server listening on http:\S+ \{"url":"http:[^"]+","store":"sqlite [^"]*data\/sessions\.db","task_queue":"in-process","config":"defaults"\}$/m,
    );
    expect(existsSync(join(fx.dir, 'data/sessions.db'))).toBe(true);
    expect(existsSync(join(fx.dir, 'data/projects/default'))).toBe(true);
    expect((await getJson(`${server.url}/health`)).status).toBe(200);
    expect(await terminate(server)).toEqual({ code: 0, signal: null });
  });

  it('refuses to start when the store cannot be reached, naming it', async () => {
    const config = fx.writeConfig(
      'down.yaml',
      'store:\n  type: postgres\n  url: postgres://postgres:secret@127.0.0.1:1/x\n',
    );
    const run = await runCli(['start', '--config', config], { env: fx.env, cwd: fx.dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /cannot use the postgres postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/x store: cannot connect/,
    );
    expect(run.stderr).toMatch(/To fix: check that PostgreSQL is running/);
    expect(run.stderr).not.toContain('secret');
  });

  it('refuses a config error, naming the key; and a missing project directory', async () => {
    const bad = fx.writeConfig('bad.yaml', 'server:\n  port: 0\nlog:\n  level: loud\n');
    const run = await runCli(['start', '--config', bad], { env: fx.env, cwd: fx.dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^bad\.yaml: log\.level: must be one of fatal, error, warn, info, debug, trace, silent$/m,
    );

    const missing = fx.writeConfig(
      'missing.yaml',
      'server:\n  port: 0\nprojects:\n  gone:\n    path: ./nowhere\n',
    );
    const run2 = await runCli(['start', '--config', missing], { env: fx.env, cwd: fx.dir });
    expect(run2.code).toBe(1);
    expect(run2.stderr).toMatch(/project gone: the directory .*nowhere does not exist/);
  });

  it('refuses a plugin module that is not there, naming it relative to the config file', async () => {
    const config = fx.writeConfig(
      'plugin.yaml',
      'server:\n  port: 0\nstore:\n  type: memory\nprojects:\n  app:\n    path: ./project\nplugins:\n  - ./no-such-plugin.mjs\n',
    );
    const run = await runCli(['start', '--config', config], { env: fx.env, cwd: fx.dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`plugins.0: ${join(fx.dir, 'no-such-plugin.mjs')} does not exist`);
  });

  it('a port in use is named', async () => {
    const first = await start(['--port', '0', '--config', sqliteConfig('sqlite.yaml', 10_000)]);
    const port = new URL(first.url).port;
    const run = await runCli(['start', '--port', port, '--config', sqliteConfig('other.yaml', 1000)], {
      env: fx.env,
      cwd: fx.dir,
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`127\\.0\\.0\\.1:${port} is already in use`));
    expect(await terminate(first)).toEqual({ code: 0, signal: null });
  });
});
