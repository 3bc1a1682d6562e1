import { type SessionStore, StoreUnavailableError } from '@claude-code-server/store';
import { createMemorySessionStore } from '@claude-code-server/store-memory';

/**
 * A memory store whose chosen operations fail (as if the server were away) while `failing` holds
 * their name, and which records every write it took.
 */
export function createFlakyStore(): {
  store: SessionStore;
  failing: Set<keyof SessionStore>;
  writes: string[];
} {
  const memory = createMemorySessionStore();
  const failing = new Set<keyof SessionStore>();
  const writes: string[] = [];
  const store = new Proxy(memory, {
    get(target, name) {
      const value = Reflect.get(target, name) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (failing.has(name as keyof SessionStore)) {
          return Promise.reject(new StoreUnavailableError(`${String(name)}: connection refused`));
        }
        if (/^(save|append|update)/.test(String(name))) writes.push(String(name));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store, failing, writes };
}
