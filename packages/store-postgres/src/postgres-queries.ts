import type { SessionUpdate } from '@claude-code-server/store';
import { quoteIdentifier } from './postgres-identifiers.js';

// Times come from the database clock, so every process sharing the database agrees on expiry and
// leases. Millisecond precision matches the records (epoch ms) and the session cursors.
const NOW = "date_trunc('milliseconds', statement_timestamp())";
const LIVE = `(expires_at IS NULL OR expires_at > ${NOW})`;

/** An epoch-ms parameter as a timestamptz. */
function fromMs(param: string): string {
  return `(timestamptz 'epoch' + ${param}::bigint * interval '1 millisecond')`;
}

/** A timestamptz column as epoch ms under its own name. */
function ms(column: string): string {
  return `(extract(epoch from ${column}) * 1000)::bigint AS ${column}`;
}

const SESSION_COLUMNS = `id, user_id, claude_session_id, project, metadata, ${ms('created_at')},
  ${ms('last_active_at')}, ${ms('expires_at')}`;
const MESSAGE_COLUMNS = 'session_id, seq, role, content, created_at, usage, cost_usd, metadata';
const MESSAGE_OUTPUT = `session_id, seq, role, content, ${ms('created_at')}, usage, cost_usd, metadata`;
const LEASE_COLUMNS = `session_id, owner, token, ${ms('expires_at')}`;
const TASK_COLUMNS = `owner, id, data, result, ${ms('created_at')}, ${ms('updated_at')}`;

/** Every statement the store runs, for one schema and TTL. */
export type Queries = ReturnType<typeof buildQueries>;

