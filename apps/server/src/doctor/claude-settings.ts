import { claudeConfigDir } from '@claude-code-server/core';
import { claudeConfigOf } from '@claude-code-server/server/internal';
import type { AppConfig } from '../config/load-config.js';

/** The parts of the config's `claude` section the doctor looks at. */
export interface ClaudeSettings {
  cliPath?: string;
  /** The CLI's config dir: where it keeps credentials and transcripts. */
  configDir: string;
  /** Variables the config adds to the CLI's environment. */
  env: Record<string, string>;
}

/** What the CLI will see: the config's `claude` section over the process environment (core's config-dir rule). */
export function claudeSettings(config: AppConfig, env: NodeJS.ProcessEnv = process.env): ClaudeSettings {
  const claude = claudeConfigOf(config.server.claude);
  return { cliPath: claude.cliPath, configDir: claudeConfigDir(claude, env), env: claude.env ?? {} };
}
