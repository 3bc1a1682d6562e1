import { setTimeout as sleep } from 'node:timers/promises';
import { HeldLease } from '@claude-code-server/agent/internal';
import type { SessionStore } from '@claude-code-server/store';
import { HttpError } from '../errors/http-error.js';

const FIRST_POLL_MS = 50;
const MAX_POLL_MS = 1_000;

/** One of a key's turn slots, held (and renewed) until the turn ends. */
export interface TurnSlot {
  release(): Promise<void>;
}

/**
 * A key's `max_concurrent_turns` as that many leases in the shared store (`ccs.turn-slot:<key>:<i>`;
 * a tenant's session ids never contain '.', so no session's lease is one of them). A turn holds one
 * while it runs on any node; a node that dies gives its slots back when their leases run out, as it
 * does its sessions.
 */
export class TurnSlots {
  constructor(
    private readonly store: SessionStore,
    /** Names this node in the leases. */
    private readonly owner: string,
    private readonly ttlMs: number,
  ) {}

  /**
   * A free slot of the key's `limit`, waiting up to `waitMs` for one (polling with backoff); 429
   * CONCURRENCY_LIMITED when none came free.
   */
  async take(keyName: string, limit: number, waitMs = 0, signal?: AbortSignal): Promise<TurnSlot> {
    const started = Date.now();
    let pollMs = FIRST_POLL_MS;
    for (;;) {
      const slot = await this.tryEach(keyName, limit);
      if (slot) return slot;
      const waited = Date.now() - started;
      if (waited >= waitMs || signal?.aborted) {
        throw new HttpError(
          429,
          'CONCURRENCY_LIMITED',
          `this API key already has ${limit} turn${limit === 1 ? '' : 's'} running (its max_concurrent_turns)`,
          { retryAfterMs: 1_000, details: { max_concurrent_turns: limit } },
        );
      }
      await sleep(Math.min(pollMs, waitMs - waited), undefined, { signal }).catch(() => {});
      pollMs = Math.min(pollMs * 2, MAX_POLL_MS);
    }
  }

  /** Tries every slot once, from a random one so that nodes do not all contend for slot 0. */
  private async tryEach(keyName: string, limit: number): Promise<TurnSlot | undefined> {
    const first = Math.floor(Math.random() * limit);
    for (let i = 0; i < limit; i++) {
      const id = `ccs.turn-slot:${keyName}:${(first + i) % limit}`;
      const lease = await this.store.acquireLease(id, this.owner, this.ttlMs);
      // A slot whose release failed (the store was down) runs out on its own.
      if (lease) return new HeldLease(this.store, lease, this.ttlMs, () => {});
    }
    return undefined;
  }
}
