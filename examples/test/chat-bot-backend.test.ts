import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const examplesDir = fileURLToPath(new URL('..', import.meta.url));

// Runs the example as a user would (against the built packages), offline: FAKE=1 keeps any real key unused.
it('chat-bot-backend.ts keeps users apart, remembers each, and refuses an unapproved tool', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'chat-bot-backend.ts'], {
    cwd: examplesDir,
    env: { ...process.env, FAKE: '1' },
    timeout: 90_000,
  });

  expect(stdout).toContain('bot -> Alice: Your name is Alice.');
  expect(stdout).toContain('bot -> Bob: Your name is Bob.');
  expect(stdout).toContain('(permission asked for Bash: denied)');
  expect(stdout).toContain('bot -> Bob: I was not allowed to delete the notes.');
  expect(stdout).toContain('notes.txt is still there.');
  expect(stdout).toContain("Alice's conversation holds 4 messages.");
});
