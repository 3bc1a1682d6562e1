import { StoreUnavailableError } from '@claude-code-server/store';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createPostgresSessionStore, type PostgresSessionStore } from '../src/index.js';
import {
  backendsOf,
  eventually,
  terminateBackends,
  uniqueApplicationName,
  withApplicationName,
} from './support/backends.js';
import { DATABASE_URL, dropSchemas, uniqueSchemaPrefix } from './support/database.js';
import { TcpProxy } from './support/tcp-proxy.js';

const schema = `${uniqueSchemaPrefix('ccs_conn')}_store`;
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.allSettled(cleanups.splice(0).map((cleanup) => cleanup()));
});
afterAll(() => dropSchemas(schema));

function open(url: string): PostgresSessionStore {
  const store = createPostgresSessionStore({ url, schema });
  cleanups.push(() => store.close());
  return store;
}

async function startProxy(): Promise<TcpProxy> {
  const proxy = await TcpProxy.start(DATABASE_URL);
  cleanups.push(() => proxy.close());
  return proxy;
}

async function rejection(promise: Promise<unknown>): Promise<StoreUnavailableError> {
  const error = await promise.then(
    () => new Error('expected the call to fail, but it succeeded'),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(StoreUnavailableError);
  expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE' });
  expect((error as Error).cause).toBeDefined();
  return error as StoreUnavailableError;
}

/** A session with three messages, through `store`. */
async function sessionWithThreeMessages(store: PostgresSessionStore, id: string): Promise<void> {
  await store.createSession({ id, userId: 'u' });
  for (const content of ['one', 'two', 'three']) await store.appendMessage(id, { role: 'user', content });
}

/**
 * Starts an append that stops after taking its seq and before writing its message row (an admin
 * transaction locks the messages table): the point where a non-atomic append would leave a gap.
 * Resolves once the append's backend waits on that lock.
 */
async function startBlockedAppend(store: PostgresSessionStore, applicationName: string, id: string) {
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  cleanups.push(() => admin.end());
  await admin.query('BEGIN');
  await admin.query(`LOCK TABLE "${schema}".messages IN SHARE MODE`);
  const append = rejection(store.appendMessage(id, { role: 'user', content: 'four' }));
  const waiting = await eventually(() =>
    backendsOf(applicationName, 'Lock').then((pids) => (pids.length ? pids : null)),
  );
  expect(waiting).toHaveLength(1);
  return { admin, append, pid: waiting![0]! };
}

/** Seqs must run 1..n with no gap, every message whole, and the count agree. */
async function expectWholeHistory(
  store: PostgresSessionStore,
  id: string,
  contents: string[],
): Promise<void> {
  const { messages } = await store.listMessages(id, { limit: 1000 });
  expect(messages.map((message) => message.seq)).toEqual(messages.map((_, i) => i + 1));
  expect(messages.map((message) => message.content)).toEqual(contents.slice(0, messages.length));
  expect(await store.countMessages(id)).toBe(messages.length);
  const next = await store.appendMessage(id, { role: 'user', content: 'after' });
  expect(next.seq).toBe(messages.length + 1);
}

describe('pools', () => {
  it('a pool passed in is used and left open by close()', async () => {
    const pool = new pg.Pool({ connectionString: DATABASE_URL });
    cleanups.push(() => pool.end());
    const store = createPostgresSessionStore({ pool, schema });
    await store.createSession({ id: 'passed-pool', userId: 'u' });
    await store.close();
    const { rows } = await pool.query(`SELECT user_id FROM "${schema}".sessions WHERE id = 'passed-pool'`);
    expect(rows).toEqual([{ user_id: 'u' }]);
  });

  it("a pool's own type parsers do not change the records", async () => {
    const parsers: Record<number, (value: string) => unknown> = {
      20: (value) => BigInt(value), // int8
      1184: (value) => `timestamp ${value}`, // timestamptz
      3802: (value) => `json ${value}`, // jsonb
      701: (value) => `float ${value}`, // float8
    };
    const pool = new pg.Pool({
      connectionString: DATABASE_URL,
      types: { getTypeParser: (oid: number) => parsers[oid] ?? pg.types.getTypeParser(oid) },
    } as pg.PoolConfig);
    cleanups.push(() => pool.end());
    const store = createPostgresSessionStore({ pool, schema, ttlMs: 60_000 });
    const session = await store.createSession({ id: 'parsers', userId: 'u', metadata: { a: [1] } });
    const message = await store.appendMessage('parsers', {
      role: 'user',
      content: 'x',
      costUsd: 0.25,
      usage: { inputTokens: 3 },
      createdAt: 1_700_000_000_123,
    });
    const lease = await store.acquireLease('parsers', 'owner', 10_000);
    expect(session).toMatchObject({
      metadata: { a: [1] },
      createdAt: expect.any(Number),
      expiresAt: expect.any(Number),
    });
    expect(message).toMatchObject({
      seq: 1,
      costUsd: 0.25,
      usage: { inputTokens: 3 },
      createdAt: 1_700_000_000_123,
    });
    expect(lease).toMatchObject({ token: expect.any(Number), expiresAt: expect.any(Number) });
    expect(await store.countMessages('parsers')).toBe(1);
    await store.close();
  });

  it('a pool the store created is ended by close(): its connections go away', async () => {
    const name = uniqueApplicationName('owned');
    const store = open(withApplicationName(DATABASE_URL, name));
    await Promise.all(Array.from({ length: 4 }, (_, i) => store.getSession(`s${i}`)));
    expect((await backendsOf(name)).length).toBeGreaterThan(0);
    await store.close();
    expect(await eventually(async () => (await backendsOf(name)).length === 0)).toBe(true);
  });
});

describe('when the server goes away', () => {
  it('calls fail with StoreUnavailableError, nothing stored is lost, and the store works again when it returns', async () => {
    const proxy = await startProxy();
    const store = open(withApplicationName(proxy.urlFor(DATABASE_URL), uniqueApplicationName('cut')));
    await sessionWithThreeMessages(store, 'cut');

    await proxy.cut();
    const error = await rejection(store.appendMessage('cut', { role: 'user', content: 'lost' }));
    expect(error.message).toMatch(/^postgres appendMessage failed/);
    await rejection(store.getSession('cut'));
    await rejection(store.createSession({ id: 'cut-new', userId: 'u' }));

    await proxy.restore();
    expect(await store.getSession('cut')).toMatchObject({ id: 'cut' });
    await expectWholeHistory(store, 'cut', ['one', 'two', 'three']);
    expect(await store.getSession('cut-new')).toBeNull();
  });

  it('a store first used while the server is down migrates and works once it is up', async () => {
    const proxy = await startProxy();
    await proxy.cut();
    const store = open(withApplicationName(proxy.urlFor(DATABASE_URL), uniqueApplicationName('late')));
    const error = await rejection(store.getSession('late'));
    expect(error.cause).toMatchObject({ code: 'ECONNREFUSED' });
    await proxy.restore();
    await store.createSession({ id: 'late', userId: 'u' });
    expect(await store.getSession('late')).toMatchObject({ id: 'late' });
  });

  it('an append whose backend is terminated mid-statement leaves no partial message and no gap', async () => {
    const name = uniqueApplicationName('terminated');
    const store = open(withApplicationName(DATABASE_URL, name));
    await sessionWithThreeMessages(store, 'terminated');

    const { admin, append, pid } = await startBlockedAppend(store, name, 'terminated');
    await terminateBackends([pid]);
    const error = await append;
    expect(error.message).toMatch(/^postgres appendMessage failed/);
    await admin.query('ROLLBACK');

    await expectWholeHistory(store, 'terminated', ['one', 'two', 'three']);
    expect(await store.countMessages('terminated')).toBe(4);
  });

  it('an append cut off while it waits either lands whole or not at all, with no gap', async () => {
    const proxy = await startProxy();
    const name = uniqueApplicationName('cut-append');
    const store = open(withApplicationName(proxy.urlFor(DATABASE_URL), name));
    await sessionWithThreeMessages(store, 'cut-append');

    const { admin, append } = await startBlockedAppend(store, name, 'cut-append');
    await proxy.cut();
    await append;
    // The server still finishes the statement once the lock frees; it fails only to send the answer.
    await admin.query('COMMIT');
    expect(await eventually(async () => (await backendsOf(name)).length === 0)).toBe(true);

    await proxy.restore();
    await expectWholeHistory(store, 'cut-append', ['one', 'two', 'three', 'four']);
  });

  it('connections terminated while idle are replaced: the store recovers without a restart', async () => {
    const name = uniqueApplicationName('idle');
    const store = open(withApplicationName(DATABASE_URL, name));
    await sessionWithThreeMessages(store, 'idle');
    const pids = await backendsOf(name);
    expect(pids.length).toBeGreaterThan(0);
    await terminateBackends(pids);

    // The first call may still pick up a connection whose end it has not seen yet; it must then fail
    // cleanly, and the next call must work.
    await store
      .getSession('idle')
      .catch((error: unknown) => expect(error).toBeInstanceOf(StoreUnavailableError));
    expect(await store.getSession('idle')).toMatchObject({ id: 'idle' });
    await expectWholeHistory(store, 'idle', ['one', 'two', 'three']);
  });

  it('a server that accepts connections but never answers fails the call instead of hanging', async () => {
    const proxy = await startProxy();
    proxy.swallowNewConnections();
    const store = open(withApplicationName(proxy.urlFor(DATABASE_URL), uniqueApplicationName('silent')));
    const error = await rejection(store.getSession('silent'));
    expect(error.message).toMatch(/timeout/i);
  });
});
