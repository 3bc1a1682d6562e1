import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TurnFailedEvent } from '@claude-code-server/agent';
import { replies } from '@claude-code-server/fake-anthropic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClaudeCodeServer, TaskBody } from '../src/index.js';
import { approvalServer, exists, KEYS } from './approval-setup.js';
import { type ServerHarness, startServerHarness } from './harness.js';
import { WsTestClient } from './ws-client.js';

let h: ServerHarness;
let server: ClaudeCodeServer;
let wsUrl: string;
const clients: WsTestClient[] = [];
let counter = 0;

beforeAll(async () => {
  h = await startServerHarness();
  let url: string;
  ({ server, url } = await approvalServer(h));
  wsUrl = `${url.replace(/^http/, 'ws')}/ws`;
});
afterAll(async () => {
  for (const client of clients) client.close();
  await h?.close();
});

/** A connection authenticated with the key's Authorization header, ready for turns. */
async function connect(key: string = KEYS.writer): Promise<WsTestClient> {
  const client = await WsTestClient.open(wsUrl, { authorization: `Bearer ${key}` });
  clients.push(client);
  await client.next((f) => f.type === 'ready');
  return client;
}

function nextFailure(): Promise<TurnFailedEvent> {
  return new Promise((resolve) => {
    const off = server.agent.on('turn_failed', (event) => {
      off();
      resolve(event);
    });
  });
}

/** Starts a turn whose model call never answers; resolves once the model was asked (`failed`: its end). */
async function startHangingTurn(
  client: WsTestClient,
  turnId: string,
  userId: string,
): Promise<{ failed: Promise<TurnFailedEvent> }> {
  const failed = nextFailure();
  h.fake.enqueue(replies.hang());
  const message = `Take your time, ${turnId}`;
  client.send({ type: 'message', turn_id: turnId, message, user_id: userId });
  await client.event(turnId, 'session');
  await h.fake.waitForRequest((r) => r.lastUserText === message);
  return { failed };
}

