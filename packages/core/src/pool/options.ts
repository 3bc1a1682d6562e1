import { z } from 'zod';
import type { ClaudeConfig } from '../config.js';
import { toInvalidConfigError } from '../config.js';
import { nonNegativeMs, positiveMs } from '../durations.js';
import type { HookEvent, Hooks } from '../hooks/hooks.js';
import type { ClaudeSessionOptions } from '../session/options.js';
import { parseConfigField } from '../session/options.js';
import type { CanUseTool } from '../session/permissions.js';
import type { ToolServer } from '../tools/tool-server.js';

/** Options of a SessionPool; every field is optional. */
export interface SessionPoolOptions {
  /** Config every session starts from; `acquire(key, { config })` overrides fields per call. */
  config?: ClaudeConfig;
  /** Most CLI processes alive at once: keyed sessions, spares, and ones starting or closing (default 4). */
  maxLive?: number;
  /**
   * Most resident memory (bytes) of the live processes and the helpers they run, read from /proc
   * when a process is needed: a new one starts only if it fits beside them at the size of the largest
   * measured (300 MiB before any is). Default: no budget; one process always fits in an empty pool.
   */
  maxMemoryBytes?: number;
  /** An unleased session is closed after this long without use (default 10 minutes; 0 never). */
  idleTimeoutMs?: number;
  /** Processes kept started ahead of time for new conversations, within `maxLive` (default 1; 0 disables). */
  spares?: number;
  /** Callers that may wait for a slot at once; beyond it `acquire` throws PoolBusyError (default 100). */
  maxQueue?: number;
  /** How long a caller may wait for a slot before PoolBusyError (default 30 s). */
  queueTimeoutMs?: number;
  /** Keys whose Claude session id is remembered after eviction, so `acquire(key)` resumes them (default 10 000). */
  maxRemembered?: number;
  /** Tool-permission callback of every session (a turn can bring its own). */
  canUseTool?: CanUseTool;
  /** In-process tools every process registers (one pool, one set: processes are shared between keys). */
  toolServers?: ToolServer[];
  /** Hooks every process registers; turns may add their own for the events in `turnHookEvents`. */
  hooks?: Hooks;
  turnHookEvents?: HookEvent[];
  /** Passed to every session. */
  permissionTimeoutMs?: number;
  startTimeoutMs?: number;
  closeGraceMs?: number;
  interruptGraceMs?: number;
}

export interface ResolvedPoolOptions {
  config: ClaudeConfig;
  maxLive: number;
  maxMemoryBytes: number | undefined;
  idleTimeoutMs: number;
  spares: number;
  maxQueue: number;
  queueTimeoutMs: number;
  maxRemembered: number;
  /** What every session gets besides its config and start mode. */
  session: Omit<ClaudeSessionOptions, 'config' | 'resume' | 'sessionId'>;
}

const count = z.number().int().nonnegative();
const schema = z.object({
  maxLive: z.number().int().positive().optional(),
  maxMemoryBytes: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  idleTimeoutMs: nonNegativeMs.optional(),
  spares: count.optional(),
  maxQueue: count.optional(),
  queueTimeoutMs: positiveMs.optional(),
  maxRemembered: count.optional(),
});

/** Validates pool options; throws InvalidConfigError naming the bad field. */
export function resolvePoolOptions(options: SessionPoolOptions = {}): ResolvedPoolOptions {
  // The pool's own limits are the schema's fields; everything else is passed to every session.
  const { config, ...others } = options;
  const rest: Record<string, unknown> = {};
  const session: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(others)) (key in schema.shape ? rest : session)[key] = value;
  const parsed = schema.safeParse(rest);
  if (!parsed.success) throw toInvalidConfigError(parsed.error);
  const maxLive = parsed.data.maxLive ?? 4;
  return {
    config: parseConfigField(config),
    maxLive,
    maxMemoryBytes: parsed.data.maxMemoryBytes,
    idleTimeoutMs: parsed.data.idleTimeoutMs ?? 10 * 60_000,
    spares: Math.min(parsed.data.spares ?? 1, maxLive),
    maxQueue: parsed.data.maxQueue ?? 100,
    queueTimeoutMs: parsed.data.queueTimeoutMs ?? 30_000,
    maxRemembered: parsed.data.maxRemembered ?? 10_000,
    session: session as ResolvedPoolOptions['session'],
  };
}

/** The pool's config with one call's overrides on top (`env` merged key by key). */
export function mergeConfig(base: ClaudeConfig, overrides: ClaudeConfig | undefined): ClaudeConfig {
  if (!overrides) return base;
  const merged: ClaudeConfig = { ...base, ...parseConfigField(overrides) };
  if (base.env && overrides.env) merged.env = { ...base.env, ...overrides.env };
  return merged;
}
