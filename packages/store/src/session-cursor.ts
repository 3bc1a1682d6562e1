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

/** Decodes a `nextCursor`; anything not made by encodeSessionCursor throws InvalidInputError('cursor'). */
export function decodeSessionCursor(cursor: unknown): SessionCursor {
  if (
    typeof cursor !== 'string' ||
    cursor.length === 0 ||
    cursor.length > STORE_LIMITS.sessionCursorMaxLength
  ) {
    throw new InvalidInputError('cursor', 'is not a cursor returned by listSessions');
  }
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidInputError('cursor', 'is not a cursor returned by listSessions');
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
    throw new InvalidInputError('cursor', 'is not a cursor returned by listSessions');
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
