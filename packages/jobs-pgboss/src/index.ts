export { createPgBossJobQueue } from './pgboss-job-queue.js';
export type { PgBossJobQueueOptions } from './pgboss-options.js';
