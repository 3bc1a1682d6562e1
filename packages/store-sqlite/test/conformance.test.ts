import { runSessionStoreConformance } from '@claude-code-server/store/testing';
import { createSqliteSessionStore } from '../src/index.js';
import { makeTempDir } from './temp-database.js';

const files = makeTempDir();
runSessionStoreConformance('SqliteSessionStore', {
  create: ({ namespace, ttlMs }) =>
    createSqliteSessionStore({ path: files.file('conformance.db'), tablePrefix: `${namespace}_`, ttlMs }),
  cleanup: files.cleanup,
});
