import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidInputError, StoreClosedError, StoreUnavailableError } from '@claude-code-server/store';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteSessionStore, SCHEMA_VERSION, SqliteSessionStore } from '../src/index.js';
import { makeTempDir } from './temp-database.js';

const files = makeTempDir();
afterAll(files.cleanup);

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function tableNamesIn(path: string): string[] {
  const db = new Database(path, { readonly: true });
  try {
    return db
      .prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`)
      .pluck()
      .all() as string[];
  } finally {
    db.close();
  }
}

describe('SqliteSessionStore on a file', () => {
  it('opens the file in WAL mode with foreign keys on, and closes it on close()', async () => {
    const path = files.file();
    const store = createSqliteSessionStore({ path });
    await store.createSession({ id: 's1', userId: 'u' });
    const db = new Database(path);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    expect(existsSync(`${path}-wal`)).toBe(true);
    await store.close();
    // The last connection to close checkpoints and removes the WAL file: the store closed what it opened.
    expect(existsSync(`${path}-wal`)).toBe(false);
  });

  it('runs migrations once: reopening and racing opens keep the data and one row per version', async () => {
    const path = files.file();
    const first = createSqliteSessionStore({ path });
    await first.createSession({ id: 'kept', userId: 'u' });
    await first.appendMessage('kept', { role: 'user', content: 'hello' });
    await first.close();

    const reopened = Array.from({ length: 5 }, () => createSqliteSessionStore({ path }));
    await Promise.all(reopened.map((store) => store.getSession('kept')));
    expect(await reopened[0]!.countMessages('kept')).toBe(1);
    await Promise.all(reopened.map((store) => store.close()));

    const db = new Database(path);
    const versions = db.prepare('SELECT version FROM ccs_migrations ORDER BY version').pluck().all();
    db.close();
    expect(versions).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
  });

  it('brings a file of an earlier schema version up to date, keeping its sessions', async () => {
    const path = files.file();
    const first = createSqliteSessionStore({ path });
    await first.createSession({ id: 'old', userId: 'u' });
    await first.close();
    // What a file written before the tasks migration (version 2) looks like.
    const db = new Database(path);
    db.exec('DROP TABLE ccs_tasks; DELETE FROM ccs_migrations WHERE version >= 2');
    db.close();
    const store = createSqliteSessionStore({ path });
    expect(await store.getSession('old')).toMatchObject({ id: 'old' });
    expect(await store.createTask({ id: 't', owner: 'tenant' })).toMatchObject({ id: 't', result: null });
    await store.close();
    expect(tableNamesIn(path)).toContain('ccs_tasks');
  });

  it('refuses a file whose schema is newer than the package', async () => {
    const path = files.file();
    const store = createSqliteSessionStore({ path });
    await store.getSession('x');
    await store.close();
    const db = new Database(path);
    db.prepare(`INSERT INTO ccs_migrations (version, name, applied_at) VALUES (?, 'future', 0)`).run(
      SCHEMA_VERSION + 1,
    );
    db.close();
    const newer = createSqliteSessionStore({ path });
    await expect(newer.getSession('x')).rejects.toThrow(/newer than this package/);
    await expect(newer.getSession('x')).rejects.toBeInstanceOf(StoreUnavailableError);
    await newer.close();
  });

  it('keeps namespaces apart in one file with tablePrefix', async () => {
    const path = files.file();
    const a = createSqliteSessionStore({ path, tablePrefix: 'team_a_' });
    const b = createSqliteSessionStore({ path, tablePrefix: 'team_b_' });
    await a.createSession({ id: 'same', userId: 'u', project: 'a' });
    expect(await b.getSession('same')).toBeNull();
    await b.createSession({ id: 'same', userId: 'u', project: 'b' });
    expect(await a.getSession('same')).toMatchObject({ project: 'a' });
    expect(a.tables.sessions).toBe('team_a_sessions');
    expect(tableNamesIn(path)).toEqual(
      expect.arrayContaining(['team_a_sessions', 'team_a_messages', 'team_b_sessions', 'team_b_leases']),
    );
    await a.close();
    await b.close();
  });

  it('removes expired sessions and their messages from the file when later sessions are created', async () => {
    const path = files.file();
    const store = createSqliteSessionStore({ path, ttlMs: 50 });
    await store.createSession({ id: 'old', userId: 'u' });
    await store.appendMessage('old', { role: 'user', content: 'gone soon' });
    await sleep(120);
    await store.createSession({ id: 'new', userId: 'u' });
    const db = new Database(path, { readonly: true });
    expect(db.prepare('SELECT id FROM ccs_sessions').pluck().all()).toEqual(['new']);
    expect(db.prepare('SELECT count(*) FROM ccs_messages').pluck().get()).toBe(0);
    db.close();
    await store.close();
  });

  it('creates the directory of the default path, taken from SQLITE_PATH', async () => {
    const path = join(files.dir, 'nested', 'deeper', 'env.db');
    const previous = process.env.SQLITE_PATH;
    process.env.SQLITE_PATH = path;
    try {
      const store = createSqliteSessionStore();
      await store.createSession({ id: 's', userId: 'u' });
      await store.close();
    } finally {
      if (previous === undefined) delete process.env.SQLITE_PATH;
      else process.env.SQLITE_PATH = previous;
    }
    expect(tableNamesIn(path)).toContain('ccs_sessions');
  });

  it('ignores SQLITE_PATH when path or database is given', async () => {
    const previous = process.env.SQLITE_PATH;
    // A directory cannot be opened as a database: a store that read this would fail.
    process.env.SQLITE_PATH = files.dir;
    try {
      const path = files.file();
      const fromPath = createSqliteSessionStore({ path });
      await fromPath.createSession({ id: 's', userId: 'u' });
      await fromPath.close();
      expect(tableNamesIn(path)).toContain('ccs_sessions');
      const db = new Database(':memory:');
      const fromHandle = createSqliteSessionStore({ database: db });
      await fromHandle.createSession({ id: 's', userId: 'u' });
      await fromHandle.close();
      db.close();
      const fromEnv = createSqliteSessionStore();
      await expect(fromEnv.getSession('s')).rejects.toBeInstanceOf(StoreUnavailableError);
      await fromEnv.close();
    } finally {
      if (previous === undefined) delete process.env.SQLITE_PATH;
      else process.env.SQLITE_PATH = previous;
    }
  });
});

describe('SqliteSessionStore in memory and on a handle', () => {
  it("works on ':memory:'", async () => {
    const store = new SqliteSessionStore({ path: ':memory:' });
    await store.createSession({ id: 'm', userId: 'u' });
    await store.appendMessage('m', { role: 'user', content: 'in memory' });
    expect((await store.listMessages('m')).messages.map((message) => message.content)).toEqual(['in memory']);
    await store.close();
    await expect(store.getSession('m')).rejects.toBeInstanceOf(StoreClosedError);
  });

  it('uses a handle it is given and leaves it open on close', async () => {
    const db = new Database(files.file());
    const store = createSqliteSessionStore({ database: db, tablePrefix: 'app_' });
    await store.createSession({ id: 'h', userId: 'u' });
    await store.close();
    expect(db.open).toBe(true);
    expect(db.prepare('SELECT id FROM app_sessions').pluck().all()).toEqual(['h']);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });

  it('reports a handle closed under it as unavailable', async () => {
    const db = new Database(':memory:');
    const store = createSqliteSessionStore({ database: db });
    await store.createSession({ id: 'h', userId: 'u' });
    db.close();
    const error = await store.getSession('h').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as StoreUnavailableError).cause).toBeInstanceOf(TypeError);
    await store.close();
  });

  it('reports tables dropped under it as unavailable, naming the driver error', async () => {
    const db = new Database(':memory:');
    const store = createSqliteSessionStore({ database: db });
    await store.createSession({ id: 'h', userId: 'u' });
    db.exec('DROP TABLE ccs_messages');
    const error = await store
      .appendMessage('h', { role: 'user', content: 'x' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE', cause: { code: 'SQLITE_ERROR' } });
    expect((error as Error).message).toMatch(/no such table: ccs_messages/);
    await store.close();
    db.close();
  });
});

describe('options', () => {
  it('rejects bad options naming the option', () => {
    const cases: [Parameters<typeof createSqliteSessionStore>[0], string][] = [
      [{ tablePrefix: 'drop table;' }, 'tablePrefix'],
      [{ tablePrefix: '1abc' }, 'tablePrefix'],
      [{ path: '' }, 'path'],
      [{ path: ':memory:', database: new Database(':memory:') }, 'options'],
      [{ path: ':memory:', busyTimeoutMs: -1 }, 'busyTimeoutMs'],
      [{ path: ':memory:', ttlMs: 0 }, 'ttlMs'],
    ];
    for (const [options, field] of cases) {
      let error: unknown;
      try {
        createSqliteSessionStore(options);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(InvalidInputError);
      expect(error).toMatchObject({ field });
    }
  });
});
