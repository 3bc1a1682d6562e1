import {
  BackedSessionStore,
  expiresAtFrom,
  isExpired,
  type MessagePage,
  type MessageRecord,
  messagePageFrom,
  type NormalizedAppendMessageInput,
  type NormalizedCreateSessionInput,
  type NormalizedMessagePageOptions,
  type NormalizedSessionListOptions,
  type SessionPage,
  type SessionRecord,
  type SessionStoreBackend,
  type SessionUpdate,
  sessionPageFrom,
  validateTtlMs,
} from '@claude-code-server/store';
import {
  jsonOrNull,
  type MessageRow,
  messageFromRow,
  type SessionRow,
  sessionFromRow,
} from '@claude-code-server/store/sql';
import { StoreConnection } from './sqlite-connection.js';
import { describeSqliteFailure } from './sqlite-errors.js';
import { SqliteLeases } from './sqlite-leases.js';
import { resolveSqliteOptions, type SqliteSessionStoreOptions } from './sqlite-options.js';
import type { Statements } from './sqlite-queries.js';
import { type TableNames, tableNames } from './sqlite-schema.js';
import { SqliteTasks } from './sqlite-tasks.js';

// How many expired sessions one create removes on the side.
const SWEEP_BATCH = 20;

type Counters = { next_seq: number; transcript_parts: number | null };

/** Every write is one BEGIN IMMEDIATE transaction; the driver is synchronous, the API returns promises. */
class SqliteBackend implements SessionStoreBackend {
  readonly name = 'sqlite';
  readonly describeFailure = describeSqliteFailure;
  readonly tables: TableNames;
  readonly #ttlMs: number | undefined;
  readonly #connection: StoreConnection;
  readonly leases: SqliteLeases;
  readonly tasks: SqliteTasks;

