import { describe, expect, it } from 'vitest';
import { InvalidJobInputError, JobExistsError, JobQueueClosedError, JobQueueError } from '../errors.js';
import type { Job, JsonValue } from '../types.js';
import { caught, deferred, eventually, type Harness, sleep } from './harness.js';

export function defineBasicTests(h: Harness): void {
  describe('jobs', () => {
    it('runs a queued job once, with its payload, and reports it completed', async () => {
      const queue = await h.open();
      const seen: Job[] = [];
      await queue.work(
        async (job) => {
          seen.push(job);
        },
        { concurrency: 1 },
      );
      const taskId = h.taskId();
      const payload = { prompt: 'hello', n: 2, nested: { list: [1, null, true] } };
      expect(await queue.get(taskId)).toBeNull();
      await queue.enqueue(taskId, payload);
      const info = await eventually(async () => {
        const job = await queue.get(taskId);
        return job?.state === 'completed' ? job : undefined;
      });
      expect(info).toEqual({ taskId, state: 'completed', attempts: 1, failedReason: null });
      expect(seen).toEqual([{ taskId, payload, attempt: 1 }]);
    });

    it('refuses a second job for the same task id', async () => {
      const queue = await h.open();
      const taskId = h.taskId();
      await queue.enqueue(taskId, 1);
      const error = await caught(() => queue.enqueue(taskId, 2));
      expect(error).toBeInstanceOf(JobExistsError);
      expect(error).toMatchObject({ code: 'CONFLICT', taskId });
    });

    it('names the argument that was wrong', async () => {
      const queue = await h.open();
      for (const [call, field] of [
        [() => queue.enqueue('has space', 1), 'taskId'],
        [() => queue.enqueue('a:b', 1), 'taskId'],
        [() => queue.enqueue('', 1), 'taskId'],
        [() => queue.enqueue(h.taskId(), { big: 1n } as unknown as JsonValue), 'payload'],
        [() => queue.enqueue(h.taskId(), undefined as unknown as JsonValue), 'payload'],
        [() => queue.work(async () => {}, { concurrency: 0 }), 'concurrency'],
        [() => queue.cancel('no/slash'), 'taskId'],
      ] as const) {
        const error = await caught(call);
        expect(error).toBeInstanceOf(InvalidJobInputError);
        expect(error).toBeInstanceOf(JobQueueError);
        expect(error).toMatchObject({ code: 'INVALID_INPUT', field });
      }
    });

    it('runs at most `concurrency` handlers at once on a node', async () => {
      const queue = await h.open();
      let running = 0;
      let most = 0;
      let done = 0;
      const release = deferred();
      await queue.work(
        async () => {
          running++;
          most = Math.max(most, running);
          await release.promise;
          running--;
          done++;
        },
        { concurrency: 2 },
      );
      for (let i = 0; i < 5; i++) await queue.enqueue(h.taskId(), i);
      await eventually(() => (running === 2 ? true : undefined));
      await sleep(300);
      expect(running).toBe(2);
      release.resolve();
      await eventually(() => (done === 5 ? true : undefined));
      expect(most).toBe(2);
    });

    it('reports a job whose handler threw as failed, with its message, and does not run it again', async () => {
      const queue = await h.open();
      let runs = 0;
      await queue.work(
        async () => {
          runs++;
          throw new Error('the turn broke');
        },
        { concurrency: 1 },
      );
      const taskId = h.taskId();
      await queue.enqueue(taskId, null);
      const info = await eventually(async () => {
        const job = await queue.get(taskId);
        return job?.state === 'failed' ? job : undefined;
      });
      expect(info).toMatchObject({ state: 'failed', failedReason: 'the turn broke', attempts: 1 });
      await sleep(300);
      expect(runs).toBe(1);
    });

    it('drains on close: close resolves after the running handler returned, then refuses calls', async () => {
      const queue = await h.open();
      const started = deferred();
      let finished = false;
      await queue.work(
        async () => {
          started.resolve();
          await sleep(300);
          finished = true;
        },
        { concurrency: 1 },
      );
      const taskId = h.taskId();
      await queue.enqueue(taskId, 'x');
      await started.promise;
      await queue.close();
      expect(finished).toBe(true);
      const error = await caught(() => queue.enqueue(h.taskId(), 1));
      expect(error).toBeInstanceOf(JobQueueClosedError);
      expect(error).toMatchObject({ code: 'STORE_CLOSED' });
    });
  });
}
