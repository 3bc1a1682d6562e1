import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type FakeAnthropic, rules, startFakeAnthropic } from '@claude-code-server/fake-anthropic';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import type { ClaudeConfig } from '../config.js';
import {
  ApiError,
  ClaudeSessionNotFoundError,
  CliNotAuthenticatedError,
  InvalidConfigError,
  ProcessExitedError,
} from '../errors.js';
import { type CliTestEnv, createCliTestEnv, findProcessesByEnv, isProcessAlive } from '../testing/index.js';
import {
  InterruptedError,
  PermissionTimeoutError,
  SessionClosedError,
  TurnAbortedError,
  TurnTimeoutError,
} from './errors.js';
import type { CanUseTool } from './permissions.js';
import { ClaudeSession, type SessionState } from './session.js';
import { findTranscriptFile } from './transcript.js';
import type { Turn } from './turn.js';

let fake: FakeAnthropic;
let env: CliTestEnv;
const sessions: ClaudeSession[] = [];

async function startSession(options: Parameters<typeof ClaudeSession.start>[0] = {}): Promise<ClaudeSession> {
  const session = await ClaudeSession.start({ ...options, config: { ...env.config, ...options.config } });
  sessions.push(session);
  return session;
}

/** Echoes the newest prompt (the CLI merges an interrupted prompt into the next user message). */
const echoLatest = (req: { lastUserText: string }) => ({
  type: 'text' as const,
  text: req.lastUserText.split('\n\n').at(-1) ?? '',
});

/**
 * Resolves once the CLI has written `text` to the session's transcript. The CLI prints a result a few
 * tens of ms before it appends the exchange to the file; a crash in between loses that exchange.
 */
async function transcriptHas(sessionId: string, text: string): Promise<void> {
  const written = () => {
    const file = findTranscriptFile(sessionId, env.config);
    return file !== undefined && readFileSync(file, 'utf8').includes(text);
  };
  await expect.poll(written).toBe(true);
}

/** A config whose processes (and the tools they run) carry a marker, so the test can find them in /proc. */
function markedConfig(): { config: ClaudeConfig; processes: () => number[] } {
  const marker = randomUUID();
  return {
    config: { ...env.config, env: { ...env.env, CCS_SESSION_TEST: marker } },
    processes: () => findProcessesByEnv('CCS_SESSION_TEST', marker),
  };
}

/** A model reply that writes `file` in the CLI's cwd. */
const writeCall = (file: string, content: string) => ({
  type: 'tool_use' as const,
  name: 'Write',
  input: { file_path: join(env.workDir, file), content },
});

function mainCallsSince(index: number) {
  return fake.conversationRequests().filter((req) => req.index >= index);
}

beforeAll(async () => {
  fake = await startFakeAnthropic();
  env = await createCliTestEnv({ baseUrl: fake.url, prefix: 'ccs-session' });
});

afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
  fake.reset();
});

afterAll(async () => {
  await fake.close();
  await env.cleanup();
});

describe('turns on one warm process', () => {
  test('ten turns keep one process and one session id, and the CLI sees the whole history', async () => {
    fake.addRule(rules.echo);
    const chosenId = randomUUID();
    const session = await startSession({ sessionId: chosenId });
    expect(session.sessionId).toBe(chosenId); // known before the first turn
    const pid = session.pid;
    const sessionIds = new Set<string>();
    for (let i = 1; i <= 10; i++) {
      const response = await session.send(`turn number ${i}`);
      expect(response.content).toBe(`turn number ${i}`);
      sessionIds.add(response.sessionId);
      expect(session.pid).toBe(pid);
    }
    expect([...sessionIds]).toEqual([chosenId]);
    expect(session.turnCount).toBe(10);
    expect(session.state).toBe('idle');
    const last = fake.conversationRequests().at(-1);
    expect(last?.userTexts.filter((t) => t.startsWith('turn number'))).toHaveLength(10);
  });

  test('turns sent all at once run one at a time, in send order', async () => {
    fake.addRule(rules.echo);
    const session = await startSession();
    const from = fake.requests.length;
    const turns = ['alpha', 'bravo', 'charlie', 'delta', 'echo'].map((word) => session.send(`say ${word}`));
    expect(session.queuedTurns + (session.state === 'busy' ? 1 : 0)).toBe(5);
    const answers = await Promise.all(turns);
    expect(answers.map((a) => a.content)).toEqual([
      'say alpha',
      'say bravo',
      'say charlie',
      'say delta',
      'say echo',
    ]);
    // Each API call carried exactly one new prompt: the CLI never got two at once.
    expect(mainCallsSince(from).map((req) => req.lastUserText)).toEqual(answers.map((a) => a.content));
  });

  test('a turn streams typed events and can be awaited after iterating', async () => {
    fake.enqueue({ type: 'text', text: 'one two three', chunks: 3 });
    const session = await startSession({ config: { includePartialMessages: true } });
    const turn = session.send('stream please');
    const collectTypes = async () => {
      const seen: string[] = [];
      for await (const event of turn) seen.push(event.type);
      return seen;
    };
    const alongside = collectTypes(); // a second consumer at the same time sees every event too
    const types: string[] = [];
    const deltas: string[] = [];
    for await (const event of turn) {
      types.push(event.type);
      if (event.type === 'text_delta') deltas.push(event.text);
    }
    expect(await alongside).toEqual(types);
    expect(types[0]).toBe('init');
    expect(types.at(-1)).toBe('result');
    expect(deltas.join('')).toBe('one two three');
    expect(deltas.length).toBeGreaterThanOrEqual(3);
    expect((await turn).content).toBe('one two three');

    fake.addRule(rules.echo);
    const blocks = await session.send([{ type: 'text', text: 'sent as a content block' }]);
    expect(blocks.content).toBe('sent as a content block');
  });
});