  constructor(options: SqliteSessionStoreOptions) {
    const resolved = resolveSqliteOptions(options);
    this.#ttlMs = validateTtlMs(options.ttlMs);
    this.tables = tableNames(resolved.tablePrefix);
    this.#connection = new StoreConnection(resolved, this.tables);
    this.leases = new SqliteLeases(this.#connection);
    this.tasks = new SqliteTasks(this.#connection);
  }

  /** Inserts unless a live session has the id (an expired one is removed first), then reads it. */
  async insertSession(input: NormalizedCreateSessionInput) {
    return this.#connection.write((sql) => {
      const now = Date.now();
      sql.deleteExpiredSession.run({ id: input.id, now });
      const expiresAt = expiresAtFrom(now, this.#ttlMs);
      const values = { ...input, metadata: JSON.stringify(input.metadata), now, expiresAt };
      const created = sql.insertSession.run(values).changes === 1;
      if (created) sql.sweepExpiredSessions.run({ now, limit: SWEEP_BATCH });
      return {
        session: sessionFromRow(sql.getLiveSession.get({ id: input.id, now }) as SessionRow),
        created,
      };
    });
  }

  async getSession(id: string): Promise<SessionRecord | null> {
    return this.#connection.use(({ sql }) => {
      const row = sql.getLiveSession.get({ id, now: Date.now() }) as SessionRow | undefined;
      return row ? sessionFromRow(row) : null;
    });
  }

  async updateSession(id: string, update: SessionUpdate): Promise<SessionRecord | null> {
    return this.#connection.write((sql) => {
      const row = sql.updateSession.get({
        ...this.#activity(id),
        setClaudeSessionId: update.claudeSessionId === undefined ? 0 : 1,
        claudeSessionId: update.claudeSessionId ?? null,
        setProject: update.project === undefined ? 0 : 1,
        project: update.project ?? null,
        setMetadata: update.metadata === undefined ? 0 : 1,
        metadata: jsonOrNull(update.metadata),
      }) as SessionRow | undefined;
      return row ? sessionFromRow(row) : null;
    });
  }

  async deleteSession(id: string): Promise<boolean> {
    return this.#connection.write((sql) => {
      // Messages and transcript parts go with it (ON DELETE CASCADE).
      const row = sql.deleteSession.get({ id }) as { expires_at: number | null } | undefined;
      return row !== undefined && !isExpired(row.expires_at, Date.now());
    });
  }

  async listSessions(userId: string, { limit, cursor }: NormalizedSessionListOptions): Promise<SessionPage> {
    return this.#connection.use(({ sql }) => {
      const params = { userId, now: Date.now(), limit: limit + 1 };
      const rows = (
        cursor
          ? sql.listSessionsAfter.all({ ...params, lastActiveAt: cursor.lastActiveAt, cursorId: cursor.id })
          : sql.listSessionsFirst.all(params)
      ) as SessionRow[];
      return sessionPageFrom(rows.map(sessionFromRow), limit);
    });
  }

  async appendMessage(id: string, message: NormalizedAppendMessageInput): Promise<MessageRecord | null> {
    return this.#connection.write((sql) => {
      const activity = this.#activity(id);
      const allocated = sql.allocateSeq.get(activity) as { seq: number } | undefined;
      if (!allocated) return null;
      const { createdAt, ...fields } = message;
      const record: MessageRecord = {
        sessionId: id,
        seq: allocated.seq,
        ...fields,
        createdAt: createdAt ?? activity.now,
      };
      sql.insertMessage.run({
        ...record,
        usage: jsonOrNull(record.usage),
        metadata: jsonOrNull(record.metadata),
      });
      return record;
    });
  }

  async listMessages(
    id: string,
    { limit, before, after }: NormalizedMessagePageOptions,
  ): Promise<MessagePage | null> {
    // One read transaction, so the existence check and the page see the same snapshot.
    return this.#connection.read((sql) => {
      if (!this.#counters(sql, id)) return null;
      const rows = (
        after !== undefined
          ? sql.messagesAfter.all({ id, after, limit: limit + 1 })
          : sql.messagesBefore.all({ id, before: before ?? Number.MAX_SAFE_INTEGER, limit: limit + 1 })
      ) as MessageRow[];
      return messagePageFrom(rows.map(messageFromRow), limit, after === undefined);
    });
  }

  async countMessages(id: string): Promise<number | null> {
    return this.#connection.use(({ sql }) => {
      const counters = this.#counters(sql, id);
      return counters ? counters.next_seq - 1 : null;
    });
  }

  async writeTranscript(id: string, text: string, mode: 'replace' | 'append'): Promise<boolean> {
    return this.#connection.write((sql) => {
      if (mode === 'replace') {
        if (sql.startTranscript.run(this.#activity(id)).changes === 0) return false;
        sql.clearTranscriptParts.run({ id });
        sql.insertTranscriptPart.run({ id, part: 0, text });
        return true;
      }
      // Each chunk is its own row: appending never rewrites what is already stored.
      const allocated = sql.allocateTranscriptPart.get(this.#activity(id)) as { part: number } | undefined;
      if (allocated) sql.insertTranscriptPart.run({ id, part: allocated.part, text });
      return allocated !== undefined;
    });
  }

  async loadTranscript(id: string): Promise<{ transcript: string | null } | null> {
    return this.#connection.read((sql) => {
      const counters = this.#counters(sql, id);
      if (!counters) return null;
      if (counters.transcript_parts === null) return { transcript: null };
      const parts = sql.transcriptParts.all({ id }) as { text: string }[];
      return { transcript: parts.map((row) => row.text).join('') };
    });
  }

  async close(): Promise<void> {
    this.#connection.close();
  }

  #counters(sql: Statements, id: string): Counters | undefined {
    return sql.getLiveCounters.get({ id, now: Date.now() }) as Counters | undefined;
  }

  /** Parameters of a write that counts as activity: it slides the expiry. */
  #activity(id: string): { id: string; now: number; expiresAt: number | null } {
    const now = Date.now();
    return { id, now, expiresAt: expiresAtFrom(now, this.#ttlMs) };
  }
}

/**
 * A SessionStore in one SQLite file (or ':memory:'). Every write is one BEGIN IMMEDIATE transaction,
 * so several processes can share the file; the driver is synchronous, the API returns promises.
 */
export class SqliteSessionStore extends BackedSessionStore<SqliteBackend> {
  constructor(options: SqliteSessionStoreOptions = {}) {
    super(new SqliteBackend(options));
  }

  /** The table names this store reads and writes. */
  get tables(): TableNames {
    return { ...this.backend.tables };
  }
}

/** Creates a SessionStore on SQLite; the file is opened (and migrated) on first use. */
export function createSqliteSessionStore(options: SqliteSessionStoreOptions = {}): SqliteSessionStore {
  return new SqliteSessionStore(options);
}
