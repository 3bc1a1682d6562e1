/**
 * How a tenant's ids are kept in the shared store. A client sees its own ids; the store sees them
 * prefixed with the tenant, so another key's sessions are simply not there (404), whatever id it names.
 * Tenant names never contain ':': session `<tenant>:<session_id>`, user `<tenant>:<user_id>`. A task
 * is kept in the store's task contract with the tenant as its owner.
 */

/** User ids starting with this are the server's own (clients cannot use them). */
export const RESERVED_USER_PREFIX = '__';

export function storedUserId(tenant: string, userId: string): string {
  return `${tenant}:${userId}`;
}

export function storedSessionId(tenant: string, sessionId: string): string {
  return `${tenant}:${sessionId}`;
}

/** The client's session id of a stored one, or null when it is not this tenant's chat session. */
export function clientSessionId(tenant: string, stored: string): string | null {
  const prefix = `${tenant}:`;
  if (!stored.startsWith(prefix)) return null;
  return stored.slice(prefix.length);
}

/** The client's user id of a stored one, or null when it is not this tenant's. */
export function clientUserId(tenant: string, stored: string): string | null {
  const prefix = `${tenant}:`;
  return stored.startsWith(prefix) ? stored.slice(prefix.length) : null;
}
