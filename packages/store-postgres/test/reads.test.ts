import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresSessionStore, type PostgresSessionStore } from '../src/index.js';
import { DATABASE_URL, dropSchemas, uniqueSchemaPrefix, withAdmin } from './support/database.js';

// Every statement a call sends is recorded and then run again under EXPLAIN ANALYZE (rolled back), so
// the test sees how many message rows the call really reads, with 10,000 messages in the session.
const schema = `${uniqueSchemaPrefix('ccs_reads')}_store`;
const HISTORY = 10_000;
const pool = new pg.Pool({ connectionString: DATABASE_URL });
let sent: { text: string; values: unknown[] }[] = [];
const send = pool.query.bind(pool) as (config: pg.QueryConfig) => Promise<pg.QueryResult>;
pool.query = ((config: pg.QueryConfig) => {
  sent.push({ text: config.text, values: config.values ?? [] });
  return send(config);
}) as unknown as typeof pool.query;
let store: PostgresSessionStore;

beforeAll(async () => {
  store = createPostgresSessionStore({ pool, schema });
  await store.createSession({ id: 'long', userId: 'u' });
  await withAdmin(async (client) => {
    await client.query(
      `INSERT INTO "${schema}".messages (session_id, seq, role, content, created_at)
       SELECT 'long', n, 'user', 'm' || n, now() FROM generate_series(1, ${HISTORY}) AS n`,
    );
    await client.query(`UPDATE "${schema}".sessions SET next_seq = ${HISTORY + 1} WHERE id = 'long'`);
    await client.query(`ANALYZE "${schema}".sessions, "${schema}".messages`);
  });
});

afterAll(async () => {
  await store.close();
  await pool.end();
  await dropSchemas(schema);
});

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
}

/** Rows of the messages table that plan nodes other than the insert itself read. */
function messageRowsRead(node: PlanNode): number {
  const own =
    node['Relation Name'] === 'messages' && node['Node Type'] !== 'ModifyTable'
      ? node['Actual Rows'] * node['Actual Loops'] + (node['Rows Removed by Filter'] ?? 0)
      : 0;
  return own + (node.Plans ?? []).reduce((sum, child) => sum + messageRowsRead(child), 0);
}

/** The message rows each statement of `call` read, measured by re-running it under EXPLAIN ANALYZE. */
async function messageRowsReadBy(call: () => Promise<unknown>): Promise<number[]> {
  sent = [];
  await call();
  const statements = sent;
  expect(statements.length).toBeGreaterThan(0);
  return withAdmin(async (client) => {
    const counts: number[] = [];
    for (const { text, values } of statements) {
      await client.query('BEGIN');
      const { rows } = await client.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${text}`, values);
      await client.query('ROLLBACK');
      counts.push(messageRowsRead(rows[0]['QUERY PLAN'][0].Plan));
    }
    return counts;
  });
}

describe('with 10,000 messages in the session', () => {
  it('an append reads none of them', async () => {
    const counts = await messageRowsReadBy(() =>
      store.appendMessage('long', { role: 'assistant', content: 'new' }),
    );
    expect(counts).toEqual(counts.map(() => 0));
    expect(await store.countMessages('long')).toBe(HISTORY + 1);
  });

  it('a page reads at most one row more than it returns', async () => {
    for (const options of [{ limit: 20 }, { limit: 20, before: 5001 }, { limit: 20, after: 5000 }]) {
      const counts = await messageRowsReadBy(() => store.listMessages('long', options));
      for (const count of counts) expect(count).toBeLessThanOrEqual(21);
      expect(counts.some((count) => count > 0)).toBe(true);
    }
  });

  it('counting reads none of them', async () => {
    expect(await messageRowsReadBy(() => store.countMessages('long'))).toEqual([0]);
  });
});
