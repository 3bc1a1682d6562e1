import { HttpError } from '../errors/http-error.js';

interface Waiter {
  resolve(release: () => void): void;
  reject(error: Error): void;
}

/**
 * At most `maxConcurrent` turns run at once; up to `maxQueue` more wait in arrival order, and past
 * that a caller is refused at once with 429 and a Retry-After estimated from recent turns.
 */
export class TurnLimiter {
  private running = 0;
  private readonly waiting: Waiter[] = [];
  private closedError: HttpError | undefined;
  /** Moving average of how long a slot is held. */
  private typicalTurnMs = 2_000;

  constructor(
    private readonly maxConcurrent: number,
    private readonly maxQueue: number,
  ) {}

  get stats(): { running: number; queued: number } {
    return { running: this.running, queued: this.waiting.length };
  }

  /** The error a new caller would get now (closed, or every slot and queue place taken), if any. */
  refusal(): HttpError | undefined {
    if (this.closedError) return this.closedError;
    if (this.running < this.maxConcurrent || this.waiting.length < this.maxQueue) return undefined;
    const turnsAhead = this.waiting.length + 1;
    return new HttpError(
      429,
      'SERVER_BUSY',
      `all ${this.maxConcurrent} turn slots are busy and ${this.waiting.length} turns are waiting`,
      { retryAfterMs: (this.typicalTurnMs * turnsAhead) / this.maxConcurrent },
    );
  }

  /** Waits for a slot; resolves with the function that gives it back. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    const refusal = this.refusal();
    if (refusal) return Promise.reject(refusal);
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.running < this.maxConcurrent) return Promise.resolve(this.grant());
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve: (release) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      const onAbort = () => {
        const index = this.waiting.indexOf(waiter);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  /** Refuses new callers and fails the waiting ones with `error`; running turns keep their slots. */
  close(error: HttpError): void {
    this.closedError = error;
    for (const waiter of this.waiting.splice(0)) waiter.reject(error);
  }

  private grant(): () => void {
    this.running++;
    const started = Date.now();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.typicalTurnMs = Math.round(this.typicalTurnMs * 0.8 + (Date.now() - started) * 0.2);
      this.running--;
      this.waiting.shift()?.resolve(this.grant());
    };
  }
}
