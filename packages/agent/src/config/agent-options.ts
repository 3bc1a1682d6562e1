import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { isAbsolute } from 'node:path';
import {
  type CanUseTool,
  type ClaudeConfig,
  claudeConfigDir,
  DEFAULT_PERMISSION_TIMEOUT_MS,
  type HookEvent,
  type Hooks,
  InvalidConfigError,
  type ToolServer,
} from '@claude-code-server/core';
import {
  claudeConfigSchema,
  parseExtensions,
  type SessionExtensions,
  toInvalidConfigError,
} from '@claude-code-server/core/internal';
import { ID_PATTERN, type SessionStore } from '@claude-code-server/store';
import { z } from 'zod';
import { InvalidAgentInputError } from '../errors.js';
import { type FormatterName, type MessageFormatter, resolveFormatter } from '../formatters.js';
import { timerMs } from './timer-ms.js';

/** Limits of the warm process pool shared by every session of the agent. */
export interface AgentPoolOptions {
  /** Most CLI processes alive at once (default 8). */
  maxLive?: number;
  /** Most resident memory of the live CLI processes and their helpers, in bytes (default: no budget); see core's SessionPool. */
  maxMemoryBytes?: number;
  /** Processes started ahead of time for new conversations (default 0). */
  spares?: number;
  /** An idle process is closed after this long (default 10 minutes); its session resumes later. */
  idleTimeoutMs?: number;
  /** An unanswered tool-permission request is denied after this long (default 5 minutes). */
  permissionTimeoutMs?: number;
}

export interface ClaudeAgentOptions {
  /** Where sessions, messages, transcripts and leases live. */
  store: SessionStore;
  /** The CLI config every turn starts from, and the limits per-call overrides must stay within. */
  config?: ClaudeConfig;
  /** Project name -> directory. Calls name a project, never a path. */
  projects?: Record<string, string>;
  pool?: AgentPoolOptions;
  /** Turns running at once across every session (default and most: `pool.maxLive`). */
  maxConcurrentTurns?: number;
  /** Messages that may wait in the whole agent while every turn slot is busy (default 100); past it, AgentBusyError. */
  maxQueue?: number;
  /** Messages that may wait per session (default 50); past it, AgentBusyError. */
  maxQueuePerSession?: number;
  /** Merge messages of a session arriving within this many ms of each other into one turn (default 0: off). */
  debounceMs?: number;
  /** Turns a message and its meta into the prompt (default `plain`). */
  formatter?: FormatterName | MessageFormatter;
  /** Answers tool-permission requests of every turn; its deny is final, a call's callback is asked only after its allow. */
  canUseTool?: CanUseTool;
  /** In-process tools (core's createToolServer) every session has; its processes register them when they start. */
  toolServers?: ToolServer[];
  /** Hook callbacks of every session, registered by every process. */
  hooks?: Hooks;
  /** Events for which a call may bring hooks of its own (`chat(..., { hooks })`), which narrow the agent's. */
  callHookEvents?: HookEvent[];
  /**
   * Deny every tool call whose paths (`file_path`, `path`, `notebook_path`, Glob's `pattern`, Grep's
   * `glob`, `~`...) lead outside the turn's project directory and `config.addDirs`, with a PreToolUse
   * hook that runs before the CLI's permission check, so pre-approved tools are held to it too
   * (default true). Commands a Bash call runs are not paths it can check.
   */
  confineToProject?: boolean;
  /**
   * Time to live of a session lease, renewed every third of it while a turn runs (default 4 s): how
   * long the session of an agent that died mid-turn stays locked for the others.
   */
  leaseTtlMs?: number;
  /** How long a message waits for another agent to finish a turn of its session (default 5 minutes). */
  leaseWaitMs?: number;
  /** Names this agent in leases and session metadata (default host, pid and a random part). */
  ownerId?: string;
  /**
   * Where other nodes reach this agent (e.g. its server's URL), recorded with every turn it runs so
   * a node that gets the session's next message can hand it to the process that is warm.
   */
  ownerAddress?: string;
  /** The CLI config dir (CLAUDE_CONFIG_DIR) this agent's processes use for transcripts. */
  configDir?: string;
  /** Models a call may pick with `overrides.model` (default: any). */
  allowedModels?: string[];
}

