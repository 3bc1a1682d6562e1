import type { AgentOverrides } from '@claude-code-server/agent';
import type { PermissionMode } from '@claude-code-server/core';
import type { ChatConfigBody } from '../api/request-schemas.js';
import type { Principal } from '../auth/principal.js';
import { forbidden } from '../errors/http-error.js';

/** How much each mode lets through without asking, least first (the agent orders them the same way). */
const PERMISSION_RANK: Record<PermissionMode, number> = {
  plan: 0,
  dontAsk: 1,
  default: 2,
  acceptEdits: 3,
  auto: 4,
  bypassPermissions: 5,
};

/** The more permissive of two modes. */
export function widerMode(a: PermissionMode, b: PermissionMode): PermissionMode {
  return PERMISSION_RANK[a] >= PERMISSION_RANK[b] ? a : b;
}

/** True when the granted entry covers the requested one (`Bash` covers `Bash(git:*)`). */
export function toolCovers(granted: string, requested: string): boolean {
  if (granted === requested) return true;
  return !granted.includes('(') && requested.startsWith(`${granted}(`) && requested.endsWith(')');
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
    if (PERMISSION_RANK[config.permission_mode] > PERMISSION_RANK[ceiling]) {
      throw forbidden(
        'config.permission_mode',
        `${config.permission_mode} is above what this key may use (${ceiling})`,
        { requested: config.permission_mode, allowed: ceiling },
      );
    }
    permissionMode = config.permission_mode;
  } else {
    permissionMode =
      PERMISSION_RANK[defaults.permissionMode] <= PERMISSION_RANK[ceiling]
        ? defaults.permissionMode
        : ceiling;
  }

  let allowedTools: string[];
  if (config?.allowed_tools !== undefined) {
    const refused = config.allowed_tools.filter((tool) => !principal.tools.some((g) => toolCovers(g, tool)));
    if (refused.length > 0) {
      throw forbidden('config.allowed_tools', `this key may not pre-approve ${refused.join(', ')}`, {
        refused,
      });
    }
    allowedTools = [...config.allowed_tools];
  } else {
    allowedTools = defaults.allowedTools.filter((tool) => principal.tools.some((g) => toolCovers(g, tool)));
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
