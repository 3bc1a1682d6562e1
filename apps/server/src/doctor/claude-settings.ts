import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AppConfig } from '../config/load-config.js';
import { isPlainObject } from '../config/raw-config.js';

/** The parts of the config's `claude` section the doctor looks at. */
export interface ClaudeSettings {
  cliPath?: string;
  /** The CLI's config dir: where it keeps credentials and transcripts. */
  configDir: string;
  /** Variables the config adds to the CLI's environment. */
  env: Record<string, string>;
}

function stringAt(section: Record<string, unknown>, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const value = section[key];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

/** What the CLI will see: the config's `claude` section over the process environment. */
export function claudeSettings(config: AppConfig, env: NodeJS.ProcessEnv = process.env): ClaudeSettings {
  const section = (config.server as { claude?: unknown }).claude;
  const claude = isPlainObject(section) ? section : {};
  const extraEnv: Record<string, string> = {};
  if (isPlainObject(claude.env)) {
    for (const [key, value] of Object.entries(claude.env))
      if (typeof value === 'string') extraEnv[key] = value;
  }
  const configDir =
    extraEnv.CLAUDE_CONFIG_DIR ??
    stringAt(claude, 'config_dir', 'configDir') ??
    (env.CLAUDE_CONFIG_DIR || undefined) ??
    join(homedir(), '.claude');
  return { cliPath: stringAt(claude, 'cli_path', 'cliPath'), configDir, env: extraEnv };
}
