import { InvalidInputError, type SessionStoreOptions, validateTtlMs } from '@claude-code-server/store';
import pg from 'pg';
import { checkSchemaName } from './postgres-identifiers.js';

/** Where the store finds Postgres and which schema it keeps its tables in. */
export interface PostgresSessionStoreOptions extends SessionStoreOptions {
  /** A connection string. Without `url` and `pool`: the `DATABASE_URL` environment variable. */
  url?: string;
  /** A ready pool; the store uses it and never closes it. */
  pool?: pg.Pool;
  /** The schema holding the tables (created by the migration). Default 'claude_code_server'. */
  schema?: string;
  /** Apply pending migrations on first use. Default true; with false, call `store.migrate()` yourself. */
  migrate?: boolean;
}

export const DEFAULT_SCHEMA = 'claude_code_server';

/** Settings of a pool the store creates, so calls fail within seconds when the server is gone. */
export const OWNED_POOL_SETTINGS = {
  max: 10,
  connectionTimeoutMillis: 5_000,
  /** Server side: a statement running longer is cancelled. */
  statement_timeout: 15_000,
  /** Client side: covers a server that vanished without closing the connection. */
  query_timeout: 20_000,
  idleTimeoutMillis: 10_000,
  keepAlive: true,
  allowExitOnIdle: true,
} as const satisfies pg.PoolConfig;

export interface ResolvedPostgresOptions {
  pool: pg.Pool;
  ownsPool: boolean;
  schema: string;
  ttlMs: number | undefined;
  migrate: boolean;
}

/** Checks the options and settles the defaults (reads `DATABASE_URL` only when no url or pool is given). */
export function resolvePostgresOptions(
  options: PostgresSessionStoreOptions,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedPostgresOptions {
  if (options.url !== undefined && options.pool !== undefined) {
    throw new InvalidInputError('options', 'give either url or pool, not both');
  }
  const schema = options.schema ?? DEFAULT_SCHEMA;
  checkSchemaName(schema);
  const ttlMs = validateTtlMs(options.ttlMs);
  if (options.migrate !== undefined && typeof options.migrate !== 'boolean') {
    throw new InvalidInputError('migrate', 'must be a boolean');
  }
  const migrate = options.migrate ?? true;
  if (options.pool !== undefined) {
    // Duck-typed: a pool from another copy of pg is not an instance of this one's class.
    if (typeof (options.pool as { connect?: unknown })?.connect !== 'function') {
      throw new InvalidInputError('pool', 'must be a pg.Pool');
    }
    return { pool: options.pool, ownsPool: false, schema, ttlMs, migrate };
  }
  const url = options.url ?? env.DATABASE_URL;
  if (typeof url !== 'string' || url === '') {
    throw new InvalidInputError('url', 'give url or pool, or set DATABASE_URL');
  }
  const pool = new pg.Pool({ connectionString: url, ...OWNED_POOL_SETTINGS });
  // An idle connection that breaks (server restart, terminated backend) is dropped by the pool; without a
  // listener the pool's 'error' event would crash the process.
  pool.on('error', () => {});
  return { pool, ownsPool: true, schema, ttlMs, migrate };
}
