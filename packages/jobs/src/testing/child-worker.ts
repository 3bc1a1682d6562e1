// A worker process for the kill -9 test: opens the queue with the adapter's factory, prints the task id
// of the first job it runs, and holds it until it is killed.
import { pathToFileURL } from 'node:url';
import type { JobQueue } from '../types.js';
import type { JobQueueFactoryOptions } from './harness.js';

const [modulePath, name] = process.argv.slice(2) as [string, string];
const factory = (await import(pathToFileURL(modulePath).href)) as {
  default: (options: JobQueueFactoryOptions) => Promise<JobQueue> | JobQueue;
};
const queue = await factory.default({ name });
await queue.work(
  async (job) => {
    process.stdout.write(`started ${job.taskId} ${job.attempt}\n`);
    await new Promise(() => {});
  },
  { concurrency: 1 },
);
