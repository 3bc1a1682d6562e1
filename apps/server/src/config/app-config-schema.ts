import { z } from 'zod';

export const STORE_TYPES = ['memory', 'sqlite', 'redis', 'postgres'] as const;
export type StoreType = (typeof STORE_TYPES)[number];

export const DEFAULT_PORT = 8000;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_SQLITE_PATH = './data/sessions.db';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
export const DEFAULT_PROJECT_NAME = 'default';
export const DEFAULT_PROJECT_PATH = './data/projects/default';
export const DEFAULT_SHUTDOWN_DEADLINE_MS = 30_000;

const ttlMs = z.number().int().positive().optional();

const memoryStoreSchema = z.strictObject({ type: z.literal('memory'), ttl_ms: ttlMs });
const sqliteStoreSchema = z.strictObject({
  type: z.literal('sqlite'),
  path: z.string().min(1).default(DEFAULT_SQLITE_PATH),
  table_prefix: z.string().min(1).optional(),
  busy_timeout_ms: z.number().int().nonnegative().optional(),
  ttl_ms: ttlMs,
});
const redisStoreSchema = z.strictObject({
  type: z.literal('redis'),
  url: z.string().min(1).default(DEFAULT_REDIS_URL),
  key_prefix: z.string().optional(),
  ttl_ms: ttlMs,
});
const postgresStoreSchema = z.strictObject({
  type: z.literal('postgres'),
  url: z.string({
    error: (issue) => (issue.input === undefined ? 'is required (or set DATABASE_URL)' : undefined),
  }),
  schema: z.string().min(1).optional(),
  ttl_ms: ttlMs,
});

/** Where sessions, messages, transcripts and tasks are kept. */
export const storeConfigSchema = z.preprocess(
  // `type` may be left out: SQLite is the default.
  (value) =>
    value !== null && typeof value === 'object' && !Array.isArray(value) && !('type' in value)
      ? { type: 'sqlite', ...value }
      : value,
  z.discriminatedUnion('type', [memoryStoreSchema, sqliteStoreSchema, redisStoreSchema, postgresStoreSchema]),
);

/** Where the app listens and how long a shutdown waits for running turns. */
export const listenConfigSchema = z.strictObject({
  host: z.string().min(1).default(DEFAULT_HOST),
  port: z.number().int().min(0).max(65_535).default(DEFAULT_PORT),
  shutdown_deadline_ms: z.number().int().nonnegative().max(3_600_000).default(DEFAULT_SHUTDOWN_DEADLINE_MS),
});

/** The app's own keys; every other top-level key belongs to the server's options. */
export const appOwnedConfigSchema = z.object({
  server: listenConfigSchema.default({
    host: DEFAULT_HOST,
    port: DEFAULT_PORT,
    shutdown_deadline_ms: DEFAULT_SHUTDOWN_DEADLINE_MS,
  }),
  store: storeConfigSchema.default({ type: 'sqlite', path: DEFAULT_SQLITE_PATH }),
  /** Only `log.pretty` is the app's; the rest of `log` goes to the server. */
  log: z.object({ pretty: z.boolean().default(false) }).default({ pretty: false }),
  /** The web console at /console. */
  console: z.strictObject({ enabled: z.boolean().default(true) }).default({ enabled: true }),
});

export type StoreConfig = z.output<typeof storeConfigSchema>;
export type ListenConfig = z.output<typeof listenConfigSchema>;
export const APP_OWNED_KEYS = ['server', 'store', 'console'] as const;
