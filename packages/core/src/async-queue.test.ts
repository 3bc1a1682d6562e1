import { describe, expect, it } from 'vitest';
import { AsyncQueue } from './internal/index.js';

describe('AsyncQueue (exported)', () => {
  it('keeps items pushed before anyone reads, then ends', async () => {
    const queue = new AsyncQueue<number>();
    queue.push(1);
    queue.push(2);
    expect(queue.ended).toBe(false);
    queue.end();
    queue.push(3); // after the end: dropped
    expect(queue.ended).toBe(true);
    const read: number[] = [];
    for await (const item of queue) read.push(item);
    expect(read).toEqual([1, 2]);
  });

  it('hands items to a waiting reader as they come, and fails after what was queued', async () => {
    const queue = new AsyncQueue<string>();
    const read: string[] = [];
    const reading = (async () => {
      for await (const item of queue) read.push(item);
    })();
    queue.push('a');
    queue.push('b');
    queue.fail(new Error('the producer broke'));
    await expect(reading).rejects.toThrow('the producer broke');
    expect(read).toEqual(['a', 'b']);
    expect(queue.ended).toBe(true);
  });

  it('answers reads made before items arrive in the order they were made', async () => {
    const queue = new AsyncQueue<number>();
    const first = queue.next();
    const second = queue.next();
    const third = queue.next();
    queue.push(1);
    queue.push(2);
    queue.end();
    expect(await Promise.all([first, second, third])).toEqual([
      { value: 1, done: false },
      { value: 2, done: false },
      { value: undefined, done: true },
    ]);
  });

  it('fails every read still waiting', async () => {
    const queue = new AsyncQueue<number>();
    const reads = [queue.next(), queue.next()];
    queue.fail(new Error('gone'));
    for (const read of reads) await expect(read).rejects.toThrow('gone');
  });
});
