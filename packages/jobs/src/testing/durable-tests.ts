import { type ChildProcess, spawn } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type Job, WORKER_LOST_REASON } from '../types.js';
import { deferred, eventually, type Harness, sleep } from './harness.js';

const CHILD = fileURLToPath(
  new URL(`./child-worker.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url),
);

/** Starts a worker process on the queue; `started` resolves with the task id and attempt of the job it runs. */
function startChildWorker(
  workerModule: string,
  name: string,
): { child: ChildProcess; started: Promise<{ taskId: string; attempt: number }> } {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, workerModule, name], {
    cwd: dirname(workerModule),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const started = new Promise<{ taskId: string; attempt: number }>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /started (\S+) (\d+)/.exec(out);
      if (match) resolve({ taskId: match[1] as string, attempt: Number(match[2]) });
    });
    child.once('exit', (code, signal) =>
      reject(new Error(`the worker process exited (${code ?? signal}) before running a job`)),
    );
  });
  // The tests kill workers on purpose: a rejection matters only while a test waits for a start.
  started.catch(() => undefined);
  return { child, started };
}

export function defineDurableTests(h: Harness): void {
  const durable = h.options.durable !== false;
  describe.runIf(durable)('across nodes and restarts', () => {
    it('a job queued on one node runs on another', async () => {
      const name = h.name();
      const producer = await h.open(name);
      const worker = await h.open(name);
      const ran = deferred<Job>();
      await worker.work(async (job) => ran.resolve(job), { concurrency: 1 });
      const taskId = h.taskId();
      await producer.enqueue(taskId, { from: 'producer' });
      expect(await ran.promise).toEqual({ taskId, payload: { from: 'producer' }, attempt: 1 });
    });

    it('a job survives the queue being closed and opened again', async () => {
      const name = h.name();
      const first = await h.open(name);
      const taskId = h.taskId();
      await first.enqueue(taskId, 'kept');
      await first.close();
      const again = await h.open(name);
      expect(await again.get(taskId)).toMatchObject({ state: 'waiting' });
      const ran = deferred<Job>();
      await again.work(async (job) => ran.resolve(job), { concurrency: 1 });
      expect(await ran.promise).toMatchObject({ taskId, payload: 'kept', attempt: 1 });
    });

    it.runIf(h.options.workerModule)(
      'a job whose worker process was killed (-9) is handed to a live worker as attempt 2 within the bound',
      async () => {
        const name = h.name();
        const queue = await h.open(name);
        const { child, started } = startChildWorker(h.options.workerModule as string, name);
        try {
          const taskId = h.taskId();
          await queue.enqueue(taskId, 'dies');
          expect(await started).toEqual({ taskId, attempt: 1 });
          expect(await queue.get(taskId)).toMatchObject({ state: 'active', attempts: 1 });
          child.kill('SIGKILL');
          const ran = deferred<Job>();
          await queue.work(async (job) => ran.resolve(job), { concurrency: 1 });
          const bound = h.options.deadWorkerBoundMs ?? 15_000;
          const job = await Promise.race([ran.promise, eventually(() => undefined, bound + 5_000)]);
          expect(job).toEqual({ taskId, payload: 'dies', attempt: 2 });
          const info = await eventually(async () => {
            const found = await queue.get(taskId);
            return found?.state === 'completed' ? found : undefined;
          });
          expect(info.attempts).toBe(2);
        } finally {
          child.kill('SIGKILL');
        }
      },
    );

    it.runIf(h.options.workerModule)(
      'a job whose worker died on its last allowed attempt is failed with WORKER_LOST, not run again',
      async () => {
        const name = h.name();
        const queue = await h.open(name);
        const workerModule = h.options.workerModule as string;
        const children: ChildProcess[] = [];
        try {
          const first = startChildWorker(workerModule, name);
          children.push(first.child);
          const taskId = h.taskId();
          await queue.enqueue(taskId, 'dies twice');
          expect(await first.started).toEqual({ taskId, attempt: 1 });
          // The only other worker, so the job comes back to it.
          const second = startChildWorker(workerModule, name);
          children.push(second.child);
          first.child.kill('SIGKILL');
          const bound = (h.options.deadWorkerBoundMs ?? 15_000) + 5_000;
          const retried = await Promise.race([second.started, eventually(() => undefined, bound)]);
          expect(retried).toEqual({ taskId, attempt: 2 });
          // A live worker that must not get the job (BullMQ's stalled check runs in workers).
          const third = startChildWorker(workerModule, name);
          children.push(third.child);
          second.child.kill('SIGKILL');
          const info = await eventually(async () => {
            const found = await queue.get(taskId);
            return found?.state === 'failed' ? found : undefined;
          }, bound);
          expect(info).toEqual({ taskId, state: 'failed', attempts: 2, failedReason: WORKER_LOST_REASON });
          const ranAgain = await Promise.race([third.started.then(() => true), sleep(500).then(() => false)]);
          expect(ranAgain).toBe(false);
        } finally {
          for (const child of children) child.kill('SIGKILL');
        }
      },
    );
  });
}
