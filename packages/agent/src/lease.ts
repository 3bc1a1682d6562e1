import { setTimeout as sleep } from 'node:timers/promises';
import { ConflictError, isExpired, type Lease, type SessionStore } from '@claude-code-server/store';
import { AgentAbortedError, LeaseLostError, LeaseTimeoutError } from './errors.js';

const FIRST_POLL_MS = 20;
const MAX_POLL_MS = 500;

export interface LeaseWaitOptions {
  ttlMs: number;
  /** Give up (LeaseTimeoutError) after waiting this long for another agent to finish. */
  waitMs: number;
  signal?: AbortSignal;
}

/**
 * A session's lease, held for one turn: renewed every third of its time to live while the turn
 * runs, released at the end. `lostSignal` aborts as soon as a renewal finds it taken or expired.
 */
export class HeldLease {
  private current: Lease;
  private timer: NodeJS.Timeout | undefined;
  private renewing: Promise<void> | undefined;
  private readonly lostController = new AbortController();
  private released = false;

  constructor(
    private readonly store: SessionStore,
    lease: Lease,
    private readonly ttlMs: number,
    /** Told about a lease that could not be given back, so it can be taken up again. */
    private readonly onUnreleased: (lease: Lease) => void,
  ) {
    this.current = lease;
    this.schedule();
  }

  /** Fencing token: larger than that of every earlier lease of this session. */
  get token(): number {
    return this.current.token;
  }

  get lost(): boolean {
    return this.lostController.signal.aborted;
  }

  /** Aborted, with LeaseLostError as its reason, once the lease is known to be no longer ours. */
  get lostSignal(): AbortSignal {
    return this.lostController.signal;
  }

  /** Renews now and throws LeaseLostError if the lease is no longer ours. */
  async confirm(): Promise<void> {
    await this.renew();
    if (this.lost) throw this.lostController.signal.reason;
  }

  /** Stops renewing and gives the lease back (a lost lease is left alone). */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    clearTimeout(this.timer);
    await this.renewing;
    if (this.lost) return;
    try {
      await this.store.releaseLease(this.current);
    } catch (error) {
      this.onUnreleased(this.current);
      throw error;
    }
  }

  private schedule(): void {
    if (this.released || this.lost) return;
    this.timer = setTimeout(
      () => {
        this.renew().finally(() => this.schedule());
      },
      Math.max(1, Math.floor(this.ttlMs / 3)),
    );
    this.timer.unref();
  }

  private renew(): Promise<void> {
    this.renewing ??= this.renewOnce().finally(() => {
      this.renewing = undefined;
    });
    return this.renewing;
  }

  private async renewOnce(): Promise<void> {
    if (this.released || this.lost) return;
    try {
      this.current = await this.store.renewLease(this.current, this.ttlMs);
    } catch (error) {
      // An unreachable store is tried again at the next tick, until the lease runs out.
      if (error instanceof ConflictError || isExpired(this.current.expiresAt, Date.now())) {
        this.lostController.abort(new LeaseLostError(this.current.sessionId, { cause: error }));
      }
    }
  }
}

/**
 * Takes sessions' leases for one owner, waiting (polling with backoff) while another agent holds
 * one. A lease this owner could not give back (the store was down) is taken up again by renewing
 * it, instead of waiting for it to run out.
 */
export class LeaseTaker {
  private readonly unreleased = new Map<string, Lease>();

  constructor(
    private readonly store: SessionStore,
    private readonly owner: string,
  ) {}

  async acquire(sessionId: string, options: LeaseWaitOptions): Promise<HeldLease> {
    const reclaimed = await this.reclaim(sessionId, options.ttlMs);
    if (reclaimed) return this.hold(reclaimed, options.ttlMs);
    const started = Date.now();
    let pollMs = FIRST_POLL_MS;
    for (;;) {
      if (options.signal?.aborted) throw new AgentAbortedError({ cause: options.signal.reason });
      const lease = await this.store.acquireLease(sessionId, this.owner, options.ttlMs);
      if (lease) return this.hold(lease, options.ttlMs);
      const waited = Date.now() - started;
      if (waited >= options.waitMs) {
        throw new LeaseTimeoutError(sessionId, waited, Math.min(options.ttlMs, 5_000));
      }
      const jitter = Math.random() * pollMs * 0.5;
      await sleep(Math.min(pollMs + jitter, options.waitMs - waited), undefined, {
        signal: options.signal,
      }).catch(() => {});
      pollMs = Math.min(pollMs * 2, MAX_POLL_MS);
    }
  }

  private hold(lease: Lease, ttlMs: number): HeldLease {
    return new HeldLease(this.store, lease, ttlMs, (unreleased) => {
      this.unreleased.set(unreleased.sessionId, unreleased);
    });
  }

  private async reclaim(sessionId: string, ttlMs: number): Promise<Lease | undefined> {
    const leftover = this.unreleased.get(sessionId);
    if (!leftover) return undefined;
    this.unreleased.delete(sessionId);
    try {
      return await this.store.renewLease(leftover, ttlMs);
    } catch (error) {
      if (error instanceof ConflictError) return undefined;
      this.unreleased.set(sessionId, leftover);
      throw error;
    }
  }
}
