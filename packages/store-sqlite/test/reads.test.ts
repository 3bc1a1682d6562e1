import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteSessionStore, type SqliteSessionStore } from '../src/index.js';

// Every statement a call runs (better-sqlite3's `verbose` hook hands it over with its values filled in) is
// explained with EXPLAIN QUERY PLAN, so the test sees which rows of the messages table it can read.
const HISTORY = 10_000;
let sent: string[] | null = null;
const db = new Database(':memory:', { verbose: (sql) => sent?.push(String(sql)) });
let store: SqliteSessionStore;

beforeAll(async () => {
  store = createSqliteSessionStore({ database: db });
  await store.createSession({ id: 'long', userId: 'u' });
  db.prepare(
    `WITH RECURSIVE n(seq) AS (SELECT 1 UNION ALL SELECT seq + 1 FROM n WHERE seq < ${HISTORY})
     INSERT INTO ccs_messages (session_id, seq, role, content, created_at)
     SELECT 'long', seq, 'user', 'm' || seq, 0 FROM n`,
  ).run();
  db.prepare(`UPDATE ccs_sessions SET next_seq = ${HISTORY + 1} WHERE id = 'long'`).run();
  db.exec('ANALYZE');
});

afterAll(async () => {
  await store.close();
  db.close();
});

/** The query-plan lines that touch the messages table or sort, for every statement `call` ran. */
async function messagePlansOf(call: () => Promise<unknown>): Promise<string[]> {
  sent = [];
  await call();
  const statements = sent.filter((sql) => !/^(BEGIN|COMMIT|ROLLBACK)/.test(sql));
  sent = null;
  expect(statements.length).toBeGreaterThan(0);
  return statements.flatMap((sql) =>
    (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[])
      .map((row) => row.detail)
      .filter((detail) => detail.includes('ccs_messages') || detail.includes('TEMP B-TREE')),
  );
}

describe('with 10,000 messages in the session', () => {
  it('an append never reads the messages table', async () => {
    expect(await messagePlansOf(() => store.appendMessage('long', { role: 'user', content: 'new' }))).toEqual(
      [],
    );
    expect(await store.countMessages('long')).toBe(HISTORY + 1);
  });

  it('counting never reads the messages table', async () => {
    expect(await messagePlansOf(() => store.countMessages('long'))).toEqual([]);
  });

  it('a page reads the messages table only by a seq range of the primary key, without sorting', async () => {
    for (const options of [{ limit: 20 }, { limit: 20, before: 5001 }, { limit: 20, after: 5000 }]) {
      const plans = await messagePlansOf(() => store.listMessages('long', options));
      expect(plans.length).toBeGreaterThan(0);
      for (const plan of plans) {
        expect(plan).toMatch(
          /^SEARCH ccs_messages USING (PRIMARY KEY|INDEX \S+) \(session_id=\? AND seq[<>]\?\)$/,
        );
      }
    }
  });
});
