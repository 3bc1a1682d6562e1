/**
 * `@claude-code-server/store/sql`: the rows of the SQL stores (SQLite, Postgres, or one you write)
 * and their records. A column's numbers may come back as numbers or as text (Postgres' BIGINT,
 * NUMERIC): each is read with Number(), which leaves a number as it is.
 */
import type { Lease, MessageRecord, MessageRole, SessionRecord, StoredTask } from '../types.js';

/** What a driver returns for a numeric column. */
type Numeric = number | string;

/** A row of the sessions table. */
export interface SessionRow {
  id: string;
  user_id: string;
  claude_session_id: string | null;
  project: string | null;
  metadata: string;
  created_at: Numeric;
  last_active_at: Numeric;
  expires_at: Numeric | null;
}

/** A row of the messages table. */
export interface MessageRow {
  session_id: string;
  seq: Numeric;
  role: string;
  content: string;
  created_at: Numeric;
  usage: string | null;
  cost_usd: Numeric | null;
  metadata: string | null;
}

/** A row of the leases table; `owner` is null once released where the token is kept (tokens only grow). */
export interface LeaseRow {
  session_id: string;
  owner: string | null;
  token: Numeric;
  expires_at: Numeric;
}

/** A row of the tasks table. */
export interface TaskRow {
  owner: string;
  id: string;
  data: string;
  result: string | null;
  created_at: Numeric;
  updated_at: Numeric;
}

const numberOrNull = (value: Numeric | null): number | null => (value === null ? null : Number(value));
const jsonOf = (text: string | null): unknown => (text === null ? null : JSON.parse(text));

export function sessionFromRow(row: SessionRow): SessionRecord {
  return {
    id: row.id,
    userId: row.user_id,
    claudeSessionId: row.claude_session_id,
    project: row.project,
    metadata: JSON.parse(row.metadata),
    createdAt: Number(row.created_at),
    lastActiveAt: Number(row.last_active_at),
    expiresAt: numberOrNull(row.expires_at),
  };
}

export function messageFromRow(row: MessageRow): MessageRecord {
  return {
    sessionId: row.session_id,
    seq: Number(row.seq),
    role: row.role as MessageRole,
    content: row.content,
    createdAt: Number(row.created_at),
    usage: jsonOf(row.usage) as MessageRecord['usage'],
    costUsd: numberOrNull(row.cost_usd),
    metadata: jsonOf(row.metadata) as MessageRecord['metadata'],
  };
}

/** The lease of a held row (its owner set). */
export function leaseFromRow(row: LeaseRow & { owner: string }): Lease {
  return {
    sessionId: row.session_id,
    owner: row.owner,
    token: Number(row.token),
    expiresAt: Number(row.expires_at),
  };
}

export function taskFromRow(row: TaskRow): StoredTask {
  return {
    id: row.id,
    owner: row.owner,
    data: JSON.parse(row.data),
    result: row.result,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** JSON text for a nullable column. */
export function jsonOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}
