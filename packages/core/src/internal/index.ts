/**
 * `@claude-code-server/core/internal`: the pieces the project's other packages build on (argv, process
 * spawning, stream-json parsing, small utilities, the config schema). Not semver-stable: any release
 * may change or remove them.
 */
export { buildArgs, type RunArgsOptions } from '../argv.js';
export { AsyncQueue } from '../async-queue.js';
export { BoundedMap } from '../bounded-map.js';
export {
  type ClaudeConfigField,
  claudeConfigSchema,
  claudeConfigShape,
  toInvalidConfigError,
} from '../config.js';
export { claudeConfigFieldsBySnakeCase, type SnakeCase, snakeCase } from '../config-field-names.js';
export { MAX_TIMER_MS } from '../durations.js';
export { buildChildEnv, CHILD_ENTRYPOINT } from '../env.js';
export { mapCliMessage, resultError, toChatResponse } from '../events.js';
export { hookMatches, parseHookEvents, parseHooks } from '../hooks/hooks.js';
export { type OneShotRunOptions, runOneShot } from '../one-shot.js';
export { type CliExit, CliProcess, type SpawnCliOptions, spawnCli } from '../process.js';
export { parseExtensions, type SessionExtensions } from '../session/extensions.js';
export { spawnFingerprint } from '../session/fingerprint.js';
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
} from '../stream-json.js';
export { parseToolServers } from '../tools/tool-server.js';
