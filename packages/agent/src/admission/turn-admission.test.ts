import { describe, expect, it } from 'vitest';
import { AgentAbortedError, AgentClosedError } from '../errors.js';
import type { AgentResponse } from '../types.js';
import { AgentBusyError } from './agent-busy-error.js';
import { TurnAdmission, type TurnAdmissionOptions } from './turn-admission.js';
import type { JobSettings, TurnJob } from './turn-job.js';

const settings: JobSettings = {
  userId: 'u',
  project: undefined,
  overrides: undefined,
  canUseTool: undefined,
  hooks: undefined,
  timeoutMs: undefined,
  sessionMetadata: undefined,
};

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

/** Admission whose turns end when the test says so; records the order in which turns started. */
function harness(options: Partial<Omit<TurnAdmissionOptions, 'run'>> = {}) {
  const started: string[][] = [];
  const finishers: Array<() => void> = [];
  const admission = new TurnAdmission({
    maxConcurrentTurns: options.maxConcurrentTurns ?? 100,
    maxQueue: options.maxQueue ?? 100,
    maxQueuePerSession: options.maxQueuePerSession ?? 100,
    debounceMs: options.debounceMs ?? 0,
    run: (job: TurnJob) => {
      started.push(job.messages.map((m) => m.text));
      return new Promise<void>((resolve) => {
        finishers.push(() => {
          job.succeed({ content: job.messages.map((m) => m.text).join('+') } as AgentResponse);
          resolve();
        });
      });
    },
  });
  const send = (sessionId: string, text: string, signal?: AbortSignal, onStart?: () => void) =>
    new Promise<string>((resolve, reject) => {
      admission.submit(
        sessionId,
        settings,
        {
          text,
          meta: { userId: 'u', sessionId, receivedAt: Date.now() },
          caller: {
            resolve: (r: AgentResponse) => resolve(r.content),
            reject,
            ...(onStart ? { onStart } : {}),
          },
        },
        signal,
      );
    });
  /** Ends the oldest running turn. */
  const finishNext = async () => {
    while (finishers.length === 0) await tick(1);
    finishers.shift()?.();
  };
  return { admission, started, send, finishNext };
}

describe('TurnAdmission: per-session order', () => {
  it('runs one session in arrival order, one turn at a time', async () => {
    const { started, send, finishNext } = harness();
    const answers = ['a', 'b', 'c'].map((t) => send('s1', t));
    await tick();
    expect(started).toEqual([['a']]);
    for (let i = 0; i < 3; i++) await finishNext();
    expect(await Promise.all(answers)).toEqual(['a', 'b', 'c']);
    expect(started).toEqual([['a'], ['b'], ['c']]);
  });

  it('runs different sessions side by side', async () => {
    const { started, send, finishNext } = harness();
    const answers = [send('s1', 'x'), send('s2', 'y')];
    await tick();
    expect(started).toEqual([['x'], ['y']]);
    await finishNext();
    await finishNext();
    expect(await Promise.all(answers)).toEqual(['x', 'y']);
  });

  it('merges a burst within the debounce window into one turn', async () => {
    const { started, send, finishNext } = harness({ debounceMs: 80 });
    const answers = [send('s1', 'one'), send('s1', 'two'), send('s1', 'three')];
    await finishNext();
    expect(await Promise.all(answers)).toEqual(['one+two+three', 'one+two+three', 'one+two+three']);
    expect(started).toEqual([['one', 'two', 'three']]);
  });

  it('starts a new turn for a message after the window closed', async () => {
    const { started, send, finishNext } = harness({ debounceMs: 20 });
    const first = send('s1', 'early');
    await tick(60);
    const second = send('s1', 'late');
    await finishNext();
    await finishNext();
    expect([await first, await second]).toEqual(['early', 'late']);
    expect(started).toEqual([['early'], ['late']]);
  });

  it('refuses a message past the per-session bound with a retry hint', async () => {
    const { send, finishNext, admission } = harness({ maxQueuePerSession: 2 });
    const accepted = [send('s1', 'running'), send('s1', 'w1'), send('s1', 'w2')];
    await tick();
    expect(admission.refusal('s1')).toMatchObject({ code: 'AGENT_BUSY', scope: 'session' });
    expect(admission.refusal('s2')).toBeUndefined();
    const refused = await send('s1', 'w3').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AgentBusyError);
    expect(refused).toMatchObject({ scope: 'session', sessionId: 's1', queued: 2 });
    expect((refused as AgentBusyError).retryAfterMs).toBeGreaterThan(0);
    expect(admission.stats()).toMatchObject({ running: 1, queued: 2 });
    for (let i = 0; i < 3; i++) await finishNext();
    expect(await Promise.all(accepted)).toEqual(['running', 'w1', 'w2']);
  });

  it('drops a waiting message whose signal fires, and runs the rest', async () => {
    const { started, send, finishNext } = harness();
    const controller = new AbortController();
    const first = send('s1', 'first');
    const dropped = send('s1', 'dropped', controller.signal).catch((e: unknown) => e);
    const last = send('s1', 'last');
    controller.abort();
    expect(await dropped).toBeInstanceOf(AgentAbortedError);
    await finishNext();
    await finishNext();
    expect([await first, await last]).toEqual(['first', 'last']);
    expect(started).toEqual([['first'], ['last']]);
  });

  it('fails waiting messages on close and waits for the running turn', async () => {
    const { send, finishNext, admission } = harness();
    const running = send('s1', 'running');
    const waiting = send('s1', 'waiting').catch((e: unknown) => e);
    await tick();
    const closed = admission.close();
    expect(await waiting).toBeInstanceOf(AgentClosedError);
    await finishNext();
    await closed;
    expect(await running).toBe('running');
    expect(() => admission.submit('s1', settings, {} as never)).toThrow(AgentClosedError);
    expect(admission.refusal()).toBeInstanceOf(AgentClosedError);
  });
});

