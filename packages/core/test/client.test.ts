import { randomUUID } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type FakeAnthropic, replies, rules, startFakeAnthropic } from '@claude-code-server/fake-anthropic';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AbortedError,
  ApiError,
  ClaudeCodeClient,
  type ClaudeEvent,
  ClaudeSessionNotFoundError,
  CliNotAuthenticatedError,
  findCliCredentials,
  ProcessExitedError,
  TimeoutError,
} from '../src/index.js';
import { readProcStat } from '../src/process-tree.js';
import { type CliTestEnv, createCliTestEnv } from '../src/testing/index.js';
import {
  commandLineOf,
  commandNameOf,
  processesOf,
  rejection,
  startCountingProxy,
  waitUntil,
} from './helpers.js';

// The real `claude` binary against the scripted fake API; every test has its own config dir.
let fake: FakeAnthropic;
let env: CliTestEnv;
let client: ClaudeCodeClient;

beforeAll(async () => {
  fake = await startFakeAnthropic();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(async () => {
  fake.reset();
  env = await createCliTestEnv({ baseUrl: fake.url });
  client = new ClaudeCodeClient(env.config);
});
afterEach(async () => {
  const leftBehind = processesOf(env);
  await env.cleanup();
  expect(leftBehind).toEqual([]);
});

async function collect(events: AsyncIterable<ClaudeEvent>): Promise<ClaudeEvent[]> {
  const seen: ClaudeEvent[] = [];
  for await (const event of events) seen.push(event);
  return seen;
}

describe('ClaudeCodeClient against the real CLI', () => {
  it('answers one turn with a typed response', async () => {
    fake.enqueue(replies.text('Hi there, human.'));
    const response = await client.chat('Hello, Claude');

    expect(response.content).toBe('Hi there, human.');
    expect(response.isError).toBe(false);
    expect(response.subtype).toBe('success');
    expect(response.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.numTurns).toBe(1);
    expect(response.usage.outputTokens).toBeGreaterThan(0);
    expect(response.costUsd).toBeGreaterThan(0);
    expect(response.durationMs).toBeGreaterThan(0);
    expect(response.permissionDenials).toEqual([]);
    expect(response.raw.type).toBe('result');
    expect(fake.conversationRequests().at(-1)?.lastUserText).toBe('Hello, Claude');
  });

  it('continues a conversation over three turns by resuming the session id', async () => {
    fake.addRule(rules.memory);
    fake.setDefault(replies.text('Noted.'));

    const first = await client.chat('My name is Ada.');
    const second = await client.chat('I like tea.', { resume: first.sessionId });
    const third = await client.chat('What is my name?', { resume: second.sessionId });

    expect(first.content).toContain('Nice to meet you, Ada');
    expect(second.content).toBe('Noted.');
    expect(third.content).toBe('Your name is Ada.');
    expect(new Set([first.sessionId, second.sessionId, third.sessionId]).size).toBe(1);
    expect(fake.conversationRequests().at(-1)?.userTexts).toEqual([
      'My name is Ada.',
      'I like tea.',
      'What is my name?',
    ]);
  });

  it('streams text deltas to the caller while the server is still sending the answer', async () => {
    const chunks = ['alpha ', 'beta ', 'gamma ', 'delta'];
    const proxy = await startCountingProxy(fake.url, chunks);
    try {
      fake.enqueue(replies.text(chunks.join(''), { chunks, delayMs: 400 }));
      const streaming = new ClaudeCodeClient({
        ...env.config,
        env: { ...env.env, ANTHROPIC_BASE_URL: proxy.url },
      });

      const order: string[] = [];
      const sentWhenDeltaArrived: number[] = [];
      for await (const event of streaming.stream('Count to four', { includePartialMessages: true })) {
        order.push(event.type);
        if (event.type === 'text_delta') sentWhenDeltaArrived.push(proxy.markersForwarded());
        if (event.type === 'result') expect(event.response.content).toBe('alpha beta gamma delta');
      }

      const deltas = order.filter((type) => type === 'text_delta');
      expect(deltas).toHaveLength(4);
      // The first delta reached us before the server had sent the last one: not all at the end.
      expect(sentWhenDeltaArrived[0]).toBeLessThan(chunks.length);
      expect(sentWhenDeltaArrived).toEqual([...sentWhenDeltaArrived].sort((a, b) => a - b));
      expect(order.indexOf('init')).toBe(0);
      expect(order.indexOf('text_delta')).toBeLessThan(order.indexOf('result'));
      expect(order.at(-1)).toBe('result');
    } finally {
      await proxy.close();
    }
  });

  it('runs a tool that really reads a file, and reports the call and its result', async () => {
    const file = join(env.workDir, 'note.txt');
    writeFileSync(file, 'the secret word is pineapple');
    fake.enqueue(replies.toolUse('Read', { file_path: file }));
    fake.addRule((req) =>
      req.toolResults[0] ? replies.text(`The file says: ${req.toolResults[0].content.trim()}`) : undefined,
    );

    const events = await collect(client.stream('What is in note.txt?'));

    expect(events.find((event) => event.type === 'assistant')).toMatchObject({
      content: [{ type: 'tool_use', name: 'Read' }],
      parentToolUseId: null,
    });
    const toolUse = events.find((event) => event.type === 'tool_use');
    expect(toolUse).toMatchObject({ name: 'Read', input: { file_path: file }, parentToolUseId: null });
    const toolResult = events.find((event) => event.type === 'tool_result');
    expect(toolResult).toMatchObject({ toolUseId: (toolUse as { id: string }).id, isError: false });
    expect(JSON.stringify(toolResult)).toContain('pineapple');
    const result = events.at(-1);
    expect(result?.type === 'result' && result.response.content).toContain('the secret word is pineapple');
    expect(result?.type === 'result' && result.response.numTurns).toBe(2);
  });

  it('refuses a disallowed tool call and lists it as a permission denial', async () => {
    const file = join(env.workDir, 'keep.txt');
    writeFileSync(file, 'keep me');
    fake.enqueue(
      replies.toolUse('Bash', { command: `rm -f ${file}` }),
      replies.text('I could not delete it.'),
    );

    const response = await client.chat('Delete keep.txt', {
      allowedTools: ['Bash'],
      disallowedTools: ['Bash(rm:*)'],
    });

    expect(existsSync(file)).toBe(true);
    expect(response.permissionDenials).toEqual([
      { toolName: 'Bash', toolUseId: expect.any(String), toolInput: { command: `rm -f ${file}` } },
    ]);
    expect(fake.conversationRequests().at(-1)?.toolResults[0]?.isError).toBe(true);
  });

  it('kills the process on timeout and throws TimeoutError; the prompt was never in argv', async () => {
    fake.enqueue(replies.hang());
    const prompt = `a prompt that must stay off the command line ${randomUUID()}`;
    const pids: number[] = [];
    const error = await rejection(
      collect(
        (async function* () {
          for await (const event of client.stream(prompt, { timeoutMs: 6000 })) {
            if (event.type === 'init') {
              pids.push(...processesOf(env));
              for (const pid of pids) expect(commandLineOf(pid).join(' ')).not.toContain(prompt);
            }
            yield event;
          }
        })(),
      ),
    );

    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).code).toBe('TIMEOUT');
    expect(pids.length).toBeGreaterThan(0);
    expect(processesOf(env)).toEqual([]);
    expect(fake.conversationRequests().at(-1)?.lastUserText).toBe(prompt);
  });

  it('kills the whole tree on abort, tools included, and throws AbortedError', async () => {
    const marker = join(env.workDir, 'started');
    fake.enqueue(replies.toolUse('Bash', { command: `touch ${marker} && sleep 300` }));
    const controller = new AbortController();
    let seenWhileRunning: number[] = [];

    const error = await rejection(
      (async () => {
        for await (const event of client.stream('Sleep', {
          allowedTools: ['Bash'],
          signal: controller.signal,
        })) {
          if (event.type === 'tool_use') {
            await waitUntil(() => existsSync(marker) && processesOf(env).length >= 3, 'the tool to run');
            seenWhileRunning = processesOf(env);
            controller.abort(new Error('user pressed stop'));
          }
        }
      })(),
    );

    expect(error).toBeInstanceOf(AbortedError);
    expect((error as AbortedError).cause).toEqual(new Error('user pressed stop'));
    expect(seenWhileRunning.length).toBeGreaterThanOrEqual(3); // the CLI, the shell, sleep
    expect(processesOf(env)).toEqual([]);
  });

  it('kills the run when the caller stops reading the stream', async () => {
    fake.enqueue(replies.hang());
    let running: number[] = [];
    for await (const event of client.stream('Hello')) {
      if (event.type === 'init') {
        running = processesOf(env);
        break;
      }
    }
    expect(running.length).toBeGreaterThan(0);
    expect(processesOf(env)).toEqual([]);
  });

  // Without the header the CLI applies its own policy, which retries 401s up to 10 times (minutes).
  it.each([
    ['x-should-retry: false (the CLI reports it in its result)', false],
    ['no x-should-retry (the CLI would retry for minutes)', null],
  ])('fails fast on a 401 with %s', async (_, shouldRetry) => {
    fake.setDefault(replies.error(401, { shouldRetry }));
    const error = await rejection(client.chat('Hello'));

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'API_ERROR', status: 401, isAuthError: true });
    expect(fake.conversationRequests().length).toBeLessThan(3);
  });

  it('shows 529 retries as api_retry events and then answers', async () => {
    fake.enqueue(
      replies.error(529, { retryAfterSeconds: 0 }),
      replies.error(529, { retryAfterSeconds: 0 }),
      replies.text('Finally.'),
    );
    const events = await collect(client.stream('Hello'));

    const retries = events.filter((event) => event.type === 'api_retry');
    expect(retries).toMatchObject([
      { attempt: 1, errorStatus: 529 },
      { attempt: 2, errorStatus: 529 },
    ]);
    const result = events.at(-1);
    expect(result?.type === 'result' && result.response.content).toBe('Finally.');
  });

  it('gives up after maxApiRetries with an ApiError carrying the status', async () => {
    fake.setDefault(replies.error(529, { retryAfterSeconds: 0 }));
    const error = await rejection(client.chat('Hello', { maxApiRetries: 1 }));

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 529, isAuthError: false });
    expect(fake.conversationRequests().length).toBe(2);
  });

  it('throws ProcessExitedError with the signal when the CLI is killed mid-turn', async () => {
    fake.enqueue(replies.hang());
    const error = await rejection(
      (async () => {
        for await (const event of client.stream('Hello')) {
          if (event.type === 'init') {
            await fake.waitForRequest((req) => req.replyType === 'hang');
            const cli = processesOf(env).find((pid) => commandLineOf(pid).includes('-p'));
            process.kill(cli!, 'SIGKILL');
          }
        }
      })(),
    );

    expect(error).toBeInstanceOf(ProcessExitedError);
    expect(error).toMatchObject({ code: 'PROCESS_EXITED', signal: 'SIGKILL', exitCode: null });
  });

  it('leaves no tool process behind when the CLI is killed while a tool runs', async () => {
    fake.enqueue(replies.toolUse('Bash', { command: 'tail -f /dev/null', description: 'wait' }));
    // The CLI runs the command in a process group of its own: a group kill of the CLI misses it.
    // (A command that never ends: 2.1.332 refuses a Bash call that is only a long `sleep`.)
    const sleeping = () => processesOf(env).filter((pid) => commandNameOf(pid) === 'tail');
    const error = await rejection(
      (async () => {
        for await (const event of client.stream('Sleep', { allowedTools: ['Bash'] })) {
          if (event.type === 'tool_use') {
            await waitUntil(() => sleeping().length > 0, 'the tool to run');
            const cli = processesOf(env).find((pid) => readProcStat(pid)?.ppid === process.pid);
            process.kill(cli as number, 'SIGKILL');
          }
        }
      })(),
    );

    expect(error).toMatchObject({ code: 'PROCESS_EXITED', signal: 'SIGKILL' });
    await expect.poll(() => processesOf(env)).toEqual([]);
  });

  it('throws ClaudeSessionNotFoundError when resuming an unknown session', async () => {
    const unknown = randomUUID();
    const error = await rejection(client.chat('Hello again', { resume: unknown }));

    expect(error).toBeInstanceOf(ClaudeSessionNotFoundError);
    expect((error as ClaudeSessionNotFoundError).sessionId).toBe(unknown);
    expect(fake.conversationRequests()).toEqual([]);
  });

  it('passes every config field as a flag claude accepts, with the effect it names', async () => {
    // The CLI refuses an unknown option, so one run with every field set proves the flag names.
    const file = join(env.workDir, 'note.txt');
    writeFileSync(file, 'hello');
    fake.enqueue(replies.toolUse('Read', { file_path: file }));
    const events = await collect(
      client.stream('Read the note', {
        model: 'claude-test-model',
        fallbackModel: 'claude-test-fallback',
        effort: 'low',
        permissionMode: 'acceptEdits',
        tools: ['Read', 'Bash'],
        allowedTools: ['Read'],
        disallowedTools: ['Bash(rm:*)'],
        systemPrompt: 'SYSTEM-PROMPT-MARKER',
        appendSystemPrompt: 'APPENDED-MARKER',
        maxTurns: 1,
        maxBudgetUsd: 5,
        addDirs: [env.configDir],
        mcpConfig: { mcpServers: { probe: { command: join(env.workDir, 'no-such-mcp-server') } } },
        strictMcpConfig: true,
        settings: { env: { CCS_SETTING: 'on' } },
        settingSources: [],
        includePartialMessages: true,
        jsonSchema: { type: 'object', properties: { answer: { type: 'string' } } },
      }),
    );

    expect(events[0]).toMatchObject({
      type: 'init',
      model: 'claude-test-model',
      permissionMode: 'acceptEdits',
      mcpServers: [{ name: 'probe', status: 'failed' }],
    });
    const [call] = fake.conversationRequests();
    expect(call?.model).toBe('claude-test-model');
    expect([...(call?.tools ?? [])].sort()).toEqual(['Bash', 'Read', 'StructuredOutput']);
    expect(call?.system).toContain('SYSTEM-PROMPT-MARKER');
    expect(call?.system).toContain('APPENDED-MARKER');
    expect(call?.body).toMatchObject({ output_config: { effort: 'low' } });
    // maxTurns 1: the Read ran, then the turn limit ended the run (an answer, not a throw).
    expect(events.some((event) => event.type === 'tool_result' && !event.isError)).toBe(true);
    const result = events.at(-1);
    expect(result?.type === 'result' && result.response).toMatchObject({
      subtype: 'error_max_turns',
      isError: true,
      errorCode: 'MAX_TURNS',
    });
  });

  it('throws CliNotAuthenticatedError, naming the fix, when the CLI has no credentials', async () => {
    const config = { ...env.config, env: { ...env.env, ANTHROPIC_API_KEY: '' } };
    expect(findCliCredentials(config, {})).toBeNull();
    expect(findCliCredentials(env.config, {})).toEqual({ kind: 'variable', name: 'ANTHROPIC_API_KEY' });
    const events: ClaudeEvent[] = [];
    const error = await rejection(
      (async () => {
        for await (const event of new ClaudeCodeClient(config).stream('Hello')) events.push(event);
      })(),
    );
    expect(error).toBeInstanceOf(CliNotAuthenticatedError);
    expect(error).toMatchObject({
      code: 'CLI_NOT_AUTHENTICATED',
      cliAnswer: expect.stringContaining('Not logged in'),
    });
    expect((error as Error).message).toContain('set ANTHROPIC_API_KEY');
    // The CLI's own "Not logged in" message is a failure report, never an assistant answer.
    expect(events.filter((event) => event.type === 'assistant')).toEqual([]);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'assistant_error', error: 'authentication_failed' }),
    );
    expect(fake.conversationRequests()).toEqual([]);
  });

  it('returns the result as JSON with outputFormat json', async () => {
    fake.enqueue(replies.text('Structured.'));
    const response = await client.chat('Hello', { outputFormat: 'json' });

    expect(JSON.parse(response.content)).toMatchObject({ type: 'result', result: 'Structured.' });
  });
});
