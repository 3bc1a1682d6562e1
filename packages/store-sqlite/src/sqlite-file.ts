import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { StoreUnavailableError } from '@claude-code-server/store';
import Database from 'better-sqlite3';
import { DEFAULT_BUSY_TIMEOUT_MS, type ResolvedSqliteOptions } from './sqlite-options.js';
import { migrate, type TableNames } from './sqlite-schema.js';

/** An open, migrated connection and whether the store must close it. */
export interface SqliteConnection {
  db: Database.Database;
  owned: boolean;
  /** The file the store opened (device and inode), to notice it being removed or replaced. */
  file: { path: string; dev: number; ino: number } | null;
}

/** Creates the parent directory of a database file (done once, when the store first opens it). */
export function ensureParentDirectory(path: string): void {
  if (path === ':memory:' || path === '') return;
  mkdirSync(dirname(path), { recursive: true });
}

/** Opens (or adopts) the database, applies the pragmas and brings the schema up to date. */
export function openConnection(options: ResolvedSqliteOptions, tables: TableNames): SqliteConnection {
  const { source } = options;
  let db: Database.Database;
  if (source.kind === 'handle') {
    db = source.database;
  } else {
    try {
      db = new Database(source.path, { timeout: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS });
    } catch (error) {
      throw new StoreUnavailableError(`cannot open sqlite database ${source.path}: ${describe(error)}`, {
        cause: error,
      });
    }
  }
  const owned = source.kind === 'path';
  try {
    if (source.kind === 'handle' && options.busyTimeoutMs !== undefined) {
      db.pragma(`busy_timeout = ${options.busyTimeoutMs}`);
    }
    if (!db.memory) db.pragma('journal_mode = WAL');
    // NORMAL is durable across application crashes in WAL mode; a power loss may drop the last commits.
    if (owned) db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db, tables);
    return { db, owned, file: owned && !db.memory ? fileIdentity(db.name) : null };
  } catch (error) {
    if (owned) db.close();
    throw error;
  }
}

/**
 * False when the connection's file was removed or replaced. SQLite keeps writing to an unlinked file
 * in WAL mode, so without this check those writes would silently vanish.
 */
export function isFileInPlace(connection: SqliteConnection): boolean {
  if (!connection.file) return true;
  const now = statSync(connection.file.path, { throwIfNoEntry: false });
  return now !== undefined && now.dev === connection.file.dev && now.ino === connection.file.ino;
}

function fileIdentity(path: string): SqliteConnection['file'] {
  const { dev, ino } = statSync(path);
  return { path, dev, ino };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
