// The public API. What only the project's own packages use is in `./internal` (not semver-stable).
export { CLI_PATH_ENV, getCliVersion, resolveCliPath } from './cli-path.js';
export { type CliVersionSupport, checkCliVersion, SUPPORTED_CLI_VERSIONS } from './cli-version.js';
export { type ChatOptions, ClaudeCodeClient } from './client.js';
export {
  type ClaudeConfig,
  type EffortLevel,
  effortLevels,
  type OutputFormat,
  outputFormats,
  type PermissionMode,
  parseClaudeConfig,
  permissionModes,
  type SettingSource,
  settingSources,
} from './config.js';
export {
  CREDENTIAL_VARIABLES,
  type CredentialSource,
  findCliCredentials,
  NO_CREDENTIALS_FIX,
} from './credentials.js';
export {
  AbortedError,
  ApiError,
  ClaudeError,
  type ClaudeErrorCode,
  ClaudeSessionNotFoundError,
  CliNotAuthenticatedError,
  CliNotFoundError,
  InvalidConfigError,
  ProcessExitedError,
  ProtocolError,
  TimeoutError,
} from './errors.js';
export type {
  ChatResponse,
  ClaudeEvent,
  ClaudeEventType,
  ClaudeUsage,
  PermissionDenial,
  ResultErrorCode,
} from './events.js';

// Warm sessions and the pool (src/session, src/pool), in-process tools and hooks export below this line.

export * from './hooks/index.js';

export * from './pool/index.js';
export * from './session/index.js';
export * from './tools/index.js';
