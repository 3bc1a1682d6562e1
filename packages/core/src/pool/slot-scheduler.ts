import { AbortedError } from '../errors.js';
import { PoolBusyError } from './errors.js';
import { type Waiter, WaitQueue } from './wait-queue.js';

const LEASE_ESTIMATE_MS = 1_000;
/** How many younger callers of live keys may go before a caller waiting for a new process. */
const BYPASS_LIMIT = 8;

/** The AbortedError of a caller whose signal fired before it got a session. */
export function abortedWhileWaiting(cause: unknown): AbortedError {
  return new AbortedError({ cause, message: 'acquire() was aborted while waiting for a session' });
}

export interface SlotSchedulerLimits {
  maxLive: number;
  maxQueue: number;
  queueTimeoutMs: number;
}

/** What the scheduler asks of the pool. */
export interface SlotSchedulerHooks {
  /** Processes closing now: each frees a slot once gone. */
  closing(): number;
  /** Closes one idle process to make room; false when none can go. */
  evictOne(): boolean;
  /** A drain left nobody waiting for a slot: the room left may go to spares. */
  roomUnclaimed(): void;
}

/**
 * Decides who of the pool's callers is served and when: serves at once when nobody waits, else queues
 * them (bounded, with deadlines), serves the queue fairly as slots free up, evicts idle processes for
 * callers who need a slot, and estimates when to retry.
 */
export class SlotScheduler<T> {
  private readonly waiting = new WaitQueue<T>();
  /** Moving average of how long a lease is held, for `retryAfterMs`. */
  private leaseMs = LEASE_ESTIMATE_MS;
  private stopped = false;

  constructor(
    private readonly limits: SlotSchedulerLimits,
    private readonly hooks: SlotSchedulerHooks,
  ) {}

  /** Callers waiting for a slot. */
  get queued(): number {
    return this.waiting.size;
  }

  /** Serves `waiter` now if nobody waits before it, else queues it; PoolBusyError when the queue is full or the wait too long. */
  admit(waiter: Waiter<T>, signal: AbortSignal | undefined): Promise<T> {
    if (this.waiting.size === 0) {
      const now = waiter.attempt();
      if (now) return now;
    }
    if (this.waiting.size >= this.limits.maxQueue) {
      return Promise.reject(new PoolBusyError('queue_full', this.retryAfterMs()));
    }
    const queued = this.waiting.wait(waiter, {
      timeoutMs: this.limits.queueTimeoutMs,
      onTimeout: () => new PoolBusyError('queue_timeout', this.retryAfterMs()),
      signal,
      onAbort: () => abortedWhileWaiting(signal?.reason),
    });
    this.drain();
    return queued;
  }

  /** Counts a lease that was held `heldMs`, for the retry estimate. */
  recordLease(heldMs: number): void {
    this.leaseMs = Math.round(this.leaseMs * 0.8 + heldMs * 0.2);
  }

  /**
   * Serves waiters. Those whose key is live go first (no process to start), but a caller who needs a
   * new process is bypassed at most BYPASS_LIMIT times; then, oldest first, callers who need a slot
   * get one, evicting idle processes for them. Spares refill only with room nobody waits for.
   */
  drain(): void {
    if (this.stopped) return;
    const waiters = this.waiting.waiters();
    const oldestSlotWaiter = waiters.find((waiter) => waiter.needsSlot());
    let behindOldest = false;
    for (const waiter of waiters) {
      if (waiter === oldestSlotWaiter) behindOldest = true;
      if (waiter.needsSlot()) continue;
      if (behindOldest && oldestSlotWaiter && oldestSlotWaiter.bypassed >= BYPASS_LIMIT) continue;
      const lease = waiter.attempt();
      if (!lease) continue;
      this.waiting.serve(waiter, lease);
      if (behindOldest && oldestSlotWaiter) oldestSlotWaiter.bypassed++;
    }
    let freeing = this.hooks.closing();
    let slotWaiters = 0;
    for (const waiter of this.waiting.waiters()) {
      if (!waiter.needsSlot()) continue;
      const lease = waiter.attempt();
      if (lease) {
        this.waiting.serve(waiter, lease);
        continue;
      }
      slotWaiters++;
      if (freeing > 0) freeing--;
      else if (!this.hooks.evictOne()) break;
    }
    if (slotWaiters === 0) this.hooks.roomUnclaimed();
  }

  /** Fails every waiter with `error` and serves no more. */
  close(error: Error): void {
    this.stopped = true;
    this.waiting.rejectAll(error);
  }

  private retryAfterMs(): number {
    const rounds = 1 + Math.floor(this.waiting.size / this.limits.maxLive);
    return Math.min(60_000, Math.max(100, this.leaseMs * rounds));
  }
}
