import { StoreUnavailableError } from '@claude-code-server/store';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresSessionStore, MIGRATIONS, type PostgresSessionStore } from '../src/index.js';
import { runMigrations } from '../src/postgres-migrator.js';
import { DATABASE_URL, dropSchemas, uniqueSchemaPrefix, withAdmin } from './support/database.js';

const prefix = uniqueSchemaPrefix('ccs_migr');
let schemaCount = 0;
const freshSchema = () => `${prefix}_${++schemaCount}`;
const stores: PostgresSessionStore[] = [];

function open(schema: string, options: { migrate?: boolean } = {}): PostgresSessionStore {
  const store = createPostgresSessionStore({ url: DATABASE_URL, schema, ...options });
  stores.push(store);
  return store;
}

afterAll(async () => {
  await Promise.allSettled(stores.map((store) => store.close()));
  await dropSchemas(prefix);
});

async function tablesIn(schema: string): Promise<string[]> {
  return withAdmin(async (client) => {
    const { rows } = await client.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`,
      [schema],
    );
    return rows.map((row) => row.name);
  });
}

describe('migrations', () => {
  it('create the schema, its tables and the migration record, and do nothing the second time', async () => {
    const schema = freshSchema();
    const store = open(schema, { migrate: false });
    expect(await tablesIn(schema)).toEqual([]);
    expect(await store.migrate()).toEqual(MIGRATIONS.map((migration) => migration.version));
    expect(await tablesIn(schema)).toEqual([
      'leases',
      'messages',
      'schema_migrations',
      'sessions',
      'tasks',
      'transcripts',
    ]);
    const recorded = await withAdmin((client) =>
      client.query(`SELECT version, name FROM "${schema}".schema_migrations ORDER BY version`),
    );
    expect(recorded.rows).toEqual(MIGRATIONS.map(({ version, name }) => ({ version, name })));

    await store.createSession({ id: 'kept', userId: 'u' });
    await store.appendMessage('kept', { role: 'user', content: 'survives a second migrate' });
    expect(await store.migrate()).toEqual([]);
    expect(await open(schema).migrate()).toEqual([]);
    expect((await store.listMessages('kept')).messages.map((message) => message.content)).toEqual([
      'survives a second migrate',
    ]);
  });

  it('apply each version once when several processes migrate the same schema at once', async () => {
    const schema = freshSchema();
    const racers = Array.from({ length: 6 }, () => open(schema, { migrate: false }));
    const applied = await Promise.all(racers.map((store) => store.migrate()));
    expect(applied.flat()).toEqual(MIGRATIONS.map((migration) => migration.version));
    expect(applied.filter((versions) => versions.length > 0)).toHaveLength(1);
    await racers[0]!.createSession({ id: 's', userId: 'u' });
    expect(await racers[5]!.getSession('s')).toMatchObject({ id: 's' });
  });

  it('run on first use by default, also when the first calls arrive together', async () => {
    const schema = freshSchema();
    const store = open(schema);
    const sessions = await Promise.all(
      Array.from({ length: 8 }, (_, i) => store.createSession({ id: `first-${i}`, userId: 'u' })),
    );
    expect(sessions).toHaveLength(8);
    expect(await tablesIn(schema)).toContain('sessions');
  });

  it('with migrate: false, calls on an unmigrated schema say to migrate', async () => {
    const schema = freshSchema();
    const store = open(schema, { migrate: false });
    const error = await store.getSession('s').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toMatch(/store\.migrate\(\)/);
    expect((error as Error).cause).toMatchObject({ code: '42P01' });
    await store.migrate();
    expect(await store.getSession('s')).toBeNull();
  });

  it('leave nothing behind when one fails: the versions before it neither', async () => {
    const schema = freshSchema();
    const failing = [
      ...MIGRATIONS,
      {
        version: 1000,
        name: 'half done',
        sql: (s: string) => `CREATE TABLE ${s}.extra (x int); SELECT 1 / 0`,
      },
    ];
    const pool = new pg.Pool({ connectionString: DATABASE_URL });
    try {
      await expect(runMigrations(pool, schema, failing)).rejects.toMatchObject({ code: '22012' });
      expect(await tablesIn(schema)).toEqual([]);
      expect(await runMigrations(pool, schema)).toEqual(MIGRATIONS.map((migration) => migration.version));
    } finally {
      await pool.end();
    }
  });

  it('bring a schema of an earlier version up to date, keeping its sessions', async () => {
    const schema = freshSchema();
    const pool = new pg.Pool({ connectionString: DATABASE_URL });
    try {
      expect(await runMigrations(pool, schema, MIGRATIONS.slice(0, 1))).toEqual([1]);
      const store = createPostgresSessionStore({ pool, schema, migrate: false });
      await store.createSession({ id: 'old', userId: 'u' });
      expect(await store.migrate()).toEqual(MIGRATIONS.slice(1).map((migration) => migration.version));
      expect(await store.getSession('old')).toMatchObject({ id: 'old' });
      expect(await store.createTask({ id: 't', owner: 'tenant' })).toMatchObject({ id: 't', result: null });
      await store.close();
    } finally {
      await pool.end();
    }
  });

  it('create the indexes the queries use', async () => {
    const schema = freshSchema();
    await open(schema).migrate();
    const indexes = await withAdmin(async (client) => {
      const { rows } = await client.query<{ name: string; definition: string }>(
        'SELECT indexname AS name, indexdef AS definition FROM pg_indexes WHERE schemaname = $1',
        [schema],
      );
      return Object.fromEntries(rows.map((row) => [row.name, row.definition.replace(/^.* USING /, '')]));
    });
    expect(indexes).toMatchObject({
      sessions_pkey: 'btree (id)',
      sessions_user_recent_idx: 'btree (user_id, last_active_at DESC, id DESC)',
      sessions_expires_at_idx: 'btree (expires_at) WHERE (expires_at IS NOT NULL)',
      messages_pkey: 'btree (session_id, seq)',
      transcripts_pkey: 'btree (session_id, chunk)',
      leases_pkey: 'btree (session_id)',
      leases_expires_at_idx: 'btree (expires_at)',
      tasks_pkey: 'btree (owner, id)',
    });
  });

  it('quote the schema name: any characters work and stay apart from similar names', async () => {
    const odd = `${prefix} Odd "quoted"; DROP`;
    const plain = `${prefix}_odd`;
    const [a, b] = [open(odd), open(plain)];
    await a.createSession({ id: 's', userId: 'u', project: 'odd' });
    await b.createSession({ id: 's', userId: 'u', project: 'plain' });
    expect(await a.getSession('s')).toMatchObject({ project: 'odd' });
    expect(await b.getSession('s')).toMatchObject({ project: 'plain' });
    expect(await tablesIn(odd)).toContain('sessions');
  });
});

describe('options', () => {
  it('reject bad options naming them', () => {
    expect(() => createPostgresSessionStore({ url: DATABASE_URL, schema: '' })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', field: 'schema' }),
    );
    expect(() => createPostgresSessionStore({ url: DATABASE_URL, schema: 'x'.repeat(64) })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', field: 'schema' }),
    );
    expect(() => createPostgresSessionStore({ url: DATABASE_URL, schema: 'pg_sessions' })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', field: 'schema' }),
    );
    expect(() => createPostgresSessionStore({ url: DATABASE_URL, ttlMs: 0 })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', field: 'ttlMs' }),
    );
    const pool = new pg.Pool({ connectionString: DATABASE_URL });
    expect(() => createPostgresSessionStore({ url: DATABASE_URL, pool })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', field: 'options' }),
    );
    return pool.end();
  });

  it('read DATABASE_URL only when neither url nor pool is given', async () => {
    const saved = process.env.DATABASE_URL;
    try {
      delete process.env.DATABASE_URL;
      expect(() => createPostgresSessionStore({})).toThrow(
        expect.objectContaining({ code: 'INVALID_INPUT', field: 'url' }),
      );
      // Nothing listens on port 1: a store that read this would fail.
      process.env.DATABASE_URL = 'postgres://postgres@127.0.0.1:1/test';
      const fromUrl = open(freshSchema());
      const pool = new pg.Pool({ connectionString: DATABASE_URL });
      const fromPool = createPostgresSessionStore({ pool, schema: freshSchema() });
      expect(await fromPool.getSession('s')).toBeNull();
      await fromPool.close();
      await pool.end();
      expect(await fromUrl.getSession('s')).toBeNull();
      process.env.DATABASE_URL = DATABASE_URL;
      const fromEnv = createPostgresSessionStore({ schema: freshSchema() });
      stores.push(fromEnv);
      expect(await fromEnv.getSession('s')).toBeNull();
    } finally {
      if (saved === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = saved;
    }
  });
});