/** Builds the statements once per store; the schema is quoted and the TTL is a checked integer. */
export function buildQueries(schema: string, ttlMs: number | undefined) {
  const s = quoteIdentifier(schema);
  const expiresAt = ttlMs === undefined ? 'NULL' : `${NOW} + ${ttlMs} * interval '1 millisecond'`;
  // Marks activity on a live session and locks its row until the statement's transaction ends.
  const touchLive = `UPDATE ${s}.sessions SET last_active_at = ${NOW}, expires_at = ${expiresAt}
    WHERE id = $1 AND ${LIVE}`;

  return {
    insertSession: `INSERT INTO ${s}.sessions
        (id, user_id, claude_session_id, project, metadata, created_at, last_active_at, expires_at)
      VALUES ($1, $2, $3, $4, $5::jsonb, ${NOW}, ${NOW}, ${expiresAt})
      ON CONFLICT (id) DO NOTHING
      RETURNING ${SESSION_COLUMNS}`,
    /** Frees the id of an expired session (its messages and transcript go with it). */
    deleteExpiredSession: `DELETE FROM ${s}.sessions WHERE id = $1 AND NOT ${LIVE}`,
    selectSession: `SELECT ${SESSION_COLUMNS} FROM ${s}.sessions WHERE id = $1 AND ${LIVE}`,
    /** The keys of `update` that are not undefined (none: a touch), with their values from $2. */
    updateSession: (update: SessionUpdate) => {
      const values: unknown[] = [];
      const set = (column: string, value: unknown, cast = '') => {
        values.push(value);
        return `${column} = $${values.length + 1}${cast}`;
      };
      const sets: string[] = [];
      if (update.claudeSessionId !== undefined) sets.push(set('claude_session_id', update.claudeSessionId));
      if (update.project !== undefined) sets.push(set('project', update.project));
      if (update.metadata !== undefined)
        sets.push(set('metadata', JSON.stringify(update.metadata), '::jsonb'));
      const text = `UPDATE ${s}.sessions SET ${[...sets, `last_active_at = ${NOW}`, `expires_at = ${expiresAt}`].join(', ')}
      WHERE id = $1 AND ${LIVE}
      RETURNING ${SESSION_COLUMNS}`;
      return { text, values };
    },
    deleteSession: `DELETE FROM ${s}.sessions WHERE id = $1 RETURNING ${LIVE} AS live`,
    listSessions: `SELECT ${SESSION_COLUMNS} FROM ${s}.sessions
      WHERE user_id = $1 AND ${LIVE}
      ORDER BY last_active_at DESC, id DESC LIMIT $2`,
    listSessionsAfterCursor: `SELECT ${SESSION_COLUMNS} FROM ${s}.sessions
      WHERE user_id = $1 AND ${LIVE} AND (last_active_at, id) < (${fromMs('$3')}, $4)
      ORDER BY last_active_at DESC, id DESC LIMIT $2`,

    /** One statement: takes the session's next seq (locking its row) and inserts the message with it. */
    appendMessage: `WITH allocated AS (
        UPDATE ${s}.sessions SET next_seq = next_seq + 1, last_active_at = ${NOW}, expires_at = ${expiresAt}
        WHERE id = $1 AND ${LIVE}
        RETURNING id, next_seq - 1 AS seq
      )
      INSERT INTO ${s}.messages (${MESSAGE_COLUMNS})
      SELECT id, seq, $2, $3, COALESCE(${fromMs('$4')}, ${NOW}), $5::jsonb, $6, $7::jsonb FROM allocated
      RETURNING ${MESSAGE_OUTPUT}`,
    // Seqs run 1..next_seq-1 without gaps (messages are never removed one by one), so a page is a seq
    // range of $3 (= limit + 1) rows: the index reads only that range, whatever plan is chosen.
    /** The first $3 messages after seq $2; `live_id` tells an empty page from a missing session. */
    messagesAfter: `SELECT live.id AS live_id, m.* FROM
        (SELECT id FROM ${s}.sessions WHERE id = $1 AND ${LIVE}) live
      LEFT JOIN LATERAL (
        SELECT ${MESSAGE_OUTPUT} FROM ${s}.messages
        WHERE session_id = live.id AND seq > $2 AND seq <= $2::bigint + $3
        ORDER BY seq ASC LIMIT $3
      ) m ON true`,
    /** The last $3 messages before seq $2 (or before the next seq), newest first. */
    messagesBefore: `SELECT live.id AS live_id, m.* FROM
        (SELECT id, LEAST($2::bigint, next_seq) AS bound FROM ${s}.sessions WHERE id = $1 AND ${LIVE}) live
      LEFT JOIN LATERAL (
        SELECT ${MESSAGE_OUTPUT} FROM ${s}.messages
        WHERE session_id = live.id AND seq < live.bound AND seq >= live.bound - $3
        ORDER BY seq DESC LIMIT $3
      ) m ON true`,
    /** Seqs are handed out only by committed appends and messages are never removed one by one. */
    countMessages: `SELECT next_seq - 1 AS count FROM ${s}.sessions WHERE id = $1 AND ${LIVE}`,

    /** Run inside a transaction: the row lock makes the delete see every chunk committed before it. */
    lockSessionForTranscript: `${touchLive} RETURNING id`,
    deleteTranscript: `DELETE FROM ${s}.transcripts WHERE session_id = $1`,
    insertTranscriptChunk: `INSERT INTO ${s}.transcripts (session_id, content) VALUES ($1, $2)`,
    /** One statement: the session's row lock orders concurrent chunks by commit. */
    appendTranscript: `WITH touched AS (${touchLive} RETURNING id)
      INSERT INTO ${s}.transcripts (session_id, content) SELECT id, $2 FROM touched
      RETURNING session_id`,
    loadTranscript: `SELECT (
        SELECT string_agg(content, '' ORDER BY chunk) FROM ${s}.transcripts WHERE session_id = live.id
      ) AS transcript
      FROM ${s}.sessions live WHERE id = $1 AND ${LIVE}`,

    /** Takes the lease when it is free or expired, with a new token; no row when someone holds it. */
    acquireLease: `INSERT INTO ${s}.leases AS held (session_id, owner, expires_at)
      VALUES ($1, $2, ${NOW} + $3::bigint * interval '1 millisecond')
      ON CONFLICT (session_id) DO UPDATE
        SET owner = excluded.owner, token = excluded.token, expires_at = excluded.expires_at
        WHERE held.expires_at <= ${NOW}
      RETURNING ${LEASE_COLUMNS}`,
    renewLease: `UPDATE ${s}.leases SET expires_at = ${NOW} + $4::bigint * interval '1 millisecond'
      WHERE session_id = $1 AND owner = $2 AND token = $3 AND expires_at > ${NOW}
      RETURNING ${LEASE_COLUMNS}`,
    releaseLease: `DELETE FROM ${s}.leases WHERE session_id = $1 AND owner = $2 AND token = $3`,

    /** No row when the owner already has a task with the id. */
    insertTask: `INSERT INTO ${s}.tasks (owner, id, data, created_at, updated_at)
      VALUES ($1, $2, $3::jsonb, ${NOW}, ${NOW})
      ON CONFLICT (owner, id) DO NOTHING
      RETURNING ${TASK_COLUMNS}`,
    selectTask: `SELECT ${TASK_COLUMNS} FROM ${s}.tasks WHERE owner = $1 AND id = $2`,
    /** $3/$5: whether to set data ($4) / result ($6). */
    updateTask: `UPDATE ${s}.tasks SET
        data = CASE WHEN $3::boolean THEN $4::jsonb ELSE data END,
        result = CASE WHEN $5::boolean THEN $6::text ELSE result END,
        updated_at = ${NOW}
      WHERE owner = $1 AND id = $2
      RETURNING ${TASK_COLUMNS}`,
    deleteTask: `DELETE FROM ${s}.tasks WHERE owner = $1 AND id = $2`,
    /** Keyset paging on the primary key: $2 is the last id of the previous page (null: the first). */
    listTasks: `SELECT ${TASK_COLUMNS} FROM ${s}.tasks
      WHERE owner = $1 AND ($2::text IS NULL OR id > $2::text)
      ORDER BY id LIMIT $3`,

    /** Lazy cleanup; bounded so one sweep never holds locks for long. */
    sweepExpiredSessions: `DELETE FROM ${s}.sessions WHERE id IN (
        SELECT id FROM ${s}.sessions WHERE expires_at <= ${NOW} LIMIT 500
      )`,
    sweepExpiredLeases: `DELETE FROM ${s}.leases WHERE session_id IN (
        SELECT session_id FROM ${s}.leases WHERE expires_at <= ${NOW} LIMIT 500
      )`,
  };
}
