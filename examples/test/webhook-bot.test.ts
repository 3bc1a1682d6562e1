import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const examplesDir = fileURLToPath(new URL('..', import.meta.url));

// Runs the example as a user would (against the built packages), offline: FAKE=1 keeps any real key unused.
it('webhook-bot.ts refuses bad and stale signatures, answers per user, and posts a signed callback', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'webhook-bot.ts'], {
    cwd: examplesDir,
    env: { ...process.env, FAKE: '1' },
    timeout: 90_000,
  });

  expect(stdout).toContain('tampered body -> 401 bad signature');
  expect(stdout).toContain('ten-minute-old delivery -> 401 timestamp outside the 5-minute window');
  expect(stdout).toContain('model calls after the refused deliveries: 0');
  expect(stdout).toContain('Ada -> 200 Nice to meet you, Ada. I will remember your name.');
  expect(stdout).toContain("Bob -> 200 I don't know your name yet."); // another user, another conversation
  expect(stdout).toContain('Ada (with a callback) -> 202 {"accepted":true}');
  expect(stdout).toContain('platform: callback received (signature ok)');
  expect(stdout).toContain('callback for U1: Your name is Ada.');
  expect(stdout).toContain('callback to another origin -> 400 callback_url: origin not allowed');
});
