import type { Lease, MessageRecord, MessageRole, SessionRecord, StoredTask } from '@claude-code-server/store';

/** A row of the sessions table as SELECT returns it. */
export interface SessionRow {
  id: string;
  user_id: string;
  claude_session_id: string | null;
  project: string | null;
  metadata: string;
  created_at: number;
  last_active_at: number;
  expires_at: number | null;
}

/** A row of the messages table as SELECT returns it. */
export interface MessageRow {
  session_id: string;
  seq: number;
  role: string;
  content: string;
  created_at: number;
  usage: string | null;
  cost_usd: number | null;
  metadata: string | null;
}

/** A row of the leases table; `owner` is null once released (the token stays, so tokens only grow). */
export interface LeaseRow {
  session_id: string;
  owner: string | null;
  token: number;
  expires_at: number;
}

/** A row of the tasks table. */
export interface TaskRow {
  owner: string;
  id: string;
  data: string;
  result: string | null;
  created_at: number;
  updated_at: number;
}

export const TASK_COLUMNS = 'owner, id, data, result, created_at, updated_at';
export const SESSION_COLUMNS =
  'id, user_id, claude_session_id, project, metadata, created_at, last_active_at, expires_at';
export const MESSAGE_COLUMNS = 'session_id, seq, role, content, created_at, usage, cost_usd, metadata';

export function sessionFromRow(row: SessionRow): SessionRecord {
  return {
    id: row.id,
    userId: row.user_id,
    claudeSessionId: row.claude_session_id,
    project: row.project,
    metadata: JSON.parse(row.metadata),
    createdAt: row.created_at,
    lastActiveAt: row.last_active_at,
    expiresAt: row.expires_at,
  };
}

export function messageFromRow(row: MessageRow): MessageRecord {
  return {
    sessionId: row.session_id,
    seq: row.seq,
    role: row.role as MessageRole,
    content: row.content,
    createdAt: row.created_at,
    usage: row.usage === null ? null : JSON.parse(row.usage),
    costUsd: row.cost_usd,
    metadata: row.metadata === null ? null : JSON.parse(row.metadata),
  };
}

export function leaseFromRow(row: LeaseRow & { owner: string }): Lease {
  return { sessionId: row.session_id, owner: row.owner, token: row.token, expiresAt: row.expires_at };
}

export function taskFromRow(row: TaskRow): StoredTask {
  return {
    id: row.id,
    owner: row.owner,
    data: JSON.parse(row.data),
    result: row.result,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** JSON text for a nullable column. */
export function jsonOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}
