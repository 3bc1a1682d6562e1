import {
  type AppendMessageInput,
  ConflictError,
  type CreateSessionInput,
  type Lease,
  type MessagePage,
  type MessagePageOptions,
  type MessageRecord,
  messagePageFrom,
  type NormalizedCreateSessionInput,
  type SessionListOptions,
  SessionNotFoundError,
  type SessionPage,
  type SessionRecord,
  type SessionStore,
  type SessionUpdate,
  StoreClosedError,
  StoreUnavailableError,
  sessionPageFrom,
  validateAppendMessageInput,
  validateCreateSessionInput,
  validateLease,
  validateLeaseRequest,
  validateMessagePageOptions,
  validateSessionId,
  validateSessionListOptions,
  validateSessionUpdate,
  validateTranscript,
  validateUserId,
} from '@claude-code-server/store';
import type pg from 'pg';
import { toStoreError } from './driver-errors.js';
import { runMigrations } from './migrator.js';
import { type PostgresSessionStoreOptions, resolvePostgresOptions } from './options.js';
import { buildQueries, type Queries } from './queries.js';
import {
  type LeaseRow,
  type MessageRow,
  queryRows,
  type SessionRow,
  toLease,
  toMessageRecord,
  toSessionRecord,
} from './rows.js';
import { withTransaction } from './transaction.js';

/** Expired rows are invisible at once; deleting them happens at most this often, after other calls. */
const SWEEP_INTERVAL_MS = 60_000;
/** getOrCreateSession retries when the row it raced with vanished (deleted or expired) meanwhile. */
const GET_OR_CREATE_ATTEMPTS = 5;

/** A SessionStore on PostgreSQL: one row per session, message and transcript chunk, in one schema. */
export class PostgresSessionStore implements SessionStore {
  /** The schema holding the tables. */
  readonly schema: string;
  readonly #pool: pg.Pool;
  readonly #ownsPool: boolean;
  readonly #autoMigrate: boolean;
  readonly #sql: Queries;
  #ready: Promise<void> | null = null;
  #closed = false;
  #closing: Promise<void> | null = null;
  #lastSweepAt = 0;
  #sweeping: Promise<void> | null = null;

  constructor(options: PostgresSessionStoreOptions = {}) {
    const resolved = resolvePostgresOptions(options);
    this.schema = resolved.schema;
    this.#pool = resolved.pool;
    this.#ownsPool = resolved.ownsPool;
    this.#autoMigrate = resolved.migrate;
    this.#sql = buildQueries(resolved.schema, resolved.ttlMs);
  }

  /** Applies pending migrations now and returns the versions applied (empty when up to date). */
  async migrate(): Promise<number[]> {
    this.#assertOpen();
    try {
      const applied = await runMigrations(this.#pool, this.schema);
      this.#ready = Promise.resolve();
      return applied;
    } catch (error) {
      throw toStoreError(error, 'migrate');
    }
  }

  createSession(input: CreateSessionInput): Promise<SessionRecord> {
    return this.#run(
      'createSession',
      () => validateCreateSessionInput(input),
      async (valid) => {
        const session = await this.#insertSession(valid);
        if (session === null) throw new ConflictError(`session already exists: ${valid.id}`);
        return session;
      },
    );
  }

