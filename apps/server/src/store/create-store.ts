import type { SessionStore } from '@claude-code-server/store';
import type { StoreConfig } from '../config/app-config-schema.js';
import { StoreUnreachableError } from '../errors.js';
import { describeStore, storeAdvice } from './describe-store.js';
import { probeTcp, tcpAddressOf } from './tcp-probe.js';

// Any valid session id: the probe reads it and finds nothing.
const PROBE_SESSION_ID = 'ccs-store-probe';

/**
 * Builds the configured store. Only the chosen store's package is imported, so a Redis user needs
 * no Postgres driver at run time.
 */
async function openStore(config: StoreConfig, migrate: boolean): Promise<SessionStore> {
  switch (config.type) {
    case 'memory': {
      const { createMemorySessionStore } = await import('@claude-code-server/store-memory');
      return createMemorySessionStore({ ttlMs: config.ttl_ms });
    }
    case 'sqlite': {
      const { createSqliteSessionStore } = await import('@claude-code-server/store-sqlite');
      return createSqliteSessionStore({
        path: config.path,
        tablePrefix: config.table_prefix,
        busyTimeoutMs: config.busy_timeout_ms,
        ttlMs: config.ttl_ms,
      });
    }
    case 'redis': {
      const { createRedisSessionStore } = await import('@claude-code-server/store-redis');
      return createRedisSessionStore({ url: config.url, keyPrefix: config.key_prefix, ttlMs: config.ttl_ms });
    }
    case 'postgres': {
      const { createPostgresSessionStore } = await import('@claude-code-server/store-postgres');
      return createPostgresSessionStore({
        url: config.url,
        schema: config.schema,
        ttlMs: config.ttl_ms,
        migrate,
      });
    }
  }
}

function reason(error: unknown): string {
  const parts: string[] = [];
  for (let current = error; current instanceof Error && parts.length < 3; current = current.cause) {
    if (!parts.some((part) => part.includes(current instanceof Error ? current.message : ''))) {
      parts.push(current.message || current.name);
    }
  }
  return parts.join(': ') || String(error);
}

/** Makes one read, so an unreachable server or an unusable file shows now rather than on the first request. */
export async function probeStore(store: SessionStore): Promise<void> {
  await store.getSession(PROBE_SESSION_ID);
}

/**
 * Opens the configured store and checks that it answers. Throws StoreUnreachableError naming the
 * store, where it is (password hidden) and what to check. `migrate: false` leaves a Postgres schema
 * as it is (a store without its tables then fails the probe).
 */
export async function createStoreFromConfig(
  config: StoreConfig,
  options: { migrate?: boolean } = {},
): Promise<SessionStore> {
  let store: SessionStore | undefined;
  try {
    const address =
      config.type === 'redis' || config.type === 'postgres' ? tcpAddressOf(config.url) : undefined;
    if (address) await probeTcp(address.host, address.port);
    store = await openStore(config, options.migrate ?? true);
    await probeStore(store);
    return store;
  } catch (error) {
    await store?.close().catch(() => {});
    throw new StoreUnreachableError(
      config.type,
      `cannot use the ${describeStore(config)} store: ${reason(error)}. To fix: ${storeAdvice(config)}.`,
      { cause: error },
    );
  }
}
