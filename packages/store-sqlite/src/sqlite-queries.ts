import type { Database, Statement } from 'better-sqlite3';
import type { TableNames } from './sqlite-schema.js';

/** The columns a SELECT of each table returns (the rows of `@claude-code-server/store/sql`). */
const TASK_COLUMNS = 'owner, id, data, result, created_at, updated_at';
const SESSION_COLUMNS =
  'id, user_id, claude_session_id, project, metadata, created_at, last_active_at, expires_at';
const MESSAGE_COLUMNS = 'session_id, seq, role, content, created_at, usage, cost_usd, metadata';

/** Every statement the store runs, prepared once per connection. */
export type Statements = { [Name in keyof ReturnType<typeof statementSql>]: Statement };

// `@now` is the caller's clock: a row whose expires_at has been reached is treated as absent.
const LIVE = '(expires_at IS NULL OR expires_at > @now)';

/** Prepares the store's statements against the namespace's tables. */
export function prepareStatements(db: Database, t: TableNames): Statements {
  const sql = statementSql(t);
  const statements = {} as Statements;
  for (const name of Object.keys(sql) as (keyof Statements)[]) statements[name] = db.prepare(sql[name]);
  return statements;
}

function statementSql(t: TableNames) {
  return {
    getLiveSession: `SELECT ${SESSION_COLUMNS} FROM ${t.sessions} WHERE id = @id AND ${LIVE}`,
    getLiveCounters: `SELECT next_seq, transcript_parts FROM ${t.sessions} WHERE id = @id AND ${LIVE}`,
    deleteExpiredSession: `DELETE FROM ${t.sessions} WHERE id = @id AND expires_at <= @now`,
    // Bounded, so a write never pays for a large backlog of expired sessions at once.
    sweepExpiredSessions: `DELETE FROM ${t.sessions} WHERE id IN (
         SELECT id FROM ${t.sessions} WHERE expires_at <= @now LIMIT @limit)`,
    insertSession: `INSERT OR IGNORE INTO ${t.sessions}
         (id, user_id, claude_session_id, project, metadata, created_at, last_active_at, expires_at)
       VALUES (@id, @userId, @claudeSessionId, @project, @metadata, @now, @now, @expiresAt)`,
    updateSession: `UPDATE ${t.sessions} SET
         claude_session_id = iif(@setClaudeSessionId, @claudeSessionId, claude_session_id),
         project = iif(@setProject, @project, project),
         metadata = iif(@setMetadata, @metadata, metadata),
         last_active_at = @now, expires_at = @expiresAt
       WHERE id = @id AND ${LIVE}
       RETURNING ${SESSION_COLUMNS}`,
    deleteSession: `DELETE FROM ${t.sessions} WHERE id = @id RETURNING expires_at`,
    listSessionsFirst: `SELECT ${SESSION_COLUMNS} FROM ${t.sessions} WHERE user_id = @userId AND ${LIVE}
       ORDER BY last_active_at DESC, id DESC LIMIT @limit`,
    listSessionsAfter: `SELECT ${SESSION_COLUMNS} FROM ${t.sessions} WHERE user_id = @userId AND ${LIVE}
         AND (last_active_at < @lastActiveAt OR (last_active_at = @lastActiveAt AND id < @cursorId))
       ORDER BY last_active_at DESC, id DESC LIMIT @limit`,

    // The next seq lives on the session row, so appending never reads earlier messages.
    allocateSeq: `UPDATE ${t.sessions} SET next_seq = next_seq + 1, last_active_at = @now, expires_at = @expiresAt
       WHERE id = @id AND ${LIVE} RETURNING next_seq - 1 AS seq`,
    insertMessage: `INSERT INTO ${t.messages} (${MESSAGE_COLUMNS})
       VALUES (@sessionId, @seq, @role, @content, @createdAt, @usage, @costUsd, @metadata)`,
    messagesAfter: `SELECT ${MESSAGE_COLUMNS} FROM ${t.messages} WHERE session_id = @id AND seq > @after
       ORDER BY seq ASC LIMIT @limit`,
    messagesBefore: `SELECT ${MESSAGE_COLUMNS} FROM ${t.messages} WHERE session_id = @id AND seq < @before
       ORDER BY seq DESC LIMIT @limit`,

    startTranscript: `UPDATE ${t.sessions} SET transcript_parts = 1, last_active_at = @now, expires_at = @expiresAt
       WHERE id = @id AND ${LIVE}`,
    clearTranscriptParts: `DELETE FROM ${t.transcriptParts} WHERE session_id = @id`,
    allocateTranscriptPart: `UPDATE ${t.sessions} SET transcript_parts = coalesce(transcript_parts, 0) + 1,
         last_active_at = @now, expires_at = @expiresAt
       WHERE id = @id AND ${LIVE} RETURNING transcript_parts - 1 AS part`,
    insertTranscriptPart: `INSERT INTO ${t.transcriptParts} (session_id, part, text) VALUES (@id, @part, @text)`,
    transcriptParts: `SELECT text FROM ${t.transcriptParts} WHERE session_id = @id ORDER BY part ASC`,

    getLease: `SELECT session_id, owner, token, expires_at FROM ${t.leases} WHERE session_id = @id`,
    grantLease: `INSERT INTO ${t.leases} (session_id, owner, token, expires_at) VALUES (@id, @owner, 1, @expiresAt)
       ON CONFLICT (session_id) DO UPDATE SET
         owner = excluded.owner, token = token + 1, expires_at = excluded.expires_at
       RETURNING session_id, owner, token, expires_at`,
    renewLease: `UPDATE ${t.leases} SET expires_at = @expiresAt
       WHERE session_id = @id AND owner = @owner AND token = @token AND expires_at > @now
       RETURNING session_id, owner, token, expires_at`,
    insertTask: `INSERT OR IGNORE INTO ${t.tasks} (owner, id, data, created_at, updated_at)
       VALUES (@owner, @id, @data, @now, @now)`,
    getTask: `SELECT ${TASK_COLUMNS} FROM ${t.tasks} WHERE owner = @owner AND id = @id`,
    updateTask: `UPDATE ${t.tasks} SET
         data = iif(@setData, @data, data),
         result = iif(@setResult, @result, result),
         updated_at = @now
       WHERE owner = @owner AND id = @id
       RETURNING ${TASK_COLUMNS}`,
    deleteTask: `DELETE FROM ${t.tasks} WHERE owner = @owner AND id = @id`,
    // Keyset paging on the primary key, in BINARY (byte) order like every store.
    listTasks: `SELECT ${TASK_COLUMNS} FROM ${t.tasks}
       WHERE owner = @owner AND (@after IS NULL OR id > @after)
       ORDER BY id LIMIT @limit`,

    releaseLease: `UPDATE ${t.leases} SET owner = NULL, expires_at = 0
       WHERE session_id = @id AND owner = @owner AND token = @token`,
  };
}
