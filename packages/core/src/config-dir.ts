import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ClaudeConfig } from './config.js';

/**
 * The config dir chosen for the CLI, if any, by the one rule the child's env and every lookup
 * follow: `configDir`, else `env.CLAUDE_CONFIG_DIR`, else the parent's CLAUDE_CONFIG_DIR.
 */
export function chosenConfigDir(
  config: Pick<ClaudeConfig, 'configDir' | 'env'>,
  parentEnv: NodeJS.ProcessEnv = process.env,
): string | undefined {
  return config.configDir ?? config.env?.CLAUDE_CONFIG_DIR ?? (parentEnv.CLAUDE_CONFIG_DIR || undefined);
}

/** The CLI's config dir for `config` (default ~/.claude). */
export function claudeConfigDir(
  config: Pick<ClaudeConfig, 'configDir' | 'env'> = {},
  parentEnv: NodeJS.ProcessEnv = process.env,
): string {
  return chosenConfigDir(config, parentEnv) ?? join(homedir(), '.claude');
}
