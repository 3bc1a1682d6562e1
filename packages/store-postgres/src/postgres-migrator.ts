import type pg from 'pg';
import { quoteIdentifier } from './postgres-identifiers.js';
import { MIGRATIONS, type Migration } from './postgres-schema.js';
import { withTransaction } from './postgres-transaction.js';

/**
 * Brings `schema` up to date and returns the versions it applied (empty when it already was). One
 * transaction under an advisory lock keyed by the schema name, so processes that migrate at the same
 * time apply each version once and a failed migration leaves nothing behind.
 */
export async function runMigrations(
  pool: pg.Pool,
  schema: string,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number[]> {
  const s = quoteIdentifier(schema);
  return withTransaction(pool, async (client) => {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('claude-code-server:migrate'), hashtext($1))", [
      schema,
    ]);
    // Checked first: CREATE SCHEMA IF NOT EXISTS needs the CREATE privilege even when the schema exists.
    const existing = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    if (existing.rowCount === 0) await client.query(`CREATE SCHEMA ${s}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${s}.schema_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`,
    );
    const done = await client.query<{ version: number }>(`SELECT version FROM ${s}.schema_migrations`);
    const doneVersions = new Set(done.rows.map((row) => Number(row.version)));
    const applied: number[] = [];
    for (const migration of migrations) {
      if (doneVersions.has(migration.version)) continue;
      await client.query(migration.sql(s));
      await client.query(`INSERT INTO ${s}.schema_migrations (version, name) VALUES ($1, $2)`, [
        migration.version,
        migration.name,
      ]);
      applied.push(migration.version);
    }
    return applied;
  });
}

/** Migrations on first use when `auto`: one in-flight run shared by every caller, retried after a failure. */
export class SchemaMigrator {
  #ready: Promise<void> | null = null;

  constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
    private readonly auto: boolean,
  ) {}

  /** Resolves once the schema is up to date (at once without `auto`). */
  ready(): Promise<void> {
    if (!this.auto) return Promise.resolve();
    this.#ready ??= runMigrations(this.pool, this.schema).then(
      () => {},
      (error: unknown) => {
        this.#ready = null;
        throw error;
      },
    );
    return this.#ready;
  }

  /** Applies pending migrations now; the versions applied. */
  async migrate(): Promise<number[]> {
    const applied = await runMigrations(this.pool, this.schema);
    this.#ready = Promise.resolve();
    return applied;
  }
}
