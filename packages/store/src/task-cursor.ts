import { z } from 'zod';
import { ID_PATTERN, STORE_LIMITS } from './limits.js';
import type { StoredTask, TaskPage } from './types.js';

// listTasks pages by id in byte order; a cursor is the last id of a page, opaque to callers.

/** The `nextCursor` after a page that ended with the task `id`. */
export function encodeTaskCursor(id: string): string {
  return Buffer.from(JSON.stringify(['task', id]), 'utf8').toString('base64url');
}

/** The last id of the previous page, or null when `cursor` was not made by encodeTaskCursor. */
function readTaskCursor(cursor: unknown): string | null {
  if (
    typeof cursor !== 'string' ||
    cursor.length === 0 ||
    cursor.length > STORE_LIMITS.sessionCursorMaxLength
  ) {
    return null;
  }
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(decoded) || decoded.length !== 2 || decoded[0] !== 'task') return null;
  const id: unknown = decoded[1];
  return typeof id === 'string' && id.length <= STORE_LIMITS.idMaxLength && ID_PATTERN.test(id) ? id : null;
}

/** The `cursor` option of listTasks, as the id the next page starts after (absent or null: the first). */
export const taskCursorSchema = z.unknown().transform((cursor, payload): string | null => {
  if (cursor === undefined || cursor === null) return null;
  const after = readTaskCursor(cursor);
  if (after === null) {
    payload.issues.push({ code: 'custom', message: 'is not a cursor returned by listTasks', input: cursor });
  }
  return after;
});

/** The listTasks page from up to `limit + 1` tasks in id order, starting past the cursor. */
export function taskPageFrom(tasks: StoredTask[], limit: number): TaskPage {
  const page = tasks.slice(0, limit);
  const last = page.at(-1);
  return { tasks: page, nextCursor: tasks.length > limit && last ? encodeTaskCursor(last.id) : null };
}

/** Byte (code unit) order of task ids, the order listTasks pages in. */
export function compareTaskIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
