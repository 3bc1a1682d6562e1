import { StoreError, StoreUnavailableError } from '@claude-code-server/store';
import Database from 'better-sqlite3';

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

/**
 * Turns whatever the driver threw into StoreUnavailableError with the driver's error as `cause` (a
 * busy or full file, I/O errors, a closed handle, tables dropped under the store); store errors pass.
 */
export function toStoreError(error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  if (error instanceof Database.SqliteError) {
    return new StoreUnavailableError(`sqlite ${error.code}: ${error.message}`, { cause: error });
  }
  // E.g. the TypeError better-sqlite3 throws when a handle passed in by the caller was closed under us.
  const detail = error instanceof Error ? error.message : String(error);
  return new StoreUnavailableError(`sqlite: ${detail}`, { cause: error });
}
