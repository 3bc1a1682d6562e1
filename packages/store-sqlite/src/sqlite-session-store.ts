import {
  type AppendMessageInput,
  ConflictError,
  type CreateSessionInput,
  encodeSessionCursor,
  expiresAtFrom,
  type Lease,
  type MessagePage,
  type MessagePageOptions,
  type MessageRecord,
  type NormalizedCreateSessionInput,
  type SessionListOptions,
  SessionNotFoundError,
  type SessionPage,
  type SessionRecord,
  type SessionStore,
  type SessionUpdate,
  StoreClosedError,
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
import { ensureParentDirectory, isFileInPlace, openConnection, type SqliteConnection } from './connection.js';
import {
  type ResolvedSqliteOptions,
  resolveSqliteOptions,
  type SqliteSessionStoreOptions,
} from './options.js';
import {
  jsonOrNull,
  type LeaseRow,
  leaseFromRow,
  type MessageRow,
  messageFromRow,
  type SessionRow,
  sessionFromRow,
} from './rows.js';
import { type TableNames, tableNames } from './schema.js';
import { isConnectionBroken, toStoreError } from './sqlite-errors.js';
import { prepareStatements, type Statements } from './statements.js';

// How many expired sessions one create removes on the side.
const SWEEP_BATCH = 20;

interface OpenStore extends SqliteConnection {
  sql: Statements;
}

/**
 * A SessionStore in one SQLite file (or ':memory:'). Every write is one BEGIN IMMEDIATE transaction,
 * so several processes can share the file; the driver is synchronous, the API returns promises.
 */
export class SqliteSessionStore implements SessionStore {
  readonly #options: ResolvedSqliteOptions;
  readonly #tables: TableNames;
  readonly #ttlMs: number | undefined;
  #open: OpenStore | null = null;
  #createdDirectory = false;
  #closed = false;

  constructor(options: SqliteSessionStoreOptions = {}) {
    this.#options = resolveSqliteOptions(options);
    this.#ttlMs = validateTtlMs(options.ttlMs);
    this.#tables = tableNames(this.#options.tablePrefix);
  }

  /** The table names this store reads and writes. */
  get tables(): TableNames {
    return { ...this.#tables };
  }

  async createSession(input: CreateSessionInput): Promise<SessionRecord> {
    return this.#use(({ db, sql }) => {
      const value = validateCreateSessionInput(input);
      return db
        .transaction(() => {
          const now = Date.now();
          if (!this.#insertSession(sql, value, now)) {
            throw new ConflictError(`session already exists: ${value.id}`);
          }
          return this.#mustGetLive(sql, value.id, now);
        })
        .immediate();
    });
  }

  async getSession(id: string): Promise<SessionRecord | null> {
    return this.#use(({ sql }) => {
      const row = sql.getLiveSession.get({ id: validateSessionId(id), now: Date.now() }) as SessionRow;
      return row ? sessionFromRow(row) : null;
    });
  }

  async getOrCreateSession(input: CreateSessionInput): Promise<{ session: SessionRecord; created: boolean }> {
    return this.#use(({ db, sql }) => {
      const value = validateCreateSessionInput(input);
      return db
        .transaction(() => {
          const now = Date.now();
          const created = this.#insertSession(sql, value, now);
          const session = this.#mustGetLive(sql, value.id, now);
          if (session.userId !== value.userId) {
            throw new ConflictError(`session ${value.id} belongs to another user`);
          }
          return { session, created };
        })
        .immediate();
    });
  }

  async updateSession(id: string, update: SessionUpdate): Promise<SessionRecord> {
    return this.#use(({ db, sql }) => {
      const sessionId = validateSessionId(id);
      const value = validateSessionUpdate(update);
      return db
        .transaction(() => {
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
        })
        .immediate();
    });
  }

  async touchSession(id: string): Promise<SessionRecord> {
    return this.updateSession(id, {});
  }

  async deleteSession(id: string): Promise<boolean> {
    return this.#use(({ db, sql }) => {
      const sessionId = validateSessionId(id);
      return db
        .transaction(() => {
          const now = Date.now();
          // Messages and transcript parts go with it (ON DELETE CASCADE).
          const row = sql.deleteSession.get({ id: sessionId }) as { expires_at: number | null } | undefined;
          return row !== undefined && (row.expires_at === null || row.expires_at > now);
        })
        .immediate();
    });
  }

  async listSessions(userId: string, options?: SessionListOptions): Promise<SessionPage> {
    return this.#use(({ sql }) => {
      const user = validateUserId(userId);
      const { limit, cursor } = validateSessionListOptions(options);
      const params = { userId: user, now: Date.now(), limit: limit + 1 };
      const rows = (
        cursor
          ? sql.listSessionsAfter.all({ ...params, lastActiveAt: cursor.lastActiveAt, cursorId: cursor.id })
          : sql.listSessionsFirst.all(params)
      ) as SessionRow[];
      const sessions = rows.slice(0, limit).map(sessionFromRow);
      const last = sessions[sessions.length - 1];
      const nextCursor =
        rows.length > limit && last
          ? encodeSessionCursor({ lastActiveAt: last.lastActiveAt, id: last.id })
          : null;
      return { sessions, nextCursor };
    });
  }

  async appendMessage(sessionId: string, message: AppendMessageInput): Promise<MessageRecord> {
    return this.#use(({ db, sql }) => {
      const id = validateSessionId(sessionId);
      const value = validateAppendMessageInput(message);
      return db
        .transaction(() => {
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
        })
        .immediate();
    });
  }

  async listMessages(sessionId: string, options?: MessagePageOptions): Promise<MessagePage> {
    return this.#use(({ db, sql }) => {
      const id = validateSessionId(sessionId);
      const { limit, before, after } = validateMessagePageOptions(options);
      // One read transaction, so the existence check and the page see the same snapshot.
      return db.transaction(() => {
        this.#mustGetCounters(sql, id);
        if (after !== undefined) {
          const rows = sql.messagesAfter.all({ id, after, limit: limit + 1 }) as MessageRow[];
          return { messages: rows.slice(0, limit).map(messageFromRow), hasMore: rows.length > limit };
        }
        const rows = sql.messagesBefore.all({
          id,
          before: before ?? Number.MAX_SAFE_INTEGER,
          limit: limit + 1,
        }) as MessageRow[];
        return { messages: rows.slice(0, limit).reverse().map(messageFromRow), hasMore: rows.length > limit };
      })();
    });
  }

  async countMessages(sessionId: string): Promise<number> {
    return this.#use(({ sql }) => this.#mustGetCounters(sql, validateSessionId(sessionId)).next_seq - 1);
  }

  async saveTranscript(sessionId: string, transcript: string): Promise<void> {
    return this.#use(({ db, sql }) => {
      const id = validateSessionId(sessionId);
      const text = validateTranscript(transcript);
      db.transaction(() => {
        if (sql.startTranscript.run(this.#activity(id)).changes === 0) throw new SessionNotFoundError(id);
        sql.clearTranscriptParts.run({ id });
        sql.insertTranscriptPart.run({ id, part: 0, text });
      }).immediate();
    });
  }

  async appendTranscript(sessionId: string, chunk: string): Promise<void> {
    return this.#use(({ db, sql }) => {
      const id = validateSessionId(sessionId);
      const text = validateTranscript(chunk, 'chunk');
      db.transaction(() => {
        // Each chunk is its own row: appending never rewrites what is already stored.
        const allocated = sql.allocateTranscriptPart.get(this.#activity(id)) as { part: number } | undefined;
        if (!allocated) throw new SessionNotFoundError(id);
        sql.insertTranscriptPart.run({ id, part: allocated.part, text });
      }).immediate();
    });
  }

  async loadTranscript(sessionId: string): Promise<string | null> {
    return this.#use(({ db, sql }) => {
      const id = validateSessionId(sessionId);
      return db.transaction(() => {
        const counters = this.#mustGetCounters(sql, id);
        if (counters.transcript_parts === null) return null;
        return (sql.transcriptParts.all({ id }) as { text: string }[]).map((row) => row.text).join('');
      })();
    });
  }

  async acquireLease(sessionId: string, owner: string, ttlMs: number): Promise<Lease | null> {
    return this.#use(({ db, sql }) => {
      const id = validateSessionId(sessionId);
      const request = validateLeaseRequest(owner, ttlMs);
      return db
        .transaction(() => {
          const now = Date.now();
          const current = sql.getLease.get({ id }) as LeaseRow | undefined;
          // Held means held, even by the same owner: a second acquire must not fork the turn.
          if (current?.owner && current.expires_at > now) return null;
          // The token goes up on every grant, whether the previous lease expired or was released.
          const row = sql.grantLease.get({ id, owner: request.owner, expiresAt: now + request.ttlMs });
          return leaseFromRow(row as LeaseRow & { owner: string });
        })
        .immediate();
    });
  }

  async renewLease(lease: Lease, ttlMs: number): Promise<Lease> {
    return this.#use(({ db, sql }) => {
      const held = validateLease(lease);
      const request = validateLeaseRequest(held.owner, ttlMs);
      return db
        .transaction(() => {
          const now = Date.now();
          const row = sql.renewLease.get({
            id: held.sessionId,
            owner: held.owner,
            token: held.token,
            now,
            expiresAt: now + request.ttlMs,
          }) as (LeaseRow & { owner: string }) | undefined;
          if (!row) {
            throw new ConflictError(`lease ${held.token} on session ${held.sessionId} was lost`);
          }
          return leaseFromRow(row);
        })
        .immediate();
    });
  }

  async releaseLease(lease: Lease): Promise<void> {
    return this.#use(({ db, sql }) => {
      const held = validateLease(lease);
      db.transaction(() => {
        sql.releaseLease.run({ id: held.sessionId, owner: held.owner, token: held.token });
      }).immediate();
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const open = this.#open;
    this.#open = null;
    if (open?.owned) open.db.close();
  }

  /** Runs `operation` on the open store, mapping driver failures to StoreUnavailableError. */
  #use<T>(operation: (open: OpenStore) => T): T {
    if (this.#closed) throw new StoreClosedError();
    const open = this.#connect();
    try {
      return operation(open);
    } catch (error) {
      if (open.owned && isConnectionBroken(error)) this.#drop(open);
      throw toStoreError(error);
    }
  }

  // Opened on first use and again after the file failed, so a store outlives a missing or broken file.
  #connect(): OpenStore {
    const { source } = this.#options;
    try {
      if (this.#open && isFileInPlace(this.#open)) return this.#open;
      if (this.#open) this.#drop(this.#open);
      if (source.kind === 'path' && !this.#createdDirectory) {
        ensureParentDirectory(source.path);
        this.#createdDirectory = true;
      }
      const connection = openConnection(this.#options, this.#tables);
      this.#open = { ...connection, sql: prepareStatements(connection.db, this.#tables) };
      return this.#open;
    } catch (error) {
      throw toStoreError(error);
    }
  }

  #drop(open: OpenStore): void {
    if (this.#open === open) this.#open = null;
    try {
      open.db.close();
    } catch {
      // Already unusable; the next call opens a fresh connection.
    }
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
