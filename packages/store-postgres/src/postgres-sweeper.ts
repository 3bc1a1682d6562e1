import type pg from 'pg';
import type { Queries } from './postgres-queries.js';
import { queryRows } from './postgres-rows.js';

/** Expired rows are invisible at once; deleting them happens at most this often, after other calls. */
const SWEEP_INTERVAL_MS = 60_000;

/** Deletes expired sessions and leases in the background (bounded batches), at most once a minute. */
export class PostgresSweeper {
  #lastSweepAt = 0;
  #sweeping: Promise<void> | null = null;
  #stopped = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly sql: Queries,
  ) {}

  /** Starts a sweep unless one runs or ran within the interval. */
  maybeSweep(): void {
    const now = Date.now();
    if (this.#sweeping !== null || this.#stopped || now - this.#lastSweepAt < SWEEP_INTERVAL_MS) return;
    this.#lastSweepAt = now;
    this.#sweeping = (async () => {
      try {
        await queryRows(this.pool, this.sql.sweepExpiredSessions);
        await queryRows(this.pool, this.sql.sweepExpiredLeases);
      } catch {
        // Best effort: expired rows are invisible anyway, and the next sweep tries again.
      } finally {
        this.#sweeping = null;
      }
    })();
  }

  /** Starts no more sweeps and waits for a running one. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#sweeping;
  }
}
