import type { JobQueueFactoryOptions } from '@claude-code-server/jobs/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createBullMQJobQueue } from '../../src/index.js';

const names = new Set<string>();
const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A queue for the tests: a short lock, so a killed worker's job comes back within about 2 s. */
export default function createTestQueue({ name }: JobQueueFactoryOptions) {
  names.add(name);
  return createBullMQJobQueue({ name, url, prefix: 'ccs-jobs-test', staleAfterMs: 1000 });
}

export const DEAD_WORKER_BOUND_MS = 2000;

/** Removes every key of the queues the tests made. */
export async function cleanup(): Promise<void> {
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  for (const name of names) {
    const queue = new Queue(name, { connection, prefix: 'ccs-jobs-test' });
    await queue.obliterate({ force: true });
    await queue.close();
  }
  await connection.quit();
}
