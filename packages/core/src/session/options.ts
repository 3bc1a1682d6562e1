import { z } from 'zod';
import { type ClaudeConfig, claudeConfigSchema, toInvalidConfigError } from '../config.js';
import { nonNegativeMs, positiveMs } from '../durations.js';
import { InvalidConfigError } from '../errors.js';
import type { HookEvent, Hooks } from '../hooks/hooks.js';
import type { ToolServer } from '../tools/tool-server.js';
import { parseExtensions, type SessionExtensions } from './extensions.js';
import { type CanUseTool, DEFAULT_PERMISSION_TIMEOUT_MS } from './permissions.js';

/** How to start a warm session. Everything is optional: by default a new conversation with a random id. */
export interface ClaudeSessionOptions {
  /** How the CLI runs (cwd, tools, permission mode, model, config dir...). `timeoutMs` is the default per-turn timeout. */
  config?: ClaudeConfig;
  /** Continue this Claude session id (its transcript must be in the config dir, for the same cwd). */
  resume?: string;
  /** Start a new conversation under this id (a UUID); default a random UUID. Not with `resume`. */
  sessionId?: string;
  /** Decides tool permissions for every turn that does not bring its own callback. */
  canUseTool?: CanUseTool;
  /** In-process tools (createToolServer), registered with every process of the session. */
  toolServers?: ToolServer[];
  /** Hook callbacks by event, registered with every process of the session. */
  hooks?: Hooks;
  /** Events for which a turn may bring hooks of its own (`send(prompt, { hooks })`). */
  turnHookEvents?: HookEvent[];
  /** An unanswered permission request is denied after this long (default 5 minutes). */
  permissionTimeoutMs?: number;
  /** How long the CLI may take to start and answer `initialize` (default 60 s). */
  startTimeoutMs?: number;
  /** `close()`: how long to wait after ending stdin (the transcript is flushed) before SIGTERM (default 5 s). */
  closeGraceMs?: number;
  /** After an interrupt (`interrupt()`, a timeout or an abort), how long the turn may take to stop before the process is killed (default 5 s). */
  interruptGraceMs?: number;
}

export interface ResolvedSessionOptions {
  config: ClaudeConfig;
  resume: string | undefined;
  sessionId: string | undefined;
  canUseTool: CanUseTool | undefined;
  extensions: SessionExtensions;
  permissionTimeoutMs: number;
  startTimeoutMs: number;
  closeGraceMs: number;
  interruptGraceMs: number;
}

const optionsSchema = z.object({
  resume: z.string().min(1, 'must not be empty').optional(),
  sessionId: z.uuid('must be a UUID').optional(),
  canUseTool: z.custom<CanUseTool>((v) => typeof v === 'function', 'must be a function').optional(),
  permissionTimeoutMs: positiveMs.optional(),
  startTimeoutMs: positiveMs.optional(),
  closeGraceMs: nonNegativeMs.optional(),
  interruptGraceMs: nonNegativeMs.optional(),
});

/** Validates session options; throws InvalidConfigError naming the bad field. */
export function resolveSessionOptions(options: ClaudeSessionOptions = {}): ResolvedSessionOptions {
  const { config, toolServers, hooks, turnHookEvents, ...rest } = options;
  const extensions = parseExtensions({ toolServers, hooks, turnHookEvents });
  const parsed = optionsSchema.safeParse(rest);
  if (!parsed.success) throw toInvalidConfigError(parsed.error);
  if (parsed.data.resume !== undefined && parsed.data.sessionId !== undefined) {
    throw new InvalidConfigError('sessionId', 'cannot be combined with resume (resume keeps its own id)');
  }
  return {
    config: parseConfigField(config),
    resume: parsed.data.resume,
    sessionId: parsed.data.sessionId,
    canUseTool: parsed.data.canUseTool,
    extensions,
    permissionTimeoutMs: parsed.data.permissionTimeoutMs ?? DEFAULT_PERMISSION_TIMEOUT_MS,
    startTimeoutMs: parsed.data.startTimeoutMs ?? 60_000,
    closeGraceMs: parsed.data.closeGraceMs ?? 5_000,
    interruptGraceMs: parsed.data.interruptGraceMs ?? 5_000,
  };
}

/** Validates a config given as an option; the error names the field as `config.<field>`. */
export function parseConfigField(config: unknown): ClaudeConfig {
  const parsed = claudeConfigSchema.safeParse(config ?? {});
  if (!parsed.success) throw toInvalidConfigError(parsed.error, 'config');
  return parsed.data;
}