/** The options with defaults filled in and every value checked. */
export interface ResolvedAgentOptions {
  store: SessionStore;
  config: ClaudeConfig;
  projects: ReadonlyMap<string, string>;
  pool: Required<Omit<AgentPoolOptions, 'maxMemoryBytes'>> & Pick<AgentPoolOptions, 'maxMemoryBytes'>;
  maxConcurrentTurns: number;
  maxQueue: number;
  maxQueuePerSession: number;
  debounceMs: number;
  formatter: MessageFormatter;
  canUseTool: CanUseTool | undefined;
  /** The tool servers, hooks and call-hook events every process registers. */
  extensions: SessionExtensions;
  confineToProject: boolean;
  leaseTtlMs: number;
  leaseWaitMs: number;
  ownerId: string;
  ownerAddress: string | null;
  configDir: string;
  allowedModels: readonly string[] | undefined;
}

const STORE_METHODS = [
  'getOrCreateSession',
  'getSession',
  'updateSession',
  'deleteSession',
  'listSessions',
  'appendMessage',
  'listMessages',
  'saveTranscript',
  'appendTranscript',
  'loadTranscript',
  'acquireLease',
  'renewLease',
  'releaseLease',
] as const;

/** Short, so a session whose agent died is free for the others within seconds. */
export const DEFAULT_LEASE_TTL_MS = 4_000;

const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().nonnegative();
const scalarsSchema = z.object({
  pool: z
    .strictObject({
      maxLive: positiveInt.optional(),
      maxMemoryBytes: positiveInt.max(Number.MAX_SAFE_INTEGER).optional(),
      spares: nonNegativeInt.optional(),
      idleTimeoutMs: timerMs(1).optional(),
      permissionTimeoutMs: timerMs(1).optional(),
    })
    .optional(),
  maxConcurrentTurns: positiveInt.optional(),
  maxQueue: nonNegativeInt.optional(),
  maxQueuePerSession: positiveInt.optional(),
  debounceMs: timerMs(0).optional(),
  leaseTtlMs: z.number().int().min(1_000).max(3_600_000).optional(),
  confineToProject: z.boolean().optional(),
  leaseWaitMs: nonNegativeInt.optional(),
  ownerId: z.string().min(1).max(200).optional(),
  ownerAddress: z.string().min(1).max(2_000).optional(),
  configDir: z.string().min(1).optional(),
  allowedModels: z.array(z.string().min(1)).optional(),
  canUseTool: z.custom<CanUseTool>((v) => typeof v === 'function', 'must be a function').optional(),
  projects: z.record(z.string(), z.string()).optional(),
});

/** The call-hook events with PreToolUse added when the project guard (a PreToolUse hook of each turn) is on. */
function withProjectGuard(events: unknown, guard: boolean): unknown {
  // Anything but a list is parseHookEvents' to refuse.
  if (!guard || (events !== undefined && !Array.isArray(events))) return events;
  const list = (events ?? []) as unknown[];
  return list.includes('PreToolUse') ? list : [...list, 'PreToolUse'];
}

function checkStore(store: unknown): SessionStore {
  if (typeof store !== 'object' || store === null) {
    throw new InvalidAgentInputError('store', 'is required (any SessionStore)');
  }
  const missing = STORE_METHODS.filter((m) => typeof (store as Record<string, unknown>)[m] !== 'function');
  if (missing.length > 0) {
    throw new InvalidAgentInputError('store', `is not a SessionStore (missing ${missing.join(', ')})`);
  }
  return store as SessionStore;
}

