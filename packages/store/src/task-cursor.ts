import { cursorOptionSchema, decodeOpaqueCursor, encodeOpaqueCursor, isStoredId } from './opaque-cursor.js';
import type { StoredTask, TaskPage } from './types.js';

// listTasks pages by id in byte order; a cursor is the last id of a page, opaque to callers.

/** The `nextCursor` after a page that ended with the task `id`. */
export function encodeTaskCursor(id: string): string {
  return encodeOpaqueCursor(['task', id]);
}

/** The last id of the previous page, or null when `cursor` was not made by encodeTaskCursor. */
function readTaskCursor(cursor: unknown): string | null {
  const decoded = decodeOpaqueCursor(cursor);
  return decoded?.length === 2 && decoded[0] === 'task' && isStoredId(decoded[1]) ? decoded[1] : null;
}

/** The `cursor` option of listTasks, as the id the next page starts after (absent or null: the first). */
export const taskCursorSchema = cursorOptionSchema(readTaskCursor, 'is not a cursor returned by listTasks');

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
