import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { replies } from '@claude-code-server/fake-anthropic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskBody } from '../src/index.js';
import { answer, approvalServer, exists, KEYS } from './approval-setup.js';
import { type ServerHarness, startServerHarness } from './harness.js';
import { parseSse, postStream, type SseMessage } from './sse-client.js';

let h: ServerHarness;
let url: string;
let counter = 0;

beforeAll(async () => {
  h = await startServerHarness();
  ({ url } = await approvalServer(h));
});
afterAll(async () => {
  await h?.close();
});

/** A new file name in the project, and the model's Write of it, then a closing text. */
function scriptWrite(text = 'The model is done.'): string {
  const file = join(h.cli.workDir, `approved-${++counter}.txt`);
  h.fake.enqueue(
    replies.toolUse('Write', { file_path: file, content: 'written after approval\n' }),
    replies.text(text),
  );
  return file;
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

/** Streams a turn; `onRequest` runs for each permission_request before reading on. */
async function streamWith(
  body: Record<string, unknown>,
  onRequest: (request: Record<string, unknown>) => Promise<void>,
  key: string = KEYS.writer,
): Promise<SseMessage[]> {
  const res = await postStream(`${url}/chat/stream`, body, { headers: bearer(key) });
  expect(res.status).toBe(200);
  const events: SseMessage[] = [];
  for await (const message of parseSse(res.body as ReadableStream<Uint8Array>)) {
    if (message.event === undefined) continue;
    events.push(message);
    if (message.event === 'permission_request') await onRequest(message.data as Record<string, unknown>);
  }
  return events;
}

const dataOf = (events: SseMessage[], name: string) =>
  events.filter((e) => e.event === name).map((e) => e.data as Record<string, unknown>);
const lastToolResult = () => h.fake.conversationRequests().at(-1)?.toolResults[0];

describe('tool approval over /chat/stream', () => {
  it('holds a Write until it is allowed, then runs it', async () => {
    const file = scriptWrite();
    let existedWhileWaiting: boolean | undefined;
    const events = await streamWith({ message: 'write the file', user_id: 'alice' }, async (request) => {
      existedWhileWaiting = await exists(file);
      const res = await answer(url, KEYS.writer, 'user_alice', String(request.request_id), {
        behavior: 'allow',
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        success: true,
        request_id: request.request_id,
        session_id: 'user_alice',
        behavior: 'allow',
      });
    });
    const [request] = dataOf(events, 'permission_request');
    expect(request).toMatchObject({
      request_id: expect.stringMatching(/^perm_/),
      session_id: 'user_alice',
      user_id: 'alice',
      tool_name: 'Write',
      input: { file_path: file, content: 'written after approval\n' },
    });
    expect(Date.parse(String(request?.expires_at))).toBeGreaterThan(Date.parse(String(request?.created_at)));
    expect(existedWhileWaiting).toBe(false);
    expect(dataOf(events, 'permission_resolved')).toEqual([
      expect.objectContaining({ request_id: request?.request_id, behavior: 'allow', decided_by: 'answer' }),
    ]);
    expect(await readFile(file, 'utf8')).toBe('written after approval\n');
    const [done] = dataOf(events, 'done');
    expect(done).toMatchObject({ content: 'The model is done.', metadata: { permission_denials: [] } });
  });

  it('runs the tool with the input the answer changed it to', async () => {
    const file = scriptWrite();
    await streamWith({ message: 'write it', user_id: 'alice' }, async (request) => {
      const res = await answer(url, KEYS.writer, 'user_alice', String(request.request_id), {
        behavior: 'allow',
        updated_input: { file_path: file, content: 'edited by the reviewer\n' },
      });
      expect(res.status).toBe(200);
    });
    expect(await readFile(file, 'utf8')).toBe('edited by the reviewer\n');
  });

  it('does not run a denied Write, and the model gets the deny message', async () => {
    const file = scriptWrite('I could not write it.');
    const events = await streamWith({ message: 'write the file', user_id: 'alice' }, async (request) => {
      const res = await answer(url, KEYS.writer, 'user_alice', String(request.request_id), {
        behavior: 'deny',
        message: 'not in this folder, please',
      });
      expect(res.status).toBe(200);
    });
    expect(await exists(file)).toBe(false);
    expect(lastToolResult()?.isError).toBe(true);
    expect(lastToolResult()?.content).toContain('not in this folder, please');
    expect(dataOf(events, 'permission_resolved')[0]).toMatchObject({
      behavior: 'deny',
      decided_by: 'answer',
      message: 'not in this folder, please',
    });
    const [done] = dataOf(events, 'done');
    expect(done).toMatchObject({
      metadata: { permission_denials: [expect.objectContaining({ tool_name: 'Write' })] },
    });
  });

  it('refuses answers from another tenant, from a key not for that user, and an allow beyond the key’s tools', async () => {
    const file = scriptWrite();
    const refusals: Array<{ status: number; body: Record<string, unknown> }> = [];
    await streamWith({ message: 'write the file', user_id: 'alice' }, async (request) => {
      const id = String(request.request_id);
      for (const key of [KEYS.globex, KEYS.bobOnly, KEYS.reader]) {
        const res = await answer(url, key, 'user_alice', id, { behavior: 'allow' });
        refusals.push({ status: res.status, body: (await res.json()) as Record<string, unknown> });
      }
      // The request is still open: the writer's answer is taken.
      const res = await answer(url, KEYS.writer, 'user_alice', id, { behavior: 'allow' });
      expect(res.status).toBe(200);
    });
    expect(refusals.map((r) => r.status)).toEqual([404, 404, 403]);
    expect(refusals[0]?.body).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect(refusals[2]?.body).toMatchObject({
      error: {
        code: 'FORBIDDEN',
        message: expect.stringContaining('may not approve Write'),
        details: { field: 'behavior' },
      },
    });
    expect(await exists(file)).toBe(true);
  });

  it('never asks about a tool beyond the key’s tools: it is denied at once', async () => {
    const file = scriptWrite();
    const events = await streamWith(
      { message: 'write the file', user_id: 'alice' },
      async () => {},
      KEYS.reader,
    );
    expect(dataOf(events, 'permission_request')).toEqual([]);
    expect(await exists(file)).toBe(false);
    expect(lastToolResult()?.content).toContain('this API key may not grant it');
  });

  it('refuses a second answer and a malformed one, naming the field', async () => {
    scriptWrite();
    let second: Response | undefined;
    let malformed: Response | undefined;
    await streamWith({ message: 'write', user_id: 'alice' }, async (request) => {
      const id = String(request.request_id);
      malformed = await answer(url, KEYS.writer, 'user_alice', id, { behavior: 'maybe' });
      await answer(url, KEYS.writer, 'user_alice', id, { behavior: 'deny' });
      second = await answer(url, KEYS.writer, 'user_alice', id, { behavior: 'allow' });
    });
    expect(malformed?.status).toBe(400);
    expect(await malformed?.json()).toMatchObject({ error: { message: 'behavior: must be allow or deny' } });
    expect(second?.status).toBe(404);
  });
});

describe('tool approval for POST /chat', () => {
  it('denies at once unless the request waits for approval', async () => {
    const file = scriptWrite();
    const res = await fetch(`${url}/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(KEYS.writer) },
      body: JSON.stringify({ message: 'write', user_id: 'carol' }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { metadata: { permission_denials: Array<{ tool_name: string }> } };
    expect(body.metadata.permission_denials.map((d) => d.tool_name)).toEqual(['Write']);
    expect(lastToolResult()?.content).toContain('does not wait for approval');
    expect(await exists(file)).toBe(false);
  });

  it('with wait_for_approval, lists the request under the session and waits for the answer', async () => {
    const file = scriptWrite();
    const pending = fetch(`${url}/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(KEYS.writer) },
      body: JSON.stringify({ message: 'write', user_id: 'carol', wait_for_approval: true }),
    });
    let listed: { pending: Array<{ request_id: string; tool_name: string }> } = { pending: [] };
    while (listed.pending.length === 0) {
      await sleep(50);
      const res = await fetch(`${url}/session/user_carol/permissions`, { headers: bearer(KEYS.writer) });
      listed = (await res.json()) as typeof listed;
    }
    expect(listed.pending.map((p) => p.tool_name)).toEqual(['Write']);
    // Another tenant sees nothing there.
    const other = await fetch(`${url}/session/user_carol/permissions`, { headers: bearer(KEYS.globex) });
    expect(await other.json()).toEqual({ session_id: 'user_carol', pending: [] });
    const id = listed.pending[0]?.request_id as string;
    expect((await answer(url, KEYS.writer, 'user_carol', id, { behavior: 'allow' })).status).toBe(200);
    const res = await pending;
    expect(res.status).toBe(200);
    expect(await exists(file)).toBe(true);
  });
});

