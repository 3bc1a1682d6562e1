export { MIGRATIONS, type Migration } from './migrations.js';
export { DEFAULT_SCHEMA, OWNED_POOL_SETTINGS, type PostgresSessionStoreOptions } from './options.js';
export { createPostgresSessionStore, PostgresSessionStore } from './postgres-session-store.js';
