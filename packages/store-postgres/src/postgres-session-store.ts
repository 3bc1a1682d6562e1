import {
  BackedSessionStore,
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
  StoreUnavailableError,
  sessionPageFrom,
} from '@claude-code-server/store';
import {
  type MessageRow,
  messageFromRow,
  type SessionRow,
  sessionFromRow,
} from '@claude-code-server/store/sql';
import type pg from 'pg';
import { describePostgresFailure } from './postgres-errors.js';
import { PostgresLeases } from './postgres-leases.js';
import { SchemaMigrator } from './postgres-migrator.js';
import { type PostgresSessionStoreOptions, resolvePostgresOptions } from './postgres-options.js';
import { buildQueries, type Queries } from './postgres-queries.js';
import { queryRows } from './postgres-rows.js';
import { PostgresSweeper } from './postgres-sweeper.js';
import { PostgresTasks } from './postgres-tasks.js';
import { withTransaction } from './postgres-transaction.js';

/** insertSession retries when the row it raced with vanished (deleted or expired) meanwhile. */
const INSERT_ATTEMPTS = 5;

/** One row per session, message and transcript chunk, in one schema; times from the database clock. */
class PostgresBackend implements SessionStoreBackend {
  readonly name = 'postgres';
  readonly schema: string;
  readonly describeFailure = describePostgresFailure;
  readonly #pool: pg.Pool;
  readonly #ownsPool: boolean;
  readonly migrator: SchemaMigrator;
  readonly #sql: Queries;
  readonly leases: PostgresLeases;
  readonly tasks: PostgresTasks;
  readonly #sweeper: PostgresSweeper;

  constructor(options: PostgresSessionStoreOptions) {
    const resolved = resolvePostgresOptions(options);
    this.schema = resolved.schema;
    this.#pool = resolved.pool;
    this.#ownsPool = resolved.ownsPool;
    this.migrator = new SchemaMigrator(this.#pool, this.schema, resolved.migrate);
    this.#sql = buildQueries(resolved.schema, resolved.ttlMs);
    this.leases = new PostgresLeases(this.#pool, this.#sql);
    this.tasks = new PostgresTasks(this.#pool, this.#sql);
    this.#sweeper = new PostgresSweeper(this.#pool, this.#sql);
  }

  ready(): Promise<void> {
    return this.migrator.ready();
  }

  /** Inserts (freeing the id of an expired session first), else reads the live session that has the id. */
  async insertSession(input: NormalizedCreateSessionInput) {
    for (let attempt = 0; attempt < INSERT_ATTEMPTS; attempt++) {
      const created = await this.#tryInsert(input);
      if (created !== null) return { session: created, created: true };
      const existing = await this.getSession(input.id);
      if (existing !== null) return { session: existing, created: false };
    }
    throw new StoreUnavailableError(`session ${input.id} kept vanishing while being fetched or created`);
  }

  async getSession(id: string): Promise<SessionRecord | null> {
    return this.#session(this.#sql.selectSession, [id]);
  }

  updateSession(id: string, update: SessionUpdate): Promise<SessionRecord | null> {
    const { text, values } = this.#sql.updateSession(update);
    return this.#session(text, [id, ...values]);
  }

  async deleteSession(id: string): Promise<boolean> {
    return (await this.#rows<{ live: string }>(this.#sql.deleteSession, [id]))[0]?.live === 't';
  }

  async listSessions(userId: string, { limit, cursor }: NormalizedSessionListOptions): Promise<SessionPage> {
    const rows =
      cursor === null
        ? await this.#rows<SessionRow>(this.#sql.listSessions, [userId, limit + 1])
        : await this.#rows<SessionRow>(this.#sql.listSessionsAfterCursor, [
            userId,
            limit + 1,
            cursor.lastActiveAt,
            cursor.id,
          ]);
    return sessionPageFrom(rows.map(sessionFromRow), limit);
  }

  async appendMessage(id: string, message: NormalizedAppendMessageInput): Promise<MessageRecord | null> {
    const [row] = await this.#rows<MessageRow>(this.#sql.appendMessage, [
      id,
      message.role,
      message.content,
      message.createdAt ?? null,
      message.usage === null ? null : JSON.stringify(message.usage),
      message.costUsd,
      message.metadata === null ? null : JSON.stringify(message.metadata),
    ]);
    return row === undefined ? null : messageFromRow(row);
  }

