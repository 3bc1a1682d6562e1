import { runSessionStoreConformance } from '@claude-code-server/store/testing';
import { createPostgresSessionStore } from '../src/index.js';
import { DATABASE_URL, dropSchemas, uniqueSchemaPrefix } from './support/database.js';

const prefix = uniqueSchemaPrefix();
runSessionStoreConformance('PostgresSessionStore', {
  create: ({ namespace, ttlMs }) =>
    createPostgresSessionStore({ url: DATABASE_URL, schema: `${prefix}_${namespace}`, ttlMs }),
  cleanup: () => dropSchemas(prefix),
});
