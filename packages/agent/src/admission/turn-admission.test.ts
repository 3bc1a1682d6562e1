import { describe, expect, it } from 'vitest';
import { AgentAbortedError, AgentBusyError, AgentClosedError } from '../errors.js';
import type { AgentResponse } from '../types.js';
import { SessionQueues } from './session-queues.js';
import type { JobSettings, TurnJob } from './turn-job.js';

const settings: JobSettings = {
  userId: 'u',
  project: undefined,
  overrides: undefined,
  canUseTool: undefined,
  timeoutMs: undefined,
  sessionMetadata: undefined,
};

/** A queue whose turns end when the test says so; records the order in which turns started. */
function harness(options: { debounceMs?: number; maxQueuePerSession?: number } = {}) {
  const started: string[][] = [];
  const finishers: Array<() => void> = [];
  const queues = new SessionQueues({
    debounceMs: options.debounceMs ?? 0,
    maxQueuePerSession: options.maxQueuePerSession ?? 100,
    typicalTurnMs: () => 1_000,
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
  const send = (sessionId: string, text: string, signal?: AbortSignal) =>
    new Promise<string>((resolve, reject) => {
      queues.submit(
        sessionId,
        settings,
        {
          text,
          meta: { userId: 'u', sessionId, receivedAt: Date.now() },
          caller: { resolve: (r) => resolve(r.content), reject },
        },
        signal,
      );
    });
  const finishNext = async () => {
    while (finishers.length === 0) await new Promise((r) => setTimeout(r, 1));
    finishers.shift()?.();
  };
  return { queues, started, send, finishNext };
}

describe('SessionQueues', () => {
  it('runs one session in arrival order, one turn at a time', async () => {
    const { started, send, finishNext } = harness();
    const answers = ['a', 'b', 'c'].map((t) => send('s1', t));
    await new Promise((r) => setTimeout(r, 5));
    expect(started).toEqual([['a']]);
    for (let i = 0; i < 3; i++) await finishNext();
    expect(await Promise.all(answers)).toEqual(['a', 'b', 'c']);
    expect(started).toEqual([['a'], ['b'], ['c']]);
  });

  it('runs different sessions side by side', async () => {
    const { started, send, finishNext } = harness();
    const answers = [send('s1', 'x'), send('s2', 'y')];
    await new Promise((r) => setTimeout(r, 5));
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
    await new Promise((r) => setTimeout(r, 60));
    const second = send('s1', 'late');
    await finishNext();
    await finishNext();
    expect([await first, await second]).toEqual(['early', 'late']);
    expect(started).toEqual([['early'], ['late']]);
  });

  it('refuses a message past the per-session bound with a retry hint', async () => {
    const { send, finishNext, queues } = harness({ maxQueuePerSession: 2 });
    const accepted = [send('s1', 'running'), send('s1', 'w1'), send('s1', 'w2')];
    await new Promise((r) => setTimeout(r, 5));
    const refused = await send('s1', 'w3').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AgentBusyError);
    expect((refused as AgentBusyError).retryAfterMs).toBeGreaterThan(0);
    expect(queues.stats()).toMatchObject({ runningTurns: 1, queuedMessages: 2 });
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
    const { send, finishNext, queues } = harness();
    const running = send('s1', 'running');
    const waiting = send('s1', 'waiting').catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 5));
    const closed = queues.close();
    expect(await waiting).toBeInstanceOf(AgentClosedError);
    await finishNext();
    await closed;
    expect(await running).toBe('running');
    expect(() => queues.submit('s1', settings, {} as never)).toThrow(AgentClosedError);
  });
});
