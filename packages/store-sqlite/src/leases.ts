import { ConflictError, type Lease } from '@claude-code-server/store';
import { type LeaseRow, leaseFromRow } from './rows.js';
import type { OpenStore } from './store-connection.js';

type HeldLeaseRow = LeaseRow & { owner: string };

/** Grants the lease unless someone (the same owner included) holds an unexpired one; null then. */
export function acquireLease({ db, sql }: OpenStore, id: string, owner: string, ttlMs: number): Lease | null {
  return db
    .transaction(() => {
      const now = Date.now();
      const current = sql.getLease.get({ id }) as LeaseRow | undefined;
      if (current?.owner && current.expires_at > now) return null;
      // The row outlives expiry and release, so the token goes up on every grant: a fencing token.
      const row = sql.grantLease.get({ id, owner, expiresAt: now + ttlMs }) as HeldLeaseRow;
      return leaseFromRow(row);
    })
    .immediate();
}

/** Extends a lease that is still held, unexpired, by exactly this owner and token. */
export function renewLease({ db, sql }: OpenStore, lease: Lease, ttlMs: number): Lease {
  return db
    .transaction(() => {
      const now = Date.now();
      const row = sql.renewLease.get({
        id: lease.sessionId,
        owner: lease.owner,
        token: lease.token,
        now,
        expiresAt: now + ttlMs,
      }) as HeldLeaseRow | undefined;
      if (!row) throw new ConflictError(`lease ${lease.token} on session ${lease.sessionId} was lost`);
      return leaseFromRow(row);
    })
    .immediate();
}

/** Releases the lease if this owner and token still hold it; otherwise does nothing. */
export function releaseLease({ db, sql }: OpenStore, lease: Lease): void {
  db.transaction(() => {
    sql.releaseLease.run({ id: lease.sessionId, owner: lease.owner, token: lease.token });
  }).immediate();
}
