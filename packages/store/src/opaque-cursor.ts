import { z } from 'zod';
import { ID_PATTERN, STORE_LIMITS } from './limits.js';

// The cursors of listSessions and listTasks: a JSON array, base64url, opaque to callers.

export function encodeOpaqueCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

/** The array a cursor made by encodeOpaqueCursor holds, or null for anything else. */
export function decodeOpaqueCursor(cursor: unknown): unknown[] | null {
  if (
    typeof cursor !== 'string' ||
    cursor.length === 0 ||
    cursor.length > STORE_LIMITS.sessionCursorMaxLength
  ) {
    return null;
  }
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return Array.isArray(decoded) ? decoded : null;
  } catch {
    return null;
  }
}

/** True for a string that a stored session or task id could be. */
export function isStoredId(value: unknown): value is string {
  return typeof value === 'string' && value.length <= STORE_LIMITS.idMaxLength && ID_PATTERN.test(value);
}

/** The `cursor` option of a list call: absent or null is the first page (null); `read` refuses others' cursors. */
export function cursorOptionSchema<T>(read: (cursor: unknown) => T | null, problem: string) {
  return z.unknown().transform((cursor, payload): T | null => {
    if (cursor === undefined || cursor === null) return null;
    const decoded = read(cursor);
    if (decoded === null) payload.issues.push({ code: 'custom', message: problem, input: cursor });
    return decoded;
  });
}
