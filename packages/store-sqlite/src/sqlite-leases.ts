import type { Lease, LeaseBackend } from '@claude-code-server/store';
import { type LeaseRow, leaseFromRow } from '@claude-code-server/store/sql';
import type { StoreConnection } from './sqlite-connection.js';

type HeldLeaseRow = LeaseRow & { owner: string };

/** Leases in one table; each call is one BEGIN IMMEDIATE transaction. */
export class SqliteLeases implements LeaseBackend {
  constructor(private readonly connection: StoreConnection) {}

  /** Grants the lease unless someone (the same owner included) holds an unexpired one; null then. */
  async acquire(id: string, owner: string, ttlMs: number): Promise<Lease | null> {
    return this.connection.write((sql) => {
      const now = Date.now();
      const current = sql.getLease.get({ id }) as LeaseRow | undefined;
      if (current?.owner && Number(current.expires_at) > now) return null;
      // The row outlives expiry and release, so the token goes up on every grant: a fencing token.
      const row = sql.grantLease.get({ id, owner, expiresAt: now + ttlMs }) as HeldLeaseRow;
      return leaseFromRow(row);
    });
  }

  /** Extends a lease that is still held, unexpired, by exactly this owner and token; null when lost. */
  async renew(lease: Lease, ttlMs: number): Promise<Lease | null> {
    return this.connection.write((sql) => {
      const now = Date.now();
      const { sessionId: id, owner, token } = lease;
      const row = sql.renewLease.get({ id, owner, token, now, expiresAt: now + ttlMs }) as
        | HeldLeaseRow
        | undefined;
      return row ? leaseFromRow(row) : null;
    });
  }

  /** Releases the lease if this owner and token still hold it; otherwise does nothing. */
  async release(lease: Lease): Promise<void> {
    this.connection.write((sql) => {
      sql.releaseLease.run({ id: lease.sessionId, owner: lease.owner, token: lease.token });
    });
  }
}
