import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import {
  ConflictError,
  InvalidInputError,
  SessionNotFoundError,
  StoreClosedError,
  StoreError,
} from '../errors.js';
import type { SessionStore } from '../types.js';

/** What the suite asks a factory for. */
export interface SessionStoreFactoryOptions {
  /**
   * Stores made with the same namespace share data (where the backend can); stores made with different
   * namespaces never see each other's data. A short lowercase identifier (/^[a-z][a-z0-9_]{0,15}$/), meant
   * to become part of a key prefix or schema name that is unique to the test run.
   */
  namespace: string;
  /** The store's `ttlMs` option; undefined means sessions never expire. */
  ttlMs?: number;
}

export interface SessionStoreConformanceOptions {
  /** Makes a store; called many times (every store it returns is closed by the suite). */
  create(options: SessionStoreFactoryOptions): Promise<SessionStore> | SessionStore;
  /**
   * Whether two stores made with the same namespace share data, as two processes on one Redis, database
   * or file do. False for in-process stores: the cross-instance tests are skipped. Default true.
   */
  sharedNamespace?: boolean;
  /** The short TTL the expiry tests use, in ms (default 300); sliding tests use three times it. */
  expiryTtlMs?: number;
  /** Runs once after the suite, e.g. to drop the schemas or keys the namespaces created. */
  cleanup?: () => Promise<void> | void;
}

/** Per-suite helpers: opening stores (closed after each test) and unique ids. */
export interface Harness {
  open(options?: Partial<SessionStoreFactoryOptions>): Promise<SessionStore>;
  /** A session id no other test or run uses. */
  id(label?: string): string;
  /** A user id no other test or run uses. */
  userId(label?: string): string;
  closeAll(): Promise<void>;
  readonly expiryTtlMs: number;
  readonly sharedNamespace: boolean;
}

export function createHarness(options: SessionStoreConformanceOptions): Harness {
  const run = randomUUID().slice(0, 8);
  let counter = 0;
  let open: SessionStore[] = [];
  return {
    async open(overrides = {}) {
      const store = await options.create({ namespace: 'main', ...overrides });
      open.push(store);
      return store;
    },
    id: (label = 's') => `${label}-${run}-${++counter}`,
    userId: (label = 'user') => `${label} ${run} ${++counter}`,
    async closeAll() {
      const stores = open;
      open = [];
      await Promise.allSettled(stores.map((store) => store.close()));
    },
    expiryTtlMs: options.expiryTtlMs ?? 300,
    sharedNamespace: options.sharedNamespace ?? true,
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Awaits `call` (a synchronous throw counts as a rejection) and returns what it threw. */
export async function caught(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

export async function expectInvalidInput(call: () => Promise<unknown>, field: string): Promise<void> {
  const error = await caught(call);
  expect(error).toBeInstanceOf(InvalidInputError);
  expect(error).toBeInstanceOf(StoreError);
  expect(error).toMatchObject({ code: 'INVALID_INPUT', field });
}

export async function expectSessionNotFound(call: () => Promise<unknown>, sessionId: string): Promise<void> {
  const error = await caught(call);
  expect(error).toBeInstanceOf(SessionNotFoundError);
  expect(error).toBeInstanceOf(StoreError);
  expect(error).toMatchObject({ code: 'SESSION_NOT_FOUND', sessionId });
}

export async function expectConflict(call: () => Promise<unknown>): Promise<void> {
  const error = await caught(call);
  expect(error).toBeInstanceOf(ConflictError);
  expect(error).toBeInstanceOf(StoreError);
  expect(error).toMatchObject({ code: 'CONFLICT' });
}

export async function expectClosed(call: () => Promise<unknown>): Promise<void> {
  const error = await caught(call);
  expect(error).toBeInstanceOf(StoreClosedError);
  expect(error).toMatchObject({ code: 'STORE_CLOSED' });
}
