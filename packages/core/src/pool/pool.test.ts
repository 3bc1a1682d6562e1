import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type FakeAnthropic, rules, startFakeAnthropic } from '@claude-code-server/fake-anthropic';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { BoundedMap } from '../bounded-map.js';
import type { ClaudeConfig } from '../config.js';
import { AbortedError } from '../errors.js';
import { procStatusBytes } from '../process-memory.js';
import { readProcStat } from '../process-tree.js';
import { SessionClosedError } from '../session/errors.js';
import { findTranscriptFile } from '../session/transcript.js';
import { type CliTestEnv, createCliTestEnv, findProcessesByEnv, isProcessAlive } from '../testing/index.js';
import { PoolBusyError } from './errors.js';
import type { SessionPoolOptions } from './options.js';
import { SessionPool } from './pool.js';
import type { PooledSession } from './pooled-session.js';

let fake: FakeAnthropic;
let env: CliTestEnv;
const pools: SessionPool[] = [];

/**
 * A pool whose processes carry a marker in their env, so the test can find them in /proc. `processes()`
 * lists the CLI processes themselves (children of this test), not the helpers they run (git, rg...).
 */
function createPool(options: SessionPoolOptions = {}): { pool: SessionPool; processes: () => number[] } {
  const marker = randomUUID();
  const config: ClaudeConfig = { ...env.config, env: { ...env.env, CCS_POOL_TEST: marker } };
  const pool = new SessionPool({ spares: 0, ...options, config: { ...config, ...options.config } });
  pools.push(pool);
  const processes = () =>
    findProcessesByEnv('CCS_POOL_TEST', marker).filter((pid) => readProcStat(pid)?.ppid === process.pid);
  return { pool, processes };
}

/** The most processes the pool counts (`live`) and the most CLI processes /proc shows, sampled until stopped. */
function samplePeaks(pool: SessionPool, processes: () => number[]) {
  const peaks = {
    live: 0,
    processes: 0,
    sample: () => {
      peaks.live = Math.max(peaks.live, pool.stats().live);
      peaks.processes = Math.max(peaks.processes, processes().length);
    },
    stop: () => clearInterval(timer),
  };
  const timer = setInterval(peaks.sample, 25);
  return peaks;
}

/** Acquires `key`, tells the CLI a name, and returns once that is in the transcript (a crash may follow). */
async function acquireIntroduced(pool: SessionPool, key: string, name: string): Promise<PooledSession> {
  const pooled = await pool.acquire(key);
  await pooled.session.send(`My name is ${name}`);
  // The CLI appends an exchange to the transcript just after printing its result: wait for it.
  await expect
    .poll(() => readFileSync(findTranscriptFile(pooled.sessionId, env.config) ?? '/dev/null', 'utf8'))
    .toContain(name);
  return pooled;
}

beforeAll(async () => {
  fake = await startFakeAnthropic();
  env = await createCliTestEnv({ baseUrl: fake.url, prefix: 'ccs-pool' });
});

afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
  fake.reset();
});

afterAll(async () => {
  await fake.close();
  await env.cleanup();
});

