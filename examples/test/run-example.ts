import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const examplesDir = fileURLToPath(new URL('..', import.meta.url));

/**
 * Runs an example as a user would (against the built packages) and returns what it printed. Offline:
 * FAKE=1 keeps any real key unused.
 */
export async function runExample(file: string, env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', file], {
    cwd: examplesDir,
    env: { ...process.env, FAKE: '1', ...env },
    timeout: 90_000,
  });
  return stdout;
}