describe('interrupt, timeout, abort', () => {
  test('interrupt mid-stream ends the turn; the next turn runs on the same process', async () => {
    fake.enqueue({ type: 'text', text: 'a b c d e f g h', chunks: 8, delayMs: 400 });
    fake.addRule(echoLatest);
    const session = await startSession({ config: { includePartialMessages: true } });
    const pid = session.pid;
    const turn = session.send('talk slowly');
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const event of turn) {
          if (event.type !== 'text_delta') continue;
          seen.push(event.text);
          await session.interrupt();
        }
      })(),
    ).rejects.toBeInstanceOf(InterruptedError);
    await expect(turn.result).rejects.toMatchObject({ code: 'INTERRUPTED', killed: false });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.join('')).not.toBe('a b c d e f g h');
    expect(session.state).toBe('idle');

    const next = await session.send('still there?');
    expect(next.content).toBe('still there?');
    expect(session.pid).toBe(pid);
  });

  test('a turn past its timeout is interrupted and the session stays usable', async () => {
    fake.enqueue({ type: 'hang' });
    fake.addRule(echoLatest);
    const session = await startSession();
    const pid = session.pid;
    const error = await session.send('never answered', { timeoutMs: 1_000 }).result.catch((e) => e);
    expect(error).toBeInstanceOf(TurnTimeoutError);
    expect(error).toMatchObject({ code: 'TIMEOUT', killed: false, timeoutMs: 1_000 });
    expect((await session.send('after the timeout')).content).toBe('after the timeout');
    expect(session.pid).toBe(pid);
  });

  test('a turn that ignores the interrupt is killed, and the next turn resumes the conversation', async () => {
    fake.addRule(rules.memory);
    const session = await startSession({ interruptGraceMs: 500 });
    await session.send('My name is Grace');
    await transcriptHas(session.sessionId, 'I will remember your name');
    const pid = session.pid as number;
    process.kill(pid, 'SIGSTOP'); // a process that cannot answer the interrupt
    const error = await session.send('hello?', { timeoutMs: 500 }).result.catch((e) => e);
    expect(error).toBeInstanceOf(TurnTimeoutError);
    expect(error.killed).toBe(true);
    expect(isProcessAlive(pid)).toBe(false);
    expect(session.state).toBe('dead');

    const answer = await session.send('What is my name?');
    expect(answer.content).toBe('Your name is Grace.');
    expect(session.pid).not.toBe(pid);

    // interrupt() gives up the same way on a process that does not answer.
    const secondPid = session.pid as number;
    process.kill(secondPid, 'SIGSTOP');
    const ignored = session.send('are you there?');
    await session.interrupt();
    const interrupted = await ignored.result.catch((e) => e);
    expect(interrupted).toBeInstanceOf(InterruptedError);
    expect(interrupted.killed).toBe(true);
    expect(isProcessAlive(secondPid)).toBe(false);
    expect(session.state).toBe('dead');
  });

  test('an AbortSignal interrupts a running turn and drops a queued one', async () => {
    fake.enqueue({ type: 'hang' });
    fake.addRule(echoLatest);
    const session = await startSession();
    const controller = new AbortController();
    const running = session.send('hang here', { signal: controller.signal });
    const queued = session.send('behind it', { signal: controller.signal });
    await fake.waitForRequest((req) => req.lastUserText === 'hang here' && !req.sideCall);
    controller.abort();
    await expect(running.result).rejects.toMatchObject({ code: 'ABORTED', outcome: 'interrupted' });
    await expect(queued.result).rejects.toMatchObject({ code: 'ABORTED', outcome: 'dropped' });
    await expect(running.result).rejects.toBeInstanceOf(TurnAbortedError);
    expect((await session.send('next one')).content).toBe('next one');
  });
});

