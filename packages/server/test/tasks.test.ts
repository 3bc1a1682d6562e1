import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { replies } from '@claude-code-server/fake-anthropic';
import { createSqliteSessionStore } from '@claude-code-server/store-sqlite';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ClaudeCodeServer, TaskBody } from '../src/index.js';
import { type ServerHarness, startServerHarness } from './harness.js';

let h: ServerHarness;
let server: ClaudeCodeServer;

beforeAll(async () => {
  h = await startServerHarness();
  server = await h.server({ tasks: { retention_ms: 60_000, heartbeat_ms: 200 } });
});
afterAll(async () => {
  await h?.close();
});

/** Polls GET /task/{id} until its status is one of `statuses`. */
async function waitForTask(
  app: ClaudeCodeServer['app'],
  taskId: string,
  statuses: string[],
): Promise<TaskBody> {
  for (;;) {
    const res = await request(app).get(`/task/${taskId}`);
    expect(res.status).toBe(200);
    if (statuses.includes(res.body.status)) return res.body as TaskBody;
    await sleep(50);
  }
}

describe('async tasks', () => {
  it('goes from pending to completed with the result and its times', async () => {
    h.fake.enqueue(replies.text('Done in the background.', { chunks: 3, delayMs: 100 }));
    const accepted = await request(server.app).post('/chat/async').send({ message: 'Work', user_id: 'wes' });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toEqual({
      task_id: expect.stringMatching(/^task_[0-9a-f-]{36}$/),
      status: 'pending',
      message: 'Task submitted successfully',
    });
    expect(accepted.headers.location).toBe(`/task/${accepted.body.task_id}`);

    const task = await waitForTask(server.app, accepted.body.task_id, ['completed', 'failed']);
    expect(task).toMatchObject({
      task_id: accepted.body.task_id,
      status: 'completed',
      user_id: 'wes',
      session_id: 'user_wes',
      error: null,
      result: { content: 'Done in the background.', session_id: 'user_wes', success: true },
    });
    const created = Date.parse(task.created_at);
    const started = Date.parse(task.started_at ?? '');
    const finished = Date.parse(task.finished_at ?? '');
    expect(created).toBeLessThanOrEqual(started);
    expect(started).toBeLessThanOrEqual(finished);
    expect(task.completed_at).toBe(task.finished_at);

    // The turn is part of the user's conversation like any other.
    const history = await request(server.app).get('/session/user_wes/history');
    expect(history.body.messages.map((m: { content: string }) => m.content)).toEqual([
      'Work',
      'Done in the background.',
    ]);
  });

  it('shows a running task and cancels it', async () => {
    h.fake.enqueue(replies.hang());
    const accepted = await request(server.app)
      .post('/chat/async')
      .send({ message: 'Forever', user_id: 'xia' });
    await h.fake.waitForRequest((r) => r.lastUserText === 'Forever');
    const running = await waitForTask(server.app, accepted.body.task_id, ['running']);
    expect(running.started_at).not.toBeNull();
    expect(running.finished_at).toBeNull();

    const cancelled = await request(server.app).delete(`/task/${accepted.body.task_id}`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', error_code: 'CANCELLED', result: null });
    expect((await request(server.app).get(`/task/${accepted.body.task_id}`)).body.status).toBe('cancelled');

    const again = await request(server.app).delete(`/task/${accepted.body.task_id}`);
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({
      code: 'TASK_FINISHED',
      message: expect.stringContaining('cancelled'),
    });
  });

  it('reports a failed turn as a failed task', async () => {
    h.fake.enqueue(replies.error(401, { message: 'invalid x-api-key' }));
    const accepted = await request(server.app).post('/chat/async').send({ message: 'Fail', user_id: 'yan' });
    const task = await waitForTask(server.app, accepted.body.task_id, ['completed', 'failed']);
    expect(task).toMatchObject({ status: 'failed', error_code: 'API_ERROR', result: null });
    expect(task.error).toContain('401');
  });

  it('answers 404 for unknown tasks and 400 for malformed ids', async () => {
    const unknown = await request(server.app).get('/task/task_00000000-0000-0000-0000-000000000000');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('NOT_FOUND');
    const bad = await request(server.app).get('/task/nope');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^task_id: must be a task id/);
  });

  it('deletes finished tasks after the retention time', async () => {
    const shortLived = await h.server({ tasks: { retention_ms: 500, heartbeat_ms: 200 } });
    const accepted = await request(shortLived.app)
      .post('/chat/async')
      .send({ message: 'Quick', user_id: 'zed' });
    await waitForTask(shortLived.app, accepted.body.task_id, ['completed']);
    await sleep(600);
    expect((await request(shortLived.app).get(`/task/${accepted.body.task_id}`)).status).toBe(404);
  });
});

describe('a server re-created on the same SQLite file', () => {
  // The dead server's session lease must lapse before the new one can run a turn of that session.
  const fastLeases = { max_live: 3, lease_ttl_ms: 2_000 };
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ccs-server-sqlite-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps the sessions and reports the unfinished task as failed', async () => {
    const path = join(dir, 'sessions.db');
    const firstStore = createSqliteSessionStore({ path });
    const first = await h.server({ store: firstStore, tasks: { heartbeat_ms: 200 }, agent: fastLeases });
    await request(first.app).post('/chat').send({ message: 'My name is Abe', user_id: 'abe' }).expect(200);
    h.fake.enqueue(replies.hang());
    const accepted = await request(first.app)
      .post('/chat/async')
      .send({ message: 'Long job', user_id: 'abe' });
    await h.fake.waitForRequest((r) => r.lastUserText === 'Long job');
    // The answered turn is stored in the background (the next turn does not wait for it): the server
    // dies once it is, as a crash some moments after an answer would find it.
    await vi.waitFor(
      async () => expect(await firstStore.loadTranscript('anonymous:user_abe')).toContain('My name is Abe'),
      { timeout: 10_000 },
    );

    // The first server dies: its store connection goes away with it and nothing is written any more.
    await firstStore.close();

    const secondStore = createSqliteSessionStore({ path });
    try {
      const second = await h.server({ store: secondStore, tasks: { heartbeat_ms: 200 }, agent: fastLeases });
      const task = await waitForTask(second.app, accepted.body.task_id, ['failed']);
      expect(task).toMatchObject({
        status: 'failed',
        error_code: 'SERVER_RESTARTED',
        error: 'the server restarted before the task finished',
      });
      expect(task.finished_at).not.toBeNull();
      // Kept in the store's task contract, owned by the tenant, not among its sessions.
      const stored = await secondStore.getTask('anonymous', accepted.body.task_id);
      expect(stored?.data).toMatchObject({ status: 'failed', errorCode: 'SERVER_RESTARTED', userId: 'abe' });
      expect((await secondStore.listTasks('anonymous')).tasks.map((t) => t.id)).toEqual([
        accepted.body.task_id,
      ]);

      const history = await request(second.app).get('/session/user_abe/history');
      expect(history.body.messages.map((m: { content: string }) => m.content).slice(0, 2)).toEqual([
        'My name is Abe',
        'Nice to meet you, Abe. I will remember your name.',
      ]);
      const recall = await request(second.app)
        .post('/chat')
        .send({ message: 'What is my name?', user_id: 'abe' });
      expect(recall.body.content).toBe('Your name is Abe.');
    } finally {
      await first.shutdown({ deadlineMs: 0 });
      await secondStore.close();
    }
  });
});
