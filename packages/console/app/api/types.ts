// What the server answers. The types the server exports are imported (type-only: nothing of the
// server is bundled); the few bodies it does not export are written out here as the README lists them.
export type {
  ChatResponseBody,
  PermissionRequestBody,
  PermissionResolvedBody,
  TaskBody,
  TaskStatus,
} from '@claude-code-server/server';

export interface UsageBody {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

/** A message of GET /session/{id}/history. */
export interface HistoryMessage {
  seq: number;
  role: 'user' | 'assistant' | 'system';
  content: string;
  timestamp: string;
  usage: UsageBody | null;
  cost_usd: number | null;
}

export interface HistoryPage {
  session_id: string;
  user_id: string;
  messages: HistoryMessage[];
  total_messages: number;
  has_more: boolean;
}

/** A session of GET /sessions. */
export interface SessionSummary {
  session_id: string;
  claude_session_id: string | null;
  project: string | null;
  created_at: string;
  last_active_at: string;
  expires_at: string | null;
}

export interface SessionList {
  user_id: string;
  sessions: SessionSummary[];
  next_cursor: string | null;
}

export interface HealthBody {
  status: 'healthy' | 'degraded' | 'unhealthy' | 'shutting_down';
  version: string;
  claude_version: string | null;
  store: 'ok' | 'unavailable';
  problems?: string[];
}
