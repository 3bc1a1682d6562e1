import { type AgentOverrides, permissionModeRank, toolCovers } from '@claude-code-server/agent';
import type { PermissionMode } from '@claude-code-server/core';
import type { ChatConfigBody } from '../api/request-schemas.js';
import type { Principal } from '../auth/principal.js';
import { forbidden } from '../errors/http-error.js';

/** The more permissive of two modes (ranked as the agent ranks them). */
export function widerMode(a: PermissionMode, b: PermissionMode): PermissionMode {
  return permissionModeRank(a) >= permissionModeRank(b) ? a : b;
}

/** Whether one of a key's tool patterns covers `tool` (a tool name, or a pattern such as `Bash(git:*)`). */
export function toolsCover(tools: readonly string[], tool: string): boolean {
  return tools.some((pattern) => toolCovers(pattern, tool));
}

function keyCoversTool(principal: Principal, tool: string): boolean {
  return toolsCover(principal.tools, tool);
}

/** What a request starts from when it asks for nothing. */
export interface TurnDefaults {
  permissionMode: PermissionMode;
  allowedTools: readonly string[];
}

/**
 * The overrides a request's turn runs with: its `config` checked against the key's limits (403 naming
 * what was refused), the server defaults filling the rest. The permission mode and the pre-approved
 * tools are always set, so a turn never inherits the agent's wider ceiling.
 */
export function resolveTurnOverrides(
  principal: Principal,
  defaults: TurnDefaults,
  config: ChatConfigBody | undefined,
): AgentOverrides {
  const ceiling = principal.maxPermissionMode;
  let permissionMode: PermissionMode;
  if (config?.permission_mode !== undefined) {
    if (permissionModeRank(config.permission_mode) > permissionModeRank(ceiling)) {
      throw forbidden(
        'config.permission_mode',
        `${config.permission_mode} is above what this key may use (${ceiling})`,
        { requested: config.permission_mode, allowed: ceiling },
      );
    }
    permissionMode = config.permission_mode;
  } else {
    permissionMode =
      permissionModeRank(defaults.permissionMode) <= permissionModeRank(ceiling)
        ? defaults.permissionMode
        : ceiling;
  }

  let allowedTools: string[];
  if (config?.allowed_tools !== undefined) {
    const refused = config.allowed_tools.filter((tool) => !keyCoversTool(principal, tool));
    if (refused.length > 0) {
      throw forbidden('config.allowed_tools', `this key may not pre-approve ${refused.join(', ')}`, {
        refused,
      });
    }
    allowedTools = [...config.allowed_tools];
  } else {
    allowedTools = defaults.allowedTools.filter((tool) => keyCoversTool(principal, tool));
  }

  const overrides: AgentOverrides = { permissionMode, allowedTools };
  if (config?.disallowed_tools !== undefined) overrides.disallowedTools = [...config.disallowed_tools];
  if (config?.model !== undefined) overrides.model = config.model;
  if (config?.max_turns !== undefined) overrides.maxTurns = config.max_turns;
  if (config?.max_budget_usd !== undefined) overrides.maxBudgetUsd = config.max_budget_usd;
  if (config?.append_system_prompt !== undefined) overrides.appendSystemPrompt = config.append_system_prompt;
  return overrides;
}

/** 403 unless the key may use the project. */
export function checkProjectAccess(principal: Principal, project: string): void {
  if (principal.projects !== null && !principal.projects.has(project)) {
    throw forbidden('project', `this key may not use project ${JSON.stringify(project)}`, { project });
  }
}

/** 403 unless the key may act for the user. */
export function checkUserAccess(principal: Principal, userId: string): void {
  if (!principal.users.allows(userId)) {
    throw forbidden('user_id', `this key may not act for user ${JSON.stringify(userId)}`);
  }
}
