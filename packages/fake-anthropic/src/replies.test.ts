import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { replies } from './replies.js';
import { type FakeAnthropic, startFakeAnthropic } from './server.js';
import { messagesBody, parseSse, postMessages, textDeltas } from './test-support/http.js';

let fake: FakeAnthropic;
beforeEach(async () => {
  fake ??= await startFakeAnthropic();
  fake.reset();
});
afterAll(() => fake?.close());

describe('text replies', () => {
  it('streams the Messages API event sequence with the text split into the asked deltas', async () => {
    fake.enqueue(replies.text('one two three four', { chunks: ['one ', 'two ', 'three four'] }));
    const res = await postMessages(fake, messagesBody('hi'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const frames = parseSse(await res.text());
    expect(frames.map((f) => f.event)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    for (const f of frames) expect(f.data.type).toBe(f.event);
    expect(textDeltas(frames)).toEqual(['one ', 'two ', 'three four']);
    const start = frames[0]?.data.message as Record<string, unknown>;
    expect(start).toMatchObject({ role: 'assistant', model: 'claude-test-model', content: [] });
    expect(frames[1]?.data).toMatchObject({ index: 0, content_block: { type: 'text', text: '' } });
    expect(frames[6]?.data).toMatchObject({
      delta: { stop_reason: 'end_turn' },
      usage: { output_tokens: expect.any(Number) },
    });
  });

  it('splits into N deltas for a number, and per word by default', async () => {
    fake.enqueue(replies.text('abcdefghij', { chunks: 5 }), replies.text('Hello brave new world'));
    const five = textDeltas(parseSse(await (await postMessages(fake, messagesBody('a'))).text()));
    expect(five).toEqual(['ab', 'cd', 'ef', 'gh', 'ij']);
    const words = textDeltas(parseSse(await (await postMessages(fake, messagesBody('b'))).text()));
    expect(words).toEqual(['Hello ', 'brave ', 'new ', 'world']);
  });

  it('reports the usage it was given', async () => {
    fake.enqueue(replies.text('x', { usage: { input_tokens: 123, output_tokens: 45 } }));
    const frames = parseSse(await (await postMessages(fake, messagesBody('u'))).text());
    expect(frames[0]?.data.message).toMatchObject({ usage: { input_tokens: 123 } });
    expect(frames.find((f) => f.event === 'message_delta')?.data.usage).toEqual({ output_tokens: 45 });
  });

  it('sends delayed deltas one by one: the first arrives while the rest are still held back', async () => {
    fake.enqueue(replies.text('first second', { delayMs: 60_000 }));
    const res = await postMessages(fake, messagesBody('slow'));
    const reader = res.body!.getReader();
    let seen = '';
    while (!seen.includes('"text":"first "')) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += new TextDecoder().decode(value);
    }
    expect(seen).toContain('"text":"first "');
    expect(seen).not.toContain('second');
    expect(seen).not.toContain('message_stop');
    await reader.cancel();
  });

  it('answers a non-streaming request with the whole message as JSON', async () => {
    fake.enqueue(replies.text('plain answer'));
    const res = await postMessages(fake, messagesBody('json please', { stream: false }));
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude-test-model',
      content: [{ type: 'text', text: 'plain answer' }],
      stop_reason: 'end_turn',
      usage: { input_tokens: expect.any(Number), output_tokens: expect.any(Number) },
    });
  });
});

