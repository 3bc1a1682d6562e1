import { replies } from '@claude-code-server/fake-anthropic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadRequestError, type ChatStreamEvent, ClaudeCodeServerClient } from '../src/index.js';
import { type ClientHarness, KEYS, startClientHarness } from './harness.js';

const METRICS_TOKEN = 'metrics-token-0123456789';

let h: ClientHarness;
let client: ClaudeCodeServerClient;
let url: string;

beforeAll(async () => {
  h = await startClientHarness();
  ({ url } = await h.server({ metrics: { enabled: true, token: METRICS_TOKEN } }));
  client = new ClaudeCodeServerClient({ baseUrl: url, apiKey: KEYS.alice });
});
afterAll(async () => {
  await h?.close();
});

describe('the client against every endpoint', () => {
  it('reads /health without a key', async () => {
    const health = await new ClaudeCodeServerClient({
      baseUrl: (client as unknown as { baseUrl: string }).baseUrl,
    }).health();
    expect(health.status).toBe('healthy');
    expect(health.store).toBe('ok');
  });

  it('chats, then reads the history and the sessions of the user', async () => {
    h.fake.enqueue(replies.text('Hello Ada.'));
    const answer = await client.chat({ message: 'Hi, I am Ada', user_id: 'ada', session_id: 'ada-1' });
    expect(answer).toMatchObject({ content: 'Hello Ada.', session_id: 'ada-1', success: true, error: null });
    expect(answer.metadata.usage.output_tokens).toBeGreaterThan(0);

    const history = await client.getHistory('ada-1', { limit: 10 });
    expect(history.messages.map((m) => [m.role, m.content])).toEqual([
      ['user', 'Hi, I am Ada'],
      ['assistant', 'Hello Ada.'],
    ]);
    const older = await client.getHistory('ada-1', { before: history.messages[1]?.seq });
    expect(older.messages.map((m) => m.content)).toEqual(['Hi, I am Ada']);

    const sessions = await client.listSessions({ user_id: 'ada' });
    expect(sessions.sessions.map((s) => s.session_id)).toEqual(['ada-1']);
    expect(sessions.next_cursor).toBeNull();
  });

  it('streams a turn as typed events, deltas before done', async () => {
    h.fake.enqueue(replies.text('one two three', { chunks: 3 }));
    const events: ChatStreamEvent[] = [];
    for await (const event of client.chatStream({ message: 'Count', user_id: 'ben' })) events.push(event);
    const names = events.map((e) => e.event);
    expect(names[0]).toBe('session');
    expect(names.at(-1)).toBe('done');
    const text = events.flatMap((e) => (e.event === 'delta' ? [e.data.text] : [])).join('');
    expect(text).toBe('one two three');
    const done = events.at(-1);
    if (done?.event !== 'done') throw new Error('no done event');
    expect(done.data.content).toBe('one two three');
    expect(done.data.session_id).toBe('user_ben');
  });

  it('queues a task, waits for it, and cancels another', async () => {
    h.fake.enqueue(replies.text('Done later.'));
    const accepted = await client.chatAsync({ message: 'Later', user_id: 'cy' });
    expect(accepted.status).toBe('pending');
    const task = await client.waitForTask(accepted.task_id, { intervalMs: 50 });
    expect(task).toMatchObject({ status: 'completed', user_id: 'cy', error: null });
    expect(task.result?.content).toBe('Done later.');

    h.fake.enqueue(replies.text('a b c d e f g h', { chunks: 8, delayMs: 1000 }));
    const slow = await client.chatAsync({ message: 'Slowly', user_id: 'cy', session_id: 'cy-slow' });
    await h.fake.waitForRequest((request) => request.lastUserText === 'Slowly');
    const cancelled = await client.cancelTask(slow.task_id);
    expect(cancelled.status).toBe('cancelled');
    expect((await client.getTask(slow.task_id)).status).toBe('cancelled');
  });

  it('sends an image and a text file with a message; the model gets them as content blocks', async () => {
    // A 1x1 PNG.
    const pixel =
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
    const list = btoa('- milk\n- eggs');
    h.fake.enqueue(replies.text('A pixel and a list.'));
    const answer = await client.chat({
      message: 'What is attached?',
      user_id: 'ada',
      attachments: [
        { type: 'image', media_type: 'image/png', data: pixel, name: 'pixel.png' },
        { type: 'file', name: 'list.md', media_type: 'text/markdown', data: list },
      ],
    });
    expect(answer.content).toBe('A pixel and a list.');
    const sent = h.fake
      .conversationRequests()
      .find((request) => request.lastUserText.includes('What is attached?'));
    const blocks = ((sent?.messages ?? []) as Array<{ role: string; content: unknown }>)
      .filter((message) => message.role === 'user' && Array.isArray(message.content))
      .flatMap((message) => message.content as unknown[]);
    expect(blocks).toContainEqual({
      type: 'image',
      source: { type: 'base64', media_type: 'image/png', data: pixel },
    });
    expect(blocks).toContainEqual({ type: 'text', text: '<file name="list.md">\n- milk\n- eggs\n</file>\n' });

    const refused = await client
      .chat({
        message: 'And this?',
        user_id: 'ada',
        attachments: [{ type: 'image', media_type: 'image/tiff', data: pixel }],
      })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(BadRequestError);
    expect((refused as BadRequestError).message).toMatch(/^attachments\[0\]\.media_type: /);
  });

  it('deletes a session', async () => {
    h.fake.enqueue(replies.text('Noted.'));
    await client.chat({ message: 'Remember', user_id: 'dee', session_id: 'dee-1' });
    const deleted = await client.deleteSession('dee-1');
    expect(deleted).toMatchObject({ success: true, session_id: 'dee-1' });
    expect((await client.listSessions({ user_id: 'dee' })).sessions).toEqual([]);
  });

  it('reads the OpenAPI document, the OpenAI-compatible models and completions, and the metrics', async () => {
    const document = await client.openApiDocument();
    expect(Object.keys(document.paths as object)).toContain('/chat/stream');

    const models = await client.listModels();
    expect(models.data.map((m) => m.id)).toContain('claude-code');
    expect((await client.getModel('claude-code')).id).toBe('claude-code');

    h.fake.enqueue(replies.text('Compatible.'));
    const completion = await client.createChatCompletion({
      model: 'claude-code',
      messages: [{ role: 'user', content: 'Say it' }],
      user: 'eve',
    });
    expect(completion.choices[0]?.message.content).toBe('Compatible.');

    const metrics = await client.metrics(METRICS_TOKEN);
    expect(metrics).toMatch(/^ccs_turns_total\{outcome="success"/m);
  });
});
