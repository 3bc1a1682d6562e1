import { createServer } from 'node:net';
import { expect, it } from 'vitest';
import { runExample } from './run-example.js';

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

it('two-turn-conversation.ts resumes the first turn and gets the name back, from the fake on FAKE_PORT', async () => {
  const port = await freePort();
  const stdout = await runExample('two-turn-conversation.ts', { FAKE_PORT: String(port) });

  expect(stdout).toContain(`Talking to fake-anthropic at http://127.0.0.1:${port} `);
  expect(stdout).toContain('[turn 1] claude: Nice to meet you, Ada.');
  expect(stdout).toContain('[turn 2] claude: Your name is Ada.');
  const sessions = [...stdout.matchAll(/\(session ([0-9a-f-]{36}),/g)].map((match) => match[1]);
  expect(sessions).toHaveLength(2);
  expect(sessions[1]).toBe(sessions[0]);
});
