import type { Lease } from '@claude-code-server/store';
import type { Statements } from './sqlite-queries.js';
import { type LeaseRow, leaseFromRow } from './sqlite-rows.js';

// Each runs inside the caller's write transaction (StoreConnection.write).

type HeldLeaseRow = LeaseRow & { owner: string };

/** Grants the lease unless someone (the same owner included) holds an unexpired one; null then. */
export function acquireLease(sql: Statements, id: string, owner: string, ttlMs: number): Lease | null {
  const now = Date.now();
  const current = sql.getLease.get({ id }) as LeaseRow | undefined;
  if (current?.owner && current.expires_at > now) return null;
  // The row outlives expiry and release, so the token goes up on every grant: a fencing token.
  const row = sql.grantLease.get({ id, owner, expiresAt: now + ttlMs }) as HeldLeaseRow;
  return leaseFromRow(row);
}

/** Extends a lease that is still held, unexpired, by exactly this owner and token; null when lost. */
export function renewLease(sql: Statements, lease: Lease, ttlMs: number): Lease | null {
  const now = Date.now();
  const row = sql.renewLease.get({
    id: lease.sessionId,
    owner: lease.owner,
    token: lease.token,
    now,
    expiresAt: now + ttlMs,
  }) as HeldLeaseRow | undefined;
  return row ? leaseFromRow(row) : null;
}

/** Releases the lease if this owner and token still hold it; otherwise does nothing. */
export function releaseLease(sql: Statements, lease: Lease): void {
  sql.releaseLease.run({ id: lease.sessionId, owner: lease.owner, token: lease.token });
}
