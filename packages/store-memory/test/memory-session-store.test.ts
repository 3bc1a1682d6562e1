import { InvalidInputError } from '@claude-code-server/store';
import { describe, expect, it } from 'vitest';
import { createMemorySessionStore, MemorySessionStore } from '../src/index.js';

describe('MemorySessionStore', () => {
  it('rejects a bad ttlMs option naming it', () => {
    for (const ttlMs of [0, -1, 1.5, Number.POSITIVE_INFINITY, '1h']) {
      expect(() => createMemorySessionStore({ ttlMs: ttlMs as number })).toThrow(
        expect.objectContaining({ code: 'INVALID_INPUT', field: 'ttlMs' }),
      );
    }
    expect(() => new MemorySessionStore({ ttlMs: 0 })).toThrow(InvalidInputError);
  });

  it('keeps each instance to itself: two stores never share sessions or leases', async () => {
    const [a, b] = [createMemorySessionStore(), createMemorySessionStore()];
    await a.createSession({ id: 's', userId: 'u', project: 'a' });
    expect(await b.getSession('s')).toBeNull();
    expect(await a.acquireLease('s', 'x', 10_000)).not.toBeNull();
    expect(await b.acquireLease('s', 'y', 10_000)).not.toBeNull();
    await a.close();
    await b.close();
  });
});
