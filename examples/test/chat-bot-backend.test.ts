import { expect, it } from 'vitest';
import { runExample } from './run-example.js';

it('chat-bot-backend.ts keeps users apart, remembers each, and refuses an unapproved tool', async () => {
  const stdout = await runExample('chat-bot-backend.ts');

  expect(stdout).toContain('bot -> Alice: Your name is Alice.');
  expect(stdout).toContain('bot -> Bob: Your name is Bob.');
  expect(stdout).toContain('(permission asked for Bash: denied)');
  expect(stdout).toContain('bot -> Bob: I was not allowed to delete the notes.');
  expect(stdout).toContain('notes.txt is still there.');
  expect(stdout).toContain("Alice's conversation holds 4 messages.");
});
