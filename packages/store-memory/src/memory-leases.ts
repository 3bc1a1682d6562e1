import type { Lease, LeaseBackend } from '@claude-code-server/store';

interface HeldLease {
  owner: string;
  token: number;
  expiresAt: number;
}

/** Leases of one store instance; a single counter makes every token larger than all before it. */
export class MemoryLeases implements LeaseBackend {
  readonly #held = new Map<string, HeldLease>();
  #lastToken = 0;

  async acquire(sessionId: string, owner: string, ttlMs: number): Promise<Lease | null> {
    const now = Date.now();
    const current = this.#held.get(sessionId);
    if (current && current.expiresAt > now) return null;
    const held = { owner, token: ++this.#lastToken, expiresAt: now + ttlMs };
    this.#held.set(sessionId, held);
    return { sessionId, ...held };
  }

  /** The lease with a new expiry, or null when it was lost. */
  async renew(lease: Lease, ttlMs: number): Promise<Lease | null> {
    const now = Date.now();
    const current = this.#heldBy(lease, now);
    if (!current) return null;
    current.expiresAt = now + ttlMs;
    return { sessionId: lease.sessionId, ...current };
  }

  async release(lease: Lease): Promise<void> {
    if (this.#heldBy(lease, Date.now())) this.#held.delete(lease.sessionId);
  }

  /** Forgets leases that expired, so an idle store does not grow. */
  sweep(now: number): void {
    for (const [sessionId, held] of this.#held) if (held.expiresAt <= now) this.#held.delete(sessionId);
  }

  #heldBy(lease: Lease, now: number): HeldLease | undefined {
    const current = this.#held.get(lease.sessionId);
    const holds = current && current.token === lease.token && current.owner === lease.owner;
    return holds && current.expiresAt > now ? current : undefined;
  }
}
