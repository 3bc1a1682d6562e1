import type pg from 'pg';

// Every value comes back as the server's text, whatever type parsers the application installed globally
// in pg (a passed-in pool shares them); the store parses it itself. Times arrive as epoch ms.
const RAW_TEXT: pg.CustomTypesConfig = { getTypeParser: () => (value: string) => value };

/** A query whose values come back as raw text (or null). */
export async function queryRows<R extends pg.QueryResultRow>(
  db: pg.Pool | pg.PoolClient,
  text: string,
  values: unknown[] = [],
): Promise<pg.QueryResult<R>> {
  return db.query<R>({ text, values, types: RAW_TEXT });
}
