import { statSync } from 'node:fs';
import { InvalidConfigError } from './errors.js';

/**
 * Throws InvalidConfigError naming `field` unless `cwd` is an existing directory. Checked before a
 * spawn because Node reports a missing cwd as ENOENT, which reads as if the CLI itself were missing.
 */
export function assertWorkingDirectory(cwd: string | undefined, field = 'cwd'): void {
  if (cwd === undefined) return;
  let isDirectory = false;
  try {
    isDirectory = statSync(cwd).isDirectory();
  } catch {
    // Missing or unreadable: reported below.
  }
  if (!isDirectory) throw new InvalidConfigError(field, `${cwd} is not an existing directory`);
}
