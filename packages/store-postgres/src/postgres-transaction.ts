import { StoreError } from '@claude-code-server/store';
import type pg from 'pg';

/** Runs `body` in one transaction on one pooled connection: committed if it returns, rolled back if it throws. */
export async function withTransaction<T>(
  pool: pg.Pool,
  body: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await body(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    // A driver error may have broken the connection: handing it to release() makes the pool discard it.
    if (!(error instanceof StoreError)) broken = error instanceof Error ? error : new Error(String(error));
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release(broken);
  }
}
