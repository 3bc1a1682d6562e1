import {
  type AppendMessageInput,
  ConflictError,
  type CreateSessionInput,
  expiresAtFrom,
  isExpired,
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
  validateTtlMs,
  validateUserId,
} from '@claude-code-server/store';
import { acquireLease, releaseLease, renewLease } from './leases.js';
import { resolveSqliteOptions, type SqliteSessionStoreOptions } from './options.js';
import { jsonOrNull, type MessageRow, messageFromRow, type SessionRow, sessionFromRow } from './rows.js';
import { type TableNames, tableNames } from './schema.js';
import type { Statements } from './statements.js';
import { type OpenStore, StoreConnection } from './store-connection.js';

// How many expired sessions one create removes on the side.
const SWEEP_BATCH = 20;

/**
 * A SessionStore in one SQLite file (or ':memory:'). Every write is one BEGIN IMMEDIATE transaction,
 * so several processes can share the file; the driver is synchronous, the API returns promises.
 */
export class SqliteSessionStore implements SessionStore {
  readonly #tables: TableNames;
  readonly #ttlMs: number | undefined;
  readonly #connection: StoreConnection;

  constructor(options: SqliteSessionStoreOptions = {}) {
    const resolved = resolveSqliteOptions(options);
    this.#ttlMs = validateTtlMs(options.ttlMs);
    this.#tables = tableNames(resolved.tablePrefix);
    this.#connection = new StoreConnection(resolved, this.#tables);
  }

