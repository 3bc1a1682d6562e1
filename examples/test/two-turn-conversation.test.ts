import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const examplesDir = fileURLToPath(new URL('..', import.meta.url));

// Runs the example as a user would (against the built packages), offline: FAKE=1 keeps any real key unused.
it('two-turn-conversation.ts resumes the first turn and gets the name back', async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'two-turn-conversation.ts'],
    { cwd: examplesDir, env: { ...process.env, FAKE: '1' }, timeout: 60_000 },
  );

  expect(stdout).toContain('[turn 1] claude: Nice to meet you, Ada.');
  expect(stdout).toContain('[turn 2] claude: Your name is Ada.');
  const sessions = [...stdout.matchAll(/\(session ([0-9a-f-]{36}),/g)].map((match) => match[1]);
  expect(sessions).toHaveLength(2);
  expect(sessions[1]).toBe(sessions[0]);
});
