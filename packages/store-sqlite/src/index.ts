export {
  DEFAULT_BUSY_TIMEOUT_MS,
  DEFAULT_SQLITE_PATH,
  DEFAULT_TABLE_PREFIX,
  type SqliteSessionStoreOptions,
} from './sqlite-options.js';
export { SCHEMA_VERSION, type TableNames } from './sqlite-schema.js';
export { createSqliteSessionStore, SqliteSessionStore } from './sqlite-session-store.js';
