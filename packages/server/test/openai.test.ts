import type { AddressInfo } from 'node:net';
import type { TurnFailedEvent } from '@claude-code-server/agent';
import { replies } from '@claude-code-server/fake-anthropic';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClaudeCodeServer } from '../src/index.js';
import { type ServerHarness, startServerHarness } from './harness.js';

const KEY = 'openai-test-key-0123456789';
const NARROW_KEY = 'openai-narrow-key-0123456789';

let h: ServerHarness;
let server: ClaudeCodeServer;
let url: string;
let client: OpenAI;

beforeAll(async () => {
  h = await startServerHarness();
  server = await h.server({
    auth: {
      keys: [
        { name: 'web', key: KEY },
        { name: 'narrow', key: NARROW_KEY, users: ['kim'], rate_limit: { requests_per_minute: 1, burst: 1 } },
      ],
    },
  });
  const listening = await server.listen(0);
  url = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
  client = new OpenAI({ baseURL: `${url}/v1`, apiKey: KEY, maxRetries: 0 });
});
afterAll(async () => {
  await h?.close();
});

type Message = OpenAI.Chat.Completions.ChatCompletionMessageParam;

describe('POST /v1/chat/completions', () => {
  it('answers with the turn, its usage, and the session it ran in', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'sonnet', messages: [{ role: 'user', content: 'My name is Alice' }], user: 'alice' })
      .withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.model).toBe('sonnet');
    expect(data.choices[0]?.message).toMatchObject({
      role: 'assistant',
      content: expect.stringContaining('Alice'),
    });
    expect(data.choices[0]?.finish_reason).toBe('stop');
    expect(data.usage?.completion_tokens).toBeGreaterThan(0);
    expect(data.usage?.total_tokens).toBe(
      (data.usage?.prompt_tokens ?? 0) + (data.usage?.completion_tokens ?? 0),
    );
    const sessionId = response.headers.get('x-session-id');
    expect(sessionId).toMatch(/^oai-/);
    // The CLI was asked for the model the request named.
    const sent = h.fake.conversationRequests().at(-1);
    expect(sent?.lastUserText).toBe('My name is Alice');
    expect(sent?.model).toMatch(/sonnet/);
  });

  it('continues the session whose history the request repeats, on its warm process', async () => {
    const first: Message[] = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'My name is Bea' },
    ];
    const one = await client.chat.completions
      .create({ model: 'claude-code', messages: first, user: 'bea' })
      .withResponse();
    const spawned = server.agent.stats().pool.spawned;
    const answer = one.data.choices[0]?.message.content ?? '';
    const two = await client.chat.completions
      .create({
        model: 'claude-code',
        messages: [
          ...first,
          { role: 'assistant', content: answer },
          { role: 'user', content: 'What is my name?' },
        ],
        user: 'bea',
      })
      .withResponse();
    expect(two.data.choices[0]?.message.content).toBe('Your name is Bea.');
    expect(two.response.headers.get('x-session-id')).toBe(one.response.headers.get('x-session-id'));
    // No process was started for the second turn, and only the new message was sent to the CLI.
    expect(server.agent.stats().pool.spawned).toBe(spawned);
    const sent = h.fake.conversationRequests().at(-1);
    expect(sent?.lastUserText).toBe('What is my name?');
    expect(sent?.system).toContain('Be brief.');
    const history = await fetch(`${url}/session/${one.response.headers.get('x-session-id')}/history`, {
      headers: { 'X-API-Key': KEY },
    }).then((res) => res.json() as Promise<{ messages: Array<{ role: string; content: string }> }>);
    expect(history.messages.map((m) => m.content)).toEqual([
      'My name is Bea',
      answer,
      'What is my name?',
      'Your name is Bea.',
    ]);
  });

  it('continues the session X-Session-Id names, from its own history', async () => {
    const headers = { 'X-Session-Id': 'chat-of-cy' };
    await client.chat.completions.create(
      { model: 'sonnet', messages: [{ role: 'user', content: 'My name is Cy' }], user: 'cy' },
      { headers },
    );
    const two = await client.chat.completions.create(
      { model: 'sonnet', messages: [{ role: 'user', content: "What's my name?" }], user: 'cy' },
      { headers },
    );
    expect(two.choices[0]?.message.content).toBe('Your name is Cy.');
  });

  it('replays a history no session holds into a new session', async () => {
    const history = [
      { role: 'user', content: 'My name is Dee' },
      { role: 'assistant', content: 'Hello Dee.' },
      { role: 'user', content: 'Tell me a joke' },
    ] as const;
    const { data, response } = await client.chat.completions
      .create({ model: 'sonnet', messages: [...history], user: 'dee' })
      .withResponse();
    expect(data.choices[0]?.message.content).toBeTruthy();
    const sent = h.fake.conversationRequests().at(-1)?.lastUserText ?? '';
    expect(sent).toContain('My name is Dee');
    expect(sent).toContain('Hello Dee.');
    expect(sent).toContain('Tell me a joke');
    // The replayed session is found again by the history the client now holds.
    const next = await client.chat.completions
      .create({
        model: 'sonnet',
        messages: [
          ...history,
          { role: 'assistant', content: data.choices[0]?.message.content ?? '' },
          { role: 'user', content: 'Another one' },
        ],
        user: 'dee',
      })
      .withResponse();
    expect(next.response.headers.get('x-session-id')).toBe(response.headers.get('x-session-id'));
    expect(h.fake.conversationRequests().at(-1)?.lastUserText).toBe('Another one');
  });

  it('streams chunks while the turn runs, then the finish reason, the usage and [DONE]', async () => {
    h.fake.enqueue(replies.text('one two three four five six', { chunks: 6, delayMs: 250 }));
    const stream = await client.chat.completions.create({
      model: 'sonnet',
      messages: [{ role: 'user', content: 'Count' }],
      user: 'eve',
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    let runningAtFirstText: number | undefined;
    for await (const chunk of stream) {
      if (runningAtFirstText === undefined && chunk.choices[0]?.delta.content) {
        runningAtFirstText = server.agent.stats().runningTurns;
      }
      chunks.push(chunk);
    }
    // The turn was still running when its first words arrived.
    expect(runningAtFirstText).toBe(1);
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe('one two three four five six');
    expect(chunks.filter((chunk) => chunk.choices[0]?.delta.content).length).toBeGreaterThanOrEqual(6);
    expect(chunks.find((chunk) => chunk.choices[0]?.finish_reason)?.choices[0]?.finish_reason).toBe('stop');
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage?.completion_tokens).toBeGreaterThan(0);
  });

  it('continues a streamed conversation in the next streamed call', async () => {
    const collect = async (messages: Message[]) => {
      const { data: stream, response } = await client.chat.completions
        .create({ model: 'sonnet', messages, user: 'fay', stream: true })
        .withResponse();
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      return { text, session: response.headers.get('x-session-id') };
    };
    const one = await collect([{ role: 'user', content: 'My name is Fay' }]);
    const two = await collect([
      { role: 'user', content: 'My name is Fay' },
      { role: 'assistant', content: one.text },
      { role: 'user', content: 'What is my name?' },
    ]);
    expect(two).toEqual({ text: 'Your name is Fay.', session: one.session });
  });

  it('interrupts the turn when the client aborts the stream; the session goes on', async () => {
    const failed = new Promise<TurnFailedEvent>((resolve) => {
      const off = server.agent.on('turn_failed', (event) => {
        off();
        resolve(event);
      });
    });
    h.fake.enqueue(replies.text('a b c d e f g h i j k l m n o p', { chunks: 16, delayMs: 2_000 }));
    const headers = { 'X-Session-Id': 'gus-chat' };
    const stream = await client.chat.completions.create(
      { model: 'sonnet', messages: [{ role: 'user', content: 'Go on and on' }], user: 'gus', stream: true },
      { headers },
    );
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) break; // leaving the loop aborts the request
    }
    expect((await failed).error.code).toBe('ABORTED');
    const again = await client.chat.completions.create(
      { model: 'sonnet', messages: [{ role: 'user', content: 'My name is Gus' }], user: 'gus' },
      { headers },
    );
    expect(again.choices[0]?.message.content).toContain('Gus');
  });

  it('sends a failure during a stream as an error the client throws', async () => {
    h.fake.enqueue(replies.error(400, { message: 'prompt is too long' }));
    const stream = await client.chat.completions.create({
      model: 'sonnet',
      messages: [{ role: 'user', content: 'Too much' }],
      user: 'hal',
      stream: true,
    });
    const read = async () => {
      for await (const _chunk of stream) {
        // reading until the error
      }
    };
    await expect(read()).rejects.toMatchObject({ error: { code: 'API_ERROR', type: 'server_error' } });
  });
});

