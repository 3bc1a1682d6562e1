/** A value a job's payload can hold: what JSON can carry. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A job as its handler gets it. */
export interface Job<Payload extends JsonValue = JsonValue> {
  /** The task the job runs; also the job's id in the queue. */
  taskId: string;
  payload: Payload;
  /**
   * 1 on the first run. Greater after the worker that ran it died (see "The dead-worker rule" in the
   * README): a handler that must not run twice (a turn) ends the task as failed on such an attempt.
   */
  attempt: number;
}

/** Runs a job. `signal` aborts (reason: `JobCancelledError`) when the job is cancelled from any node. */
export type JobHandler<Payload extends JsonValue = JsonValue> = (
  job: Job<Payload>,
  signal: AbortSignal,
) => Promise<void>;

export type JobState = 'waiting' | 'active' | 'completed' | 'failed' | 'cancelled';

/** What the queue knows of a job. */
export interface JobInfo {
  taskId: string;
  state: JobState;
  /** How many times a handler started it (0 while it waits for its first run). */
  attempts: number;
  /** Why it failed: the handler's error message, or `WORKER_LOST_REASON`; null otherwise. */
  failedReason: string | null;
}

/** The failedReason of a job whose worker died on its last allowed attempt. */
export const WORKER_LOST_REASON = 'WORKER_LOST';

/**
 * What a cancel did: `dropped` a waiting job (it never runs, and is gone from the queue), `aborting` a
 * running one (its handler's signal fired on the node that runs it), or nothing because the job had
 * `finished` or is `unknown`.
 */
export type CancelOutcome = 'dropped' | 'aborting' | 'finished' | 'unknown';

export interface WorkOptions {
  /** How many jobs this node runs at once (at least 1). */
  concurrency: number;
}

/** A queue of jobs shared by every node that opens it with the same name. */
export interface JobQueue<Payload extends JsonValue = JsonValue> {
  /** Queues a job; any node working the queue may run it. Throws JobExistsError for a known task id. */
  enqueue(taskId: string, payload: Payload): Promise<void>;
  /** Starts this node's workers: `handler` runs up to `concurrency` jobs at once. Once per queue. */
  work(handler: JobHandler<Payload>, options: WorkOptions): Promise<void>;
  /** Cancels the job from any node: drops it while it waits, aborts its handler while it runs. */
  cancel(taskId: string): Promise<CancelOutcome>;
  /** The job, or null when the queue has none (never queued, dropped, or past its retention). */
  get(taskId: string): Promise<JobInfo | null>;
  /** Stops taking jobs, waits for the running handlers to return (drains), then disconnects. */
  close(): Promise<void>;
}
