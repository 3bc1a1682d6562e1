import { type AddressInfo, connect } from 'node:net';
import type { TurnFailedEvent } from '@claude-code-server/agent';
import { replies } from '@claude-code-server/fake-anthropic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClaudeCodeServer, type StreamEventName, streamEventDataSchemas } from '../src/index.js';
import { type ServerHarness, startServerHarness } from './harness.js';
import { parseSse, postStream, type SseMessage } from './sse-client.js';

let h: ServerHarness;
let server: ClaudeCodeServer;
let url: string;

beforeAll(async () => {
  h = await startServerHarness();
  server = await h.server({ limits: { sse_heartbeat_ms: 150 } });
  const listening = await server.listen(0);
  url = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await h?.close();
});

async function collect(body: unknown): Promise<SseMessage[]> {
  const res = await postStream(`${url}/chat/stream`, body);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const events: SseMessage[] = [];
  for await (const message of parseSse(res.body as ReadableStream<Uint8Array>)) events.push(message);
  return events;
}

/** The first log line (parsed) that matches, waiting up to 30 s for it. */
async function logged(match: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
    const found = h.log.lines.map((line) => JSON.parse(line) as Record<string, unknown>).find(match);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('no such log line');
}

/** Every event's data matches the schema the server exports (and the OpenAPI document shows) for it. */
function expectSchemaShaped(events: SseMessage[]): void {
  for (const { event, data } of eventsOnly(events)) {
    const schema = streamEventDataSchemas[event as StreamEventName];
    expect(schema, `a schema for ${event}`).toBeDefined();
    const parsed = schema.safeParse(data);
    expect(parsed.error?.issues, `the data of ${event}`).toBeUndefined();
  }
}

const named = (events: SseMessage[], name: string) => events.filter((e) => e.event === name);
/** The events without the keep-alive comments. */
const eventsOnly = (events: SseMessage[]) => events.filter((e) => e.event !== undefined);

