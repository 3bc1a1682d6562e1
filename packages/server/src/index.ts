// The public API: what an application embedding the server needs. Helpers the self-hosted app
// shares (section schemas, issue formatting, option parsing) are in `./internal`, not semver-stable.
export {
  type AttachmentBody,
  attachmentSchema,
  fileAttachmentSchema,
  imageAttachmentSchema,
} from './api/attachment-schemas.js';
export {
  type PermissionAnswerBody,
  type PermissionRequestBody,
  type PermissionResolvedBody,
  pendingPermissionsSchema,
  permissionAnsweredSchema,
  permissionAnswerSchema,
  permissionRequestIdSchema,
  permissionRequestSchema,
  permissionResolvedSchema,
} from './api/permission-schemas.js';
export { chatConfigSchema, chatRequestSchema } from './api/request-schemas.js';
export {
  type ChatResponseBody,
  chatResponseSchema,
  type TaskBody,
  type TaskStatus,
  taskSchema,
  taskStatuses,
} from './api/response-schemas.js';
export {
  assistantEventSchema,
  deltaEventSchema,
  initEventSchema,
  retryEventSchema,
  STREAM_EVENT_SCHEMA_NAMES,
  type StreamEvent,
  type StreamEventName,
  sessionEventSchema,
  streamErrorEventSchema,
  streamEventDataSchemas,
  thinkingEventSchema,
  toolResultEventSchema,
  toolUseEventSchema,
} from './api/stream-event-schemas.js';
export {
  turnIdSchema,
  type WsClientFrame,
  type WsServerFrame,
  wsAcceptedFrameSchema,
  wsAnsweredFrameSchema,
  wsAuthFrameSchema,
  wsClientFrameSchema,
  wsClientFrameTypes,
  wsErrorFrameSchema,
  wsEventFrameSchema,
  wsInterruptFrameSchema,
  wsMessageFrameSchema,
  wsPermissionFrameSchema,
  wsPingFrameSchema,
  wsPongFrameSchema,
  wsReadyFrameSchema,
  wsServerFrameSchema,
} from './api/ws-frame-schemas.js';
export type { ApprovalAnswer, ApprovalHandOff, PendingApproval } from './approvals/approval-hand-off.js';
export { InProcessApprovalHandOff } from './approvals/in-process-hand-off.js';
export { HttpError } from './errors/http-error.js';
export {
  InvalidServerOptionsError,
  ProjectDirectoryError,
  ServerError,
  type ServerErrorCode,
} from './errors/server-error.js';
export type { SharedRateLimits } from './limits/rate-limiter.js';
export { buildOpenApiDocument } from './openapi/document.js';
export type { ClaudeSectionConfig } from './options/claude-section.js';
export type {
  AgentSectionConfig,
  ApiKeyConfig,
  LimitsConfig,
  ParsedServerConfig,
  RateLimitConfig,
  ServerConfig,
} from './options/config-schema.js';
export type { ServerOptions } from './options/server-options.js';
export { type ClaudeCodeServer, createServer, type ShutdownOptions } from './server.js';
export { SERVER_VERSION } from './version.js';
