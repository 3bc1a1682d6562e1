import { randomUUID } from 'node:crypto';
import pg from 'pg';

export const DATABASE_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

/** A schema-name prefix no other test run uses. */
export function uniqueSchemaPrefix(label = 'ccs_test'): string {
  return `${label}_${randomUUID().replaceAll('-', '').slice(0, 10)}`;
}

/** Runs `body` on a short-lived admin connection of its own. */
export async function withAdmin<T>(body: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    return await body(client);
  } finally {
    await client.end();
  }
}

/** Drops every schema whose name starts with `prefix` (the ones a test run created). */
export async function dropSchemas(prefix: string): Promise<void> {
  await withAdmin(async (client) => {
    const { rows } = await client.query<{ name: string }>(
      'SELECT nspname AS name FROM pg_namespace WHERE starts_with(nspname, $1)',
      [prefix],
    );
    for (const { name } of rows) await client.query(`DROP SCHEMA "${name.replaceAll('"', '""')}" CASCADE`);
  });
}
