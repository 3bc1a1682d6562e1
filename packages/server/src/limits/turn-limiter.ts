import { HttpError } from '../errors/http-error.js';

interface Waiter {
  key: string;
  resolve(release: () => void): void;
  reject(error: Error): void;
}

/** The turns of one session: whether one holds a slot, and who waits behind it. */
interface Lane {
  busy: boolean;
  waiting: Waiter[];
}

/**
 * Turn slots. At most `maxConcurrent` turns run at once and at most one per session (key); up to
 * `maxQueue` more wait, in arrival order, and past that a caller is refused at once with 429 and a
 * Retry-After estimated from recent turns. When a turn ends and its session has the next message
 * waiting, the slot passes straight to it, so the session's warm CLI process answers it.
 */
export class TurnLimiter {
  private running = 0;
  private readonly queue: Waiter[] = [];
  private readonly lanes = new Map<string, Lane>();
  private waitingCount = 0;
  private closedError: HttpError | undefined;
  /** Moving average of how long a slot is held. */
  private typicalTurnMs = 2_000;

  constructor(
    private readonly maxConcurrent: number,
    private readonly maxQueue: number,
  ) {}

  get stats(): { running: number; queued: number } {
    return { running: this.running, queued: this.waitingCount };
  }

  /** The error a new caller would get now (closed, or every slot and queue place taken), if any. */
  refusal(): HttpError | undefined {
    if (this.closedError) return this.closedError;
    if (this.running < this.maxConcurrent || this.waitingCount < this.maxQueue) return undefined;
    const retryAfterMs = (this.typicalTurnMs * (this.waitingCount + 1)) / this.maxConcurrent;
    return new HttpError(
      429,
      'SERVER_BUSY',
      `all ${this.maxConcurrent} turn slots are busy and ${this.waitingCount} turns are waiting`,
      { retryAfterMs },
    );
  }

  /** Waits for a slot for a turn of session `key`; resolves with the function that gives it back. */
  acquire(key: string, signal?: AbortSignal): Promise<() => void> {
    if (this.closedError) return Promise.reject(this.closedError);
    if (signal?.aborted) return Promise.reject(signal.reason);
    const lane = this.lanes.get(key);
    if (!lane?.busy && this.running < this.maxConcurrent) return Promise.resolve(this.grant(key));
    const refusal = this.refusal();
    if (refusal) return Promise.reject(refusal);
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        if (this.remove(waiter)) reject(signal?.reason);
      };
      const waiter: Waiter = {
        key,
        resolve: (release) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waitingCount++;
      if (lane?.busy) lane.waiting.push(waiter);
      else this.queue.push(waiter);
    });
  }

  /** Refuses new callers and fails the waiting ones with `error`; running turns keep their slots. */
  close(error: HttpError): void {
    this.closedError = error;
    const waiting = [
      ...this.queue.splice(0),
      ...[...this.lanes.values()].flatMap((lane) => lane.waiting.splice(0)),
    ];
    this.waitingCount = 0;
    for (const waiter of waiting) waiter.reject(error);
  }

  private laneOf(key: string): Lane {
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { busy: false, waiting: [] };
      this.lanes.set(key, lane);
    }
    return lane;
  }

  private remove(waiter: Waiter): boolean {
    const lane = this.lanes.get(waiter.key);
    for (const list of [this.queue, lane?.waiting ?? []]) {
      const index = list.indexOf(waiter);
      if (index < 0) continue;
      list.splice(index, 1);
      this.waitingCount--;
      if (lane && !lane.busy && lane.waiting.length === 0) this.lanes.delete(waiter.key);
      return true;
    }
    return false;
  }

  private grant(key: string): () => void {
    this.running++;
    this.laneOf(key).busy = true;
    return this.releaser(key);
  }

  private releaser(key: string): () => void {
    const started = Date.now();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.typicalTurnMs = Math.round(this.typicalTurnMs * 0.8 + (Date.now() - started) * 0.2);
      const lane = this.laneOf(key);
      const next = lane.waiting.shift();
      if (next) {
        // Same session next: it keeps the slot (and the warm process).
        this.waitingCount--;
        next.resolve(this.releaser(key));
        return;
      }
      this.lanes.delete(key);
      this.running--;
      this.admit();
    };
  }

  /** Gives free slots to queued callers; one whose session got busy meanwhile moves behind it. */
  private admit(): void {
    while (this.running < this.maxConcurrent) {
      const waiter = this.queue.shift();
      if (!waiter) return;
      const lane = this.lanes.get(waiter.key);
      if (lane?.busy) {
        lane.waiting.push(waiter);
        continue;
      }
      this.waitingCount--;
      waiter.resolve(this.grant(waiter.key));
    }
  }
}
