import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ClaudeConfig } from '../config.js';
import { claudeConfigDir } from '../config-dir.js';

export { claudeConfigDir } from '../config-dir.js';

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
