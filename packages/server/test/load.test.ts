import type { AddressInfo } from 'node:net';
import { rules } from '@claude-code-server/fake-anthropic';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ClaudeCodeServer } from '../src/index.js';
import { type ServerHarness, startServerHarness } from './harness.js';

const USERS = 50;
const MESSAGES = 5;

let h: ServerHarness;
let server: ClaudeCodeServer;
let url: string;

beforeAll(async () => {
  h = await startServerHarness();
  h.fake.addRule(rules.echo);
  server = await h.server({
    agent: { max_live: 6 },
    limits: { max_concurrent_turns: 6, max_queue: USERS * MESSAGES },
  });
  url = `http://127.0.0.1:${((await server.listen(0)).address() as AddressInfo).port}`;
});
afterAll(async () => {
  await h?.close();
});

async function getJson(path: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}${path}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

it(`answers ${USERS} concurrent users with ${MESSAGES} messages each, histories complete`, async () => {
  const send = async (user: string, n: number) => {
    const res = await fetch(`${url}/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: `${user} says ${n}`, user_id: user }),
    });
    const body = (await res.json()) as { content: string };
    return { status: res.status, content: body.content, expected: `${user} says ${n}` };
  };
  // Every user sends all its messages at once; each session answers them one after another.
  const users = Array.from({ length: USERS }, (_, i) => `user-${i}`);
  const answers = await Promise.all(
    users.flatMap((user) => Array.from({ length: MESSAGES }, (_, n) => send(user, n + 1))),
  );
  expect(answers.filter((a) => a.status !== 200)).toEqual([]);
  expect(answers.filter((a) => a.content !== a.expected)).toEqual([]);

  for (const user of users) {
    const history = await getJson(`/session/user_${user}/history?limit=100`);
    const messages = history.messages as Array<{ role: string; content: string }>;
    expect(history.total_messages).toBe(MESSAGES * 2);
    // Each question is followed by its own answer, and every question is there once.
    for (let i = 0; i < messages.length; i += 2) {
      expect(messages[i]?.role).toBe('user');
      expect(messages[i + 1]).toEqual(
        expect.objectContaining({ role: 'assistant', content: messages[i]?.content }),
      );
    }
    const questions = messages.filter((m) => m.role === 'user').map((m) => m.content);
    expect(questions.sort()).toEqual(Array.from({ length: MESSAGES }, (_, n) => `${user} says ${n + 1}`));
  }
  // Warm processes answered most turns: far fewer processes than turns were started.
  const stats = server.agent.stats();
  expect(stats.turnsFinished).toBe(USERS * MESSAGES);
  expect(stats.pool.spawned).toBeLessThan(USERS * MESSAGES);
}, 600_000);