describe('tool_use replies', () => {
  it('streams an optional text block, then a tool_use block whose input_json_delta parts join to the input', async () => {
    const input = { file_path: '/tmp/some file.txt', limit: 10 };
    fake.enqueue(replies.toolUse('Read', input, { id: 'toolu_fixed', text: 'Let me look.' }));
    const frames = parseSse(await (await postMessages(fake, messagesBody('read it'))).text());
    expect(textDeltas(frames).join('')).toBe('Let me look.');
    const toolStart = frames.find(
      (f) =>
        f.event === 'content_block_start' && (f.data.content_block as { type: string }).type === 'tool_use',
    );
    expect(toolStart?.data).toEqual({
      type: 'content_block_start',
      index: 1,
      content_block: { type: 'tool_use', id: 'toolu_fixed', name: 'Read', input: {} },
    });
    const json = frames
      .filter((f) => f.event === 'content_block_delta' && f.data.index === 1)
      .map((f) => (f.data.delta as { type: string; partial_json: string }).partial_json)
      .join('');
    expect(JSON.parse(json)).toEqual(input);
    expect(frames.find((f) => f.event === 'message_delta')?.data.delta).toMatchObject({
      stop_reason: 'tool_use',
    });
  });

  it('gives each tool call a fresh id when none is set, and returns it whole without streaming', async () => {
    fake.enqueue(replies.toolUse('Bash', { command: 'ls' }), replies.toolUse('Bash', { command: 'ls' }));
    type ToolMessage = { content: { id: string }[] };
    const a = (await (await postMessages(fake, messagesBody('1', { stream: false }))).json()) as ToolMessage;
    const b = (await (await postMessages(fake, messagesBody('2', { stream: false }))).json()) as ToolMessage;
    expect(a).toMatchObject({
      stop_reason: 'tool_use',
      content: [
        { type: 'tool_use', name: 'Bash', input: { command: 'ls' }, id: expect.stringMatching(/^toolu_/) },
      ],
    });
    expect(a.content[0]?.id).not.toBe(b.content[0]?.id);
  });
});

describe('error replies', () => {
  it.each([
    [401, 'authentication_error', 'false'],
    [403, 'permission_error', 'false'],
    [429, 'rate_limit_error', 'true'],
    [500, 'api_error', 'true'],
    [529, 'overloaded_error', 'true'],
  ])('%i answers with error type %s and x-should-retry %s', async (status, errorType, shouldRetry) => {
    fake.enqueue(replies.error(status));
    const res = await postMessages(fake, messagesBody('err'));
    expect(res.status).toBe(status);
    expect(res.headers.get('x-should-retry')).toBe(shouldRetry);
    expect(res.headers.get('request-id')).toMatch(/^req_/);
    expect(await res.json()).toMatchObject({
      type: 'error',
      error: { type: errorType, message: expect.any(String) },
    });
  });

  it('sets retry-after, a custom type and message, and leaves x-should-retry out when asked', async () => {
    fake.enqueue(
      replies.error(429, {
        retryAfterSeconds: 7,
        message: 'slow down',
        errorType: 'custom_error',
        shouldRetry: null,
      }),
    );
    const res = await postMessages(fake, messagesBody('err'));
    expect(res.headers.get('retry-after')).toBe('7');
    expect(res.headers.has('x-should-retry')).toBe(false);
    expect(await res.json()).toMatchObject({ error: { type: 'custom_error', message: 'slow down' } });
  });
});

describe('hang and drop', () => {
  it('drop destroys a stream after its first event, so reading the body fails', async () => {
    fake.enqueue(replies.drop());
    const res = await postMessages(fake, messagesBody('drop me'));
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
  });

  it('drop destroys a non-streaming request before any answer', async () => {
    fake.enqueue(replies.drop());
    await expect(postMessages(fake, messagesBody('drop me', { stream: false }))).rejects.toThrow();
  });

  it('hang gives no answer; close() still returns and the client sees the connection end', async () => {
    const own = await startFakeAnthropic();
    own.enqueue(replies.hang(), replies.hang());
    const first = postMessages(own, messagesBody('wait'));
    const second = postMessages(own, messagesBody('wait too', { stream: false }));
    const outcomes = Promise.allSettled([first, second]);
    await own.waitForRequest((r) => r.lastUserText === 'wait too');
    expect(own.requests.map((r) => r.replyType)).toEqual(['hang', 'hang']);
    await own.close();
    expect((await outcomes).map((o) => o.status)).toEqual(['rejected', 'rejected']);
  });
});