describe('crashes and restarts', () => {
  test('kill -9 fails the running turn; the next turn resumes the same conversation with its history', async () => {
    fake.addRule(rules.memory);
    const session = await startSession();
    const states: SessionState[] = [];
    session.onStateChange((state) => states.push(state));
    await session.send('My name is Ada');
    await transcriptHas(session.sessionId, 'I will remember your name');
    const firstPid = session.pid as number;

    fake.enqueue({ type: 'hang' });
    const doomed = session.send('this turn dies');
    await fake.waitForRequest((req) => req.lastUserText === 'this turn dies' && !req.sideCall);
    process.kill(firstPid, 'SIGKILL');
    const error = await doomed.result.catch((e) => e);
    expect(error).toBeInstanceOf(ProcessExitedError);
    expect(error).toMatchObject({ code: 'PROCESS_EXITED', signal: 'SIGKILL' });
    expect(session.state).toBe('dead');

    const answer = await session.send('What is my name?');
    expect(answer.content).toBe('Your name is Ada.');
    expect(answer.sessionId).toBe(session.sessionId);
    expect(session.pid).not.toBe(firstPid);
    expect(states).toEqual(['busy', 'idle', 'busy', 'dead', 'starting', 'idle', 'busy', 'idle']);
  });

  test('kill -9 while a tool runs leaves none of the tool processes behind', async () => {
    const { config, processes } = markedConfig();
    const session = await startSession({ config, canUseTool: () => ({ behavior: 'allow' }) });
    fake.enqueue({
      type: 'tool_use',
      name: 'Bash',
      input: { command: 'tail -f /dev/null', description: 'wait' },
    });
    const turn = session.send('run a long command');
    // The CLI runs the command in a process group of its own: a group kill of the CLI misses it.
    // (A pid that vanishes between listing and reading makes the poll try again. A command that never
    // ends: 2.1.332 refuses a Bash call that is only a long `sleep`.)
    const sleeping = () =>
      processes().filter((pid) => readFileSync(`/proc/${pid}/comm`, 'utf8') === 'tail\n');
    await expect.poll(() => sleeping().length, { timeout: 10_000 }).toBeGreaterThan(0);
    process.kill(session.pid as number, 'SIGKILL');
    await expect(turn.result).rejects.toBeInstanceOf(ProcessExitedError);
    await expect.poll(processes).toEqual([]);
  });

  test('kill -9 while idle, then the next turn still remembers', async () => {
    fake.addRule(rules.memory);
    const session = await startSession();
    await session.send('My name is Linus');
    await transcriptHas(session.sessionId, 'I will remember your name');
    process.kill(session.pid as number, 'SIGKILL');
    await expect.poll(() => session.state).toBe('dead');
    expect((await session.send('What is my name?')).content).toBe('Your name is Linus.');
  });

  test('close() while the process restarts waits for it and ends it too', async () => {
    const { config, processes } = markedConfig();
    const session = await startSession({ config });
    process.kill(session.pid as number, 'SIGKILL');
    await expect.poll(() => session.state).toBe('dead');
    const turn = session.send('hello again'); // starts a new process
    expect(session.state).toBe('starting');
    await session.close();
    await expect(turn.result).rejects.toBeInstanceOf(SessionClosedError);
    expect(session.pid).toBeUndefined();
    expect(processes()).toEqual([]);
  });

  test('restart() with another config resumes the conversation under the new config', async () => {
    fake.addRule(rules.memory);
    const session = await startSession();
    await session.send('My name is Barbara');
    const before = session.fingerprint;
    await session.restart({ ...env.config, model: 'claude-restarted-model' });
    expect(session.fingerprint).not.toBe(before);
    const from = fake.requests.length;
    expect((await session.send('What is my name?')).content).toBe('Your name is Barbara.');
    expect(mainCallsSince(from).at(-1)?.model).toBe('claude-restarted-model');
  });

  test('resuming an unknown session id fails with ClaudeSessionNotFoundError', async () => {
    const error = await ClaudeSession.resume('0b7e6a52-54c4-4c7a-9d4e-5b0f3c1a2b3c', env.config).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(ClaudeSessionNotFoundError);
  });

  test('a session resumed by id in a new process continues the conversation', async () => {
    fake.addRule(rules.memory);
    const first = await startSession();
    await first.send('My name is Edsger');
    await first.close();
    const second = await ClaudeSession.resume(first.sessionId, env.config);
    sessions.push(second);
    expect(second.sessionId).toBe(first.sessionId);
    expect((await second.send('What is my name?')).content).toBe('Your name is Edsger.');
  });

  test("each turn's cost is its own: a conversation's costs add up to what its processes spent", async () => {
    fake.addRule(rules.memory);
    const first = await startSession();
    const one = await first.send('My name is Ada');
    const two = await first.send('What is my name?');
    // The CLI reports the process's running total; each turn holds its own part.
    const processTotal = (two.raw as { total_cost_usd: number }).total_cost_usd;
    await first.close();
    const resumed = await ClaudeSession.resume(first.sessionId, env.config);
    sessions.push(resumed);
    const third = await resumed.send('What is my name?');
    for (const response of [one, two, third]) expect(response.costUsd).toBeGreaterThan(0);
    expect(one.costUsd + two.costUsd).toBeCloseTo(processTotal, 9);
    // Turns of about the same size cost about the same, warm or resumed (never a running total).
    expect(two.costUsd).toBeLessThan(one.costUsd * 1.5);
    expect(third.costUsd).toBeCloseTo((third.raw as { total_cost_usd: number }).total_cost_usd, 9);
  });
});

