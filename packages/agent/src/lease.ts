import { setTimeout as sleep } from 'node:timers/promises';
import { ConflictError, type Lease, type SessionStore } from '@claude-code-server/store';
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
 * runs, released at the end. `lost` turns true when a renewal finds it taken or expired.
 */
export class HeldLease {
  private current: Lease;
  private timer: NodeJS.Timeout | undefined;
  private renewing: Promise<void> | undefined;
  private lostCause: unknown;
  private released = false;

  constructor(
    private readonly store: SessionStore,
    lease: Lease,
    private readonly ttlMs: number,
  ) {
    this.current = lease;
    this.schedule();
  }

  /** Fencing token: larger than that of every earlier lease of this session. */
  get token(): number {
    return this.current.token;
  }

  get lost(): boolean {
    return this.lostCause !== undefined;
  }

  /** Renews now and throws LeaseLostError if the lease is no longer ours. */
  async confirm(): Promise<void> {
    await this.renew();
    if (this.lostCause !== undefined) {
      throw new LeaseLostError(this.current.sessionId, { cause: this.lostCause });
    }
  }

  /** Stops renewing and gives the lease back (a lost lease is left alone). */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    clearTimeout(this.timer);
    await this.renewing;
    if (!this.lost) await this.store.releaseLease(this.current);
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
      if (error instanceof ConflictError || Date.now() >= this.current.expiresAt) this.lostCause = error;
    }
  }
}

/** Takes the session's lease, waiting (polling with backoff) while another agent holds it. */
export async function acquireLease(
  store: SessionStore,
  sessionId: string,
  owner: string,
  options: LeaseWaitOptions,
): Promise<HeldLease> {
  const started = Date.now();
  let pollMs = FIRST_POLL_MS;
  for (;;) {
    if (options.signal?.aborted) throw new AgentAbortedError({ cause: options.signal.reason });
    const lease = await store.acquireLease(sessionId, owner, options.ttlMs);
    if (lease) return new HeldLease(store, lease, options.ttlMs);
    const waited = Date.now() - started;
    if (waited >= options.waitMs)
      throw new LeaseTimeoutError(sessionId, waited, Math.min(options.ttlMs, 5_000));
    const jitter = Math.random() * pollMs * 0.5;
    await sleep(Math.min(pollMs + jitter, options.waitMs - waited), undefined, {
      signal: options.signal,
    }).catch(() => {});
    pollMs = Math.min(pollMs * 2, MAX_POLL_MS);
  }
}
