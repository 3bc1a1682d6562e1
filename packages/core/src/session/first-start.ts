import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ClaudeConfig } from '../config.js';
import { chosenConfigDir } from '../config-dir.js';

/** The CLI's global state file: `$CLAUDE_CONFIG_DIR/.claude.json`, or `~/.claude.json` without one. */
function globalStateFile(config: Pick<ClaudeConfig, 'configDir' | 'env'>): string {
  const dir = chosenConfigDir(config);
  return dir ? join(dir, '.claude.json') : join(homedir(), '.claude.json');
}

const firstStarts = new Map<string, Promise<unknown>>();

/**
 * Runs `start`, but while a config dir has no global state file yet, only one process at a time
 * starts in it: CLIs starting together in a fresh config dir each create that file and overwrite one
 * another's (measured: 10 at once left 10 different user ids behind).
 */
export async function serializeFirstStart<T>(
  config: Pick<ClaudeConfig, 'configDir' | 'env'>,
  start: () => Promise<T>,
): Promise<T> {
  const file = globalStateFile(config);
  for (;;) {
    const pending = firstStarts.get(file);
    if (!pending) break;
    await pending.catch(() => {});
  }
  if (existsSync(file)) return start();
  const started = start();
  firstStarts.set(file, started);
  try {
    return await started;
  } finally {
    firstStarts.delete(file);
  }
}