  getSession(id: string): Promise<SessionRecord | null> {
    return this.#run(
      'getSession',
      () => validateSessionId(id),
      (sessionId) => this.#selectSession(sessionId),
    );
  }

  getOrCreateSession(input: CreateSessionInput): Promise<{ session: SessionRecord; created: boolean }> {
    return this.#run(
      'getOrCreateSession',
      () => validateCreateSessionInput(input),
      async (valid) => {
        for (let attempt = 0; attempt < GET_OR_CREATE_ATTEMPTS; attempt++) {
          const created = await this.#insertSession(valid);
          if (created !== null) return { session: created, created: true };
          const existing = await this.#selectSession(valid.id);
          if (existing === null) continue;
          if (existing.userId !== valid.userId) {
            throw new ConflictError(`session ${valid.id} belongs to another user`);
          }
          return { session: existing, created: false };
        }
        throw new StoreUnavailableError(`session ${valid.id} kept vanishing while being fetched or created`);
      },
    );
  }

  updateSession(id: string, update: SessionUpdate): Promise<SessionRecord> {
    return this.#run(
      'updateSession',
      () => ({ sessionId: validateSessionId(id), update: validateSessionUpdate(update) }),
      ({ sessionId, update }) => {
        const sets: string[] = [];
        const values: unknown[] = [sessionId];
        const set = (column: string, value: unknown, cast = '') => {
          values.push(value);
          sets.push(`${column} = $${values.length}${cast}`);
        };
        if (update.claudeSessionId !== undefined) set('claude_session_id', update.claudeSessionId);
        if (update.project !== undefined) set('project', update.project);
        if (update.metadata !== undefined) set('metadata', JSON.stringify(update.metadata), '::jsonb');
        return this.#updateLiveSession(sessionId, sets, values);
      },
    );
  }

  touchSession(id: string): Promise<SessionRecord> {
    return this.#run(
      'touchSession',
      () => validateSessionId(id),
      (sessionId) => this.#updateLiveSession(sessionId, [], [sessionId]),
    );
  }

  deleteSession(id: string): Promise<boolean> {
    return this.#run(
      'deleteSession',
      () => validateSessionId(id),
      async (sessionId) => {
        const result = await queryRows<{ live: string }>(this.#pool, this.#sql.deleteSession, [sessionId]);
        return result.rows[0]?.live === 't';
      },
    );
  }

  listSessions(userId: string, options: SessionListOptions = {}): Promise<SessionPage> {
    return this.#run(
      'listSessions',
      () => ({ userId: validateUserId(userId), ...validateSessionListOptions(options) }),
      async ({ userId, limit, cursor: after }) => {
        const result =
          after === null
            ? await queryRows<SessionRow>(this.#pool, this.#sql.listSessions, [userId, limit + 1])
            : await queryRows<SessionRow>(this.#pool, this.#sql.listSessionsAfterCursor, [
                userId,
                limit + 1,
                after.lastActiveAt,
                after.id,
              ]);
        return sessionPageFrom(result.rows.map(toSessionRecord), limit);
      },
    );
  }

  appendMessage(sessionId: string, message: AppendMessageInput): Promise<MessageRecord> {
    return this.#run(
      'appendMessage',
      () => ({ id: validateSessionId(sessionId), message: validateAppendMessageInput(message) }),
      async ({ id, message }) => {
        const result = await queryRows<MessageRow>(this.#pool, this.#sql.appendMessage, [
          id,
          message.role,
          message.content,
          message.createdAt ?? null,
          message.usage == null ? null : JSON.stringify(message.usage),
          message.costUsd ?? null,
          message.metadata == null ? null : JSON.stringify(message.metadata),
        ]);
        const row = result.rows[0];
        if (row === undefined) throw new SessionNotFoundError(id);
        return toMessageRecord(row);
      },
    );
  }

  listMessages(sessionId: string, options: MessagePageOptions = {}): Promise<MessagePage> {
    return this.#run(
      'listMessages',
      () => ({ id: validateSessionId(sessionId), page: validateMessagePageOptions(options) }),
      async ({ id, page: { limit, before, after } }) => {
        const forward = after !== undefined;
        const result = await queryRows<{ live_id: string } & Partial<MessageRow>>(
          this.#pool,
          forward ? this.#sql.messagesAfter : this.#sql.messagesBefore,
          [id, forward ? after : (before ?? Number.MAX_SAFE_INTEGER), limit + 1],
        );
        if (result.rows.length === 0) throw new SessionNotFoundError(id);
        const rows = result.rows.filter((row): row is MessageRow & { live_id: string } => row.seq != null);
        return messagePageFrom(rows.map(toMessageRecord), limit, !forward);
      },
    );
  }

  countMessages(sessionId: string): Promise<number> {
    return this.#run(
      'countMessages',
      () => validateSessionId(sessionId),
      async (id) => {
        const result = await queryRows<{ count: string }>(this.#pool, this.#sql.countMessages, [id]);
        const row = result.rows[0];
        if (row === undefined) throw new SessionNotFoundError(id);
        return Number(row.count);
      },
    );
  }

  saveTranscript(sessionId: string, transcript: string): Promise<void> {
    return this.#run(
      'saveTranscript',
      () => ({ id: validateSessionId(sessionId), text: validateTranscript(transcript) }),
      ({ id, text }) =>
        withTransaction(this.#pool, async (client) => {
          const locked = await queryRows(client, this.#sql.lockSessionForTranscript, [id]);
          if (locked.rowCount === 0) throw new SessionNotFoundError(id);
          await queryRows(client, this.#sql.deleteTranscript, [id]);
          await queryRows(client, this.#sql.insertTranscriptChunk, [id, text]);
        }),
    );
  }

  appendTranscript(sessionId: string, chunk: string): Promise<void> {
    return this.#run(
      'appendTranscript',
      () => ({ id: validateSessionId(sessionId), text: validateTranscript(chunk, 'chunk') }),
      async ({ id, text }) => {
        const result = await queryRows(this.#pool, this.#sql.appendTranscript, [id, text]);
        if (result.rowCount === 0) throw new SessionNotFoundError(id);
      },
    );
  }

  loadTranscript(sessionId: string): Promise<string | null> {
    return this.#run(
      'loadTranscript',
      () => validateSessionId(sessionId),
      async (id) => {
        const result = await queryRows<{ transcript: string | null }>(this.#pool, this.#sql.loadTranscript, [
          id,
        ]);
        const row = result.rows[0];
        if (row === undefined) throw new SessionNotFoundError(id);
        return row.transcript;
      },
    );
  }

  acquireLease(sessionId: string, owner: string, ttlMs: number): Promise<Lease | null> {
    return this.#run(
      'acquireLease',
      () => ({ id: validateSessionId(sessionId), request: validateLeaseRequest(owner, ttlMs) }),
      async ({ id, request }) => {
        const result = await queryRows<LeaseRow>(this.#pool, this.#sql.acquireLease, [
          id,
          request.owner,
          request.ttlMs,
        ]);
        const row = result.rows[0];
        return row === undefined ? null : toLease(row);
      },
    );
  }

  renewLease(lease: Lease, ttlMs: number): Promise<Lease> {
    return this.#run(
      'renewLease',
      () => {
        const held = validateLease(lease);
        return { held, request: validateLeaseRequest(held.owner, ttlMs) };
      },
      async ({ held, request }) => {
        const result = await queryRows<LeaseRow>(this.#pool, this.#sql.renewLease, [
          held.sessionId,
          held.owner,
          held.token,
          request.ttlMs,
        ]);
        const row = result.rows[0];
        if (row === undefined) {
          throw new ConflictError(`lease on session ${held.sessionId} was lost (expired or released)`);
        }
        return toLease(row);
      },
    );
  }

  releaseLease(lease: Lease): Promise<void> {
    return this.#run(
      'releaseLease',
      () => validateLease(lease),
      async (held) => {
        await queryRows(this.#pool, this.#sql.releaseLease, [held.sessionId, held.owner, held.token]);
      },
    );
  }

  /** Stops accepting calls, waits for a running sweep, and ends the pool if the store created it. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#closing ??= (async () => {
      await this.#sweeping;
      if (this.#ownsPool) await this.#pool.end();
    })();
    return this.#closing;
  }

  #assertOpen(): void {
    if (this.#closed) throw new StoreClosedError();
  }

  /**
   * Runs one operation: refuses when closed, checks the input, waits for the schema, then runs `body`
   * and maps driver errors to store errors.
   */
  async #run<I, T>(operation: string, validate: () => I, body: (input: I) => Promise<T>): Promise<T> {
    this.#assertOpen();
    const input = validate();
    try {
      await this.#whenReady();
      this.#assertOpen();
      const result = await body(input);
      this.#maybeSweep();
      return result;
    } catch (error) {
      throw toStoreError(error, operation);
    }
  }

  /** One in-flight migration shared by every caller; a failed one is retried by the next call. */
  #whenReady(): Promise<void> {
    if (!this.#autoMigrate) return Promise.resolve();
    this.#ready ??= runMigrations(this.#pool, this.schema).then(
      () => {},
      (error: unknown) => {
        this.#ready = null;
        throw error;
      },
    );
    return this.#ready;
  }

  /** Inserts a new session, first freeing the id if an expired session still holds it; null if taken. */
  async #insertSession(input: NormalizedCreateSessionInput): Promise<SessionRecord | null> {
    const values = [
      input.id,
      input.userId,
      input.claudeSessionId,
      input.project,
      JSON.stringify(input.metadata),
    ];
    const inserted = await queryRows<SessionRow>(this.#pool, this.#sql.insertSession, values);
    if (inserted.rows[0] !== undefined) return toSessionRecord(inserted.rows[0]);
    const freed = await queryRows(this.#pool, this.#sql.deleteExpiredSession, [input.id]);
    if (freed.rowCount === 0) return null;
    const retried = await queryRows<SessionRow>(this.#pool, this.#sql.insertSession, values);
    return retried.rows[0] === undefined ? null : toSessionRecord(retried.rows[0]);
  }

  async #selectSession(id: string): Promise<SessionRecord | null> {
    const result = await queryRows<SessionRow>(this.#pool, this.#sql.selectSession, [id]);
    return result.rows[0] === undefined ? null : toSessionRecord(result.rows[0]);
  }

  async #updateLiveSession(id: string, sets: string[], values: unknown[]): Promise<SessionRecord> {
    const result = await queryRows<SessionRow>(this.#pool, this.#sql.updateSession(sets), values);
    const row = result.rows[0];
    if (row === undefined) throw new SessionNotFoundError(id);
    return toSessionRecord(row);
  }

  /** Deletes expired sessions and leases in the background, at most once per SWEEP_INTERVAL_MS. */
  #maybeSweep(): void {
    const now = Date.now();
    if (this.#sweeping !== null || this.#closed || now - this.#lastSweepAt < SWEEP_INTERVAL_MS) return;
    this.#lastSweepAt = now;
    this.#sweeping = (async () => {
      try {
        await queryRows(this.#pool, this.#sql.sweepExpiredSessions);
        await queryRows(this.#pool, this.#sql.sweepExpiredLeases);
      } catch {
        // Best effort: expired rows are invisible anyway, and the next sweep tries again.
      } finally {
        this.#sweeping = null;
      }
    })();
  }
}

/** Creates a PostgresSessionStore; reads `DATABASE_URL` only when neither `url` nor `pool` is given. */
export function createPostgresSessionStore(options: PostgresSessionStoreOptions = {}): PostgresSessionStore {
  return new PostgresSessionStore(options);
}
