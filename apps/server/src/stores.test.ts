import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppFixture, createAppFixture, getJson, postJson } from '../test/fixtures.js';
import { type StartedServer, startServer } from '../test/run-cli.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let fx: AppFixture;
const running: StartedServer[] = [];

beforeAll(async () => {
  fx = await createAppFixture('stores');
});
afterAll(async () => {
  for (const server of running) server.child.kill('SIGKILL');
  await fx?.close();
});

/** Starts with `store` as the store section, answers one chat, and shuts down on `signal` with exit 0. */
async function chatOnce(storeSection: string, env: Record<string, string>, signal: NodeJS.Signals) {
  const config = fx.writeConfig(
    `${randomUUID()}.yaml`,
    `server:\n  port: 0\nstore:\n${storeSection}\nprojects:\n  app:\n    path: ./project\nagent:\n  max_live: 1\n`,
  );
  const server = await startServer(['--config', config], { env: { ...fx.env, ...env }, cwd: fx.dir });
  running.push(server);
  const health = await getJson(`${server.url}/health`);
  expect(health.status).toBe(200);
  const userId = `user-${randomUUID()}`;
  const chat = await postJson(`${server.url}/chat`, { message: 'Hello', user_id: userId });
  expect(chat.body).toMatchObject({ success: true, content: 'Hello from fake-anthropic.' });
  const sessions = await getJson(`${server.url}/sessions?user_id=${userId}`);
  expect(JSON.stringify(sessions.body)).toContain(chat.body.session_id);
  // An async task goes through the store's queue (the startup line names it) and is answered.
  const accepted = await postJson(`${server.url}/chat/async`, { message: 'Later', user_id: userId });
  expect(accepted.status).toBe(202);
  let task = await getJson(`${server.url}/task/${accepted.body.task_id}`);
  while (task.body.status === 'pending' || task.body.status === 'running') {
    await sleep(100);
    task = await getJson(`${server.url}/task/${accepted.body.task_id}`);
  }
  expect(task.body).toMatchObject({ status: 'completed', result: { success: true } });
  server.child.kill(signal);
  expect(await server.exited).toEqual({ code: 0, signal: null });
  return server;
}

describe('stores from the config', () => {
  it('redis: the URL from REDIS_URL, its password hidden in the log', async () => {
    const server = await chatOnce(
      '  type: redis\n  key_prefix: "ccs-app-test:"\n  ttl_ms: 3600000',
      {
        REDIS_URL,
      },
      'SIGTERM',
    );
    expect(server.output.stdout).toContain(`"store":"redis ${new URL(REDIS_URL).toString()}"`);
    expect(server.output.stdout).toContain('"task_queue":"bullmq"');
  });

  it('postgres: the URL from DATABASE_URL; SIGINT shuts down like SIGTERM', async () => {
    const server = await chatOnce(
      '  type: postgres\n  schema: ccs_app_server_test\n  ttl_ms: 3600000',
      {
        DATABASE_URL,
      },
      'SIGINT',
    );
    expect(server.output.stdout).toMatch(/"store":"postgres postgres:\/\//);
    expect(server.output.stdout).toContain('"task_queue":"pg-boss"');
  });
});
