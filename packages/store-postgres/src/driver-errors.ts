import { StoreError, StoreUnavailableError } from '@claude-code-server/store';

// SQLSTATEs that mean the tables are not there: the schema was never migrated (or was dropped).
const MISSING_SCHEMA_CODES = new Set(['3F000', '42P01']);

/**
 * Turns whatever the driver threw into the store's errors: StoreErrors pass through; connection
 * failures, timeouts, terminated backends and server errors become StoreUnavailableError with the
 * driver's error as `cause`.
 */
export function toStoreError(error: unknown, operation: string): StoreError {
  if (error instanceof StoreError) return error;
  const code = errorCode(error);
  const detail = error instanceof Error ? error.message : String(error);
  if (code !== undefined && MISSING_SCHEMA_CODES.has(code)) {
    return new StoreUnavailableError(
      `postgres ${operation} failed: ${detail} (the schema is not migrated: call store.migrate() or create the store with migrate: true)`,
      { cause: error },
    );
  }
  const suffix = code === undefined ? '' : ` [${code}]`;
  return new StoreUnavailableError(`postgres ${operation} failed: ${detail}${suffix}`, { cause: error });
}

/** The SQLSTATE of a server error, or the errno code (ECONNREFUSED, ...) of a socket error. */
function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}
