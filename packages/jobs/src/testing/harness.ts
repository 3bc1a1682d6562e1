import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { JobQueue } from '../types.js';

export interface JobQueueFactoryOptions {
  /** Queues made with the same name share jobs (where the backend can); a short lowercase identifier. */
  name: string;
}

export interface JobQueueConformanceOptions {
  /** Makes a queue; called many times (the suite closes every queue it gets). */
  create(options: JobQueueFactoryOptions): Promise<JobQueue> | JobQueue;
  /**
   * Whether queues of one name share jobs across instances and processes, and keep them across a
   * close (Redis, PostgreSQL). False for the in-process queue: those tests are skipped. Default true.
   */
  durable?: boolean;
  /**
   * For the kill -9 test (durable queues): the path of a module whose default export is `create`, run
   * in a child process with tsx.
   */
  workerModule?: string;
  /** The queue's documented bound, in ms, for handing a dead worker's job on (default 15 000). */
  deadWorkerBoundMs?: number;
  /** Runs once after the suite, e.g. to drop the schemas or keys the names created. */
  cleanup?: () => Promise<void> | void;
}

export interface Harness {
  open(name?: string): Promise<JobQueue>;
  /** A queue name no other test or run uses. */
  name(): string;
  /** A task id no other test or run uses. */
  taskId(): string;
  closeAll(): Promise<void>;
  readonly options: JobQueueConformanceOptions;
}

export function createHarness(options: JobQueueConformanceOptions): Harness {
  const run = randomUUID().slice(0, 8);
  let counter = 0;
  let open: JobQueue[] = [];
  const harness: Harness = {
    async open(name = harness.name()) {
      const queue = await options.create({ name });
      open.push(queue);
      return queue;
    },
    name: () => `q${run}${++counter}`,
    taskId: () => `task_${run}_${++counter}`,
    async closeAll() {
      const queues = open;
      open = [];
      await Promise.allSettled(queues.map((queue) => queue.close()));
    },
    options,
  };
  return harness;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Resolves once `check` returns a value other than undefined; fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) expect.fail(`condition not met within ${timeoutMs} ms`);
    await sleep(25);
  }
}

/** A promise and its resolve function. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

export async function caught(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}
