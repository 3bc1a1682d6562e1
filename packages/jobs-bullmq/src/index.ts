export { createBullMQJobQueue } from './bullmq-job-queue.js';
export type { BullMQJobQueueOptions } from './bullmq-options.js';
