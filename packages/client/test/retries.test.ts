import { replies } from '@claude-code-server/fake-anthropic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorFromBody } from '../src/errors.js';
import { ClaudeCodeServerClient, RateLimitError } from '../src/index.js';
import { REFUSED_BEFORE_ACCEPTED, retryDelay } from '../src/retry.js';
import { type ClientHarness, KEYS, recordingFetch, startClientHarness } from './harness.js';

let h: ClientHarness;
let limitedUrl: string;
let busyUrl: string;

beforeAll(async () => {
  h = await startClientHarness();
  // One request per key each second: a second one at once is answered 429 RATE_LIMITED, Retry-After: 1.
  ({ url: limitedUrl } = await h.server({ limits: { rate_limit: { requests_per_minute: 60, burst: 1 } } }));
  // One turn at a time and none waiting: a second turn meanwhile is answered 429 SERVER_BUSY.
  ({ url: busyUrl } = await h.server({ limits: { max_concurrent_turns: 1, max_queue: 0 } }));
});
afterAll(async () => {
  await h?.close();
});

describe('retries of 429 with Retry-After', () => {
  it('retries a rate-limited read after Retry-After, then succeeds', async () => {
    const recorder = recordingFetch();
    const client = new ClaudeCodeServerClient({
      baseUrl: limitedUrl,
      apiKey: KEYS.alice,
      fetch: recorder.fetch,
    });
    await client.listSessions({ user_id: 'hal' });
    const page = await client.listSessions({ user_id: 'hal' });
    expect(page.sessions).toEqual([]);
    expect(recorder.statuses).toEqual([200, 429, 200]);
  });

  it('retries a rate-limited POST /chat (refused before it was accepted), and the message is sent once', async () => {
    const recorder = recordingFetch();
    const client = new ClaudeCodeServerClient({
      baseUrl: limitedUrl,
      apiKey: KEYS.bob,
      fetch: recorder.fetch,
    });
    await client.listSessions({ user_id: 'ida' });
    h.fake.enqueue(replies.text('Once.'));
    const answer = await client.chat({ message: 'Only once', user_id: 'ida' });
    expect(answer.content).toBe('Once.');
    expect(recorder.statuses).toEqual([200, 429, 200]);
    const history = await client.getHistory('user_ida');
    expect(history.messages.filter((m) => m.role === 'user').map((m) => m.content)).toEqual(['Only once']);
  });

  it('throws the RateLimitError with retryAfterMs when retries are off or used up', async () => {
    const client = new ClaudeCodeServerClient({ baseUrl: limitedUrl, apiKey: KEYS.alice, retry: false });
    await client.listSessions({ user_id: 'hal' }).catch(() => {});
    const error = await client.listSessions({ user_id: 'hal' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ code: 'RATE_LIMITED', status: 429 });
    expect((error as RateLimitError).retryAfterMs).toBeGreaterThanOrEqual(1000);

    // A Retry-After longer than maxDelayMs is not waited for.
    const impatient = new ClaudeCodeServerClient({ baseUrl: limitedUrl, apiKey: KEYS.alice });
    const recorder = recordingFetch();
    const counted = new ClaudeCodeServerClient({
      baseUrl: limitedUrl,
      apiKey: KEYS.alice,
      fetch: recorder.fetch,
      retry: { maxDelayMs: 10 },
    });
    await impatient.listSessions({ user_id: 'hal' });
    await expect(counted.listSessions({ user_id: 'hal' })).rejects.toBeInstanceOf(RateLimitError);
    expect(recorder.statuses).toEqual([429]);
  });

  it('retries a turn refused by a full queue (SERVER_BUSY) until the running turn is done', async () => {
    const recorder = recordingFetch();
    const client = new ClaudeCodeServerClient({
      baseUrl: busyUrl,
      apiKey: KEYS.alice,
      fetch: recorder.fetch,
    });
    h.fake.enqueue(
      replies.text('first answer, slowly', { chunks: 3, delayMs: 400 }),
      replies.text('Second.'),
    );
    const first = client.chat({ message: 'First', user_id: 'jo', session_id: 'jo-1' });
    await h.fake.waitForRequest((request) => request.lastUserText === 'First');
    const second = await client.chat({ message: 'Second', user_id: 'jo', session_id: 'jo-2' });
    expect(second.content).toBe('Second.');
    expect((await first).content).toBe('first answer, slowly');
    expect(recorder.statuses).toContain(429);
    expect(recorder.statuses.filter((status) => status === 200)).toHaveLength(2);
  });
});

describe('which answers may be sent again', () => {
  const options = { maxRetries: 2, maxDelayMs: 30_000 };
  const answer = (status: number, code: string, retryAfterMs?: number) =>
    errorFromBody(status, { success: false, error: { code, message: code } }, { retryAfterMs });

  it('a POST only when the server refused it before accepting it', () => {
    for (const code of REFUSED_BEFORE_ACCEPTED) {
      expect(retryDelay(answer(429, code, 1000), 0, false, options)).toBeGreaterThanOrEqual(1000);
    }
    // A turn that was accepted and then failed: sending it again would send the message twice.
    expect(retryDelay(answer(503, 'INTERRUPTED', 1000), 0, false, options)).toBeUndefined();
    expect(retryDelay(answer(429, 'LEASE_TIMEOUT', 1000), 0, false, options)).toBeUndefined();
    expect(retryDelay(answer(503, 'INTERRUPTED', 1000), 0, true, options)).toBeGreaterThanOrEqual(1000);
  });

  it('only with Retry-After, only 429 and 503, and at most maxRetries times', () => {
    expect(retryDelay(answer(503, 'CLI_NOT_AUTHENTICATED'), 0, true, options)).toBeUndefined();
    expect(retryDelay(answer(500, 'INTERNAL', 1000), 0, true, options)).toBeUndefined();
    expect(retryDelay(answer(429, 'RATE_LIMITED', 1000), 2, true, options)).toBeUndefined();
  });
});
