import type { ApprovalAnswer, ApprovalHandOff, PendingApproval } from '@claude-code-server/server';
import pg from 'pg';

type OnAnswer = (answer: ApprovalAnswer) => boolean;

export interface PostgresApprovalHandOffOptions {
  url: string;
  /** The schema of its one table, apart from the store's migrated tables. */
  schema: string;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
/** How long after losing its listening connection a node connects again, doubling up to the most. */
const RELISTEN_FIRST_MS = 500;
const RELISTEN_MAX_MS = 10_000;
/** Names the listening connections in pg_stat_activity. */
export const LISTENER_APPLICATION_NAME = 'claude-code-server approvals';

/**
 * Pending approvals on PostgreSQL, for several nodes: each request is a row every node reads (rows
 * past `expires_at` count as gone), and an answer is written into its row by whichever node got it
 * (only the first: `answer IS NULL`), then NOTIFY tells the node holding the waiting turn, which
 * takes the answer from the row. A listening connection that drops (a database restart) is made
 * again, and the answers written meanwhile are taken then.
 */
export class PostgresApprovalHandOff implements ApprovalHandOff {
  private readonly pool: pg.Pool;
  private readonly table: string;
  private readonly channel: string;
  private readonly waiting = new Map<string, OnAnswer>();
  private ready: Promise<void> | undefined;
  private listener: pg.Client | undefined;
  private closed = false;

  constructor(private readonly options: PostgresApprovalHandOffOptions) {
    if (!IDENTIFIER.test(options.schema)) {
      throw new TypeError(
        `approvals schema ${JSON.stringify(options.schema)}: expected a lower-case SQL identifier`,
      );
    }
    this.pool = new pg.Pool({ connectionString: options.url, max: 4 });
    this.table = `"${options.schema}".pending_approvals`;
    this.channel = `${options.schema}_answers`;
  }

  async open(pending: PendingApproval, onAnswer: OnAnswer): Promise<void> {
    await this.start();
    this.waiting.set(pending.requestId, onAnswer);
    await this.pool.query(`DELETE FROM ${this.table} WHERE expires_at < $1`, [Date.now()]);
    await this.pool.query(
      `INSERT INTO ${this.table} (request_id, stored_session_id, created_at, expires_at, pending)
       VALUES ($1, $2, $3, $4, $5)`,
      [
        pending.requestId,
        pending.storedSessionId,
        pending.createdAt,
        pending.expiresAt,
        JSON.stringify(pending),
      ],
    );
  }

  async close(requestId: string): Promise<void> {
    this.waiting.delete(requestId);
    await this.start();
    await this.pool.query(`DELETE FROM ${this.table} WHERE request_id = $1`, [requestId]);
  }

  async get(requestId: string): Promise<PendingApproval | undefined> {
    await this.start();
    const { rows } = await this.pool.query<{ pending: PendingApproval }>(
      `SELECT pending FROM ${this.table} WHERE request_id = $1 AND answer IS NULL AND expires_at > $2`,
      [requestId, Date.now()],
    );
    return rows[0]?.pending;
  }

  async list(storedSessionId: string): Promise<PendingApproval[]> {
    await this.start();
    const { rows } = await this.pool.query<{ pending: PendingApproval }>(
      `SELECT pending FROM ${this.table}
       WHERE stored_session_id = $1 AND answer IS NULL AND expires_at > $2 ORDER BY created_at, request_id`,
      [storedSessionId, Date.now()],
    );
    return rows.map((row) => row.pending);
  }

  async deliver(requestId: string, answer: ApprovalAnswer): Promise<boolean> {
    await this.start();
    const { rowCount } = await this.pool.query(
      `UPDATE ${this.table} SET answer = $2 WHERE request_id = $1 AND answer IS NULL AND expires_at > $3`,
      [requestId, JSON.stringify(answer), Date.now()],
    );
    if (rowCount !== 1) return false;
    const local = this.waiting.get(requestId);
    if (local) {
      await this.pool.query(`DELETE FROM ${this.table} WHERE request_id = $1`, [requestId]);
      return local(answer);
    }
    await this.pool.query('SELECT pg_notify($1, $2)', [this.channel, requestId]);
    return true;
  }

  /** Ends the listening connection and the pool. */
  async shutdown(): Promise<void> {
    this.closed = true;
    this.waiting.clear();
    await this.listener?.end().catch(() => undefined);
    await this.pool.end().catch(() => undefined);
  }

  /** Creates the table once and listens for answers. */
  private start(): Promise<void> {
    this.ready ??= (async () => {
      // Two nodes starting at once may both create: the loser's duplicate error means it exists.
      const created = (error: { code?: string }) => {
        if (!['23505', '42P06', '42P07'].includes(error.code ?? '')) throw error;
      };
      await this.pool.query(`CREATE SCHEMA IF NOT EXISTS "${this.options.schema}"`).catch(created);
      await this.pool
        .query(
          `CREATE TABLE IF NOT EXISTS ${this.table} (
             request_id text PRIMARY KEY,
             stored_session_id text NOT NULL,
             created_at bigint NOT NULL,
             expires_at bigint NOT NULL,
             pending jsonb NOT NULL,
             answer jsonb
           )`,
        )
        .catch(created);
      await this.listen();
    })();
    this.ready.catch(() => {
      this.ready = undefined;
    });
    return this.ready;
  }

  /** Opens the connection that LISTENs for answers; a drop of it is noticed, not thrown. */
  private async listen(): Promise<void> {
    const listener = new pg.Client({
      connectionString: this.options.url,
      application_name: LISTENER_APPLICATION_NAME,
    });
    listener.on('error', () => this.lost(listener));
    listener.on('end', () => this.lost(listener));
    listener.on('notification', (message) => {
      if (message.channel === this.channel && message.payload) void this.take(message.payload);
    });
    try {
      await listener.connect();
      await listener.query(`LISTEN "${this.channel}"`);
    } catch (error) {
      await listener.end().catch(() => undefined);
      throw error;
    }
    if (this.closed) {
      await listener.end().catch(() => undefined);
      return;
    }
    this.listener = listener;
    // Answers written while nothing listened here (none on the first start).
    for (const requestId of this.waiting.keys()) void this.take(requestId);
  }

  private lost(listener: pg.Client): void {
    if (this.closed || this.listener !== listener) return;
    this.listener = undefined;
    listener.end().catch(() => undefined);
    this.relisten(RELISTEN_FIRST_MS);
  }

  private relisten(delayMs: number): void {
    const timer = setTimeout(() => {
      if (this.closed) return;
      this.listen().catch(() => this.relisten(Math.min(delayMs * 2, RELISTEN_MAX_MS)));
    }, delayMs);
    timer.unref();
  }

  /** Takes an answer another node wrote for a turn of this node, if there is one yet. */
  private async take(requestId: string): Promise<void> {
    const onAnswer = this.waiting.get(requestId);
    if (!onAnswer) return;
    const { rows } = await this.pool
      .query<{ answer: ApprovalAnswer | null }>(
        `DELETE FROM ${this.table} WHERE request_id = $1 AND answer IS NOT NULL RETURNING answer`,
        [requestId],
      )
      // Taken at the next notification, or after the next reconnect.
      .catch(() => ({ rows: [] as Array<{ answer: ApprovalAnswer | null }> }));
    const answer = rows[0]?.answer;
    if (answer) onAnswer(answer);
  }
}