describe('GET /ws', () => {
  it('runs a turn sent as a message frame and sends its SSE events tagged with the turn id', async () => {
    const client = await connect();
    expect(client.frames[0]).toEqual({ type: 'ready', tenant: 'acme', key_name: 'writer' });
    h.fake.enqueue(replies.text('hello over a socket', { chunks: 3 }));
    client.send({ type: 'message', turn_id: 't1', message: 'Say hello', user_id: 'alice' });
    const events = await client.finished('t1');
    expect(client.frames).toContainEqual({ type: 'accepted', turn_id: 't1', session_id: 'user_alice' });
    expect(events[0]).toMatchObject({ event: 'session', data: { session_id: 'user_alice' } });
    expect(
      events
        .filter((e) => e.event === 'delta')
        .map((e) => (e.data as { text: string }).text)
        .join(''),
    ).toBe('hello over a socket');
    expect(events.at(-1)).toMatchObject({
      event: 'done',
      data: { content: 'hello over a socket', session_id: 'user_alice', success: true },
    });

    // Two turns of different sessions at once on one connection, the second with a server-chosen id.
    h.fake.enqueue(replies.text('first'), replies.text('second'));
    client.send({ type: 'message', turn_id: 'a', message: 'one', user_id: 'alice' });
    client.send({ type: 'message', message: 'two', user_id: 'bob' });
    const accepted = await client.next((f) => f.type === 'accepted' && f.session_id === 'user_bob');
    expect(accepted.turn_id).toMatch(/^turn_/);
    await client.finished('a');
    await client.finished(String(accepted.turn_id));
  });

  it('authenticates a browser with a first auth frame, and answers ping with pong', async () => {
    const client = await WsTestClient.open(wsUrl);
    clients.push(client);
    client.send({ type: 'message', message: 'hi', user_id: 'alice' });
    expect(await client.next((f) => f.type === 'error')).toMatchObject({
      status: 401,
      error: { code: 'UNAUTHORIZED', message: expect.stringContaining('auth frame') },
    });
    client.send({ type: 'auth', token: KEYS.writer });
    expect(await client.next((f) => f.type === 'ready')).toMatchObject({ tenant: 'acme' });
    client.send({ type: 'ping', id: 'p1' });
    expect(await client.next((f) => f.type === 'pong')).toEqual({ type: 'pong', id: 'p1' });
  });

  it('refuses a wrong key: 401 at the upgrade with a header, an error frame and a close with an auth frame', async () => {
    const refused = await WsTestClient.open(wsUrl, { authorization: 'Bearer wrong-key-0123456789' }).catch(
      (e: unknown) => e as { status: number; body: string },
    );
    expect(refused).toMatchObject({ status: 401 });
    expect(JSON.parse((refused as { body: string }).body)).toMatchObject({ error: { code: 'UNAUTHORIZED' } });

    const client = await WsTestClient.open(wsUrl);
    client.send({ type: 'auth', token: 'wrong-key-0123456789' });
    expect(await client.next((f) => f.type === 'error')).toMatchObject({ status: 401 });
    expect((await client.whenClosed()).code).toBe(1008);
  });

  it('answers a bad frame with an error frame naming the problem, and the connection stays usable', async () => {
    const client = await connect();
    client.send('{not json');
    client.send({ type: 'shout' });
    client.send({ type: 'message', turn_id: 'bad', user_id: 'alice' });
    client.send({ type: 'interrupt', turn_id: 'nothing-running' });
    client.send({
      type: 'message',
      turn_id: 'big',
      message: 'hi',
      user_id: 'alice',
      config: { permission_mode: 'bypassPermissions' },
    });
    const errorsOf = () => client.frames.filter((f) => f.type === 'error');
    await client.next(() => errorsOf().length === 5);
    const errors = errorsOf();
    expect(errors.map((e) => [e.status, (e.error as { message: string }).message, e.turn_id])).toEqual([
      [400, 'frame: is not valid JSON', null],
      [400, 'type: must be one of auth, message, interrupt, permission, ping', null],
      [400, 'message: is required', 'bad'],
      [404, 'turn_id: no running turn nothing-running on this connection', 'nothing-running'],
      [403, expect.stringMatching(/^config\.permission_mode: /), 'big'],
    ]);
    h.fake.enqueue(replies.text('still here'));
    client.send({ type: 'message', turn_id: 'ok', message: 'are you there?', user_id: 'alice' });
    expect((await client.finished('ok')).at(-1)).toMatchObject({
      event: 'done',
      data: { content: 'still here' },
    });
  });

  it('interrupts a running turn on an interrupt frame; the session goes on', async () => {
    const client = await connect();
    const { failed } = await startHangingTurn(client, 'long', 'frank');
    client.send({ type: 'interrupt', turn_id: 'long' });
    const events = await client.finished('long');
    expect(events.at(-1)).toMatchObject({
      event: 'error',
      data: { success: false, error: { code: 'ABORTED' } },
    });
    expect((await failed).error.code).toBe('ABORTED');

    h.fake.enqueue(replies.text('back again'));
    client.send({ type: 'message', turn_id: 'next', message: 'hello?', user_id: 'frank' });
    expect((await client.finished('next')).at(-1)).toMatchObject({
      event: 'done',
      data: { content: 'back again' },
    });
  });

  it('interrupts the turns of a connection that closes', async () => {
    const client = await connect();
    const { failed } = await startHangingTurn(client, 'gone', 'gina');
    client.close();
    expect((await failed).error.code).toBe('ABORTED');
  });

  it('asks for approval as an event and takes the answer as a permission frame, checked like the HTTP one', async () => {
    const writer = await connect();
    const reader = await connect(KEYS.reader);
    const globex = await connect(KEYS.globex);
    const file = join(h.cli.workDir, `ws-approved-${++counter}.txt`);
    h.fake.enqueue(
      replies.toolUse('Write', { file_path: file, content: 'via websocket\n' }),
      replies.text('Written.'),
    );
    writer.send({ type: 'message', turn_id: 'w', message: 'write it', user_id: 'alice' });
    const request = (await writer.event('w', 'permission_request')).data as {
      request_id: string;
      tool_name: string;
    };
    expect(request.tool_name).toBe('Write');

    globex.send({ type: 'permission', request_id: request.request_id, behavior: 'allow' });
    reader.send({ type: 'permission', request_id: request.request_id, behavior: 'allow' });
    expect(await globex.next((f) => f.type === 'error')).toMatchObject({
      status: 404,
      request_id: request.request_id,
    });
    expect(await reader.next((f) => f.type === 'error')).toMatchObject({
      status: 403,
      request_id: request.request_id,
      error: { code: 'FORBIDDEN' },
    });
    writer.send({ type: 'permission', request_id: request.request_id, behavior: 'allow' });
    expect(await writer.next((f) => f.type === 'answered')).toEqual({
      type: 'answered',
      request_id: request.request_id,
      session_id: 'user_alice',
      behavior: 'allow',
    });
    expect((await writer.finished('w')).at(-1)).toMatchObject({
      event: 'done',
      data: { content: 'Written.' },
    });
    expect(await readFile(file, 'utf8')).toBe('via websocket\n');
  });

  it('denies over a permission frame: the tool does not run and the model gets the message', async () => {
    const client = await connect();
    const file = join(h.cli.workDir, `ws-denied-${++counter}.txt`);
    h.fake.enqueue(replies.toolUse('Write', { file_path: file, content: 'no\n' }), replies.text('Fine.'));
    client.send({ type: 'message', turn_id: 'd', message: 'write it', user_id: 'alice' });
    const request = (await client.event('d', 'permission_request')).data as { request_id: string };
    client.send({
      type: 'permission',
      request_id: request.request_id,
      behavior: 'deny',
      message: 'not over the socket',
    });
    const events = await client.finished('d');
    expect(events.find((e) => e.event === 'permission_resolved')).toMatchObject({
      data: { behavior: 'deny', decided_by: 'answer', message: 'not over the socket' },
    });
    expect(await exists(file)).toBe(false);
    expect(h.fake.conversationRequests().at(-1)?.toolResults[0]?.content).toContain('not over the socket');
  });

  it('takes the answer to an async task’s request as a permission frame', async () => {
    const client = await connect();
    const file = join(h.cli.workDir, `ws-task-${++counter}.txt`);
    h.fake.enqueue(
      replies.toolUse('Write', { file_path: file, content: 'from a task\n' }),
      replies.text('Task done.'),
    );
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${KEYS.writer}` };
    const base = wsUrl.replace(/^ws/, 'http').replace(/\/ws$/, '');
    const accepted = await fetch(`${base}/chat/async`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ message: 'write later', user_id: 'ivy' }),
    });
    const { task_id } = (await accepted.json()) as { task_id: string };
    const taskNow = async () => {
      await sleep(50);
      return (await (await fetch(`${base}/task/${task_id}`, { headers })).json()) as TaskBody;
    };
    let task = await taskNow();
    while (task.status !== 'waiting_for_approval') task = await taskNow();
    client.send({
      type: 'permission',
      request_id: task.pending_permissions[0]?.request_id,
      behavior: 'allow',
    });
    expect(await client.next((f) => f.type === 'answered')).toMatchObject({
      session_id: 'user_ivy',
      behavior: 'allow',
    });
    while (task.status !== 'completed' && task.status !== 'failed') task = await taskNow();
    expect(task).toMatchObject({ status: 'completed', result: { content: 'Task done.' } });
    expect(await readFile(file, 'utf8')).toBe('from a task\n');
  });

  it('drops a connection that stops reading once websocket.buffer_limit is unsent, interrupting its turn', async () => {
    const { server: slow, url } = await approvalServer(h, { websocket: { buffer_limit: '64kb' } });
    const client = await WsTestClient.open(`${url.replace(/^http/, 'ws')}/ws`, {
      authorization: `Bearer ${KEYS.writer}`,
    });
    await client.next((f) => f.type === 'ready');
    const failed = new Promise<TurnFailedEvent>((resolve) => slow.agent.on('turn_failed', resolve));
    // About 12 MB of deltas: more than the kernel's socket buffers on both ends hold.
    const chunk = 'z'.repeat(4096);
    h.fake.enqueue(replies.text(chunk.repeat(3000), { chunks: Array(3000).fill(chunk) }));
    // Stops reading at once: a client that read while the turn began would let the kernel grow its
    // receive window (tcp_rmem goes up to 32 MB here) until the whole flood fits in it.
    client.socket.pause();
    client.send({ type: 'message', turn_id: 'flood', message: 'Write a lot', user_id: 'hal' });
    expect((await failed).error.code).toBe('ABORTED');
    client.socket.resume();
    await client.whenClosed();
    expect(client.frames.some((f) => f.event === 'done')).toBe(false);
  });
});