describe('POST /chat/stream', () => {
  it('sends the session first, text deltas while the model writes, then done', async () => {
    h.fake.enqueue(replies.text('one two three four five six', { chunks: 6, delayMs: 250 }));
    const res = await postStream(`${url}/chat/stream`, { message: 'Count', user_id: 'sam' });
    const events: SseMessage[] = [];
    let runningAtFirstDelta: number | undefined;
    for await (const message of parseSse(res.body as ReadableStream<Uint8Array>)) {
      if (message.event === 'delta' && runningAtFirstDelta === undefined) {
        // The turn is still running on the server when its first words reach the client.
        runningAtFirstDelta = server.agent.stats().runningTurns;
      }
      events.push(message);
    }
    expect(runningAtFirstDelta).toBe(1);
    expect(eventsOnly(events)[0]).toEqual({
      event: 'session',
      data: { session_id: 'user_sam', claude_session_id: expect.stringMatching(/^[0-9a-f-]{36}$/) },
    });
    const deltas = named(events, 'delta').map((e) => (e.data as { text: string }).text);
    expect(deltas.length).toBeGreaterThanOrEqual(6);
    expect(deltas.join('')).toBe('one two three four five six');
    const done = named(events, 'done')[0]?.data as { content: string; session_id: string; success: boolean };
    expect(done).toMatchObject({
      content: 'one two three four five six',
      session_id: 'user_sam',
      success: true,
    });
    expect(events.at(-1)?.event).toBe('done');
    expect(named(events, 'init')[0]?.data).toMatchObject({ permission_mode: 'default' });
    expectSchemaShaped(events);
  });

  it('streams tool use and tool results', async () => {
    h.fake.enqueue(
      replies.toolUse('Read', { file_path: `${h.cli.workDir}/README.md` }),
      replies.text('It says main.'),
    );
    const events = await collect({ message: 'Read the README', user_id: 'sam' });
    expect(named(events, 'tool_use')[0]?.data).toMatchObject({
      name: 'Read',
      input: { file_path: expect.any(String) },
    });
    const result = named(events, 'tool_result')[0]?.data as { content: unknown; is_error: boolean };
    expect(JSON.stringify(result.content)).toContain('The main project.');
    expect(result.is_error).toBe(false);
    expect(named(events, 'done')[0]?.data).toMatchObject({ content: 'It says main.' });
    expect(eventsOnly(events).map((e) => e.event)).toEqual(
      expect.arrayContaining(['session', 'init', 'assistant', 'tool_use', 'tool_result', 'done']),
    );
    expectSchemaShaped(events);
  });

  it('sends keep-alive comments during long silences', async () => {
    h.fake.enqueue(replies.text('slow reply here', { chunks: 3, delayMs: 700 }));
    const events = await collect({ message: 'Take your time', user_id: 'tim' });
    // Between the words, 700 ms apart, the server keeps the stream alive.
    const firstDelta = events.findIndex((e) => e.event === 'delta');
    const done = events.findIndex((e) => e.event === 'done');
    const comments = events.slice(firstDelta, done).filter((e) => e.comment === 'keep-alive');
    expect(firstDelta).toBeGreaterThanOrEqual(0);
    expect(comments.length).toBeGreaterThan(0);
  });

  it('interrupts the turn when the client disconnects; the session goes on', async () => {
    const failed = new Promise<TurnFailedEvent>((resolve) => {
      const off = server.agent.on('turn_failed', (event) => {
        off();
        resolve(event);
      });
    });
    h.fake.enqueue(replies.hang());
    const controller = new AbortController();
    const res = await postStream(
      `${url}/chat/stream`,
      { message: 'Never mind', user_id: 'uma' },
      { signal: controller.signal },
    );
    // Read up to the session event without leaving the stream (leaving it would close the connection).
    const stream = parseSse(res.body as ReadableStream<Uint8Array>);
    while ((await stream.next()).value?.event !== 'session') {}
    await h.fake.waitForRequest((r) => r.lastUserText === 'Never mind');
    controller.abort();
    expect((await failed).error.code).toBe('ABORTED');

    const events = await collect({ message: 'My name is Uma', user_id: 'uma' });
    expect(named(events, 'done')[0]?.data).toMatchObject({ content: expect.stringContaining('Uma') });
  });

  it('closes the stream of a client that stops reading, once limits.sse_buffer_limit is unsent', async () => {
    const limit = 64 * 1024;
    const slow = await h.server({ limits: { sse_buffer_limit: '64kb' } });
    const port = ((await slow.listen(0)).address() as AddressInfo).port;
    // About 12 MB of deltas: more than the kernel's socket buffers on both ends hold.
    const chunk = 'y'.repeat(4096);
    h.fake.enqueue(replies.text(chunk.repeat(3000), { chunks: Array(3000).fill(chunk) }));
    const body = JSON.stringify({ message: 'Write a lot', user_id: 'rex' });
    // A raw client that sends the request, reads the first bytes and then stops reading.
    const socket = connect(port, '127.0.0.1');
    socket.write(
      `POST /chat/stream HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    socket.once('data', () => socket.pause());

    const closed = await logged((line) => line.msg === 'stream closed: the client stopped reading');
    // The server held no more than the limit and the one event that crossed it.
    expect(closed.limit).toBe(limit);
    expect(closed.buffered_bytes).toBeGreaterThan(limit);
    expect(closed.buffered_bytes).toBeLessThan(limit + 8192);
    // The turn was interrupted as for a client that went away.
    const failed = await logged(
      (line) => line.msg === 'turn failed' && line.request_id === closed.request_id,
    );
    expect(failed.code).toBe('ABORTED');
    socket.destroy();

    const res = await postStream(`http://127.0.0.1:${port}/chat/stream`, {
      message: 'My name is Rex',
      user_id: 'rex',
    });
    const events: SseMessage[] = [];
    for await (const message of parseSse(res.body as ReadableStream<Uint8Array>)) events.push(message);
    expect(named(events, 'done')[0]?.data).toMatchObject({ content: expect.stringContaining('Rex') });
  });

  it('reports a failed turn as an error event', async () => {
    h.fake.enqueue(replies.error(400, { message: 'prompt is too long' }));
    const events = await collect({ message: 'Too much', user_id: 'vic' });
    const error = named(events, 'error')[0]?.data as {
      success: boolean;
      status: number;
      error: { code: string };
    };
    expect(error).toMatchObject({ success: false, status: 502, error: { code: 'API_ERROR' } });
    expect(events.at(-1)?.event).toBe('error');
  });

  it('opens the stream of a turn waiting for a slot, with keep-alives; a full queue is a JSON 429', async () => {
    const busy = await h.server({ limits: { max_concurrent_turns: 1, max_queue: 1, sse_heartbeat_ms: 150 } });
    const busyUrl = `http://127.0.0.1:${((await busy.listen(0)).address() as AddressInfo).port}`;
    h.fake.enqueue(replies.hang());
    const holder = new AbortController();
    const holding = postStream(
      `${busyUrl}/chat/stream`,
      { message: 'Hold the slot', user_id: 'holder' },
      { signal: holder.signal },
    ).catch(() => undefined);
    await h.fake.waitForRequest((r) => r.lastUserText === 'Hold the slot');

    const queued = await postStream(`${busyUrl}/chat/stream`, {
      message: 'My name is Quin',
      user_id: 'quin',
    });
    expect(queued.status).toBe(200);
    const stream = parseSse(queued.body as ReadableStream<Uint8Array>);
    const first = (await stream.next()).value;
    expect(first).toEqual({ comment: 'keep-alive' });
    expect(busy.agent.stats().runningTurns).toBe(1);

    const refused = await postStream(`${busyUrl}/chat/stream`, { message: 'hi', user_id: 'rex' });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('SERVER_BUSY');

    holder.abort();
    await holding;
    const rest: SseMessage[] = [];
    for await (const message of stream) rest.push(message);
    expect(eventsOnly(rest)[0]?.event).toBe('session');
    expect(named(rest, 'done')[0]?.data).toMatchObject({ content: expect.stringContaining('Quin') });
  });

  it('answers a bad request with a JSON error before any event', async () => {
    const res = await postStream(`${url}/chat/stream`, { message: 'hi' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      success: false,
      error: { code: 'INVALID_REQUEST', message: 'user_id: is required', details: expect.any(Object) },
    });
  });
});
