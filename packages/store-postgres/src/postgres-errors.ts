// SQLSTATEs that mean the tables are not there: the schema was never migrated (or was dropped).
const MISSING_SCHEMA_CODES = new Set(['3F000', '42P01']);

/**
 * The detail of a driver failure (a refused or cut connection, a timeout, a terminated backend, a server
 * error) for its StoreUnavailableError: the driver's message with its SQLSTATE or errno code, and what
 * to do when the schema is missing.
 */
export function describePostgresFailure(error: unknown): string {
  const code = errorCode(error);
  const detail = error instanceof Error ? error.message : String(error);
  if (code !== undefined && MISSING_SCHEMA_CODES.has(code)) {
    return `${detail} (the schema is not migrated: call store.migrate() or create the store with migrate: true)`;
  }
  return code === undefined ? detail : `${detail} [${code}]`;
}

/** The SQLSTATE of a server error, or the errno code (ECONNREFUSED, ...) of a socket error. */
function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}