  async listMessages(
    id: string,
    { limit, before, after }: NormalizedMessagePageOptions,
  ): Promise<MessagePage | null> {
    const forward = after !== undefined;
    const rows = await this.#rows<{ live_id: string } & Partial<MessageRow>>(
      forward ? this.#sql.messagesAfter : this.#sql.messagesBefore,
      [id, forward ? after : (before ?? Number.MAX_SAFE_INTEGER), limit + 1],
    );
    if (rows.length === 0) return null;
    const messages = rows.filter((row): row is MessageRow & { live_id: string } => row.seq != null);
    return messagePageFrom(messages.map(messageFromRow), limit, !forward);
  }

  async countMessages(id: string): Promise<number | null> {
    const [row] = await this.#rows<{ count: string }>(this.#sql.countMessages, [id]);
    return row === undefined ? null : Number(row.count);
  }

  async writeTranscript(id: string, text: string, mode: 'replace' | 'append'): Promise<boolean> {
    if (mode === 'append') return (await this.#rows(this.#sql.appendTranscript, [id, text])).length > 0;
    return withTransaction(this.#pool, async (client) => {
      const locked = await queryRows(client, this.#sql.lockSessionForTranscript, [id]);
      if (locked.rowCount === 0) return false;
      await queryRows(client, this.#sql.deleteTranscript, [id]);
      await queryRows(client, this.#sql.insertTranscriptChunk, [id, text]);
      return true;
    });
  }

  async loadTranscript(id: string): Promise<{ transcript: string | null } | null> {
    const [row] = await this.#rows<{ transcript: string | null }>(this.#sql.loadTranscript, [id]);
    return row === undefined ? null : { transcript: row.transcript };
  }

  /** Waits for a running sweep, and ends the pool if the store created it. */
  async close(): Promise<void> {
    await this.#sweeper.stop();
    if (this.#ownsPool) await this.#pool.end();
  }

  /** The rows of one statement on the pool; each call may start the background sweep. */
  async #rows<R extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<R[]> {
    const { rows } = await queryRows<R>(this.#pool, text, values);
    this.#sweeper.maybeSweep();
    return rows;
  }

  async #session(text: string, values: unknown[]): Promise<SessionRecord | null> {
    const [row] = await this.#rows<SessionRow>(text, values);
    return row === undefined ? null : sessionFromRow(row);
  }

  /** A new session, or null when a live one has the id; an expired one holding it is deleted first. */
  async #tryInsert(input: NormalizedCreateSessionInput): Promise<SessionRecord | null> {
    const values = [
      input.id,
      input.userId,
      input.claudeSessionId,
      input.project,
      JSON.stringify(input.metadata),
    ];
    const inserted = await this.#session(this.#sql.insertSession, values);
    if (inserted !== null) return inserted;
    const freed = await queryRows(this.#pool, this.#sql.deleteExpiredSession, [input.id]);
    if (freed.rowCount === 0) return null;
    return this.#session(this.#sql.insertSession, values);
  }
}

/** A SessionStore on PostgreSQL: one row per session, message and transcript chunk, in one schema. */
export class PostgresSessionStore extends BackedSessionStore<PostgresBackend> {
  constructor(options: PostgresSessionStoreOptions = {}) {
    super(new PostgresBackend(options));
  }

  /** The schema holding the tables. */
  get schema(): string {
    return this.backend.schema;
  }

  /** Applies pending migrations now and returns the versions applied (empty when up to date). */
  migrate(): Promise<number[]> {
    return this.guard('migrate', () => this.backend.migrator.migrate());
  }
}

/** Creates a PostgresSessionStore; reads `DATABASE_URL` only when neither `url` nor `pool` is given. */
export function createPostgresSessionStore(options: PostgresSessionStoreOptions = {}): PostgresSessionStore {
  return new PostgresSessionStore(options);
}