describe('keys, eviction and resume', () => {
  test('an evicted session comes back by resume with its history', async () => {
    fake.addRule(rules.memory);
    const { pool } = createPool({ maxLive: 1 });
    const alice = await pool.run('alice', {}, async (session) => {
      expect((await session.send('My name is Alice')).content).toContain('Alice');
      return session.sessionId;
    });
    await pool.run('bob', {}, (session) => session.send('My name is Bob'));
    expect(pool.stats()).toMatchObject({ live: 1, evicted: 1 });
    // Remembered for alice, so not another key's to resume: alice's next acquire would resume it too.
    await expect(pool.acquire('mallory', { resume: alice })).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
      field: 'resume',
    });

    const answer = await pool.run('alice', {}, async (session) => {
      expect(session.sessionId).toBe(alice);
      return session.send('What is my name?');
    });
    expect(answer.content).toBe('Your name is Alice.');
    expect(pool.stats()).toMatchObject({ live: 1, evicted: 2, spawned: 3, crashed: 0 });
    expect(pool.sessionIdOf('alice')).toBe(alice);
  });

  test('the least recently used idle session is the one evicted', async () => {
    const { pool } = createPool({ maxLive: 2 });
    const pidOf = (key: string) => pool.run(key, {}, (session) => session.pid);
    const a = await pidOf('a');
    const b = await pidOf('b');
    expect(await pidOf('a')).toBe(a); // now b is the least recently used
    expect(pool.stats()).toMatchObject({ live: 2, busy: 0, idle: 2, evicted: 0 });
    await pidOf('c');
    expect(pool.stats()).toMatchObject({ live: 2, idle: 2, evicted: 1 });
    expect(await pidOf('a')).toBe(a); // still warm
    expect(await pidOf('b')).not.toBe(b); // was closed; a new process now
  });

  test('an idle session is closed after idleTimeoutMs and resumes on its next acquire', async () => {
    fake.addRule(rules.memory);
    const { pool, processes } = createPool({ idleTimeoutMs: 300 });
    await pool.run('carol', {}, (session) => session.send('My name is Carol'));
    await expect.poll(() => pool.stats().live).toBe(0);
    expect(processes()).toEqual([]);
    expect(pool.stats().evicted).toBe(1);
    const answer = await pool.run('carol', {}, (session) => session.send('What is my name?'));
    expect(answer.content).toBe('Your name is Carol.');
  });

  test('a request with another spawn config gets a process with that config, same conversation', async () => {
    fake.addRule(rules.memory);
    const { pool } = createPool();
    const first = await pool.acquire('dave');
    await first.session.send('My name is Dave');
    const firstPid = first.session.pid;
    first.release();

    const from = fake.requests.length;
    const second = await pool.acquire('dave', { config: { appendSystemPrompt: 'Answer in one line.' } });
    expect(second.session.pid).not.toBe(firstPid);
    expect(second.sessionId).toBe(first.sessionId);
    expect((await second.session.send('What is my name?')).content).toBe('Your name is Dave.');
    const call = fake.conversationRequests().find((req) => req.index >= from);
    expect(call?.system).toContain('Answer in one line.');
    second.release();

    // Same config again: the warm process is reused as it is.
    const third = await pool.acquire('dave', { config: { appendSystemPrompt: 'Answer in one line.' } });
    expect(third.session.pid).toBe(second.session.pid);
    third.release();
  });

  test('acquire with another resume id moves the key to that conversation; discard forgets it', async () => {
    fake.addRule(rules.memory);
    const { pool } = createPool();
    const erin = await pool.run('erin', {}, async (session) => {
      await session.send('My name is Erin');
      return session.sessionId;
    });
    const other = await pool.run('other', {}, async (session) => {
      await session.send('My name is Frank');
      return session.sessionId;
    });
    await pool.discard('other'); // one conversation lives in one process at a time
    const moving = pool.run('erin', { resume: other }, (session) => session.send('What is my name?'));
    // While erin's process is being replaced, the conversation is already erin's.
    await expect(pool.acquire('third', { resume: other })).rejects.toMatchObject({ field: 'resume' });
    const moved = await moving;
    expect(moved.content).toBe('Your name is Frank.');
    expect(pool.sessionIdOf('erin')).toBe(other);
    expect(pool.sessionIdOf('erin')).not.toBe(erin);

    await expect(pool.acquire('third', { resume: other })).rejects.toMatchObject({ code: 'INVALID_CONFIG' });

    await pool.discard('erin');
    expect(pool.sessionIdOf('erin')).toBeUndefined();
    const fresh = await pool.run('erin', {}, (session) => session.send('What is my name?'));
    expect(fresh.content).toBe("I don't know your name yet.");
  });

  test('a crashed idle session gives its slot back and the key resumes its conversation', async () => {
    fake.addRule(rules.memory);
    const { pool } = createPool({ maxLive: 1 });
    const pooled = await acquireIntroduced(pool, 'gina', 'Gina');
    const pid = pooled.session.pid as number;
    pooled.release();
    process.kill(pid, 'SIGKILL');
    await expect.poll(() => pool.stats()).toMatchObject({ live: 0, crashed: 1 });
    const answer = await pool.run('gina', {}, (session) => session.send('What is my name?'));
    expect(answer.content).toBe('Your name is Gina.');
  });

  test('a held session that crashes restarts itself on its next turn, with its history', async () => {
    fake.addRule(rules.memory);
    const { pool } = createPool({ maxLive: 1 });
    const pooled = await acquireIntroduced(pool, 'hank', 'Hank');
    const pid = pooled.session.pid as number;
    process.kill(pid, 'SIGKILL');
    // Still held: the slot stays the caller's (no one else may take it meanwhile).
    await expect.poll(() => pool.stats()).toMatchObject({ live: 1, busy: 1, crashed: 1 });
    const answer = await pooled.session.send('What is my name?');
    expect(answer.content).toBe('Your name is Hank.');
    expect(pooled.session.pid).not.toBe(pid);
    expect(pool.stats()).toMatchObject({ live: 1, busy: 1, spawned: 2, crashed: 1 });
    pooled.release();
    expect(pool.stats()).toMatchObject({ live: 1, busy: 0, idle: 1 });
  });
});