describe('errors in OpenAI’s shape', () => {
  const errorOf = async (promise: Promise<unknown>) => {
    try {
      await promise;
    } catch (error) {
      if (error instanceof OpenAI.APIError) return error;
      throw error;
    }
    throw new Error('the request succeeded');
  };

  it('refuses a wrong key with 401', async () => {
    const wrong = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'not-a-key-of-this-server', maxRetries: 0 });
    const error = await errorOf(wrong.models.list());
    expect(error.status).toBe(401);
    expect(error.error).toMatchObject({ type: 'authentication_error', code: 'UNAUTHORIZED' });
  });

  it('names the bad field of a bad request with 400', async () => {
    const noUser = await errorOf(
      client.chat.completions.create({ model: 'sonnet', messages: [{ role: 'assistant', content: 'Hi' }] }),
    );
    expect(noUser.status).toBe(400);
    expect(noUser.error).toMatchObject({
      type: 'invalid_request_error',
      param: 'messages',
      message: 'messages: the last message must be from the user',
    });
    const noMessages = await errorOf(client.chat.completions.create({ model: 'sonnet', messages: [] }));
    expect(noMessages.status).toBe(400);
    expect(noMessages.error).toMatchObject({ param: 'messages', code: 'INVALID_REQUEST' });
    const twoAnswers = await errorOf(
      client.chat.completions.create({ model: 'sonnet', messages: [{ role: 'user', content: 'Hi' }], n: 2 }),
    );
    expect(twoAnswers.error).toMatchObject({
      param: 'n',
      message: 'n: only 1 is supported (one answer per turn)',
    });
    const image = await errorOf(
      client.chat.completions.create({
        model: 'sonnet',
        messages: [
          { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x.test/a.png' } }] },
        ],
      }),
    );
    expect(image.error).toMatchObject({ param: 'messages[0].content[0]' });
    const badJson = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' },
      body: '{"model":',
    });
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toMatchObject({
      error: { code: 'INVALID_JSON', type: 'invalid_request_error' },
    });
  });

  it('answers 404 for a model this server does not offer, and lists the ones it does', async () => {
    const error = await errorOf(
      client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] }),
    );
    expect(error.status).toBe(404);
    expect(error.error).toMatchObject({ param: 'model', type: 'not_found_error' });
    const models = await client.models.list();
    expect(models.data.map((model) => model.id)).toEqual(['claude-code', 'sonnet', 'opus', 'haiku']);
    expect((await client.models.retrieve('opus')).id).toBe('opus');
  });

  it('keeps the key’s limits: its users (403) and its rate (429 with Retry-After)', async () => {
    const narrow = new OpenAI({ baseURL: `${url}/v1`, apiKey: NARROW_KEY, maxRetries: 0 });
    const other = await errorOf(
      narrow.chat.completions.create({
        model: 'sonnet',
        messages: [{ role: 'user', content: 'Hi' }],
        user: 'lee',
      }),
    );
    expect(other.status).toBe(403);
    expect(other.error).toMatchObject({ type: 'permission_error', code: 'FORBIDDEN', param: 'user_id' });
    const limited = await errorOf(narrow.models.list());
    expect(limited.status).toBe(429);
    expect(limited.error).toMatchObject({ type: 'rate_limit_error', code: 'RATE_LIMITED' });
    expect(limited.headers?.get('retry-after')).toMatch(/^\d+$/);
  });

  it('answers an unknown /v1 path with a 404 in OpenAI’s shape', async () => {
    const res = await fetch(`${url}/v1/embeddings`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${KEY}` },
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { type: 'not_found_error', code: 'NOT_FOUND' } });
  });
});
