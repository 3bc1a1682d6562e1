import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { replies } from '@claude-code-server/fake-anthropic';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { streamEventDataSchemas } from '../scripts/stream-event-schemas.js';
import { type ChatStreamEvent, ClaudeCodeServerClient } from '../src/index.js';
import { type ClientHarness, KEYS, startClientHarness } from './harness.js';

let h: ClientHarness;
let client: ClaudeCodeServerClient;

beforeAll(async () => {
  h = await startClientHarness();
  const { url } = await h.server();
  client = new ClaudeCodeServerClient({ baseUrl: url, apiKey: KEYS.alice });
});
afterAll(async () => {
  await h?.close();
});

// The event schemas the client's types are generated from must match what the server really sends.
it("every event of a turn with a tool call and an API retry has exactly the data the client's types say", async () => {
  await writeFile(join(h.cli.workDir, 'note.txt'), 'the note\n');
  h.fake.enqueue(
    replies.error(529, { retryAfterSeconds: 0 }),
    replies.toolUse('Read', { file_path: join(h.cli.workDir, 'note.txt') }, { text: 'Reading.' }),
    replies.text('It says: the note.'),
  );
  const events: ChatStreamEvent[] = [];
  for await (const event of client.chatStream({ message: 'Read note.txt', user_id: 'fay' }))
    events.push(event);

  const names = new Set(events.map((event) => event.event));
  for (const name of ['session', 'init', 'retry', 'delta', 'assistant', 'tool_use', 'tool_result', 'done']) {
    expect(names, `no ${name} event`).toContain(name);
  }
  for (const event of events) {
    const schema = streamEventDataSchemas[event.event as keyof typeof streamEventDataSchemas];
    if (schema)
      expect(
        schema.safeParse(event.data).error,
        `${event.event}: ${JSON.stringify(event.data)}`,
      ).toBeUndefined();
  }
  const toolUse = events.find((event) => event.event === 'tool_use');
  expect(toolUse?.event === 'tool_use' && toolUse.data.name).toBe('Read');
  const done = events.at(-1);
  expect(done?.event === 'done' && done.data.content).toBe('It says: the note.');
});
