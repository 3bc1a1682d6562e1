import { JobQueueUnavailableError } from '@claude-code-server/jobs';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, expect, it } from 'vitest';
import { createBullMQJobQueue } from '../src/index.js';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = 'ccs-jobs-options-test';
const name = `q${process.pid}`;

afterAll(async () => {
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  const queue = new Queue(name, { connection, prefix });
  await queue.obliterate({ force: true });
  await queue.close();
  await connection.quit();
});

it('fails a call with STORE_UNAVAILABLE when Redis cannot be reached, instead of holding it', async () => {
  const queue = createBullMQJobQueue({ name, url: 'redis://127.0.0.1:1', prefix });
  const error = await queue.enqueue('task_1', 'x').catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(JobQueueUnavailableError);
  expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE' });
  expect((error as Error).message).toContain('enqueue failed');
  await queue.close();
});

it('uses a client it is given and leaves it open on close', async () => {
  const client = new Redis(url, { maxRetriesPerRequest: null });
  const queue = createBullMQJobQueue({ name, client, prefix });
  const ran = new Promise<string>((resolve) => {
    void queue.work(async (job) => resolve(job.taskId), { concurrency: 1 });
  });
  await queue.enqueue('task_given_client', 1);
  expect(await ran).toBe('task_given_client');
  await queue.close();
  expect(client.status).toBe('ready');
  expect(await client.exists(`${prefix}:${name}:task_given_client`)).toBe(1);
  await client.quit();
});
