import { describe, expect, it } from 'vitest';
import { messagePageFrom, sessionPageFrom } from './pages.js';
import { decodeSessionCursor } from './session-cursor.js';
import type { MessageRecord, SessionRecord } from './types.js';

const session = (id: string, lastActiveAt: number): SessionRecord => ({
  id,
  userId: 'u',
  claudeSessionId: null,
  project: null,
  metadata: {},
  createdAt: 0,
  lastActiveAt,
  expiresAt: null,
});

const message = (seq: number): MessageRecord => ({
  sessionId: 's',
  seq,
  role: 'user',
  content: `m${seq}`,
  createdAt: 0,
  usage: null,
  costUsd: null,
  metadata: null,
});

describe('pages from limit + 1 rows', () => {
  it('gives a session cursor at the last kept session only when the extra row is there', () => {
    const rows = [session('c', 30), session('b', 20), session('a', 10)];
    const page = sessionPageFrom(rows, 2);
    expect(page.sessions.map((s) => s.id)).toEqual(['c', 'b']);
    expect(decodeSessionCursor(page.nextCursor)).toEqual({ lastActiveAt: 20, id: 'b' });
    expect(sessionPageFrom(rows, 3)).toEqual({ sessions: rows, nextCursor: null });
    expect(sessionPageFrom([], 5)).toEqual({ sessions: [], nextCursor: null });
  });

  it('returns messages in ascending seq whichever way they were read', () => {
    const forward = messagePageFrom([message(4), message(5), message(6)], 2, false);
    expect({ seqs: forward.messages.map((m) => m.seq), hasMore: forward.hasMore }).toEqual({
      seqs: [4, 5],
      hasMore: true,
    });
    const backward = messagePageFrom([message(9), message(8)], 2, true);
    expect({ seqs: backward.messages.map((m) => m.seq), hasMore: backward.hasMore }).toEqual({
      seqs: [8, 9],
      hasMore: false,
    });
  });
});
