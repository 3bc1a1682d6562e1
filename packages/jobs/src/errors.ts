import { ClaudeCodeServerError, type CodeOf } from '@claude-code-server/errors';

/**
 * A queue lives on the same Redis or PostgreSQL as the stores, so its failures carry the store layer's
 * codes (the server already answers them: 503 for an unreachable backend, 409 for a conflict).
 */
export type JobQueueErrorCode = CodeOf<'store'>;

/** Base of every error a JobQueue throws; tell them apart by `code`. */
export class JobQueueError extends ClaudeCodeServerError<JobQueueErrorCode> {}

/** Names the argument that was wrong. */
export class InvalidJobInputError extends JobQueueError {
  readonly field: string;
  constructor(field: string, problem: string) {
    super('INVALID_INPUT', `invalid ${field}: ${problem}`);
    this.field = field;
  }
}

/** A job with this task id is already queued, running, or kept as finished. */
export class JobExistsError extends JobQueueError {
  readonly taskId: string;
  constructor(taskId: string) {
    super('CONFLICT', `a job for task ${taskId} already exists`);
    this.taskId = taskId;
  }
}

/** The queue's Redis or PostgreSQL could not be reached or failed; `cause` holds the driver's error. */
export class JobQueueUnavailableError extends JobQueueError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('STORE_UNAVAILABLE', message, options);
  }
}

export class JobQueueClosedError extends JobQueueError {
  constructor() {
    super('STORE_CLOSED', 'the job queue is closed');
  }
}

/** The reason a handler's AbortSignal carries when its job was cancelled (from any node). */
export class JobCancelledError extends ClaudeCodeServerError<'ABORTED'> {
  readonly taskId: string;
  constructor(taskId: string) {
    super('ABORTED', `the job of task ${taskId} was cancelled`);
    this.taskId = taskId;
  }
}
