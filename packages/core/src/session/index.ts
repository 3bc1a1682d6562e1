export {
  type AbortOutcome,
  InterruptedError,
  PermissionTimeoutError,
  SessionClosedError,
  TurnAbortedError,
  TurnTimeoutError,
} from './errors.js';
export type { ClaudeSessionOptions } from './options.js';
export {
  type CanUseTool,
  DEFAULT_PERMISSION_TIMEOUT_MS,
  type PermissionAllow,
  type PermissionContext,
  type PermissionDecision,
  type PermissionDeny,
} from './permissions.js';
export { ClaudeSession, type SessionState, type SessionStateListener } from './session.js';
export { claudeConfigDir, findTranscriptFile } from './transcript.js';
export { Turn, type TurnInput, type TurnOptions } from './turn.js';
