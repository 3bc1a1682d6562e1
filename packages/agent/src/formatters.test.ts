import { describe, expect, it } from 'vitest';
import { InvalidAgentInputError } from './errors.js';
import { formatBurst, resolveFormatter } from './formatters.js';

const meta = {
  userId: 'u1',
  sessionId: 's1',
  receivedAt: Date.UTC(2025, 0, 31, 10),
  userName: 'Alice',
  platform: 'slack',
};

describe('formatters', () => {
  it('plain keeps the message as sent', () => {
    expect(resolveFormatter('plain')('hello', meta)).toBe('hello');
    expect(resolveFormatter(undefined)('hello', meta)).toBe('hello');
  });

  it('with-sender names the sender, platform and time', () => {
    expect(resolveFormatter('with-sender')('hello', meta)).toBe(
      '[Alice via slack, 2025-01-31T10:00:00.000Z]: hello',
    );
    expect(resolveFormatter('with-sender')('hi', { userId: 'u1', sessionId: 's', receivedAt: 0 })).toBe(
      '[u1, 1970-01-01T00:00:00.000Z]: hi',
    );
  });

  it('takes a function and refuses an unknown name', () => {
    expect(resolveFormatter((m, x) => `${x.userId}> ${m}`)('yo', meta)).toBe('u1> yo');
    expect(() => resolveFormatter('fancy' as 'plain')).toThrow(InvalidAgentInputError);
    expect(() => resolveFormatter('toString' as 'plain')).toThrow(InvalidAgentInputError);
  });

  it('formats a burst one message a line', () => {
    const f = resolveFormatter('plain');
    expect(
      formatBurst(f, [
        { text: 'a', meta },
        { text: 'b', meta },
      ]),
    ).toBe('a\nb');
  });
});
