import type { CancelOutcome, JobInfo, JsonValue } from './types.js';

/** A job as a backend hands it to the skeleton. */
export interface BackendJob {
  taskId: string;
  payload: JsonValue;
  attempt: number;
}

/** How a run ended, for the backend to record. */
export type JobResult =
  | { outcome: 'completed' }
  | { outcome: 'cancelled' }
  | { outcome: 'failed'; message: string };

/**
 * What differs between queues: where jobs are kept and how they reach a worker. `BackedJobQueue` does
 * the rest once (validation, the closed guard, error mapping, abort signals, draining).
 */
export interface JobQueueBackend {
  /** Stores a waiting job; false when a job with this task id exists. */
  add(taskId: string, payload: JsonValue): Promise<boolean>;
  /** Starts pulling jobs, `concurrency` at a time; `run` resolves with how each ended. */
  start(concurrency: number, run: (job: BackendJob) => Promise<JobResult>): Promise<void>;
  /**
   * Drops a waiting job, or, for a running one, tells every node working the queue (through
   * `listen`'s listener) to abort it.
   */
  cancel(taskId: string): Promise<CancelOutcome>;
  /** Delivers, on this node, the task ids whose abort any node asked for. */
  listen(onAbort: (taskId: string) => void): Promise<void>;
  get(taskId: string): Promise<JobInfo | null>;
  /** Stops pulling jobs and resolves once the runs it started have been recorded. */
  stop(): Promise<void>;
  /** Releases connections (only those the backend opened). */
  close(): Promise<void>;
}
