import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const examplesDir = fileURLToPath(new URL('..', import.meta.url));

// Runs the example as a user would (against the built packages), offline: FAKE=1 keeps any real key unused.
it('code-review.ts reviews a file with Read and Grep only and prints the structured review', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'code-review.ts'], {
    cwd: examplesDir,
    env: { ...process.env, FAKE: '1' },
    timeout: 90_000,
  });

  expect(stdout).toMatch(/review of \/\S+\/discount\.js: 2 issues found\./);
  expect(stdout).toContain('line 3 [high] eval() runs whatever the caller sends.');
  expect(stdout).toContain('line 2 [low] An open TODO.'); // found by the Grep call
  expect(stdout).toContain('(tools the model was offered: Grep, Read, StructuredOutput)');
});