describe('control between turns', () => {
  test('setModel and setPermissionMode apply to the following turns', async () => {
    fake.addRule(rules.echo);
    const session = await startSession(); // no canUseTool: a write that needs asking is denied
    fake.enqueue(writeCall('before.txt', 'default mode'));
    expect((await session.send('first')).permissionDenials).toMatchObject([{ toolName: 'Write' }]);
    const before = session.fingerprint;
    const from = fake.requests.length;
    await session.setModel('claude-other-model');
    await session.setPermissionMode('acceptEdits');
    // The CLI itself switched: it writes in its cwd without asking, and asks the API for the new model.
    fake.enqueue(writeCall('after.txt', 'acceptEdits mode'));
    expect((await session.send('second')).permissionDenials).toEqual([]);
    expect(readFileSync(join(env.workDir, 'after.txt'), 'utf8')).toBe('acceptEdits mode');
    expect(existsSync(join(env.workDir, 'before.txt'))).toBe(false);
    expect(mainCallsSince(from).map((req) => req.model)).toEqual([
      'claude-other-model',
      'claude-other-model',
    ]);
    expect(session.config).toMatchObject({ model: 'claude-other-model', permissionMode: 'acceptEdits' });
    expect(session.fingerprint).not.toBe(before);
    await expect(session.setPermissionMode('yolo' as never)).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
    });
  });

  test('a CLI without credentials fails the turn with CliNotAuthenticatedError; the session stays usable', async () => {
    fake.addRule(rules.echo);
    const session = await startSession({ config: { env: { ...env.env, ANTHROPIC_API_KEY: '' } } });
    const turn = session.send('hello');
    const events: string[] = [];
    const error = await (async () => {
      for await (const event of turn) events.push(event.type);
    })().catch((e) => e);
    expect(error).toBeInstanceOf(CliNotAuthenticatedError);
    expect(events).toContain('assistant_error');
    expect(events).not.toContain('assistant');
    expect(fake.conversationRequests()).toEqual([]);
    expect(session.state).toBe('idle');
  });

  test('an auth failure ends the turn at once instead of sitting through retries', async () => {
    fake.setDefault({ type: 'error', status: 401 });
    const session = await startSession();
    const error = await session.send('hello').result.catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.isAuthError).toBe(true);
    expect(session.state).toBe('idle');
  });

  test('close() ends the process; later turns fail with SessionClosedError', async () => {
    const session = await startSession();
    const pid = session.pid as number;
    await session.close();
    expect(session.state).toBe('closed');
    expect(isProcessAlive(pid)).toBe(false);
    await expect(session.send('too late').result).rejects.toBeInstanceOf(SessionClosedError);
  });

  test('close() kills a process that does not exit after its stdin ends', async () => {
    const session = await startSession({ closeGraceMs: 200 });
    const pid = session.pid as number;
    process.kill(pid, 'SIGSTOP'); // cannot read the end of its stdin, nor act on SIGTERM
    await session.close();
    expect(isProcessAlive(pid)).toBe(false);
  });

  test('bad options and prompts name the field', async () => {
    await expect(ClaudeSession.start({ sessionId: 'not-a-uuid' })).rejects.toMatchObject({
      field: 'sessionId',
    });
    await expect(ClaudeSession.start({ config: { maxTurns: -1 } })).rejects.toMatchObject({
      field: 'config.maxTurns',
    });
    // Not "spawn ENOENT", which reads as if the CLI were missing.
    const missingDir = join(env.workDir, 'no-such-dir');
    const noCwd = await ClaudeSession.start({ config: { ...env.config, cwd: missingDir } }).catch((e) => e);
    expect(noCwd).toBeInstanceOf(InvalidConfigError);
    expect(noCwd).toMatchObject({ code: 'INVALID_CONFIG', field: 'config.cwd' });
    expect(noCwd.message).toContain(missingDir);
    // The default per-turn timeout: a Node timer would fire at once and interrupt every turn.
    await expect(ClaudeSession.start({ config: { timeoutMs: 2 ** 31 } })).rejects.toMatchObject({
      field: 'config.timeoutMs',
    });
    const session = await startSession();
    expect(() => session.send('')).toThrow(expect.objectContaining({ field: 'prompt' }));
    expect(() => session.send('hi', { timeoutMs: -5 })).toThrow(
      expect.objectContaining({ field: 'timeoutMs' }),
    );
    // Longer than a Node timer can wait: it would fire at once and deny the tool straight away.
    expect(() => session.send('hi', { permissionTimeoutMs: 2 ** 31 })).toThrow(
      expect.objectContaining({ field: 'permissionTimeoutMs' }),
    );
  });
});

