import { encodeSessionCursor } from './session-cursor.js';
import type { MessagePage, MessageRecord, SessionPage, SessionRecord } from './types.js';

// Stores read one row more than the page holds: the extra row only says that another page exists.

/** The listSessions page from up to `limit + 1` sessions in list order, starting past the cursor. */
export function sessionPageFrom(sessions: SessionRecord[], limit: number): SessionPage {
  const page = sessions.slice(0, limit);
  const last = page.at(-1);
  return { sessions: page, nextCursor: sessions.length > limit && last ? encodeSessionCursor(last) : null };
}

/**
 * The listMessages page from up to `limit + 1` messages read in paging order: ascending seq for `after`,
 * descending seq otherwise (the page itself is always ascending).
 */
export function messagePageFrom(messages: MessageRecord[], limit: number, descending: boolean): MessagePage {
  const page = messages.slice(0, limit);
  if (descending) page.reverse();
  return { messages: page, hasMore: messages.length > limit };
}
