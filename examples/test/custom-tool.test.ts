import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const examplesDir = fileURLToPath(new URL('..', import.meta.url));

// Runs the example as a user would (against the built packages), offline: FAKE=1 keeps any real key unused.
it('custom-tool.ts answers from its in-process tool, and an unknown order comes back as a tool error', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'custom-tool.ts'], {
    cwd: examplesDir,
    env: { ...process.env, FAKE: '1' },
    timeout: 90_000,
  });

  expect(stdout).toContain('(audit: mcp__shop__lookup_order {"orderId":"A-1001"})');
  expect(stdout).toContain('claude: Here it is: Order A-1001: shipped, DHL, 2 March.');
  expect(stdout).toContain('claude: Sorry, I could not find that order (There is no order A-9999.)');
});
