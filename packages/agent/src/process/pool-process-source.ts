import { realpathSync } from 'node:fs';
import { SessionPool } from '@claude-code-server/core';
import type { ResolvedAgentOptions } from '../config/agent-options.js';
import type { ProcessSource } from './process-source.js';

/** The directory as the CLI will name it (symlinks resolved), or as given when it does not exist. */
function canonicalSync(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return dir;
  }
}

/**
 * The warm process pool of an agent. Its base config is the agent's with the default directory,
 * so spares serve new conversations of the default project without overrides.
 *
 * The pool queues no turn of its own: admission lets at most `maxConcurrentTurns` (<= `maxLive`)
 * turns run, each holding at most one process, so its queue only holds a turn for the moment an
 * idle process or spare closes to make room, and is sized so it can never refuse one.
 */
export function createPoolProcessSource(options: ResolvedAgentOptions, defaultDir: string): ProcessSource {
  return new SessionPool({
    config: { ...options.config, cwd: canonicalSync(defaultDir) },
    maxLive: options.pool.maxLive,
    ...(options.pool.maxMemoryBytes !== undefined ? { maxMemoryBytes: options.pool.maxMemoryBytes } : {}),
    spares: options.pool.spares,
    idleTimeoutMs: options.pool.idleTimeoutMs,
    permissionTimeoutMs: options.pool.permissionTimeoutMs,
    maxQueue: options.maxConcurrentTurns,
    ...(options.canUseTool ? { canUseTool: options.canUseTool } : {}),
    // One set for every process: a process serves any session, so a call narrows them per turn instead.
    toolServers: [...options.extensions.toolServers],
    hooks: options.extensions.hooks,
    turnHookEvents: [...options.extensions.turnHookEvents],
  });
}
