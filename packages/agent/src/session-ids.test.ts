import { describe, expect, it } from 'vitest';
import { InvalidAgentInputError } from './errors.js';
import { resolveSessionSelector, sessionIdFor } from './session-ids.js';

describe('session ids', () => {
  it('derives a user’s default session id as user_<userId>', () => {
    expect(sessionIdFor('alice_123')).toBe('user_alice_123');
    expect(sessionIdFor('U024BE7LH')).toBe('user_U024BE7LH');
  });

  it('hashes a user id a session id cannot hold, the same way every time', () => {
    const odd = sessionIdFor('alice smith/2');
    expect(odd).toMatch(/^user_h_[0-9a-f]{40}$/);
    expect(sessionIdFor('alice smith/2')).toBe(odd);
    expect(sessionIdFor('alice smith/3')).not.toBe(odd);
    expect(sessionIdFor('x'.repeat(300))).toMatch(/^user_h_[0-9a-f]{40}$/);
  });

  it('resolves a selector to a session and the user it must belong to', () => {
    expect(resolveSessionSelector('alice_123')).toEqual({ sessionId: 'user_alice_123', userId: 'alice_123' });
    expect(resolveSessionSelector({ userId: 'alice_123' })).toEqual({
      sessionId: 'user_alice_123',
      userId: 'alice_123',
    });
    expect(resolveSessionSelector({ userId: 'alice_123', sessionId: 'work' })).toEqual({
      sessionId: 'work',
      userId: 'alice_123',
    });
    expect(resolveSessionSelector({ sessionId: 'work' })).toEqual({ sessionId: 'work' });
  });

  it('names what is wrong with a bad selector', () => {
    const fieldOf = (selector: unknown) => {
      try {
        resolveSessionSelector(selector as never);
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidAgentInputError);
        return (error as InvalidAgentInputError).field;
      }
      return 'no error';
    };
    expect(fieldOf('')).toBe('userId');
    expect(fieldOf({ sessionId: '../etc' })).toBe('sessionId');
    expect(fieldOf({})).toBe('selector');
    expect(fieldOf(42)).toBe('selector');
  });
});
