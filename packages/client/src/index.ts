// The public API of the client.
export type * from './api-types.js';
export {
  type CallOptions,
  ClaudeCodeServerClient,
  type ClientOptions,
  type WaitForTaskOptions,
} from './client.js';
export {
  AbortedError,
  AuthenticationError,
  BadRequestError,
  ClaudeCodeServerClientError,
  type ClientErrorCode,
  type ClientOnlyErrorCode,
  ConflictError,
  ConnectionError,
  isServerErrorCode,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
} from './errors.js';
export { REFUSED_BEFORE_ACCEPTED, type RetryOptions } from './retry.js';
export {
  ClaudeCodeServerSocket,
  type SocketTurn,
  type WebSocketConstructor,
  type WebSocketEventLike,
  type WebSocketLike,
} from './socket.js';
export type {
  ChatStreamEvent,
  ChatStreamEventData,
  ChatStreamEventName,
  StreamEvent,
} from './stream-events.js';