  /** The table names this store reads and writes. */
  get tables(): TableNames {
    return { ...this.#tables };
  }

  async createSession(input: CreateSessionInput): Promise<SessionRecord> {
    this.#connection.assertOpen();
    const value = validateCreateSessionInput(input);
    return this.#write((sql) => {
      const now = Date.now();
      if (!this.#insertSession(sql, value, now)) {
        throw new ConflictError(`session already exists: ${value.id}`);
      }
      return this.#mustGetLive(sql, value.id, now);
    });
  }

  async getSession(id: string): Promise<SessionRecord | null> {
    this.#connection.assertOpen();
    const sessionId = validateSessionId(id);
    return this.#use(({ sql }) => {
      const row = sql.getLiveSession.get({ id: sessionId, now: Date.now() }) as SessionRow | undefined;
      return row ? sessionFromRow(row) : null;
    });
  }

  async getOrCreateSession(input: CreateSessionInput): Promise<{ session: SessionRecord; created: boolean }> {
    this.#connection.assertOpen();
    const value = validateCreateSessionInput(input);
    return this.#write((sql) => {
      const now = Date.now();
      const created = this.#insertSession(sql, value, now);
      const session = this.#mustGetLive(sql, value.id, now);
      if (session.userId !== value.userId) {
        throw new ConflictError(`session ${value.id} belongs to another user`);
      }
      return { session, created };
    });
  }

  async updateSession(id: string, update: SessionUpdate): Promise<SessionRecord> {
    this.#connection.assertOpen();
    const sessionId = validateSessionId(id);
    const value = validateSessionUpdate(update);
    return this.#write((sql) => {
      const row = sql.updateSession.get({
        ...this.#activity(sessionId),
        setClaudeSessionId: value.claudeSessionId === undefined ? 0 : 1,
        claudeSessionId: value.claudeSessionId ?? null,
        setProject: value.project === undefined ? 0 : 1,
        project: value.project ?? null,
        setMetadata: value.metadata === undefined ? 0 : 1,
        metadata: jsonOrNull(value.metadata),
      }) as SessionRow | undefined;
      if (!row) throw new SessionNotFoundError(sessionId);
      return sessionFromRow(row);
    });
  }

  async touchSession(id: string): Promise<SessionRecord> {
    return this.updateSession(id, {});
  }

  async deleteSession(id: string): Promise<boolean> {
    this.#connection.assertOpen();
    const sessionId = validateSessionId(id);
    return this.#write((sql) => {
      const now = Date.now();
      // Messages and transcript parts go with it (ON DELETE CASCADE).
      const row = sql.deleteSession.get({ id: sessionId }) as { expires_at: number | null } | undefined;
      return row !== undefined && !isExpired(row.expires_at, now);
    });
  }

  async listSessions(userId: string, options?: SessionListOptions): Promise<SessionPage> {
    this.#connection.assertOpen();
    const user = validateUserId(userId);
    const { limit, cursor } = validateSessionListOptions(options);
    return this.#use(({ sql }) => {
      const params = { userId: user, now: Date.now(), limit: limit + 1 };
      const rows = (
        cursor
          ? sql.listSessionsAfter.all({ ...params, lastActiveAt: cursor.lastActiveAt, cursorId: cursor.id })
          : sql.listSessionsFirst.all(params)
      ) as SessionRow[];
      return sessionPageFrom(rows.map(sessionFromRow), limit);
    });
  }

  async appendMessage(sessionId: string, message: AppendMessageInput): Promise<MessageRecord> {
    this.#connection.assertOpen();
    const id = validateSessionId(sessionId);
    const value = validateAppendMessageInput(message);
    return this.#write((sql) => {
      const activity = this.#activity(id);
      const allocated = sql.allocateSeq.get(activity) as { seq: number } | undefined;
      if (!allocated) throw new SessionNotFoundError(id);
      const record: MessageRecord = {
        sessionId: id,
        seq: allocated.seq,
        role: value.role,
        content: value.content,
        createdAt: value.createdAt ?? activity.now,
        usage: value.usage,
        costUsd: value.costUsd,
        metadata: value.metadata,
      };
      sql.insertMessage.run({
        ...record,
        usage: jsonOrNull(record.usage),
        metadata: jsonOrNull(record.metadata),
      });
      return record;
    });
  }

  async listMessages(sessionId: string, options?: MessagePageOptions): Promise<MessagePage> {
    this.#connection.assertOpen();
    const id = validateSessionId(sessionId);
    const { limit, before, after } = validateMessagePageOptions(options);
    return this.#use(({ db, sql }) => {
      // One read transaction, so the existence check and the page see the same snapshot.
      return db.transaction(() => {
        this.#mustGetCounters(sql, id);
        const rows = (
          after !== undefined
            ? sql.messagesAfter.all({ id, after, limit: limit + 1 })
            : sql.messagesBefore.all({ id, before: before ?? Number.MAX_SAFE_INTEGER, limit: limit + 1 })
        ) as MessageRow[];
        return messagePageFrom(rows.map(messageFromRow), limit, after === undefined);
      })();
    });
  }

  async countMessages(sessionId: string): Promise<number> {
    this.#connection.assertOpen();
    const id = validateSessionId(sessionId);
    return this.#use(({ sql }) => this.#mustGetCounters(sql, id).next_seq - 1);
  }

  async saveTranscript(sessionId: string, transcript: string): Promise<void> {
    this.#connection.assertOpen();
    const id = validateSessionId(sessionId);
    const text = validateTranscript(transcript);
    return this.#write((sql) => {
      if (sql.startTranscript.run(this.#activity(id)).changes === 0) throw new SessionNotFoundError(id);
      sql.clearTranscriptParts.run({ id });
      sql.insertTranscriptPart.run({ id, part: 0, text });
    });
  }

  async appendTranscript(sessionId: string, chunk: string): Promise<void> {
    this.#connection.assertOpen();
    const id = validateSessionId(sessionId);
    const text = validateTranscript(chunk, 'chunk');
    return this.#write((sql) => {
      // Each chunk is its own row: appending never rewrites what is already stored.
      const allocated = sql.allocateTranscriptPart.get(this.#activity(id)) as { part: number } | undefined;
      if (!allocated) throw new SessionNotFoundError(id);
      sql.insertTranscriptPart.run({ id, part: allocated.part, text });
    });
  }

  async loadTranscript(sessionId: string): Promise<string | null> {
    this.#connection.assertOpen();
    const id = validateSessionId(sessionId);
    return this.#use(({ db, sql }) => {
      return db.transaction(() => {
        const counters = this.#mustGetCounters(sql, id);
        if (counters.transcript_parts === null) return null;
        return (sql.transcriptParts.all({ id }) as { text: string }[]).map((row) => row.text).join('');
      })();
    });
  }

  async acquireLease(sessionId: string, owner: string, ttlMs: number): Promise<Lease | null> {
    this.#connection.assertOpen();
    const id = validateSessionId(sessionId);
    const request = validateLeaseRequest(owner, ttlMs);
    return this.#use((open) => {
      return acquireLease(open, id, request.owner, request.ttlMs);
    });
  }

  async renewLease(lease: Lease, ttlMs: number): Promise<Lease> {
    this.#connection.assertOpen();
    const held = validateLease(lease);
    const request = validateLeaseRequest(held.owner, ttlMs);
    return this.#use((open) => renewLease(open, held, request.ttlMs));
  }

  async releaseLease(lease: Lease): Promise<void> {
    this.#connection.assertOpen();
    const held = validateLease(lease);
    return this.#use((open) => releaseLease(open, held));
  }

  async close(): Promise<void> {
    this.#connection.close();
  }

  #use<T>(operation: (open: OpenStore) => T): T {
    return this.#connection.use(operation);
  }

  /** Runs `body` in one BEGIN IMMEDIATE transaction: it waits for the write lock up front, never midway. */
  #write<T>(body: (sql: Statements) => T): T {
    return this.#use(({ db, sql }) => db.transaction(() => body(sql)).immediate());
  }

  /** Inserts unless a live session has the id (an expired one is removed first); true when inserted. */
  #insertSession(sql: Statements, value: NormalizedCreateSessionInput, now: number): boolean {
    sql.deleteExpiredSession.run({ id: value.id, now });
    const inserted =
      sql.insertSession.run({
        ...value,
        metadata: JSON.stringify(value.metadata),
        now,
        expiresAt: expiresAtFrom(now, this.#ttlMs),
      }).changes === 1;
    if (inserted) sql.sweepExpiredSessions.run({ now, limit: SWEEP_BATCH });
    return inserted;
  }

  #mustGetLive(sql: Statements, id: string, now: number): SessionRecord {
    const row = sql.getLiveSession.get({ id, now }) as SessionRow | undefined;
    if (!row) throw new SessionNotFoundError(id);
    return sessionFromRow(row);
  }

  #mustGetCounters(sql: Statements, id: string): { next_seq: number; transcript_parts: number | null } {
    const row = sql.getLiveCounters.get({ id, now: Date.now() }) as
      | { next_seq: number; transcript_parts: number | null }
      | undefined;
    if (!row) throw new SessionNotFoundError(id);
    return row;
  }

  /** Parameters of a write that counts as activity: it slides the expiry. */
  #activity(id: string): { id: string; now: number; expiresAt: number | null } {
    const now = Date.now();
    return { id, now, expiresAt: expiresAtFrom(now, this.#ttlMs) };
  }
}

/** Creates a SessionStore on SQLite; the file is opened (and migrated) on first use. */
export function createSqliteSessionStore(options: SqliteSessionStoreOptions = {}): SqliteSessionStore {
  return new SqliteSessionStore(options);
}
