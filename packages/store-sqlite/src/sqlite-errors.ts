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
 * The detail of a driver failure (a busy or full file, I/O errors, tables dropped under the store) for
 * its StoreUnavailableError: SQLite's code and message. Other errors, e.g. the TypeError better-sqlite3
 * throws when a handle passed in by the caller was closed under us, give their message.
 */
export function describeSqliteFailure(error: unknown): string {
  if (error instanceof Database.SqliteError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
