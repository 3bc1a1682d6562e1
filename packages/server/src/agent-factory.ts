import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ClaudeAgentOptions } from '@claude-code-server/agent';
import type { PermissionMode } from '@claude-code-server/core';
import type { SessionStore } from '@claude-code-server/store';
import type { Principal } from './auth/principal.js';
import { ProjectDirectoryError } from './errors/server-error.js';
import { type ClaudeSectionConfig, claudeConfigOf } from './options/claude-section.js';
import type {
  AgentSectionConfig,
  ClusterConfig,
  LimitsConfig,
  ParsedServerConfig,
  PermissionsConfig,
} from './options/config-schema.js';
import type { ServerPlugins } from './plugins/plugin-loader.js';
import { widerMode } from './policy/turn-policy.js';

/** Project name -> absolute directory; every directory must exist. */
export function resolveProjectDirectories(projects: ParsedServerConfig['projects']): Record<string, string> {
  const dirs: Record<string, string> = {};
  for (const [name, project] of Object.entries(projects)) {
    const dir = resolve(project.path);
    let isDirectory: boolean;
    try {
      isDirectory = statSync(dir).isDirectory();
    } catch {
      throw new ProjectDirectoryError(name, dir, 'does not exist');
    }
    if (!isDirectory) throw new ProjectDirectoryError(name, dir, 'is not a directory');
    dirs[name] = dir;
  }
  return dirs;
}

/**
 * The options of the agent the server builds. Its config is the ceiling of every key: the widest
 * permission mode and every tool any key may pre-approve. Each turn then narrows it to what the
 * request's key allows (see policy/turn-policy.ts), so no turn runs with the ceiling itself.
 */
export function buildAgentOptions(input: {
  store: SessionStore;
  claude: ClaudeSectionConfig;
  agent: AgentSectionConfig;
  limits: LimitsConfig;
  permissions: PermissionsConfig;
  cluster: ClusterConfig;
  principals: readonly Principal[];
  projectDirs: Record<string, string>;
  defaultProject: string;
  plugins?: Pick<ServerPlugins, 'toolServers' | 'hooks'>;
}): ClaudeAgentOptions {
  const base = claudeConfigOf(input.claude);
  let permissionMode: PermissionMode = input.claude.permission_mode;
  const tools = new Set(input.claude.allowed_tools);
  for (const principal of input.principals) {
    permissionMode = widerMode(permissionMode, principal.maxPermissionMode);
    for (const tool of principal.tools) tools.add(tool);
  }
  const { agent, limits } = input;
  const options: ClaudeAgentOptions = {
    store: input.store,
    config: {
      ...base,
      permissionMode,
      allowedTools: [...tools],
      cwd: input.projectDirs[input.defaultProject],
      includePartialMessages: true,
    },
    projects: input.projectDirs,
    pool: {
      maxLive: agent.max_live,
      ...(agent.max_memory !== undefined ? { maxMemoryBytes: agent.max_memory } : {}),
      spares: agent.spares,
      ...(agent.idle_timeout_ms !== undefined ? { idleTimeoutMs: agent.idle_timeout_ms } : {}),
      // The server's approval timeout denies first (and says so as an event); the CLI's is a backstop.
      permissionTimeoutMs: input.permissions.approval_timeout_ms + 10_000,
    },
    // The agent's admission is the server's: every turn, sync, streamed or async, waits there.
    maxConcurrentTurns: limits.max_concurrent_turns ?? agent.max_live,
    maxQueue: limits.max_queue,
    maxQueuePerSession: limits.max_queue_per_session,
  };
  if (input.plugins && input.plugins.toolServers.length > 0) options.toolServers = input.plugins.toolServers;
  if (input.plugins && Object.keys(input.plugins.hooks).length > 0) options.hooks = input.plugins.hooks;
  if (base.configDir !== undefined) options.configDir = base.configDir;
  if (agent.lease_ttl_ms !== undefined) options.leaseTtlMs = agent.lease_ttl_ms;
  if (agent.lease_wait_ms !== undefined) options.leaseWaitMs = agent.lease_wait_ms;
  if (agent.owner_id !== undefined) options.ownerId = agent.owner_id;
  if (input.cluster.advertise_url !== undefined) options.ownerAddress = input.cluster.advertise_url;
  if (agent.formatter !== undefined) options.formatter = agent.formatter;
  if (agent.allowed_models !== undefined) options.allowedModels = agent.allowed_models;
  return options;
}
