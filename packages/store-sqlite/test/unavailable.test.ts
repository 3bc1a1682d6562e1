import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type SessionStore, StoreUnavailableError } from '@claude-code-server/store';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteSessionStore } from '../src/index.js';
import { makeTempDir } from './temp-database.js';

const files = makeTempDir();
afterAll(files.cleanup);

/** Awaits `call` and returns the StoreUnavailableError it must fail with. */
async function unavailable(call: () => Promise<unknown>): Promise<StoreUnavailableError> {
  const error = await call().then(
    () => new Error('expected StoreUnavailableError, but the call succeeded'),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(StoreUnavailableError);
  expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE' });
  return error as StoreUnavailableError;
}

async function seed(store: SessionStore, id: string): Promise<void> {
  await store.createSession({ id, userId: 'u', project: 'before' });
  await store.appendMessage(id, { role: 'user', content: 'one' });
  await store.appendMessage(id, { role: 'assistant', content: 'two' });
  await store.saveTranscript(id, 'kept\n');
}

async function expectSeedIntact(store: SessionStore, id: string): Promise<void> {
  expect(await store.getSession(id)).toMatchObject({ project: 'before' });
  expect((await store.listMessages(id)).messages.map((message) => message.content)).toEqual(['one', 'two']);
  expect(await store.loadTranscript(id)).toBe('kept\n');
}

describe('when another connection holds the write lock past busy_timeout', () => {
  it('writes fail with StoreUnavailableError (SQLITE_BUSY), reads go on, and writes resume after', async () => {
    const path = files.file();
    const store = createSqliteSessionStore({ path, busyTimeoutMs: 100 });
    await seed(store, 's');
    const blocker = new Database(path);
    blocker.exec('BEGIN EXCLUSIVE');

    const error = await unavailable(() => store.appendMessage('s', { role: 'user', content: 'three' }));
    expect(error.cause).toMatchObject({ code: 'SQLITE_BUSY' });
    expect(error.message).toContain('SQLITE_BUSY');
    await unavailable(() => store.updateSession('s', { project: 'during' }));
    await unavailable(() => store.saveTranscript('s', 'lost\n'));
    await unavailable(() => store.createSession({ id: 'new', userId: 'u' }));
    await unavailable(() => store.acquireLease('s', 'a', 1000));
    // Bad input is still named as such: it is checked before the file is touched.
    await expect(store.appendMessage('s', { role: 'robot' as never, content: 'x' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      field: 'role',
    });
    // WAL readers do not wait for writers.
    await expectSeedIntact(store, 's');

    blocker.exec('ROLLBACK');
    blocker.close();
    await expectSeedIntact(store, 's');
    expect((await store.appendMessage('s', { role: 'user', content: 'three' })).seq).toBe(3);
    expect(await store.createSession({ id: 'new', userId: 'u' })).toMatchObject({ id: 'new' });
    await store.close();
  });

  it('a store first opened while the lock is held fails, then opens once it is released', async () => {
    const path = files.file();
    const blocker = new Database(path);
    blocker.pragma('journal_mode = WAL');
    blocker.exec('BEGIN EXCLUSIVE');
    const store = createSqliteSessionStore({ path, busyTimeoutMs: 50 });
    await unavailable(() => store.getSession('s'));
    blocker.exec('COMMIT');
    blocker.close();
    await seed(store, 's');
    await expectSeedIntact(store, 's');
    await store.close();
  });
});

describe('when the disk fills up in the middle of a write', () => {
  it('the write fails with StoreUnavailableError (SQLITE_FULL) and leaves no trace', async () => {
    const db = new Database(files.file());
    const store = createSqliteSessionStore({ database: db });
    await seed(store, 's');
    // The session row is updated before the message row is inserted: a full disk hits in between.
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true })}`);
    const big = 'x'.repeat(1024 * 1024);

    const error = await unavailable(() => store.appendMessage('s', { role: 'user', content: big }));
    expect(error.cause).toMatchObject({ code: 'SQLITE_FULL' });
    await unavailable(() => store.saveTranscript('s', big));
    await unavailable(() => store.appendTranscript('s', big));
    await expectSeedIntact(store, 's');
    expect(await store.countMessages('s')).toBe(2);

    db.pragma('max_page_count = 1073741823');
    expect((await store.appendMessage('s', { role: 'user', content: big })).seq).toBe(3);
    await store.appendTranscript('s', 'more\n');
    expect(await store.loadTranscript('s')).toBe('kept\nmore\n');
    await store.close();
    db.close();
  });
});

describe('when the file goes away', () => {
  it('fails with StoreUnavailableError while its directory is gone, and carries on when it is back', async () => {
    const dir = join(files.dir, 'moving');
    const away = join(files.dir, 'moved-away');
    mkdirSync(dir);
    const store = createSqliteSessionStore({ path: join(dir, 'sessions.db') });
    await seed(store, 's');

    renameSync(dir, away);
    const error = await unavailable(() => store.appendMessage('s', { role: 'user', content: 'lost' }));
    expect(error.message).toContain('sessions.db');
    await unavailable(() => store.getSession('s'));
    await unavailable(() => store.createSession({ id: 'during', userId: 'u' }));

    renameSync(away, dir);
    await expectSeedIntact(store, 's');
    expect(await store.getSession('during')).toBeNull();
    expect((await store.appendMessage('s', { role: 'user', content: 'three' })).seq).toBe(3);
    await store.close();
  });

  it('starts on a fresh file when the directory is recreated after being removed', async () => {
    const dir = join(files.dir, 'removed');
    mkdirSync(dir);
    const store = createSqliteSessionStore({ path: join(dir, 'sessions.db') });
    await seed(store, 's');
    rmSync(dir, { recursive: true });
    await unavailable(() => store.appendMessage('s', { role: 'user', content: 'lost' }));
    mkdirSync(dir);
    expect(await store.getSession('s')).toBeNull();
    await seed(store, 's');
    await expectSeedIntact(store, 's');
    await store.close();
  });

  it('a file that is not a database gives StoreUnavailableError (SQLITE_NOTADB) until it is replaced', async () => {
    const path = files.file();
    writeFileSync(path, 'this is not a database, just text long enough to look like a header.'.repeat(20));
    const store = createSqliteSessionStore({ path });
    const error = await unavailable(() => store.getSession('s'));
    expect(error.cause).toMatchObject({ code: 'SQLITE_NOTADB' });
    rmSync(path);
    await seed(store, 's');
    await expectSeedIntact(store, 's');
    await store.close();
  });
});
