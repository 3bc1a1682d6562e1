export { DEFAULT_SCHEMA, OWNED_POOL_SETTINGS, type PostgresSessionStoreOptions } from './postgres-options.js';
export { MIGRATIONS, type Migration } from './postgres-schema.js';
export { createPostgresSessionStore, PostgresSessionStore } from './postgres-session-store.js';