describe('a shared config dir', () => {
  test('sessions started together in a fresh config dir share one identity instead of overwriting it', async () => {
    const fresh = await createCliTestEnv({ baseUrl: fake.url, prefix: 'ccs-fresh' });
    try {
      const together = await Promise.all([1, 2, 3].map(() => ClaudeSession.start({ config: fresh.config })));
      sessions.push(...together);
      await Promise.all(together.map((session) => session.send('hello')));
      // Each CLI sends the device id it read or created in .claude.json.
      const deviceIds = fake.conversationRequests().map((req) => {
        const metadata = (req.body as { metadata?: { user_id?: string } }).metadata;
        return JSON.parse(metadata?.user_id ?? '{}').device_id as string | undefined;
      });
      expect(deviceIds).toHaveLength(3);
      expect(new Set(deviceIds).size).toBe(1);
    } finally {
      await Promise.all(sessions.splice(0).map((s) => s.close()));
      await fresh.cleanup();
    }
  });
});

describe('tool permissions', () => {
  test('allow, allow with changed input, deny, a thrown callback', async () => {
    const asked: string[] = [];
    const canUseTool: CanUseTool = async (toolName, input, context) => {
      asked.push(`${toolName}:${String(input.file_path).split('/').at(-1)}:${context.toolUseId !== ''}`);
      const file = String(input.file_path);
      if (file.endsWith('allowed.txt')) return { behavior: 'allow' };
      if (file.endsWith('redirect.txt')) {
        return {
          behavior: 'allow',
          updatedInput: { ...input, file_path: join(env.workDir, 'redirected.txt') },
        };
      }
      if (file.endsWith('broken.txt')) throw new Error('policy store unreachable');
      return { behavior: 'deny', message: 'writing secrets is not allowed' };
    };
    fake.setDefault({ type: 'text', text: 'done' });
    const session = await startSession({ canUseTool });

    fake.enqueue(writeCall('allowed.txt', 'yes'));
    expect((await session.send('write allowed')).permissionDenials).toEqual([]);
    expect(readFileSync(join(env.workDir, 'allowed.txt'), 'utf8')).toBe('yes');

    fake.enqueue(writeCall('redirect.txt', 'moved'));
    await session.send('write redirect');
    expect(existsSync(join(env.workDir, 'redirect.txt'))).toBe(false);
    expect(readFileSync(join(env.workDir, 'redirected.txt'), 'utf8')).toBe('moved');

    fake.enqueue(writeCall('secret.txt', 'no'));
    const denied = await session.send('write secret');
    expect(denied.permissionDenials).toMatchObject([{ toolName: 'Write' }]);
    expect(existsSync(join(env.workDir, 'secret.txt'))).toBe(false);
    const deniedResult = fake.conversationRequests().at(-1)?.toolResults[0];
    expect(deniedResult).toMatchObject({ isError: true, content: 'writing secrets is not allowed' });

    fake.enqueue(writeCall('broken.txt', 'no'));
    const broken = await session.send('write broken');
    expect(broken.permissionDenials).toHaveLength(1);
    expect(fake.conversationRequests().at(-1)?.toolResults[0]?.content).toContain('policy store unreachable');
    expect(asked).toEqual([
      'Write:allowed.txt:true',
      'Write:redirect.txt:true',
      'Write:secret.txt:true',
      'Write:broken.txt:true',
    ]);
  });

  test('a human may answer minutes later, and a per-turn callback overrides the session one', async () => {
    fake.setDefault({ type: 'text', text: 'done' });
    const session = await startSession({
      canUseTool: () => ({ behavior: 'deny', message: 'session says no' }),
    }); // permissionTimeoutMs: the default 5 minutes
    let asked = () => {};
    const wasAsked = new Promise<void>((resolve) => {
      asked = resolve;
    });
    const slowHuman: CanUseTool = () => {
      asked();
      return new Promise((resolve) => setTimeout(() => resolve({ behavior: 'allow' }), 4.5 * 60_000));
    };
    // The host's timers run on a fake clock: moving it 4.5 minutes on fires every timer set shorter
    // than that. The CLI (a real process) has no deadline of its own for the answer.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let turn: Turn;
    try {
      fake.enqueue(writeCall('slow.txt', 'eventually'));
      turn = session.send('write slowly', { canUseTool: slowHuman });
      await wasAsked;
      await vi.advanceTimersByTimeAsync(4.5 * 60_000);
    } finally {
      vi.useRealTimers();
    }
    const response = await turn;
    expect(response.permissionDenials).toEqual([]);
    expect(readFileSync(join(env.workDir, 'slow.txt'), 'utf8')).toBe('eventually');
  });

  test('an abandoned request is denied after permissionTimeoutMs and its signal aborts', async () => {
    fake.setDefault({ type: 'text', text: 'done' });
    let signal: AbortSignal | undefined;
    const neverAnswers: CanUseTool = (_tool, _input, context) => {
      signal = context.signal;
      return new Promise(() => {});
    };
    const session = await startSession({ canUseTool: neverAnswers, permissionTimeoutMs: 1_000 });
    fake.enqueue(writeCall('abandoned.txt', 'no'));
    const response = await session.send('write abandoned');
    expect(response.permissionDenials).toMatchObject([{ toolName: 'Write' }]);
    expect(existsSync(join(env.workDir, 'abandoned.txt'))).toBe(false);
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBeInstanceOf(PermissionTimeoutError);
    expect(fake.conversationRequests().at(-1)?.toolResults[0]?.content).toContain(
      'no answer to the permission request',
    );
  });

  test('without a callback, tools that need permission are denied', async () => {
    fake.setDefault({ type: 'text', text: 'done' });
    const session = await startSession();
    fake.enqueue(writeCall('nobody.txt', 'no'));
    const response = await session.send('write without callback');
    expect(response.permissionDenials).toHaveLength(1);
    expect(existsSync(join(env.workDir, 'nobody.txt'))).toBe(false);
  });

  test('interrupting a turn cancels its pending permission request', async () => {
    let signal: AbortSignal | undefined;
    const session = await startSession({
      canUseTool: (_tool, _input, context) => {
        signal = context.signal;
        return new Promise(() => {});
      },
    });
    fake.enqueue(writeCall('pending.txt', 'no'));
    const turn = session.send('write and wait');
    await expect.poll(() => signal !== undefined).toBe(true);
    await session.interrupt();
    await expect(turn.result).rejects.toBeInstanceOf(InterruptedError);
    expect(signal?.aborted).toBe(true);
  });
});
