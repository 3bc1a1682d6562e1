import { InvalidConfigError } from './errors.js';

/** A Map that forgets its oldest entries beyond `capacity` (re-setting a key makes it newest). */
export class BoundedMap<K, V> {
  private readonly map = new Map<K, V>();

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) {
      throw new InvalidConfigError('capacity', 'must be a non-negative integer');
    }
  }

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.capacity) {
      const oldest = this.map.keys().next();
      if (oldest.done) break;
      this.map.delete(oldest.value);
    }
  }

  delete(key: K): void {
    this.map.delete(key);
  }

  /** Entries from oldest to newest. */
  entries(): IterableIterator<[K, V]> {
    return this.map.entries();
  }
}
