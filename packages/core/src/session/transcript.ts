import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ClaudeConfig } from '../config.js';

/** The config dir chosen for the CLI, if any: `configDir`, else CLAUDE_CONFIG_DIR (the config's env, then ours). */
export function chosenConfigDir(config: Pick<ClaudeConfig, 'configDir' | 'env'>): string | undefined {
  return config.configDir ?? config.env?.CLAUDE_CONFIG_DIR ?? process.env.CLAUDE_CONFIG_DIR;
}

/** The CLI's config dir for `config` (default ~/.claude). */
export function claudeConfigDir(config: Pick<ClaudeConfig, 'configDir' | 'env'> = {}): string {
  return chosenConfigDir(config) ?? join(homedir(), '.claude');
}

/**
 * Path of a conversation's transcript (`<configDir>/projects/<cwd slug>/<sessionId>.jsonl`), or
 * undefined if the CLI has not written it (yet). The CLI appends an exchange a few tens of ms after
 * it prints the turn's result.
 */
export function findTranscriptFile(
  sessionId: string,
  config: Pick<ClaudeConfig, 'configDir' | 'env'> = {},
): string | undefined {
  const projects = join(claudeConfigDir(config), 'projects');
  let slugs: string[];
  try {
    slugs = readdirSync(projects);
  } catch {
    return undefined;
  }
  for (const slug of slugs) {
    const file = join(projects, slug, `${sessionId}.jsonl`);
    if (existsSync(file)) return file;
  }
  return undefined;
}
