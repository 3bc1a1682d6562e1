export { AgentBusyError, type AgentBusyScope } from './admission/agent-busy-error.js';
export type { AdmissionStats } from './admission/turn-admission.js';
export { type AgentStats, ClaudeAgent } from './agent.js';
export {
  type AgentPoolOptions,
  type ClaudeAgentOptions,
  DEFAULT_LEASE_TTL_MS,
} from './config/agent-options.js';
export { type AgentOverrides, permissionModeRank, toolCovers } from './config/overrides.js';
export {
  AgentAbortedError,
  AgentClosedError,
  AgentError,
  type AgentErrorCode,
  InvalidAgentInputError,
  LeaseLostError,
  LeaseTimeoutError,
  OverrideNotAllowedError,
  ProjectMismatchError,
  SessionOwnedByOtherUserError,
  UnknownProjectError,
} from './errors.js';
export {
  type FormatterName,
  formatters,
  type MessageFormatter,
  type MessageMeta,
} from './formatters.js';
export type { AgentEventName, AgentListener } from './observers.js';
export { sessionIdFor } from './session-ids.js';
export { AGENT_METADATA_KEY, type AgentSessionState, readSessionState } from './session-state.js';
export { projectSlug, transcriptPath } from './transcript/project-slug.js';
export {
  type PathCheckOptions,
  type PathOutside,
  pathsOutside,
  workingDirectoryHook,
} from './turn/working-directory-guard.js';
export type {
  AgentChatOptions,
  AgentEvent,
  AgentEventMap,
  AgentResponse,
  AgentResponseMetadata,
  MessageMetaInput,
  SessionSelector,
  TranscriptSaveFailedEvent,
  TurnFailedEvent,
  TurnFinishedEvent,
  TurnStartedEvent,
} from './types.js';
