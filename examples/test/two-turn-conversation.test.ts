import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const examplesDir = fileURLToPath(new URL('..', import.meta.url));

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

// Runs the example as a user would (against the built packages), offline: FAKE=1 keeps any real key unused.
it('two-turn-conversation.ts resumes the first turn and gets the name back, from the fake on FAKE_PORT', async () => {
  const port = await freePort();
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'two-turn-conversation.ts'],
    { cwd: examplesDir, env: { ...process.env, FAKE: '1', FAKE_PORT: String(port) }, timeout: 60_000 },
  );

  expect(stdout).toContain(`Talking to fake-anthropic at http://127.0.0.1:${port} `);
  expect(stdout).toContain('[turn 1] claude: Nice to meet you, Ada.');
  expect(stdout).toContain('[turn 2] claude: Your name is Ada.');
  const sessions = [...stdout.matchAll(/\(session ([0-9a-f-]{36}),/g)].map((match) => match[1]);
  expect(sessions).toHaveLength(2);
  expect(sessions[1]).toBe(sessions[0]);
});
