import { randomUUID } from 'node:crypto';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { SessionStore } from '@claude-code-server/store';
import { createSqliteSessionStore } from '@claude-code-server/store-sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AgentHarness, startAgentHarness, transcriptOf } from './test-support/harness.js';
import { TestNamespace } from './test-support/test-stores.js';
import { canonicalCwd, transcriptPath } from './transcript/project-slug.js';

const run = randomUUID().slice(0, 8);
// A Redis prefix and a Postgres schema of this run only, deleted at the end.
const namespace = new TestNamespace('test');
afterAll(() => namespace.drop());

const backends: Array<{ name: string; open: (h: AgentHarness) => SessionStore }> = [
  { name: 'Redis', open: () => namespace.redisStore() },
  { name: 'Postgres', open: () => namespace.postgresStore() },
  { name: 'SQLite', open: (h) => createSqliteSessionStore({ path: join(h.root, 'agent.db') }) },
];

describe.each(backends)('two agents sharing $name', ({ name, open }) => {
  let h: AgentHarness;
  const stores: SessionStore[] = [];

  beforeAll(async () => {
    h = await startAgentHarness();
  });
  afterAll(async () => {
    await h?.close();
    for (const store of stores) await store.close();
  });

  /** Two agents like two machines: own store connection, own empty config dir, own project directory. */
  async function twoAgents() {
    const [storeA, storeB] = [open(h), open(h)];
    stores.push(storeA, storeB);
    const dirA = await h.dir('machine-a-app');
    const dirB = await h.dir('machine-b-app');
    const a = await h.agent(storeA, { projects: { app: dirA }, ownerId: `a-${run}` });
    const b = await h.agent(storeB, { projects: { app: dirB }, ownerId: `b-${run}` });
    return { a, b, storeA, dirB };
  }

  it('continues one conversation across agents, turns alternating A, B, A, B, each seeing the whole history', async () => {
    const { a, b, storeA, dirB } = await twoAgents();
    const sessionId = `${name.toLowerCase()}-alt-${run}`;
    const call = { userId: 'gina', sessionId, project: 'app' };

    // What the model was sent for the latest turn: every user message so far, in order.
    const seen = () => h.fake.conversationRequests().at(-1)?.userTexts;
    const t1 = await a.chat('My name is Gina', call);
    const t2 = await b.chat('What is my name?', call);
    expect(t2.content).toBe('Your name is Gina.');
    expect(seen()).toEqual(['My name is Gina', 'What is my name?']);
    expect(t2.freshSession).toBe(false);
    expect(t2.claudeSessionId).toBe(t1.claudeSessionId);
    // B started from an empty config dir: the transcript came from the store.
    await access(transcriptPath(b.configDir, await canonicalCwd(dirB), t1.claudeSessionId));

    // A's warm process missed turn 2: it must not answer from it.
    const t3 = await a.chat('My name is Hal', call);
    expect(t3.metadata.warm).toBe(false);
    expect(seen()).toEqual(['My name is Gina', 'What is my name?', 'My name is Hal']);
    const t4 = await b.chat('What is my name?', call);
    expect(t4.content).toBe('Your name is Hal.');
    expect(a.stats().staleProcesses).toBe(1);
    expect(b.stats().staleProcesses).toBe(1);

    expect(seen()).toEqual(['My name is Gina', 'What is my name?', 'My name is Hal', 'What is my name?']);
    const history = await storeA.listMessages(sessionId);
    expect(transcriptOf(history.messages)).toEqual([
      'user: My name is Gina',
      'assistant: Nice to meet you, Gina. I will remember your name.',
      'user: What is my name?',
      'assistant: Your name is Gina.',
      'user: My name is Hal',
      'assistant: Nice to meet you, Hal. I will remember your name.',
      'user: What is my name?',
      'assistant: Your name is Hal.',
    ]);
    await b.whenIdle();
    expect((await storeA.getSession(sessionId))?.metadata).toMatchObject({
      claudeAgent: { turns: 4, lastOwner: `b-${run}`, freshStarts: 0 },
    });
  });

  it('runs messages sent to both agents at once one at a time, with a linear history', async () => {
    const { a, b, storeA } = await twoAgents();
    const sessionId = `${name.toLowerCase()}-race-${run}`;
    const call = { userId: 'ida', sessionId, project: 'app' };
    const sent = ['a1', 'b1', 'a2', 'b2'];
    const answers = await Promise.all(sent.map((text) => (text.startsWith('a') ? a : b).chat(text, call)));
    expect(answers.map((r) => r.content)).toEqual(sent.map((t) => `echo: ${t}`));
    expect(answers.map((r) => r.metadata.turn).sort()).toEqual([1, 2, 3, 4]);

    const { messages } = await storeA.listMessages(sessionId);
    expect(messages).toHaveLength(8);
    for (let i = 0; i < 8; i += 2) {
      expect(messages[i + 1]?.content).toBe(`echo: ${messages[i]?.content}`);
    }
    // The last turn saw the three before it, in the order they ran.
    const order = messages.filter((m) => m.role === 'user').map((m) => m.content);
    expect(h.fake.conversationRequests().at(-1)?.userTexts).toEqual(order);
  });
});
