import type { ClaudeConfig } from './config.js';
import { chosenConfigDir } from './config-dir.js';

/** The entrypoint name the child reports (the CLI accepts any `[A-Za-z0-9_.-]{1,63}`). */
export const CHILD_ENTRYPOINT = 'claude-code-server';

/**
 * Variables a running Claude Code sets for its own children. Inherited, they make the child think it
 * is nested inside another session (e.g. a server started from a Claude Code terminal).
 */
const INHERITED_SESSION_VARS = [
  'CLAUDECODE',
  'CLAUDE_CODE_ENTRYPOINT',
  'CLAUDE_CODE_SESSION_ID',
  'CLAUDE_CODE_CHILD_SESSION',
  'CLAUDE_CODE_SSE_PORT',
  'CLAUDE_CODE_EXECPATH',
  'CLAUDE_PROJECT_DIR',
  'CLAUDE_EFFORT',
  'AI_AGENT',
];

/**
 * The child's environment: ours without nested-session markers, plus the caller's env, with
 * CLAUDE_CONFIG_DIR by the one rule of chosenConfigDir (an explicit `configDir` wins).
 */
export function buildChildEnv(
  config: Pick<ClaudeConfig, 'configDir' | 'env'> = {},
  baseEnv: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(baseEnv)) {
    if (value !== undefined && !INHERITED_SESSION_VARS.includes(key)) env[key] = value;
  }
  env.CLAUDE_CODE_ENTRYPOINT = CHILD_ENTRYPOINT;
  Object.assign(env, config.env);
  const configDir = chosenConfigDir(config, baseEnv);
  if (configDir !== undefined) env.CLAUDE_CONFIG_DIR = configDir;
  return env;
}
