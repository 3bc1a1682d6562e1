import type { SharedRateLimits } from '@claude-code-server/server';
import type { StoreConfig } from '../config/app-config-schema.js';

/** The Postgres store's default schema; the limits' table lives in `<schema>_limits`. */
const DEFAULT_POSTGRES_SCHEMA = 'claude_code_server';

/** Shared rate limits and how to disconnect what they opened. */
export interface OpenRateLimits {
  rateLimits: SharedRateLimits;
  close(): Promise<void>;
}

/**
 * Per-key rate limits counted on the store's Redis or PostgreSQL, so they hold across nodes; undefined
 * on memory and SQLite (each process counts its own). Only the chosen driver is loaded.
 */
export async function createRateLimitsFromConfig(store: StoreConfig): Promise<OpenRateLimits | undefined> {
  if (store.type === 'redis') {
    const { Redis } = await import('ioredis');
    const client = new Redis(store.url, { maxRetriesPerRequest: 2, enableOfflineQueue: true });
    return {
      rateLimits: { type: 'redis', client, keyPrefix: store.key_prefix ?? 'ccs:' },
      async close() {
        await client.quit().catch(() => client.disconnect());
      },
    };
  }
  if (store.type === 'postgres') {
    const { default: pg } = await import('pg');
    const pool = new pg.Pool({ connectionString: store.url, max: 4 });
    const schema = `${store.schema ?? DEFAULT_POSTGRES_SCHEMA}_limits`;
    // rate-limiter-flexible makes its table, not the schema; two nodes starting at once may race here.
    await pool.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`).catch((error: { code?: string }) => {
      if (error.code !== '23505' && error.code !== '42P06') throw error;
    });
    return {
      rateLimits: { type: 'postgres', pool, schema },
      async close() {
        await pool.end().catch(() => undefined);
      },
    };
  }
  return undefined;
}
