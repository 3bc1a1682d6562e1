import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AppConfig } from '../config/load-config.js';

/** The parts of the config's `claude` section the doctor looks at. */
export interface ClaudeSettings {
  cliPath?: string;
  /** The CLI's config dir: where it keeps credentials and transcripts. */
  configDir: string;
  /** Variables the config adds to the CLI's environment. */
  env: Record<string, string>;
}

/**
 * What the CLI will see: the config's `claude` section over the process environment. The config dir
 * follows core's rule: `config_dir`, else `env.CLAUDE_CONFIG_DIR`, else the process's, else ~/.claude.
 */
export function claudeSettings(config: AppConfig, env: NodeJS.ProcessEnv = process.env): ClaudeSettings {
  const { claude } = config.server;
  const extraEnv = claude.env ?? {};
  const configDir =
    (claude.config_dir === undefined ? undefined : resolve(claude.config_dir)) ??
    extraEnv.CLAUDE_CONFIG_DIR ??
    (env.CLAUDE_CONFIG_DIR || undefined) ??
    join(homedir(), '.claude');
  return { cliPath: claude.cli_path, configDir, env: extraEnv };
}
