import type { Lease, MessageRecord, MessageRole, SessionRecord, StoredTask } from '@claude-code-server/store';
import type pg from 'pg';

// Every value comes back as the server's text, whatever type parsers the application installed globally
// in pg (a passed-in pool shares them); the store parses it itself. Times arrive as epoch ms.
const RAW_TEXT: pg.CustomTypesConfig = { getTypeParser: () => (value: string) => value };

/** A query whose values come back as raw text (or null). */
export async function queryRows<R extends pg.QueryResultRow>(
  db: pg.Pool | pg.PoolClient,
  text: string,
  values: unknown[] = [],
): Promise<pg.QueryResult<R>> {
  return db.query<R>({ text, values, types: RAW_TEXT });
}

type Text = string;

export interface SessionRow {
  id: Text;
  user_id: Text;
  claude_session_id: Text | null;
  project: Text | null;
  metadata: Text;
  created_at: Text;
  last_active_at: Text;
  expires_at: Text | null;
}

export interface MessageRow {
  session_id: Text;
  seq: Text;
  role: Text;
  content: Text;
  created_at: Text;
  usage: Text | null;
  cost_usd: Text | null;
  metadata: Text | null;
}

export interface LeaseRow {
  session_id: Text;
  owner: Text;
  token: Text;
  expires_at: Text;
}

export interface TaskRow {
  owner: Text;
  id: Text;
  data: Text;
  result: Text | null;
  created_at: Text;
  updated_at: Text;
}

export function toSessionRecord(row: SessionRow): SessionRecord {
  return {
    id: row.id,
    userId: row.user_id,
    claudeSessionId: row.claude_session_id,
    project: row.project,
    metadata: JSON.parse(row.metadata),
    createdAt: Number(row.created_at),
    lastActiveAt: Number(row.last_active_at),
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
  };
}

export function toMessageRecord(row: MessageRow): MessageRecord {
  return {
    sessionId: row.session_id,
    seq: Number(row.seq),
    role: row.role as MessageRole,
    content: row.content,
    createdAt: Number(row.created_at),
    usage: row.usage === null ? null : JSON.parse(row.usage),
    costUsd: row.cost_usd === null ? null : Number(row.cost_usd),
    metadata: row.metadata === null ? null : JSON.parse(row.metadata),
  };
}

export function toLease(row: LeaseRow): Lease {
  return {
    sessionId: row.session_id,
    owner: row.owner,
    token: Number(row.token),
    expiresAt: Number(row.expires_at),
  };
}

export function toTask(row: TaskRow): StoredTask {
  return {
    id: row.id,
    owner: row.owner,
    data: JSON.parse(row.data),
    result: row.result,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}
