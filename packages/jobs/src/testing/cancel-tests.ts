import { describe, expect, it } from 'vitest';
import { JobCancelledError } from '../errors.js';
import { deferred, eventually, type Harness, sleep } from './harness.js';

export function defineCancelTests(h: Harness): void {
  describe('cancel', () => {
    it('drops a waiting job: it never runs and the queue forgets it', async () => {
      const name = h.name();
      const queue = await h.open(name);
      const taskId = h.taskId();
      await queue.enqueue(taskId, 'never');
      expect(await queue.get(taskId)).toMatchObject({ state: 'waiting', attempts: 0 });
      expect(await queue.cancel(taskId)).toBe('dropped');
      expect(await queue.get(taskId)).toBeNull();
      const ran: string[] = [];
      const marker = h.taskId();
      await queue.work(
        async (job) => {
          ran.push(job.taskId);
        },
        { concurrency: 1 },
      );
      await queue.enqueue(marker, 'after');
      await eventually(() => (ran.includes(marker) ? true : undefined));
      expect(ran).toEqual([marker]);
    });

    it('aborts a running handler with JobCancelledError and reports the job cancelled', async () => {
      const name = h.name();
      const worker = await h.open(name);
      // With a durable queue the cancel comes from another instance: another node.
      const canceller = h.options.durable === false ? worker : await h.open(name);
      const started = deferred();
      const aborted = deferred<unknown>();
      await worker.work(
        async (_job, signal) => {
          started.resolve();
          await new Promise<void>((resolve) =>
            signal.addEventListener('abort', () => resolve(), { once: true }),
          );
          aborted.resolve(signal.reason);
          throw signal.reason;
        },
        { concurrency: 1 },
      );
      const taskId = h.taskId();
      await canceller.enqueue(taskId, 'long');
      await started.promise;
      expect(await canceller.cancel(taskId)).toBe('aborting');
      const info = await eventually(async () => {
        const job = await canceller.get(taskId);
        return job?.state === 'cancelled' ? job : undefined;
      });
      expect(info).toMatchObject({ taskId, state: 'cancelled', failedReason: null });
      const reason = await aborted.promise;
      expect(reason).toBeInstanceOf(JobCancelledError);
      expect(reason).toMatchObject({ code: 'ABORTED', taskId });
      expect(await canceller.cancel(taskId)).toBe('finished');
    });

    it('says when there was nothing to cancel', async () => {
      const queue = await h.open();
      expect(await queue.cancel(h.taskId())).toBe('unknown');
      await queue.work(async () => {}, { concurrency: 1 });
      const taskId = h.taskId();
      await queue.enqueue(taskId, 1);
      await eventually(async () => ((await queue.get(taskId))?.state === 'completed' ? true : undefined));
      expect(await queue.cancel(taskId)).toBe('finished');
      await sleep(0);
    });
  });
}
