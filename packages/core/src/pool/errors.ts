import { ClaudeError } from '../errors.js';

/** Every slot is taken and the wait queue is full (or the wait timed out); try again after `retryAfterMs`. */
export class PoolBusyError extends ClaudeError {
  /** A hint for when a slot is likely to be free (e.g. for a Retry-After header). */
  readonly retryAfterMs: number;
  /** Why: the queue was full, or the caller waited `queueTimeoutMs` in it. */
  readonly reason: 'queue_full' | 'queue_timeout';
  constructor(reason: 'queue_full' | 'queue_timeout', retryAfterMs: number) {
    super(
      'POOL_BUSY',
      reason === 'queue_full'
        ? `all sessions are busy and the wait queue is full; retry in about ${retryAfterMs} ms`
        : `no session became free in time; retry in about ${retryAfterMs} ms`,
    );
    this.reason = reason;
    this.retryAfterMs = retryAfterMs;
  }
}
