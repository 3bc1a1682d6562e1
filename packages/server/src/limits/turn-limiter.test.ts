import { describe, expect, it } from 'vitest';
import { HttpError } from '../errors/http-error.js';
import { TurnLimiter } from './turn-limiter.js';

const settled = async <T>(promise: Promise<T>) => {
  let state = 'pending';
  promise.then(
    () => {
      state = 'resolved';
    },
    () => {
      state = 'rejected';
    },
  );
  await new Promise((resolve) => setImmediate(resolve));
  return state;
};

describe('TurnLimiter', () => {
  it('runs up to the limit, queues the rest in order and refuses past the queue with 429', async () => {
    const limiter = new TurnLimiter(2, 1);
    const a = await limiter.acquire('a');
    await limiter.acquire('b');
    const c = limiter.acquire('c');
    expect(await settled(c)).toBe('pending');
    const refused = await limiter.acquire('d').catch((error: HttpError) => error);
    expect(refused).toBeInstanceOf(HttpError);
    expect(refused).toMatchObject({ status: 429, code: 'SERVER_BUSY' });
    expect((refused as HttpError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    a();
    expect(await settled(c)).toBe('resolved');
    expect(limiter.stats).toEqual({ running: 2, queued: 0 });
  });

  it('runs one turn per session and hands the slot to the same session next', async () => {
    const limiter = new TurnLimiter(1, 10);
    const first = await limiter.acquire('s');
    const other = limiter.acquire('t');
    const second = limiter.acquire('s');
    first();
    // The session's next message goes first: its process is warm.
    expect(await settled(second)).toBe('resolved');
    expect(await settled(other)).toBe('pending');
    (await second)();
    expect(await settled(other)).toBe('resolved');
  });

  it('keeps a second message of a busy session waiting even when slots are free', async () => {
    const limiter = new TurnLimiter(4, 10);
    const first = await limiter.acquire('s');
    const second = limiter.acquire('s');
    expect(await settled(second)).toBe('pending');
    expect(limiter.stats).toEqual({ running: 1, queued: 1 });
    first();
    expect(await settled(second)).toBe('resolved');
  });

  it('drops a waiter whose signal aborts, and fails every waiter on close', async () => {
    const limiter = new TurnLimiter(1, 10);
    await limiter.acquire('a');
    const controller = new AbortController();
    const aborted = limiter.acquire('b', controller.signal);
    const closed = limiter.acquire('c');
    controller.abort(new Error('gone'));
    await expect(aborted).rejects.toThrow('gone');
    expect(limiter.stats.queued).toBe(1);
    limiter.close(new HttpError(503, 'SHUTTING_DOWN', 'bye'));
    await expect(closed).rejects.toMatchObject({ status: 503 });
    await expect(limiter.acquire('d')).rejects.toMatchObject({ code: 'SHUTTING_DOWN' });
  });
});
