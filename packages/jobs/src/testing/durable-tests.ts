import { type ChildProcess, spawn } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Job } from '../types.js';
import { deferred, eventually, type Harness } from './harness.js';

const CHILD = fileURLToPath(
  new URL(`./child-worker.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url),
);

/** Starts a worker process on the queue; resolves with it once it runs `taskId`. */
function startChildWorker(
  workerModule: string,
  name: string,
): { child: ChildProcess; started: Promise<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, workerModule, name], {
    cwd: dirname(workerModule),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const started = new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /started (\S+)/.exec(out);
      if (match) resolve(match[1] as string);
    });
    child.once('exit', (code) =>
      reject(new Error(`the worker process exited (${code}) before running a job`)),
    );
  });
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
          expect(await started).toBe(taskId);
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
  });
}