describe('spares', () => {
  test('a new conversation takes a spare, which is refilled in the background', async () => {
    fake.addRule(rules.echo);
    const { pool, processes } = createPool({ spares: 1, maxLive: 3 });
    await expect.poll(() => pool.stats().spares, { timeout: 20_000 }).toBe(1);
    expect(pool.stats().spawned).toBe(1);
    const [sparePid] = processes();

    const pooled = await pool.acquire('newcomer');
    expect(pooled.session.pid).toBe(sparePid);
    expect(pooled.session.state).toBe('idle');
    const response = await pooled.session.send('first words');
    expect(response.content).toBe('first words');
    expect(response.sessionId).toBe(pooled.sessionId);
    await expect.poll(() => pool.stats(), { timeout: 20_000 }).toMatchObject({ spares: 1, spawned: 2 });

    // A spare only serves requests that fit it: not another config, not a resume.
    const custom = await pool.acquire('custom', { config: { model: 'claude-custom' } });
    expect(pool.stats()).toMatchObject({ spares: 1, spawned: 3 });
    custom.release();
    pooled.release();
  });
});

describe('bounds', () => {
  test('a held session is never evicted; callers wait in a bounded queue, then get PoolBusyError', async () => {
    const { pool } = createPool({ maxLive: 1, maxQueue: 1, queueTimeoutMs: 1_500 });
    const held = await pool.acquire('held');
    const waiting = pool.acquire('waiter');
    const rejected = await pool.acquire('third').catch((e) => e);
    expect(rejected).toBeInstanceOf(PoolBusyError);
    expect(rejected).toMatchObject({ code: 'POOL_BUSY', reason: 'queue_full' });
    expect(rejected.retryAfterMs).toBeGreaterThan(0);
    const timedOut = await waiting.catch((e) => e);
    expect(timedOut).toMatchObject({ code: 'POOL_BUSY', reason: 'queue_timeout' });
    expect(isProcessAlive(held.session.pid as number)).toBe(true);
    expect(pool.stats()).toMatchObject({ live: 1, busy: 1, evicted: 0, queued: 0 });

    const next = pool.acquire('waiter');
    held.release();
    const served = await next;
    expect(served.key).toBe('waiter');
    expect(pool.stats()).toMatchObject({ live: 1, evicted: 1 });
    served.release();
  });

  test('a caller whose signal fires while it waits gets an AbortedError, and leaves the queue', async () => {
    const { pool } = createPool({ maxLive: 1, queueTimeoutMs: 60_000 });
    const held = await pool.acquire('held');
    const controller = new AbortController();
    const waiting = pool.acquire('waiter', { signal: controller.signal }).catch((e) => e);
    expect(pool.stats().queued).toBe(1);
    controller.abort(new Error('caller left'));
    const aborted = await waiting;
    expect(aborted).toBeInstanceOf(AbortedError);
    expect(aborted).toMatchObject({
      code: 'ABORTED',
      message: 'acquire() was aborted while waiting for a session',
    });
    expect(aborted.cause).toMatchObject({ message: 'caller left' });
    expect(pool.stats().queued).toBe(0);
    await expect(pool.acquire('late', { signal: controller.signal })).rejects.toBeInstanceOf(AbortedError);
    held.release();
  });

  test('a caller who needs a new process is passed over at most 8 times by callers of a live key', async () => {
    const { pool } = createPool({ maxLive: 1, queueTimeoutMs: 60_000 });
    const held = await pool.acquire('hot');
    const served: string[] = [];
    const takeAndRelease = (key: string) =>
      pool.acquire(key).then((pooled) => {
        served.push(key);
        pooled.release();
      });
    const callers = [takeAndRelease('new'), ...Array.from({ length: 12 }, () => takeAndRelease('hot'))];
    expect(pool.stats().queued).toBe(13);
    held.release();
    await Promise.all(callers);
    // 'hot' needs no new process, so its callers go first, until 'new' has waited for 8 of them.
    expect(served).toEqual([...Array(8).fill('hot'), 'new', ...Array(4).fill('hot')]);
  });

  test('50 concurrent requests over 5 keys never run more than maxLive processes', async () => {
    fake.addRule((req) => ({ type: 'text', text: `re: ${req.lastUserText.split('\n\n').at(-1)}` }));
    const { pool, processes } = createPool({ maxLive: 3, maxQueue: 64, queueTimeoutMs: 120_000 });
    const peaks = samplePeaks(pool, processes);
    const keys = ['k1', 'k2', 'k3', 'k4', 'k5'];
    const sessionIds = new Map<string, Set<string>>(keys.map((k) => [k, new Set()]));
    try {
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) => {
          const key = keys[i % keys.length] as string;
          return pool.run(key, {}, async (session) => {
            peaks.sample();
            const response = await session.send(`request ${i}`);
            sessionIds.get(key)?.add(response.sessionId);
            return response.content;
          });
        }),
      );
      expect(answers).toEqual(Array.from({ length: 50 }, (_, i) => `re: request ${i}`));
    } finally {
      peaks.stop();
    }
    expect(peaks.live).toBeLessThanOrEqual(3);
    expect(peaks.processes).toBeLessThanOrEqual(3);
    expect(peaks.processes).toBeGreaterThan(0);
    // Every key kept one conversation through evictions and resumes.
    for (const ids of sessionIds.values()) expect(ids.size).toBe(1);
    expect(pool.stats()).toMatchObject({ busy: 0, queued: 0, crashed: 0 });
    expect(pool.stats().evicted).toBeGreaterThan(0); // the cap really was in the way
  });

  test('close() fails waiting callers and leaves no process behind', async () => {
    const { pool, processes } = createPool({ maxLive: 1, spares: 1 });
    const held = await pool.acquire('one');
    const waiting = pool.acquire('two').catch((e) => e);
    await pool.close();
    expect(await waiting).toBeInstanceOf(SessionClosedError);
    expect(held.session.state).toBe('closed');
    expect(processes()).toEqual([]);
    await expect(pool.acquire('three')).rejects.toBeInstanceOf(SessionClosedError);
  });

  test('the map of session ids remembered for evicted keys keeps only the newest (maxRemembered)', () => {
    const remembered = new BoundedMap<string, string>(2);
    remembered.set('a', 'id-a');
    remembered.set('b', 'id-b');
    remembered.set('a', 'id-a2'); // re-set: a is now the newest
    remembered.set('c', 'id-c');
    expect([remembered.get('a'), remembered.get('b'), remembered.get('c')]).toEqual([
      'id-a2',
      undefined,
      'id-c',
    ]);
  });

  test('bad options name the field', async () => {
    for (const maxMemoryBytes of [0, -1, 1.5, '8gb']) {
      expect(() => new SessionPool({ maxMemoryBytes } as SessionPoolOptions)).toThrow(
        expect.objectContaining({ code: 'INVALID_CONFIG', field: 'maxMemoryBytes' }),
      );
    }
    expect(() => new SessionPool({ maxLive: 0 })).toThrow(expect.objectContaining({ field: 'maxLive' }));
    expect(() => new SessionPool({ idleTimeoutMs: 30 * 24 * 3_600_000 })).toThrow(
      expect.objectContaining({ field: 'idleTimeoutMs' }),
    );
    expect(() => new SessionPool({ config: { cwd: '' } })).toThrow(
      expect.objectContaining({ field: 'config.cwd' }),
    );
    expect(() => new SessionPool({ config: { timeoutMs: 2 ** 31 } })).toThrow(
      expect.objectContaining({ field: 'config.timeoutMs' }),
    );
    const { pool } = createPool();
    await expect(pool.acquire('')).rejects.toMatchObject({ code: 'INVALID_CONFIG', field: 'key' });
    await expect(pool.acquire('k', { resume: '' })).rejects.toMatchObject({ field: 'resume' });
  });
});

