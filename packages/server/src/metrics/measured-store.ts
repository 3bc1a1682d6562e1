import { ClaudeCodeServerError } from '@claude-code-server/errors';
import type { SessionStore } from '@claude-code-server/store';
import type { ServerMetrics } from './server-metrics.js';

/**
 * The store with every method timed: each call's latency and, when it throws, its error code go to
 * the metrics. Calls run on the store itself (its private fields work); results are not touched.
 */
export function measuredStore(store: SessionStore, metrics: ServerMetrics): SessionStore {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      let measured = wrapped.get(property);
      if (!measured) {
        measured = (...args: unknown[]) => {
          const start = process.hrtime.bigint();
          const seconds = () => Number(process.hrtime.bigint() - start) / 1e9;
          let result: unknown;
          try {
            result = Reflect.apply(value, target, args);
          } catch (error) {
            metrics.storeOperation(property, seconds(), codeOf(error));
            throw error;
          }
          if (!(result instanceof Promise)) return result;
          return result.then(
            (resolved) => {
              metrics.storeOperation(property, seconds());
              return resolved;
            },
            (error: unknown) => {
              metrics.storeOperation(property, seconds(), codeOf(error));
              throw error;
            },
          );
        };
        wrapped.set(property, measured);
      }
      return measured;
    },
  });
}

function codeOf(error: unknown): string {
  return error instanceof ClaudeCodeServerError ? error.code : 'UNKNOWN';
}
