import { StoreError, StoreUnavailableError } from '@claude-code-server/store';
import Database from 'better-sqlite3';

// Result codes that mean the file, the disk or another connection's lock is in the way.
const UNAVAILABLE_CODES = [
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_CANTOPEN',
  'SQLITE_IOERR',
  'SQLITE_READONLY',
  'SQLITE_FULL',
  'SQLITE_CORRUPT',
  'SQLITE_NOTADB',
  'SQLITE_PROTOCOL',
  'SQLITE_NOMEM',
  'SQLITE_PERM',
  'SQLITE_NOLFS',
  'SQLITE_AUTH',
];

// After these the connection itself is suspect: a store that opened it reopens on the next call.
const CONNECTION_BROKEN_CODES = ['SQLITE_CANTOPEN', 'SQLITE_IOERR', 'SQLITE_CORRUPT', 'SQLITE_NOTADB'];

function hasCode(error: unknown, codes: readonly string[]): boolean {
  if (!(error instanceof Database.SqliteError)) return false;
  return codes.some((code) => error.code === code || error.code.startsWith(`${code}_`));
}

/** True when the connection should be dropped and opened again. */
export function isConnectionBroken(error: unknown): boolean {
  return hasCode(error, CONNECTION_BROKEN_CODES);
}

/** Turns driver failures into StoreUnavailableError (keeping the cause); store errors pass through. */
export function toStoreError(error: unknown): unknown {
  if (error instanceof StoreError) return error;
  if (hasCode(error, UNAVAILABLE_CODES)) {
    const { code, message } = error as InstanceType<typeof Database.SqliteError>;
    return new StoreUnavailableError(`sqlite ${code}: ${message}`, { cause: error });
  }
  // better-sqlite3 throws a TypeError when a handle passed in by the caller was closed under us.
  if (error instanceof TypeError && /database connection is not open/i.test(error.message)) {
    return new StoreUnavailableError('sqlite: the database handle is closed', { cause: error });
  }
  return error;
}