describe('memory budget', () => {
  /** What one process holds here, measured: right after it started, and after two turns. */
  async function measureOneProcess(): Promise<{ fresh: number; warm: number }> {
    const { pool } = createPool({ maxLive: 1 });
    const pooled = await pool.acquire('probe');
    const fresh = pool.stats().rssBytes;
    await pooled.session.send('one');
    await pooled.session.send('two');
    const warm = pool.stats().rssBytes;
    pooled.release();
    await pool.close();
    return { fresh, warm };
  }

  test('stats report the resident memory of the live processes', async () => {
    const { pool } = createPool({ maxLive: 2 });
    expect(pool.stats().rssBytes).toBe(0);
    const pidOf = (key: string) => pool.run(key, {}, (session) => session.pid as number);
    const a = await pidOf('a');
    const one = pool.stats().rssBytes;
    // The CLI's own resident memory, read here: the pool counts it (and any helper it runs).
    expect(one).toBeGreaterThanOrEqual(procStatusBytes(a, 'VmRSS') * 0.9);
    const b = await pidOf('b');
    const two = pool.stats().rssBytes;
    expect(two).toBeGreaterThanOrEqual((procStatusBytes(a, 'VmRSS') + procStatusBytes(b, 'VmRSS')) * 0.9);
    expect(two).toBeGreaterThan(one);
    await pool.discard('a');
    await pool.discard('b');
    expect(pool.stats()).toMatchObject({ live: 0, rssBytes: 0 });
  });

  test('a budget that fits two processes keeps at most two alive, evicting the least recently used idle one', async () => {
    fake.addRule((req) => ({ type: 'text', text: `re: ${req.lastUserText.split('\n\n').at(-1)}` }));
    const { fresh, warm } = await measureOneProcess();
    // Room for two warm processes beside each other, not for a third even while all three are fresh.
    const maxMemoryBytes = Math.round(warm + 1.5 * fresh);
    console.log('DBG', fresh / 2 ** 20, warm / 2 ** 20, maxMemoryBytes / 2 ** 20);
    const { pool, processes } = createPool({
      maxLive: 10,
      maxMemoryBytes,
      maxQueue: 64,
      queueTimeoutMs: 120_000,
    });

    const turn = (key: string, text: string) =>
      pool.run(key, {}, async (session) => ({
        pid: session.pid,
        answer: (await session.send(text)).content,
      }));
    const a = await turn('a', 'first');
    const b = await turn('b', 'first');
    expect((await turn('a', 'again')).pid).toBe(a.pid); // now b is the least recently used
    expect(pool.stats()).toMatchObject({ live: 2, evicted: 0 });
    await turn('c', 'first');
    expect(pool.stats()).toMatchObject({ live: 2, evicted: 1 });
    expect((await turn('a', 'still warm')).pid).toBe(a.pid);
    expect((await turn('b', 'back')).pid).not.toBe(b.pid); // was evicted; resumed in a new process

    const peaks = samplePeaks(pool, processes);
    const keys = ['k1', 'k2', 'k3', 'k4', 'k5'];
    const evictedBefore = pool.stats().evicted;
    try {
      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          pool.run(keys[i % keys.length] as string, {}, async (session) => {
            peaks.sample();
            return (await session.send(`request ${i}`)).content;
          }),
        ),
      );
      expect(answers).toEqual(Array.from({ length: 30 }, (_, i) => `re: request ${i}`));
    } finally {
      peaks.stop();
    }
    expect(peaks.live).toBeLessThanOrEqual(2);
    expect(peaks.processes).toBeLessThanOrEqual(2);
    expect(pool.stats()).toMatchObject({ busy: 0, queued: 0, crashed: 0 });
    expect(pool.stats().evicted).toBeGreaterThan(evictedBefore); // the budget really was in the way
  });
});
