import { resolve } from 'node:path';
import type { SessionStoreOptions } from '@claude-code-server/store';
import { InvalidInputError } from '@claude-code-server/store';
import type { Database } from 'better-sqlite3';

/** Where the store keeps its data and how it waits for other writers. */
export interface SqliteSessionStoreOptions extends SessionStoreOptions {
  /** A file path, or ':memory:'. Without `path` and `database`: `SQLITE_PATH`, else './data/sessions.db'. */
  path?: string;
  /** A ready better-sqlite3 handle; the store uses it and never closes it. */
  database?: Database;
  /** Prefix of every table name, so several namespaces can share one file. Default 'ccs_'. */
  tablePrefix?: string;
  /** How long a write waits for another connection's lock before failing. Default 5000. */
  busyTimeoutMs?: number;
}

export const DEFAULT_SQLITE_PATH = './data/sessions.db';
export const DEFAULT_TABLE_PREFIX = 'ccs_';
export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

// Table names are spliced into SQL, so the prefix is held to a plain identifier.
const TABLE_PREFIX_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,47}$/;

/** Where the connection comes from: a handle the caller owns, or a path the store opens. */
export type SqliteSource = { kind: 'handle'; database: Database } | { kind: 'path'; path: string };

export interface ResolvedSqliteOptions {
  source: SqliteSource;
  tablePrefix: string;
  busyTimeoutMs: number | undefined;
}

/** Checks the options and settles the defaults (reads `SQLITE_PATH` only when no source is given). */
export function resolveSqliteOptions(
  options: SqliteSessionStoreOptions,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedSqliteOptions {
  if (options.path !== undefined && options.database !== undefined) {
    throw new InvalidInputError('options', 'give either path or database, not both');
  }
  if (options.path !== undefined && (typeof options.path !== 'string' || options.path === '')) {
    throw new InvalidInputError('path', 'must be a non-empty string');
  }
  const tablePrefix = options.tablePrefix ?? DEFAULT_TABLE_PREFIX;
  if (typeof tablePrefix !== 'string' || !TABLE_PREFIX_PATTERN.test(tablePrefix)) {
    throw new InvalidInputError(
      'tablePrefix',
      'must start with a letter or underscore and hold only letters, digits and underscores (at most 48)',
    );
  }
  const busyTimeoutMs = options.busyTimeoutMs;
  if (busyTimeoutMs !== undefined && !(Number.isSafeInteger(busyTimeoutMs) && busyTimeoutMs >= 0)) {
    throw new InvalidInputError('busyTimeoutMs', 'must be a non-negative integer');
  }
  const path = options.path ?? (env.SQLITE_PATH || DEFAULT_SQLITE_PATH);
  const source: SqliteSource = options.database
    ? { kind: 'handle', database: options.database }
    : // Absolute now, so a later chdir cannot point the store at another file.
      { kind: 'path', path: path === ':memory:' ? path : resolve(path) };
  return { source, tablePrefix, busyTimeoutMs };
}
