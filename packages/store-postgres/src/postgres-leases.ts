import type { Lease, LeaseBackend } from '@claude-code-server/store';
import { type LeaseRow, leaseFromRow } from '@claude-code-server/store/sql';
import type pg from 'pg';
import type { Queries } from './postgres-queries.js';
import { queryRows } from './postgres-rows.js';

/**
 * Session leases: one row per session, taken by a conditional upsert. The token comes from an identity
 * sequence, which only grows, so it stays a valid fencing token after rows are deleted.
 */
export class PostgresLeases implements LeaseBackend {
  constructor(
    private readonly pool: pg.Pool,
    private readonly sql: Queries,
  ) {}

  /** A new lease, or null while someone holds an unexpired one. */
  async acquire(sessionId: string, owner: string, ttlMs: number): Promise<Lease | null> {
    const result = await queryRows<LeaseRow & { owner: string }>(this.pool, this.sql.acquireLease, [
      sessionId,
      owner,
      ttlMs,
    ]);
    const row = result.rows[0];
    return row === undefined ? null : leaseFromRow(row);
  }

  /** The lease with a later expiry; null when it was lost (expired or released). */
  async renew(lease: Lease, ttlMs: number): Promise<Lease | null> {
    const values = [lease.sessionId, lease.owner, lease.token, ttlMs];
    const row = (await queryRows<LeaseRow & { owner: string }>(this.pool, this.sql.renewLease, values))
      .rows[0];
    return row === undefined ? null : leaseFromRow(row);
  }

  /** Ends the lease if it is still held; a lost lease is left alone. */
  async release(lease: Lease): Promise<void> {
    await queryRows(this.pool, this.sql.releaseLease, [lease.sessionId, lease.owner, lease.token]);
  }
}
