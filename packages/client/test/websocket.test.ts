import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { replies } from '@claude-code-server/fake-anthropic';
import type { ClaudeCodeServer } from '@claude-code-server/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import {
  AuthenticationError,
  BadRequestError,
  type ChatStreamEvent,
  ClaudeCodeServerClient,
  ClaudeCodeServerClientError,
  ConnectionError,
  type SocketTurn,
} from '../src/index.js';
import { type ClientHarness, KEYS, noTurnRunning, slowReply, startClientHarness } from './harness.js';

let h: ClientHarness;
let server: ClaudeCodeServer;
let url: string;
let client: ClaudeCodeServerClient;

beforeAll(async () => {
  h = await startClientHarness();
  ({ server, url } = await h.server({
    claude: { ...h.claude, permission_mode: 'default', allowed_tools: ['Read'] },
  }));
  // Node 20 has no global WebSocket: the ws package's constructor is passed in.
  client = new ClaudeCodeServerClient({ baseUrl: url, apiKey: KEYS.alice, WebSocket });
});
afterAll(async () => {
  await h?.close();
});

async function collect(turn: SocketTurn, onEvent?: (event: ChatStreamEvent) => unknown) {
  const events: ChatStreamEvent[] = [];
  for await (const event of turn) {
    events.push(event);
    await onEvent?.(event);
  }
  return events;
}

describe('the WebSocket', () => {
  it('a wrong key is refused with AuthenticationError', async () => {
    const wrong = new ClaudeCodeServerClient({ baseUrl: url, apiKey: 'not-a-key-of-this-server', WebSocket });
    const error = await wrong.connect().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ code: 'UNAUTHORIZED', status: 401 });
  });

  it('runs two turns at once on one connection, each with its own events', async () => {
    h.fake.enqueue(replies.text('First answer.'), replies.text('Second answer.'));
    const socket = await client.connect();
    try {
      const [first, second] = await Promise.all([
        collect(socket.send({ message: 'one', user_id: 'max', session_id: 'max-1' })),
        collect(socket.send({ message: 'two', user_id: 'max', session_id: 'max-2' })),
      ]);
      for (const [events, session] of [
        [first, 'max-1'],
        [second, 'max-2'],
      ] as const) {
        expect(events[0]).toMatchObject({ event: 'session', data: { session_id: session } });
        const done = events.at(-1);
        expect(done?.event === 'done' && done.data.session_id).toBe(session);
      }
      const answers = [first, second].map((events) => {
        const done = events.at(-1);
        return done?.event === 'done' ? done.data.content : undefined;
      });
      expect(answers.sort()).toEqual(['First answer.', 'Second answer.']);
      await socket.ping();

      // A refused message is thrown as its typed error; the connection stays usable.
      const refused = await collect(socket.send({ message: 'hi', user_id: '' })).catch(
        (caught: unknown) => caught,
      );
      expect(refused).toBeInstanceOf(BadRequestError);
      expect(refused).toMatchObject({ code: 'INVALID_REQUEST', status: 400, details: { field: 'user_id' } });
      await socket.ping();
    } finally {
      socket.close();
    }
  });

  it('answers a permission request over the socket', async () => {
    const file = join(h.cli.workDir, 'over-the-socket.txt');
    h.fake.enqueue(replies.toolUse('Write', { file_path: file, content: 'ws\n' }), replies.text('Written.'));
    const socket = await client.connect();
    try {
      const events = await collect(
        socket.send({ message: 'write', user_id: 'max', session_id: 'max-3' }),
        async (event) => {
          if (event.event !== 'permission_request') return;
          const answered = await socket.answerPermission(event.data.request_id, { behavior: 'allow' });
          expect(answered).toMatchObject({ type: 'answered', session_id: 'max-3', behavior: 'allow' });
        },
      );
      expect(events.map((event) => event.event)).toContain('permission_resolved');
      expect(events.at(-1)?.event).toBe('done');
      await access(file);
      // An answer to a request that does not exist is thrown as its typed error.
      const error = await socket
        .answerPermission('perm_00000000-0000-4000-8000-000000000000', { behavior: 'deny' })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ClaudeCodeServerClientError);
      expect((error as ClaudeCodeServerClientError).status).toBe(404);
    } finally {
      socket.close();
    }
  });

  it('interrupts a running turn; the socket stays usable', async () => {
    h.fake.enqueue(slowReply());
    const socket = await client.connect();
    try {
      const turn = socket.send({ message: 'count', user_id: 'max', session_id: 'max-4' });
      const error = await collect(turn, (event) => {
        if (event.event === 'delta') turn.interrupt();
      }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ClaudeCodeServerClientError);
      expect((error as ClaudeCodeServerClientError).code).toMatch(/^(ABORTED|INTERRUPTED)$/);
      await noTurnRunning(server);

      h.fake.enqueue(replies.text('Back.'));
      const events = await collect(socket.send({ message: 'again', user_id: 'max', session_id: 'max-4' }));
      const done = events.at(-1);
      expect(done?.event === 'done' && done.data.content).toBe('Back.');
    } finally {
      socket.close();
    }
  });

  it('closing the socket ends its turns with ConnectionError, and the server interrupts them', async () => {
    h.fake.enqueue(slowReply());
    const socket = await client.connect();
    const turn = socket.send({ message: 'long', user_id: 'max', session_id: 'max-5' });
    const error = await collect(turn, (event) => {
      if (event.event === 'delta') socket.close();
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(socket.open).toBe(false);
    await noTurnRunning(server);
  });
});
