export { BackedSessionStore, defineSessionStore } from './backed-session-store.js';
export {
  ConflictError,
  InvalidInputError,
  SessionNotFoundError,
  StoreClosedError,
  StoreError,
  type StoreErrorCode,
  StoreUnavailableError,
} from './errors.js';
export { expiresAtFrom, isExpired } from './expiry.js';
export {
  leaseOwnerSchema,
  messageContentSchema,
  metadataSchema,
  sessionIdSchema,
  taskIdSchema,
  taskOwnerSchema,
  taskResultSchema,
  transcriptSchema,
  userIdSchema,
} from './field-schemas.js';
export { ID_PATTERN, STORE_LIMITS } from './limits.js';
export { messagePageFrom, sessionPageFrom } from './pages.js';
export {
  compareSessionsNewestFirst,
  decodeSessionCursor,
  encodeSessionCursor,
  isAfterSessionCursor,
  type SessionCursor,
} from './session-cursor.js';
export type { LeaseBackend, SessionStoreBackend, TaskBackend } from './session-store-backend.js';
export { compareTaskIds, encodeTaskCursor, taskPageFrom } from './task-cursor.js';
export type {
  AppendMessageInput,
  CreateSessionInput,
  CreateTaskInput,
  Lease,
  MessagePage,
  MessagePageOptions,
  MessageRecord,
  MessageRole,
  MessageUsage,
  Metadata,
  SessionListOptions,
  SessionPage,
  SessionRecord,
  SessionStore,
  SessionStoreOptions,
  SessionUpdate,
  StoredTask,
  TaskListOptions,
  TaskPage,
  TaskStore,
  TaskUpdate,
} from './types.js';
export {
  type NormalizedAppendMessageInput,
  type NormalizedCreateSessionInput,
  type NormalizedCreateTaskInput,
  type NormalizedMessagePageOptions,
  type NormalizedSessionListOptions,
  type NormalizedTaskListOptions,
  parseInput,
  validateSessionId,
  validateTtlMs,
  validateUserId,
} from './validate.js';
