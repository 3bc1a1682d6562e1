import { afterAll, expect, it } from 'vitest';
import { createPostgresSessionStore, type PostgresSessionStore } from '../src/index.js';
import { eventually } from './support/backends.js';
import { DATABASE_URL, dropSchemas, uniqueSchemaPrefix, withAdmin } from './support/database.js';

const schema = `${uniqueSchemaPrefix('ccs_expiry')}_store`;
const stores: PostgresSessionStore[] = [];
afterAll(async () => {
  await Promise.allSettled(stores.map((store) => store.close()));
  await dropSchemas(schema);
});

function open(ttlMs?: number): PostgresSessionStore {
  const store = createPostgresSessionStore({ url: DATABASE_URL, schema, ttlMs });
  stores.push(store);
  return store;
}

/** Rows physically present for `id`, expired or not, per table. */
function rowsFor(id: string): Promise<Record<string, number>> {
  return withAdmin(async (client) => {
    const counts: Record<string, number> = {};
    for (const [table, column] of [
      ['sessions', 'id'],
      ['messages', 'session_id'],
      ['transcripts', 'session_id'],
      ['leases', 'session_id'],
    ] as const) {
      const { rows } = await client.query(
        `SELECT count(*)::int AS n FROM "${schema}".${table} WHERE ${column} = $1`,
        [id],
      );
      counts[table] = rows[0].n;
    }
    return counts;
  });
}

it('expired sessions and leases are invisible at once and deleted later, by a sweep', async () => {
  const store = open(300);
  await store.createSession({ id: 'swept', userId: 'u' });
  await store.appendMessage('swept', { role: 'user', content: 'x' });
  await store.saveTranscript('swept', 'x\n');
  await store.acquireLease('swept', 'owner', 200);
  const forever = open();
  await forever.createSession({ id: 'forever', userId: 'u' });
  await new Promise((resolve) => setTimeout(resolve, 500));

  // Already gone for every call, though the rows are still there: this store swept before they expired.
  expect(await store.getSession('swept')).toBeNull();
  expect(await rowsFor('swept')).toEqual({ sessions: 1, messages: 1, transcripts: 1, leases: 1 });

  // A store's first call starts a sweep; the rows of the expired session go with it.
  expect(await open().getSession('forever')).not.toBeNull();
  const emptied = await eventually(async () => {
    const counts = await rowsFor('swept');
    return Object.values(counts).every((count) => count === 0) ? counts : null;
  });
  expect(emptied).toEqual({ sessions: 0, messages: 0, transcripts: 0, leases: 0 });
  expect(await forever.getSession('forever')).not.toBeNull();
});
