export { buildArgs, type RunArgsOptions } from './argv.js';
export { AsyncQueue } from './async-queue.js';
export { BoundedMap } from './bounded-map.js';
export { CLI_PATH_ENV, getCliVersion, resolveCliPath } from './cli-path.js';
export { type ChatOptions, ClaudeCodeClient } from './client.js';
export {
  type ClaudeConfig,
  claudeConfigSchema,
  type EffortLevel,
  effortLevels,
  type OutputFormat,
  outputFormats,
  type PermissionMode,
  parseClaudeConfig,
  permissionModes,
  type SettingSource,
  settingSources,
  toInvalidConfigError,
} from './config.js';
export { MAX_TIMER_MS } from './durations.js';
export { buildChildEnv, CHILD_ENTRYPOINT } from './env.js';
export {
  AbortedError,
  ApiError,
  ClaudeError,
  type ClaudeErrorCode,
  ClaudeSessionNotFoundError,
  CliNotFoundError,
  InvalidConfigError,
  ProcessExitedError,
  ProtocolError,
  TimeoutError,
} from './errors.js';
export {
  type ChatResponse,
  type ClaudeEvent,
  type ClaudeEventType,
  type ClaudeUsage,
  mapCliMessage,
  type PermissionDenial,
  resultError,
  toChatResponse,
} from './events.js';
export { type OneShotRunOptions, runOneShot } from './one-shot.js';
export { type CliExit, CliProcess, type SpawnCliOptions, spawnCli } from './process.js';
export {
  type CliAssistantMessage,
  type CliContentBlock,
  type CliControlCancelRequest,
  type CliControlRequest,
  type CliControlResponse,
  type CliMessage,
  type CliOtherMessage,
  type CliPermissionDenial,
  type CliResultMessage,
  type CliStreamEvent,
  type CliSystemMessage,
  type CliUsage,
  type CliUserMessage,
  LineSplitter,
  parseCliLine,
} from './stream-json.js';

// Warm sessions and the pool (src/session, src/pool) export below this line.

export * from './pool/index.js';
export * from './session/index.js';
