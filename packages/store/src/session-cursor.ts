import { z } from 'zod';
import { InvalidInputError } from './errors.js';
import { ID_PATTERN, STORE_LIMITS } from './limits.js';

/**
 * Where a page of listSessions ended. Sessions are listed by lastActiveAt descending, ties broken by id
 * descending (plain code-unit order, i.e. COLLATE "C" in SQL); the next page starts strictly after the
 * cursor in that order.
 */
export interface SessionCursor {
  lastActiveAt: number;
  id: string;
}

/** Encodes the last session of a page as an opaque `nextCursor`. */
export function encodeSessionCursor(cursor: SessionCursor): string {
  return Buffer.from(JSON.stringify([cursor.lastActiveAt, cursor.id]), 'utf8').toString('base64url');
}

const NOT_A_CURSOR = 'is not a cursor returned by listSessions';

/** Decodes a `nextCursor`; anything not made by encodeSessionCursor throws InvalidInputError('cursor'). */
export function decodeSessionCursor(cursor: unknown): SessionCursor {
  const decoded = readSessionCursor(cursor);
  if (decoded === null) throw new InvalidInputError('cursor', NOT_A_CURSOR);
  return decoded;
}

/** The `cursor` option of listSessions: absent (or null) is the first page. */
export const sessionCursorSchema = z.unknown().transform((cursor, payload): SessionCursor | null => {
  if (cursor === undefined || cursor === null) return null;
  const decoded = readSessionCursor(cursor);
  if (decoded === null) payload.issues.push({ code: 'custom', message: NOT_A_CURSOR, input: cursor });
  return decoded;
});

/** The cursor `value` encodes, or null when encodeSessionCursor did not make it. */
function readSessionCursor(value: unknown): SessionCursor | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > STORE_LIMITS.sessionCursorMaxLength) {
    return null;
  }
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (
    !Array.isArray(decoded) ||
    decoded.length !== 2 ||
    !Number.isSafeInteger(decoded[0]) ||
    decoded[0] < 0 ||
    typeof decoded[1] !== 'string' ||
    decoded[1].length > STORE_LIMITS.idMaxLength ||
    !ID_PATTERN.test(decoded[1])
  ) {
    return null;
  }
  return { lastActiveAt: decoded[0], id: decoded[1] };
}

/** Sort comparator for listSessions order: lastActiveAt descending, then id descending. */
export function compareSessionsNewestFirst(a: SessionCursor, b: SessionCursor): number {
  if (a.lastActiveAt !== b.lastActiveAt) return b.lastActiveAt - a.lastActiveAt;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** True when `session` comes after `cursor` in listSessions order (belongs on a later page). */
export function isAfterSessionCursor(session: SessionCursor, cursor: SessionCursor): boolean {
  return compareSessionsNewestFirst(session, cursor) > 0;
}
