export { BackedJobQueue } from './backed-job-queue.js';
export {
  InvalidJobInputError,
  JobCancelledError,
  JobExistsError,
  JobQueueClosedError,
  JobQueueError,
  type JobQueueErrorCode,
  JobQueueUnavailableError,
} from './errors.js';
export type { BackendJob, JobQueueBackend, JobResult } from './job-queue-backend.js';
export { createMemoryJobQueue, type MemoryJobQueueOptions } from './memory-job-queue.js';
export {
  type CancelOutcome,
  type Job,
  type JobHandler,
  type JobInfo,
  type JobQueue,
  type JobState,
  type JsonValue,
  WORKER_LOST_REASON,
  type WorkOptions,
} from './types.js';
export { MAX_PAYLOAD_BYTES } from './validate.js';
