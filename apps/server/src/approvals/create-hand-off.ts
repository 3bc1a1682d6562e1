import type { StoreConfig } from '../config/app-config-schema.js';
import type { PostgresApprovalHandOff } from './postgres-hand-off.js';
import type { RedisApprovalHandOff } from './redis-hand-off.js';

/** The Postgres store's default schema; the hand-off's table lives in `<schema>_approvals`. */
const DEFAULT_POSTGRES_SCHEMA = 'claude_code_server';

/**
 * Where pending approvals wait, by store: on Redis for the Redis store, on PostgreSQL for the
 * PostgreSQL store (any node's answer reaches the turn), else undefined (the server's in-process
 * hand-off). Only the chosen driver is loaded.
 */
export async function createApprovalHandOffFromConfig(
  store: StoreConfig,
): Promise<RedisApprovalHandOff | PostgresApprovalHandOff | undefined> {
  if (store.type === 'redis') {
    const { RedisApprovalHandOff } = await import('./redis-hand-off.js');
    return new RedisApprovalHandOff({ url: store.url, prefix: store.key_prefix ?? 'ccs:' });
  }
  if (store.type === 'postgres') {
    const { PostgresApprovalHandOff } = await import('./postgres-hand-off.js');
    return new PostgresApprovalHandOff({
      url: store.url,
      schema: `${store.schema ?? DEFAULT_POSTGRES_SCHEMA}_approvals`,
    });
  }
  return undefined;
}