describe('TurnAdmission: turn slots', () => {
  it('runs up to the limit, queues the rest in order and refuses past the queue as busy', async () => {
    const { send, finishNext, admission, started } = harness({ maxConcurrentTurns: 2, maxQueue: 1 });
    const a = send('a', 'a');
    void send('b', 'b');
    const c = send('c', 'c');
    await tick();
    expect(started).toEqual([['a'], ['b']]);
    expect(admission.refusal()).toMatchObject({ code: 'AGENT_BUSY', scope: 'agent' });
    const refused = await send('d', 'd').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AgentBusyError);
    expect(refused).toMatchObject({ code: 'AGENT_BUSY', scope: 'agent', sessionId: 'd', queued: 1 });
    expect((refused as AgentBusyError).message).toContain('all 2 turn slots are busy and 1 message waiting');
    expect((refused as AgentBusyError).retryAfterMs).toBeGreaterThanOrEqual(100);
    await finishNext();
    expect(await a).toBe('a');
    await tick();
    expect(started).toEqual([['a'], ['b'], ['c']]);
    expect(admission.stats()).toMatchObject({ running: 2, queued: 0 });
    expect(admission.refusal()).toBeUndefined();
    await finishNext();
    await finishNext();
    expect(await c).toBe('c');
  });

  it('runs one turn per session and hands the slot to the same session next', async () => {
    const { send, finishNext, started } = harness({ maxConcurrentTurns: 1 });
    const first = send('s', 'first');
    const other = send('t', 'other');
    const second = send('s', 'second');
    await tick();
    await finishNext();
    expect(await first).toBe('first');
    await tick();
    // The session's next message goes first: its process is warm.
    expect(started).toEqual([['first'], ['second']]);
    await finishNext();
    expect(await second).toBe('second');
    await finishNext();
    expect(await other).toBe('other');
    expect(started).toEqual([['first'], ['second'], ['other']]);
  });

  it('keeps a second message of a busy session waiting even when slots are free', async () => {
    const { send, finishNext, admission, started } = harness({ maxConcurrentTurns: 4, maxQueue: 0 });
    const first = send('s', 'first');
    const second = send('s', 'second');
    await tick();
    expect(started).toEqual([['first']]);
    expect(admission.stats()).toEqual({ running: 1, queued: 1, sessions: 1 });
    await finishNext();
    await finishNext();
    expect([await first, await second]).toEqual(['first', 'second']);
  });

  it('gives the slot to another session while the next turn of its own waits for its debounce window', async () => {
    const { send, finishNext, started } = harness({ maxConcurrentTurns: 1, debounceMs: 40 });
    const first = send('s', 'first');
    await tick(60);
    const other = send('t', 'other');
    // Past its window, `other` waits for the slot `first` holds.
    await tick(60);
    const later = send('s', 'later');
    await finishNext();
    expect(await first).toBe('first');
    await tick();
    // `later` was inside its window when the slot came free, so it was not handed over.
    expect(started).toEqual([['first'], ['other']]);
    await finishNext();
    await finishNext();
    expect([await other, await later]).toEqual(['other', 'later']);
  });

  it('tells a caller when its turn starts, not while it waits', async () => {
    const { send, finishNext } = harness({ maxConcurrentTurns: 1 });
    const starts: string[] = [];
    const a = send('a', 'a', undefined, () => starts.push('a'));
    const b = send('b', 'b', undefined, () => starts.push('b'));
    await tick();
    expect(starts).toEqual(['a']);
    await finishNext();
    await tick();
    expect(starts).toEqual(['a', 'b']);
    await finishNext();
    await Promise.all([a, b]);
  });

  it('drops a message waiting for a slot when its signal aborts, and fails every waiting one on close', async () => {
    const { send, finishNext, admission } = harness({ maxConcurrentTurns: 1 });
    const running = send('a', 'a');
    const controller = new AbortController();
    const aborted = send('b', 'b', controller.signal);
    const closed = send('c', 'c');
    controller.abort(new Error('gone'));
    await expect(aborted).rejects.toBeInstanceOf(AgentAbortedError);
    expect(admission.stats().queued).toBe(1);
    const closing = admission.close();
    await expect(closed).rejects.toBeInstanceOf(AgentClosedError);
    await expect(send('d', 'd')).rejects.toBeInstanceOf(AgentClosedError);
    await finishNext();
    await closing;
    expect(await running).toBe('a');
  });
});
