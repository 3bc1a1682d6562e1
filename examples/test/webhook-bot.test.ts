import { expect, it } from 'vitest';
import { runExample } from './run-example.js';

it('webhook-bot.ts refuses bad and stale signatures, answers per user, and posts a signed callback', async () => {
  const stdout = await runExample('webhook-bot.ts');

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
