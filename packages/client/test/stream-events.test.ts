import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { replies } from '@claude-code-server/fake-anthropic';
import { streamEventDataSchemas, wsEventFrameSchema } from '@claude-code-server/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type ChatStreamEvent, ClaudeCodeServerClient } from '../src/index.js';
import { type ClientHarness, KEYS, startClientHarness } from './harness.js';

let h: ClientHarness;
let url: string;

beforeAll(async () => {
  h = await startClientHarness();
  ({ url } = await h.server());
});
afterAll(async () => {
  await h?.close();
});

/** A turn that sends every kind of event a plain turn can: an API retry, a tool call, its result. */
async function enqueueToolTurn(): Promise<void> {
  await writeFile(join(h.cli.workDir, 'note.txt'), 'the note\n');
  h.fake.enqueue(
    replies.error(529, { retryAfterSeconds: 0 }),
    replies.toolUse('Read', { file_path: join(h.cli.workDir, 'note.txt') }, { text: 'Reading.' }),
    replies.text('It says: the note.'),
  );
}

// The client's event types are generated from the server's schemas of them; these parse what the
// real server sends strictly against those same schemas, so the types say what arrives.
function expectServerSchemas(events: ChatStreamEvent[]): void {
  const names = new Set(events.map((event) => event.event));
  for (const name of ['session', 'init', 'retry', 'delta', 'assistant', 'tool_use', 'tool_result', 'done']) {
    expect(names, `no ${name} event`).toContain(name);
  }
  for (const event of events) {
    const schema = streamEventDataSchemas[event.event];
    expect(schema, `the server has no schema of ${event.event}`).toBeDefined();
    expect(
      schema.safeParse(event.data).error,
      `${event.event}: ${JSON.stringify(event.data)}`,
    ).toBeUndefined();
  }
  const toolUse = events.find((event) => event.event === 'tool_use');
  expect(toolUse?.event === 'tool_use' && toolUse.data.name).toBe('Read');
  const done = events.at(-1);
  expect(done?.event === 'done' && done.data.content).toBe('It says: the note.');
}

describe("the events of a turn with a tool call and an API retry have exactly the data the client's types say", () => {
  it('over /chat/stream', async () => {
    await enqueueToolTurn();
    const client = new ClaudeCodeServerClient({ baseUrl: url, apiKey: KEYS.alice });
    const events: ChatStreamEvent[] = [];
    for await (const event of client.chatStream({ message: 'Read note.txt', user_id: 'fay' }))
      events.push(event);
    expectServerSchemas(events);
  });

  it('over the WebSocket, whose event frames carry the same events', async () => {
    const frames: unknown[] = [];
    class RecordingWebSocket extends WebSocket {
      constructor(address: string) {
        super(address);
        this.addEventListener('message', (message) => frames.push(JSON.parse(String(message.data))));
      }
    }
    const client = new ClaudeCodeServerClient({
      baseUrl: url,
      apiKey: KEYS.alice,
      WebSocket: RecordingWebSocket,
    });
    await enqueueToolTurn();
    const socket = await client.connect();
    const events: ChatStreamEvent[] = [];
    try {
      for await (const event of socket.send({ message: 'Read note.txt', user_id: 'gus' })) events.push(event);
    } finally {
      socket.close();
    }
    expectServerSchemas(events);
    const eventFrames = frames.filter((frame) => (frame as { type?: unknown }).type === 'event');
    expect(eventFrames).toHaveLength(events.length);
    for (const [index, frame] of eventFrames.entries()) {
      const { type: _type, turn_id: _turnId, ...event } = wsEventFrameSchema.parse(frame);
      expect(event).toEqual(events[index]);
    }
  });
});
