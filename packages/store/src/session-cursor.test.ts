import { describe, expect, it } from 'vitest';
import { InvalidInputError } from './errors.js';
import {
  compareSessionsNewestFirst,
  decodeSessionCursor,
  encodeSessionCursor,
  isAfterSessionCursor,
} from './session-cursor.js';

describe('session cursors', () => {
  it('round-trips the position of the last session of a page', () => {
    const position = { lastActiveAt: 1_760_000_000_123, id: 'chat:42@slack' };
    const cursor = encodeSessionCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeSessionCursor(cursor)).toEqual(position);
  });

  it('rejects anything encodeSessionCursor did not make, as InvalidInputError on cursor', () => {
    const forged = [
      '',
      'garbage!',
      Buffer.from('{"a":1}').toString('base64url'),
      Buffer.from('[-1,"a"]').toString('base64url'),
      Buffer.from('[1,"../x"]').toString('base64url'),
      'a'.repeat(2000),
      7,
    ];
    for (const cursor of forged) {
      expect(() => decodeSessionCursor(cursor)).toThrow(InvalidInputError);
      try {
        decodeSessionCursor(cursor);
      } catch (error) {
        expect((error as InvalidInputError).field).toBe('cursor');
      }
    }
  });

  it('orders by lastActiveAt descending, then id descending', () => {
    const sessions = [
      { lastActiveAt: 1, id: 'b' },
      { lastActiveAt: 2, id: 'a' },
      { lastActiveAt: 1, id: 'c' },
      { lastActiveAt: 1, id: 'B' },
    ];
    expect(sessions.sort(compareSessionsNewestFirst).map((s) => `${s.lastActiveAt}${s.id}`)).toEqual([
      '2a',
      '1c',
      '1b',
      '1B',
    ]);
    expect(isAfterSessionCursor({ lastActiveAt: 1, id: 'b' }, { lastActiveAt: 1, id: 'c' })).toBe(true);
    expect(isAfterSessionCursor({ lastActiveAt: 1, id: 'c' }, { lastActiveAt: 1, id: 'c' })).toBe(false);
    expect(isAfterSessionCursor({ lastActiveAt: 2, id: 'a' }, { lastActiveAt: 1, id: 'c' })).toBe(false);
  });
});
