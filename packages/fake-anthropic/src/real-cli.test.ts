import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { replies } from './replies.js';
import { memoryRule } from './rules.js';
import { type FakeAnthropic, startFakeAnthropic } from './server.js';
import { makeSandbox, runClaude } from './test-support/claude-cli.js';

// These run the real claude binary against the fake: each spawn costs about a CPU-second.
let fake: FakeAnthropic;
let sandbox: ReturnType<typeof makeSandbox>;
beforeAll(async () => {
  fake = await startFakeAnthropic();
});
afterAll(() => fake.close());
afterEach(() => {
  fake.reset();
  sandbox.dispose();
});

const run = (prompt: string, options: { args?: string[]; env?: Record<string, string | undefined> } = {}) =>
  runClaude({ baseUrl: fake.url, cwd: sandbox.cwd, configDir: sandbox.configDir, prompt, ...options });

describe('the real claude CLI against the fake', () => {
  it('gets a streamed text reply as its result', async () => {
    sandbox = makeSandbox();
    fake.enqueue(replies.text('Hello from the scripted model.', { chunks: 4 }));
    const out = await run('Say hello');
    expect(out.result).toMatchObject({ is_error: false, result: 'Hello from the scripted model.' });
    expect(out.exitCode).toBe(0);
    const [call] = fake.conversationRequests();
    expect(call).toMatchObject({ path: '/v1/messages', query: { beta: 'true' }, stream: true });
    expect(call?.lastUserText).toBe('Say hello');
    expect(call?.tools).toContain('Read');
    expect(call?.system).not.toBe('');
  });

  it('runs a scripted Read and sends the file back as tool_result; side calls take no queued reply', async () => {
    sandbox = makeSandbox();
    const file = join(sandbox.cwd, 'note.txt');
    writeFileSync(file, 'the secret number is 4711\n');
    fake.enqueue(
      replies.toolUse('Read', { file_path: file }, { id: 'toolu_read_1' }),
      replies.text('It says 4711.'),
    );
    // Nonessential traffic allowed and a prompt of 10+ characters: whatever side calls the CLI makes
    // (2.1.197 asks for a session title; 2.1.332 makes none in -p mode) take no queued reply.
    const out = await run('What does note.txt say?', {
      env: { CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: undefined },
    });
    expect(out.result).toMatchObject({ is_error: false, result: 'It says 4711.', num_turns: 2 });
    const calls = fake.conversationRequests();
    expect(calls).toHaveLength(2);
    expect(calls[1]?.toolResults).toEqual([
      {
        toolUseId: 'toolu_read_1',
        content: expect.stringContaining('the secret number is 4711'),
        isError: false,
      },
    ]);
    for (const side of fake.requests.filter((r) => r.sideCall)) expect(side.sideCall).toBe('title');
    expect(readFileSync(file, 'utf8')).toBe('the secret number is 4711\n');
  });

  it('runs scripted Write and Bash calls in its working directory', async () => {
    sandbox = makeSandbox();
    const made = join(sandbox.cwd, 'made.txt');
    fake.enqueue(
      replies.toolUse('Write', { file_path: made, content: 'written by the CLI\n' }),
      replies.toolUse('Bash', { command: 'cp made.txt copied.txt' }),
      replies.text('Both done.'),
    );
    const out = await run('Write a file and copy it', { args: ['--allowedTools', 'Write,Bash'] });
    expect(out.result).toMatchObject({ is_error: false, result: 'Both done.', num_turns: 3 });
    expect(readFileSync(join(sandbox.cwd, 'copied.txt'), 'utf8')).toBe('written by the CLI\n');
    expect(fake.conversationRequests().map((r) => r.toolResults.map((t) => t.isError))).toEqual([
      [],
      [false],
      [false],
    ]);
  });

  it('remembers a name across --resume (answered from the history the CLI sends)', async () => {
    sandbox = makeSandbox();
    fake.addRule(memoryRule);
    const first = await run('My name is Quentin.');
    expect(first.result?.result).toBe('Nice to meet you, Quentin. I will remember your name.');
    const sessionId = String(first.result?.session_id);
    const second = await run('What is my name?', { args: ['--resume', sessionId] });
    expect(second.result).toMatchObject({
      is_error: false,
      result: 'Your name is Quentin.',
      session_id: sessionId,
    });
    expect(fake.conversationRequests().at(-1)?.userTexts).toEqual([
      'My name is Quentin.',
      'What is my name?',
    ]);
  });

  it('has the CLI wait as long as a 429 retry-after says, then use the next answer', async () => {
    sandbox = makeSandbox();
    fake.enqueue(replies.error(429, { retryAfterSeconds: 1 }), replies.text('After the wait.'));
    const out = await run('hi');
    const retries = out.events.filter((e) => e.subtype === 'api_retry');
    expect(retries).toMatchObject([{ attempt: 1, error_status: 429 }]);
    // At least what retry-after says (2.1.332 adds a little jitter on top).
    expect(retries[0]?.retry_delay_ms).toBeGreaterThanOrEqual(1000);
    expect(retries[0]?.retry_delay_ms).toBeLessThan(2000);
    expect(out.result).toMatchObject({ is_error: false, result: 'After the wait.' });
  });

  it('stops at once on a 401 with the default x-should-retry: false', async () => {
    sandbox = makeSandbox();
    fake.setDefault(replies.error(401));
    const out = await run('hi');
    expect(out.result).toMatchObject({ is_error: true, api_error_status: 401 });
    expect(out.events.filter((e) => e.subtype === 'api_retry')).toEqual([]);
    expect(fake.conversationRequests()).toHaveLength(1);
  });
});
