import { replies } from '@claude-code-server/fake-anthropic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  BadRequestError,
  ClaudeCodeServerClient,
  ClaudeCodeServerClientError,
  ConnectionError,
  NotFoundError,
  ServerError,
} from '../src/index.js';
import { type ClientHarness, KEYS, startClientHarness } from './harness.js';

let h: ClientHarness;
let url: string;
let alice: ClaudeCodeServerClient;

beforeAll(async () => {
  h = await startClientHarness();
  ({ url } = await h.server());
  alice = new ClaudeCodeServerClient({ baseUrl: url, apiKey: KEYS.alice });
});
afterAll(async () => {
  await h?.close();
});

/** The error a call rejects with (fails the test if it resolves). */
async function failure(
  call: Promise<unknown> | AsyncIterable<unknown>,
): Promise<ClaudeCodeServerClientError> {
  try {
    if (Symbol.asyncIterator in call) for await (const _ of call);
    else await call;
  } catch (error) {
    expect(error).toBeInstanceOf(ClaudeCodeServerClientError);
    return error as ClaudeCodeServerClientError;
  }
  throw new Error('the call succeeded');
}

describe('errors as typed classes', () => {
  it('a wrong key is an AuthenticationError with the server code and status', async () => {
    const wrong = new ClaudeCodeServerClient({ baseUrl: url, apiKey: 'not-a-key-of-this-server' });
    const error = await failure(wrong.listSessions({ user_id: 'gus' }));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ code: 'UNAUTHORIZED', status: 401 });
    expect(error.requestId).toMatch(/.+/);
    const none = await failure(
      new ClaudeCodeServerClient({ baseUrl: url }).chat({ message: 'hi', user_id: 'gus' }),
    );
    expect(none).toBeInstanceOf(AuthenticationError);
  });

  it("an unknown session, and another tenant's, are a NotFoundError", async () => {
    const unknown = await failure(alice.getHistory('no-such-session'));
    expect(unknown).toBeInstanceOf(NotFoundError);
    expect(unknown.status).toBe(404);
    expect(unknown.message).toContain('no-such-session');

    h.fake.enqueue(replies.text('Mine.'));
    await alice.chat({ message: 'Keep this', user_id: 'gus', session_id: 'gus-private' });
    const bob = new ClaudeCodeServerClient({ baseUrl: url, apiKey: KEYS.bob });
    expect(await failure(bob.getHistory('gus-private'))).toBeInstanceOf(NotFoundError);
    expect(await failure(bob.deleteSession('gus-private'))).toBeInstanceOf(NotFoundError);
  });

  it('a bad field is a BadRequestError naming it', async () => {
    const error = await failure(alice.chat({ message: 'hi', user_id: '' }));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ code: 'INVALID_REQUEST', status: 400, details: { field: 'user_id' } });
    expect(error.message).toMatch(/^user_id: /);
    expect(await failure(alice.getTask('task-not-an-id'))).toBeInstanceOf(BadRequestError);
  });

  it("a stream's error event is thrown as its typed error", async () => {
    h.fake.enqueue(replies.text('far too slow for the timeout', { chunks: 6, delayMs: 1500 }));
    const seen: string[] = [];
    const events = alice.chatStream({ message: 'Slow', user_id: 'gus', session_id: 'gus-slow', timeout: 1 });
    const error = await failure(
      (async () => {
        for await (const event of events) seen.push(event.event);
      })(),
    );
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ code: 'TIMEOUT', status: 504 });
    expect(seen[0]).toBe('session');
  });

  it('a server that does not answer is a ConnectionError', async () => {
    const nobody = new ClaudeCodeServerClient({ baseUrl: 'http://127.0.0.1:9', apiKey: KEYS.alice });
    const error = await failure(nobody.health());
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ code: 'NETWORK_ERROR', status: undefined });
    expect(error.message).toContain('http://127.0.0.1:9/health');
  });

  it('refuses a base URL that is not http(s)', () => {
    expect(() => new ClaudeCodeServerClient({ baseUrl: '127.0.0.1:8000' })).toThrow(/^baseUrl: /);
  });
});
