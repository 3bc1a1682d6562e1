export {
  DEFAULT_BUSY_TIMEOUT_MS,
  DEFAULT_SQLITE_PATH,
  DEFAULT_TABLE_PREFIX,
  type SqliteSessionStoreOptions,
} from './options.js';
export { SCHEMA_VERSION, type TableNames } from './schema.js';
export { createSqliteSessionStore, SqliteSessionStore } from './sqlite-session-store.js';
