import { replies } from '@claude-code-server/fake-anthropic';
import type { ClaudeCodeServer } from '@claude-code-server/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortedError, ClaudeCodeServerClient } from '../src/index.js';
import { type ClientHarness, KEYS, noTurnRunning, slowReply, startClientHarness } from './harness.js';

let h: ClientHarness;
let server: ClaudeCodeServer;
let client: ClaudeCodeServerClient;

beforeAll(async () => {
  h = await startClientHarness();
  let url: string;
  ({ server, url } = await h.server());
  client = new ClaudeCodeServerClient({ baseUrl: url, apiKey: KEYS.alice });
});
afterAll(async () => {
  await h?.close();
});

describe('AbortSignal', () => {
  it('aborting a stream mid-turn rejects with AbortedError and the server interrupts the turn', async () => {
    h.fake.enqueue(slowReply());
    const controller = new AbortController();
    const seen: string[] = [];
    const error = await (async () => {
      for await (const event of client.chatStream(
        { message: 'Count slowly', user_id: 'kim', session_id: 'kim-1' },
        { signal: controller.signal },
      )) {
        seen.push(event.event);
        if (event.event === 'delta') controller.abort(new Error('the user left'));
      }
    })().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AbortedError);
    expect(error).toMatchObject({ code: 'ABORTED', status: undefined });
    expect((error as AbortedError).cause).toEqual(new Error('the user left'));
    expect(seen).not.toContain('done');
    await noTurnRunning(server);

    // The session is still usable.
    h.fake.enqueue(replies.text('Still here.'));
    expect((await client.chat({ message: 'Again', user_id: 'kim', session_id: 'kim-1' })).content).toBe(
      'Still here.',
    );
  });

  it('leaving the loop early closes the stream, which interrupts the turn too', async () => {
    h.fake.enqueue(slowReply());
    for await (const event of client.chatStream({ message: 'Go', user_id: 'kim', session_id: 'kim-2' })) {
      if (event.event === 'delta') break;
    }
    await noTurnRunning(server);
  });

  it('aborting a chat call rejects with AbortedError', async () => {
    h.fake.enqueue(slowReply());
    const controller = new AbortController();
    const call = client.chat(
      { message: 'Wait', user_id: 'kim', session_id: 'kim-3' },
      { signal: controller.signal },
    );
    await h.fake.waitForRequest((request) => request.lastUserText === 'Wait');
    controller.abort();
    await expect(call).rejects.toBeInstanceOf(AbortedError);
    await noTurnRunning(server);
    // An already aborted signal never sends the request.
    await expect(client.health({ signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortedError);
  });
});
