import type { ClaudeConfig, PermissionMode } from '@claude-code-server/core';
import { z } from 'zod';
import { InvalidAgentInputError, OverrideNotAllowedError } from '../errors.js';

/** What a single call may change, always within the limits of the agent's config. */
export interface AgentOverrides {
  model?: string;
  permissionMode?: PermissionMode;
  allowedTools?: string[];
  disallowedTools?: string[];
  maxTurns?: number;
  maxBudgetUsd?: number;
  appendSystemPrompt?: string;
}

/**
 * How much each permission mode lets through without asking, least first. A call may pick a mode
 * at or below the agent's. `dontAsk` runs only pre-approved tools and `auto` approves by classifier,
 * so they sit between the modes the CLI documents.
 */
const PERMISSION_RANK: Record<PermissionMode, number> = {
  plan: 0,
  dontAsk: 1,
  default: 2,
  acceptEdits: 3,
  auto: 4,
  bypassPermissions: 5,
};

const nonEmpty = z.string().min(1, 'must not be empty');
const overridesSchema = z.object({
  model: nonEmpty.optional(),
  permissionMode: z.enum(Object.keys(PERMISSION_RANK) as [PermissionMode, ...PermissionMode[]]).optional(),
  allowedTools: z.array(nonEmpty).optional(),
  disallowedTools: z.array(nonEmpty).optional(),
  maxTurns: z.number().int().positive().optional(),
  maxBudgetUsd: z.number().positive().optional(),
  appendSystemPrompt: z.string().optional(),
});
const OVERRIDABLE = new Set(Object.keys(overridesSchema.shape));

/** How much a permission mode lets through without asking: plan 0 ... bypassPermissions 5. */
export function permissionModeRank(mode: PermissionMode): number {
  return PERMISSION_RANK[mode];
}

/** True when the tool entry `granted` covers the requested one (`Bash` covers `Bash(git:*)`). */
export function toolCovers(granted: string, requested: string): boolean {
  if (granted === requested) return true;
  return !granted.includes('(') && requested.startsWith(`${granted}(`) && requested.endsWith(')');
}

function parseOverrides(input: unknown): AgentOverrides {
  if (input === undefined) return {};
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InvalidAgentInputError('overrides', 'must be an object');
  }
  for (const key of Object.keys(input)) {
    if (!OVERRIDABLE.has(key)) {
      throw new OverrideNotAllowedError(
        key,
        `only ${[...OVERRIDABLE].join(', ')} can be set per call (project is its own option)`,
      );
    }
  }
  const parsed = overridesSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidAgentInputError(
      ['overrides', ...(issue?.path ?? []).map(String)].join('.'),
      issue?.message ?? 'is invalid',
    );
  }
  return parsed.data;
}

/** Applies a call's overrides to the agent's config; throws OverrideNotAllowedError for any widening. */
export function applyOverrides(
  base: ClaudeConfig,
  input: unknown,
  allowedModels: readonly string[] | undefined,
): ClaudeConfig {
  const overrides = parseOverrides(input);
  const config: ClaudeConfig = { ...base };
  const baseMode: PermissionMode = base.permissionMode ?? 'default';

  if (overrides.permissionMode !== undefined) {
    if (PERMISSION_RANK[overrides.permissionMode] > PERMISSION_RANK[baseMode]) {
      throw new OverrideNotAllowedError(
        'permissionMode',
        `${overrides.permissionMode} allows more than the agent's ${baseMode}`,
      );
    }
    config.permissionMode = overrides.permissionMode;
  }

  if (overrides.allowedTools !== undefined) {
    const granted = base.allowedTools;
    if (granted === undefined && baseMode !== 'bypassPermissions') {
      throw new OverrideNotAllowedError('allowedTools', 'the agent config pre-approves no tools');
    }
    const extra = overrides.allowedTools.filter((tool) => !granted?.some((g) => toolCovers(g, tool)));
    if (granted !== undefined && extra.length > 0) {
      throw new OverrideNotAllowedError(
        'allowedTools',
        `not allowed by the agent config: ${extra.join(', ')}`,
      );
    }
    config.allowedTools = overrides.allowedTools;
  }

  if (overrides.disallowedTools !== undefined) {
    config.disallowedTools = [...new Set([...(base.disallowedTools ?? []), ...overrides.disallowedTools])];
  }

  if (overrides.model !== undefined) {
    if (allowedModels !== undefined && !allowedModels.includes(overrides.model)) {
      throw new OverrideNotAllowedError('model', `must be one of ${allowedModels.join(', ')}`);
    }
    config.model = overrides.model;
  }

  for (const field of ['maxTurns', 'maxBudgetUsd'] as const) {
    const requested = overrides[field];
    if (requested === undefined) continue;
    const limit = base[field];
    if (limit !== undefined && requested > limit) {
      throw new OverrideNotAllowedError(field, `${requested} is above the agent's limit of ${limit}`);
    }
    config[field] = requested;
  }

  if (overrides.appendSystemPrompt) {
    // Added after the agent's own instructions, never instead of them.
    config.appendSystemPrompt = base.appendSystemPrompt
      ? `${base.appendSystemPrompt}\n\n${overrides.appendSystemPrompt}`
      : overrides.appendSystemPrompt;
  }
  return config;
}
