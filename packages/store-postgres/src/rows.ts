import type {
  Lease,
  MessageRecord,
  MessageRole,
  MessageUsage,
  Metadata,
  SessionRecord,
} from '@claude-code-server/store';

// pg returns timestamptz as Date, jsonb parsed, and bigint as a string (it may exceed 2^53 in general;
// seqs and tokens here stay far below).

export interface SessionRow {
  id: string;
  user_id: string;
  claude_session_id: string | null;
  project: string | null;
  metadata: Metadata;
  created_at: Date;
  last_active_at: Date;
  expires_at: Date | null;
}

export interface MessageRow {
  session_id: string;
  seq: string;
  role: MessageRole;
  content: string;
  created_at: Date;
  usage: MessageUsage | null;
  cost_usd: number | null;
  metadata: Metadata | null;
}

export interface LeaseRow {
  session_id: string;
  owner: string;
  token: string;
  expires_at: Date;
}

export function toSessionRecord(row: SessionRow): SessionRecord {
  return {
    id: row.id,
    userId: row.user_id,
    claudeSessionId: row.claude_session_id,
    project: row.project,
    metadata: row.metadata,
    createdAt: row.created_at.getTime(),
    lastActiveAt: row.last_active_at.getTime(),
    expiresAt: row.expires_at === null ? null : row.expires_at.getTime(),
  };
}

export function toMessageRecord(row: MessageRow): MessageRecord {
  return {
    sessionId: row.session_id,
    seq: Number(row.seq),
    role: row.role,
    content: row.content,
    createdAt: row.created_at.getTime(),
    usage: row.usage,
    costUsd: row.cost_usd,
    metadata: row.metadata,
  };
}

export function toLease(row: LeaseRow): Lease {
  return {
    sessionId: row.session_id,
    owner: row.owner,
    token: Number(row.token),
    expiresAt: row.expires_at.getTime(),
  };
}