function checkProjects(projects: Record<string, string> | undefined): Map<string, string> {
  const map = new Map<string, string>();
  for (const [name, dir] of Object.entries(projects ?? {})) {
    if (!ID_PATTERN.test(name) || name.length > 256) {
      throw new InvalidAgentInputError(
        `projects.${name}`,
        'a project name must start with a letter or digit and use only A-Z a-z 0-9 . _ : @ -',
      );
    }
    if (!isAbsolute(dir)) throw new InvalidAgentInputError(`projects.${name}`, 'must be an absolute path');
    map.set(name, dir);
  }
  return map;
}

/**
 * The config dir the CLI will use: the agent's option, else core's rule (`config.configDir`, else
 * `config.env.CLAUDE_CONFIG_DIR`, else ours, else ~/.claude). It is written into the config as
 * `configDir` so the CLI and the agent agree.
 */
function resolveConfigDir(option: string | undefined, config: ClaudeConfig): string {
  return option ?? claudeConfigDir(config);
}

/** Checks the agent's options; throws InvalidAgentInputError / InvalidConfigError naming the field. */
export function resolveAgentOptions(options: ClaudeAgentOptions): ResolvedAgentOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidAgentInputError('options', 'must be an object with at least `store`');
  }
  const store = checkStore(options.store);
  const parsed = scalarsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidAgentInputError(
      issue?.path.map(String).join('.') || 'options',
      issue?.message ?? 'is invalid',
    );
  }
  const parsedConfig = claudeConfigSchema.safeParse(options.config ?? {});
  if (!parsedConfig.success) throw toInvalidConfigError(parsedConfig.error, 'config');
  let config: ClaudeConfig = parsedConfig.data;
  const configDir = resolveConfigDir(parsed.data.configDir, config);
  const { CLAUDE_CONFIG_DIR: _dir, ...env } = config.env ?? {};
  config = { ...config, configDir, ...(config.env ? { env } : {}) };
  if (!isAbsolute(configDir)) throw new InvalidAgentInputError('configDir', 'must be an absolute path');
  if (config.cwd !== undefined && !isAbsolute(config.cwd)) {
    throw new InvalidConfigError('config.cwd', 'must be an absolute path');
  }
  const maxLive = parsed.data.pool?.maxLive ?? 8;
  const maxConcurrentTurns = parsed.data.maxConcurrentTurns ?? maxLive;
  if (maxConcurrentTurns > maxLive) {
    // Admission is the only queue: a turn that got a slot must find a process without waiting.
    throw new InvalidAgentInputError(
      'maxConcurrentTurns',
      `must be at most pool.maxLive (${maxLive}): every running turn needs its own process`,
    );
  }
  return {
    store,
    config,
    projects: checkProjects(parsed.data.projects),
    pool: {
      maxLive,
      ...(parsed.data.pool?.maxMemoryBytes !== undefined
        ? { maxMemoryBytes: parsed.data.pool.maxMemoryBytes }
        : {}),
      spares: parsed.data.pool?.spares ?? 0,
      idleTimeoutMs: parsed.data.pool?.idleTimeoutMs ?? 10 * 60_000,
      permissionTimeoutMs: parsed.data.pool?.permissionTimeoutMs ?? DEFAULT_PERMISSION_TIMEOUT_MS,
    },
    maxConcurrentTurns,
    maxQueue: parsed.data.maxQueue ?? 100,
    maxQueuePerSession: parsed.data.maxQueuePerSession ?? 50,
    debounceMs: parsed.data.debounceMs ?? 0,
    formatter: resolveFormatter(options.formatter),
    canUseTool: parsed.data.canUseTool,
    extensions: parseExtensions({
      toolServers: options.toolServers,
      hooks: options.hooks,
      turnHookEvents: withProjectGuard(options.callHookEvents, parsed.data.confineToProject !== false),
    }),
    confineToProject: parsed.data.confineToProject ?? true,
    leaseTtlMs: parsed.data.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS,
    leaseWaitMs: parsed.data.leaseWaitMs ?? 5 * 60_000,
    ownerId: parsed.data.ownerId ?? `agent-${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
    ownerAddress: parsed.data.ownerAddress ?? null,
    configDir,
    allowedModels: parsed.data.allowedModels,
  };
}
