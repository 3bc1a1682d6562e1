import { describe, expect, it } from 'vitest';
import { InvalidConfigError } from './index.js';
import { BoundedMap } from './internal/index.js';

describe('BoundedMap (exported)', () => {
  it('forgets its oldest entries beyond the capacity; re-setting a key makes it newest', () => {
    const map = new BoundedMap<string, number>(2);
    map.set('a', 1);
    map.set('b', 2);
    map.set('a', 3);
    map.set('c', 4);
    expect([...map.entries()]).toEqual([
      ['a', 3],
      ['c', 4],
    ]);
    expect(map.get('b')).toBeUndefined();
    expect(map.size).toBe(2);
    map.delete('a');
    expect(map.get('a')).toBeUndefined();
  });

  it('refuses a capacity that is not a non-negative integer', () => {
    expect(() => new BoundedMap(-1)).toThrow(InvalidConfigError);
    expect(() => new BoundedMap(Number.NaN)).toThrow(expect.objectContaining({ field: 'capacity' }));
    expect(new BoundedMap(0).size).toBe(0);
  });
});
