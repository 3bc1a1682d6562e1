import { InvalidInputError } from './errors.js';
import { cursorOptionSchema, decodeOpaqueCursor, encodeOpaqueCursor, isStoredId } from './opaque-cursor.js';

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
  return encodeOpaqueCursor([cursor.lastActiveAt, cursor.id]);
}

const NOT_A_CURSOR = 'is not a cursor returned by listSessions';

/** Decodes a `nextCursor`; anything not made by encodeSessionCursor throws InvalidInputError('cursor'). */
export function decodeSessionCursor(cursor: unknown): SessionCursor {
  const decoded = readSessionCursor(cursor);
  if (decoded === null) throw new InvalidInputError('cursor', NOT_A_CURSOR);
  return decoded;
}

/** The cursor `value` encodes, or null when encodeSessionCursor did not make it. */
function readSessionCursor(value: unknown): SessionCursor | null {
  const decoded = decodeOpaqueCursor(value);
  if (decoded?.length !== 2) return null;
  const [lastActiveAt, id] = decoded;
  if (!Number.isSafeInteger(lastActiveAt) || (lastActiveAt as number) < 0 || !isStoredId(id)) return null;
  return { lastActiveAt: lastActiveAt as number, id };
}

/** The `cursor` option of listSessions: absent (or null) is the first page. */
export const sessionCursorSchema = cursorOptionSchema(readSessionCursor, NOT_A_CURSOR);

/** Sort comparator for listSessions order: lastActiveAt descending, then id descending. */
export function compareSessionsNewestFirst(a: SessionCursor, b: SessionCursor): number {
  if (a.lastActiveAt !== b.lastActiveAt) return b.lastActiveAt - a.lastActiveAt;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** True when `session` comes after `cursor` in listSessions order (belongs on a later page). */
export function isAfterSessionCursor(session: SessionCursor, cursor: SessionCursor): boolean {
  return compareSessionsNewestFirst(session, cursor) > 0;
}
