// What the server answers, as the client types it (generated from the server's own description).
import type { ChatStreamEventData, History, SessionList } from '@claude-code-server/client';

export type {
  ChatResponse,
  ChatStreamEvent,
  Health,
  History,
  SessionList,
  Task,
  TaskStatus,
} from '@claude-code-server/client';

export type HistoryMessage = History['messages'][number];
export type SessionSummary = SessionList['sessions'][number];
export type PermissionRequest = ChatStreamEventData<'permission_request'>;
export type PermissionResolved = ChatStreamEventData<'permission_resolved'>;
export type Usage = NonNullable<HistoryMessage['usage']>;
