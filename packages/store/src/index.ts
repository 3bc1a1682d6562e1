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
export type { SessionStoreBackend } from './session-store-backend.js';
export type {
  AppendMessageInput,
  CreateSessionInput,
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
} from './types.js';
export {
  type NormalizedAppendMessageInput,
  type NormalizedCreateSessionInput,
  type NormalizedMessagePageOptions,
  type NormalizedSessionListOptions,
  parseInput,
  validateSessionId,
  validateTtlMs,
  validateUserId,
} from './validate.js';
