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

async function ask(text: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await postMessages(fake, messagesBody(text, extra));
  return textDeltas(parseSse(await res.text())).join('');
}

/** A request shaped like the CLI's session-title side call. */
function titleCallBody(): Record<string, unknown> {
  return messagesBody('<session>\nhello\n</session>', {
    tools: [],
    output_config: {
      format: { type: 'json_schema', schema: { type: 'object', properties: { title: { type: 'string' } } } },
    },
  });
}

describe('choosing the answer', () => {
  it('uses queued replies first (FIFO), then rules in order, then the default', async () => {
    fake.enqueue(replies.text('queued one'), replies.text('queued two'));
    fake.addRule((req) => (req.lastUserText.includes('rule') ? replies.text('first rule') : undefined));
    fake.addRule((req) => (req.lastUserText.includes('rule') ? replies.text('second rule') : undefined));
    fake.setDefault((req) => replies.text(`default for ${req.lastUserText}`));
    expect(await ask('rule a')).toBe('queued one');
    expect(await ask('rule b')).toBe('queued two');
    expect(fake.pending()).toBe(0);
    expect(await ask('rule c')).toBe('first rule');
    expect(await ask('nothing')).toBe('default for nothing');
  });

  it('answers with a short built-in text when nothing is scripted', async () => {
    expect(await ask('anything')).toBe('Hello from fake-anthropic.');
  });

  it('reset() clears queue, rules, default and record', async () => {
    fake.enqueue(replies.text('stale'));
    fake.addRule(() => replies.text('stale rule'));
    fake.setDefault(replies.text('stale default'));
    await ask('x');
    fake.reset();
    expect(fake.requests).toEqual([]);
    expect(fake.pending()).toBe(0);
    expect(await ask('y')).toBe('Hello from fake-anthropic.');
  });
});

describe('the record', () => {
  it('keeps what the CLI sent, without credentials', async () => {
    await postMessages(fake, {
      model: 'claude-opus-test',
      max_tokens: 64000,
      stream: true,
      system: [
        { type: 'text', text: 'billing header' },
        { type: 'text', text: 'You are Claude.' },
      ],
      tools: [{ name: 'Read' }, { name: 'Bash' }, { name: 'mcp__docs__search', defer_loading: true }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'My name is Ann' }] },
        { role: 'system', content: 'Available agent types...' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'Read', input: {} }] },
        {
          role: 'user',
          content: [
            { type: 'text', text: '<system-reminder>\ncontext\n</system-reminder>' },
            { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'file body' }] },
            { type: 'tool_result', tool_use_id: 'toolu_2', content: 'denied', is_error: true },
          ],
        },
      ],
    });
    const [rec] = fake.requests;
    expect(rec).toMatchObject({
      index: 0,
      method: 'POST',
      path: '/v1/messages',
      query: { beta: 'true' },
      model: 'claude-opus-test',
      system: 'billing header\nYou are Claude.',
      tools: ['Read', 'Bash'],
      deferredTools: ['mcp__docs__search'],
      stream: true,
      maxTokens: 64000,
      lastUserText: 'file body\ndenied',
      userTexts: ['My name is Ann', 'file body\ndenied'],
      toolResults: [
        { toolUseId: 'toolu_1', content: 'file body', isError: false },
        { toolUseId: 'toolu_2', content: 'denied', isError: true },
      ],
      sideCall: undefined,
      replyType: 'text',
    });
    expect(rec?.messages).toHaveLength(4);
    expect(rec?.headers['anthropic-version']).toBe('2023-06-01');
    expect(rec?.headers['x-api-key']).toBeUndefined();
  });

  it('answers and records the probes: HEAD /, count_tokens, and unknown paths (404)', async () => {
    const head = await fetch(`${fake.url}/`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    const count = await fetch(`${fake.url}/v1/messages/count_tokens?beta=true`, {
      method: 'POST',
      body: JSON.stringify(messagesBody('count me')),
    });
    expect(await count.json()).toEqual({ input_tokens: expect.any(Number) });
    const unknown = await fetch(`${fake.url}/v1/models`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
    expect(fake.requests.map((r) => [r.method, r.path, r.replyType])).toEqual([
      ['HEAD', '/', 'probe'],
      ['POST', '/v1/messages/count_tokens', 'count_tokens'],
      ['GET', '/v1/models', 'not_found'],
    ]);
    expect(fake.conversationRequests()).toEqual([]);
  });

  it('waitForRequest resolves for a past or a future request', async () => {
    const future = fake.waitForRequest((r) => r.lastUserText === 'later');
    await ask('now');
    await expect(fake.waitForRequest((r) => r.lastUserText === 'now')).resolves.toMatchObject({ index: 0 });
    await ask('later');
    await expect(future).resolves.toMatchObject({ index: 1 });
    await expect(fake.waitForRequest(() => false, 20)).rejects.toThrow(/no matching request within 20 ms/);
  });
});

describe('side calls', () => {
  it('answers the session-title call with JSON for its schema, without taking a queued reply', async () => {
    fake.enqueue(replies.text('for the conversation'));
    const title = await ask('ignored', titleCallBody());
    expect(JSON.parse(title)).toEqual({ title: 'Fake session' });
    expect(await ask('real question')).toBe('for the conversation');
    expect(fake.requests.map((r) => r.sideCall)).toEqual(['title', undefined]);
    expect(fake.conversationRequests().map((r) => r.lastUserText)).toEqual(['real question']);
  });

  it('recognises the quota probe and the model check, and keeps tool-less conversation calls (--tools "") as conversation', async () => {
    fake.enqueue(replies.text('answer without tools'));
    const quota = await postMessages(fake, {
      model: 'claude-haiku',
      max_tokens: 1,
      messages: [{ role: 'user', content: 'quota' }],
    });
    expect(quota.status).toBe(200);
    const modelCheck = await postMessages(fake, {
      model: 'claude-other-model',
      max_tokens: 1,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
    });
    expect(modelCheck.status).toBe(200);
    expect(await ask('no tools here', { tools: [] })).toBe('answer without tools');
    expect(fake.requests.map((r) => r.sideCall)).toEqual(['quota', 'model-check', undefined]);
  });

  it('can use a caller-supplied classifier', async () => {
    const own = await startFakeAnthropic({
      classifySideCall: (r) => (r.lastUserText.startsWith('bg:') ? 'background' : undefined),
    });
    own.enqueue(replies.text('main'));
    const res = await postMessages(own, messagesBody('bg: summarise', { stream: false }));
    expect(await res.json()).toMatchObject({ content: [{ type: 'text', text: 'ok' }] });
    expect(own.pending()).toBe(1);
    expect(own.requests[0]?.sideCall).toBe('background');
    await own.close();
  });
});

describe('lifecycle', () => {
  it('listens on the asked host and port and close() is idempotent', async () => {
    const probe = await startFakeAnthropic();
    const port = probe.port;
    await probe.close();
    const own = await startFakeAnthropic({ port, host: '127.0.0.1' });
    expect(own.url).toBe(`http://127.0.0.1:${port}`);
    await Promise.all([own.close(), own.close()]);
    await expect(fetch(`${own.url}/`, { method: 'HEAD' })).rejects.toThrow();
  });

  it('refuses a port already in use', async () => {
    await expect(startFakeAnthropic({ port: fake.port })).rejects.toThrow(/EADDRINUSE/);
  });
});