describe('tool approval for async tasks', () => {
  it('shows waiting_for_approval with the pending request, and completes once allowed', async () => {
    const file = scriptWrite();
    const accepted = await fetch(`${url}/chat/async`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(KEYS.writer) },
      body: JSON.stringify({ message: 'write in the background', user_id: 'dave' }),
    });
    expect(accepted.status).toBe(202);
    const { task_id } = (await accepted.json()) as { task_id: string };
    const poll = async (statuses: string[]): Promise<TaskBody> => {
      for (;;) {
        const res = await fetch(`${url}/task/${task_id}`, { headers: bearer(KEYS.writer) });
        const task = (await res.json()) as TaskBody;
        if (statuses.includes(task.status)) return task;
        await sleep(50);
      }
    };
    const waiting = await poll(['waiting_for_approval', 'completed', 'failed']);
    expect(waiting.status).toBe('waiting_for_approval');
    expect(waiting.pending_permissions).toEqual([
      expect.objectContaining({
        tool_name: 'Write',
        session_id: 'user_dave',
        input: expect.objectContaining({ file_path: file }),
      }),
    ]);
    const id = waiting.pending_permissions[0]?.request_id as string;
    expect((await answer(url, KEYS.writer, 'user_dave', id, { behavior: 'allow' })).status).toBe(200);
    const done = await poll(['completed', 'failed']);
    expect(done).toMatchObject({
      status: 'completed',
      pending_permissions: [],
      result: { content: 'The model is done.' },
    });
    expect(await exists(file)).toBe(true);
  });
});

describe('approval timeout', () => {
  it('denies a request nobody answers, and says so as an event', async () => {
    const { url: shortUrl } = await approvalServer(h, { permissions: { approval_timeout_ms: 400 } });
    const file = scriptWrite('Nobody answered.');
    const res = await postStream(
      `${shortUrl}/chat/stream`,
      { message: 'write', user_id: 'erin' },
      { headers: bearer(KEYS.writer) },
    );
    const events: SseMessage[] = [];
    for await (const message of parseSse(res.body as ReadableStream<Uint8Array>)) events.push(message);
    expect(dataOf(events, 'permission_resolved')).toEqual([
      expect.objectContaining({ tool_name: 'Write', behavior: 'deny', decided_by: 'timeout' }),
    ]);
    expect(await exists(file)).toBe(false);
    expect(lastToolResult()?.content).toContain('Nobody approved Write');
  });
});
