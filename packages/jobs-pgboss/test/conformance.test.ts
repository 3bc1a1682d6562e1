import { runJobQueueConformance } from '@claude-code-server/jobs/testing';
import create, { cleanup, DEAD_WORKER_BOUND_MS } from './support/test-queue.js';

const workerModule = new URL('./support/test-queue.ts', import.meta.url).pathname;
runJobQueueConformance('pg-boss', { create, workerModule, deadWorkerBoundMs: DEAD_WORKER_BOUND_MS, cleanup });
