import { CliNotAuthenticatedError } from '@claude-code-server/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClaudeAgent } from './agent.js';
import { transcriptOf, useAgentHarness } from './test-support/harness.js';
import type { TurnFinishedEvent, TurnStartedEvent } from './types.js';

describe('ClaudeAgent (memory store, real CLI)', () => {
  const t = useAgentHarness();
  let agent: ClaudeAgent;
  let configDir: string;
  const started: TurnStartedEvent[] = [];
  const finished: TurnFinishedEvent[] = [];

  beforeAll(async () => {
    configDir = await t.h.dir('config');
    const config = {
      cwd: await t.h.dir('work'),
      env: {
        ANTHROPIC_BASE_URL: t.h.fake.url,
        ANTHROPIC_API_KEY: 'test-key',
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        CLAUDE_CONFIG_DIR: configDir,
        HOME: configDir,
      },
    };
    // Constructed as a user would: a store and a config, every other option at its default.
    const store = t.store;
    agent = new ClaudeAgent({ store, config });
    agent.on('turn_started', (event) => started.push(event));
    agent.on('turn_finished', (event) => finished.push(event));
  });
  afterAll(() => agent?.close());

  it('remembers a user across turns and records both sides, with usage, cost and activity', async () => {
    expect(agent.configDir).toBe(configDir);
    const first = await agent.chat('My name is Alice', { userId: 'alice_123' });
    expect(first.content).toBe('Nice to meet you, Alice. I will remember your name.');
    expect(first.sessionId).toBe('user_alice_123');
    expect(first.success).toBe(true);
    expect(first.freshSession).toBe(false);
    const second = await agent.chat('What is my name?', { userId: 'alice_123' });
    expect(second.content).toBe('Your name is Alice.');
    expect(second.claudeSessionId).toBe(first.claudeSessionId);
    expect(second.metadata.warm).toBe(true);

    const history = await agent.getConversationHistory('alice_123');
    expect(transcriptOf(history.messages)).toEqual([
      'user: My name is Alice',
      'assistant: Nice to meet you, Alice. I will remember your name.',
      'user: What is my name?',
      'assistant: Your name is Alice.',
    ]);
    expect(history.hasMore).toBe(false);
    const answer = history.messages[3];
    expect(answer?.usage).toEqual(second.usage);
    expect(answer?.usage?.outputTokens).toBeGreaterThan(0);
    expect(answer?.costUsd).toBe(second.costUsd);
    expect(second.costUsd).toBeGreaterThan(0);
    // Each turn's own cost (a warm CLI reports a running total): turns of the same size cost about the
    // same, and the history adds up to the conversation's cost.
    expect(second.costUsd).toBeLessThan(first.costUsd * 1.5);
    const storedCosts = history.messages.reduce((sum, m) => sum + (m.costUsd ?? 0), 0);
    expect(storedCosts).toBeCloseTo(first.costUsd + second.costUsd, 9);
    expect(answer?.metadata).toMatchObject({ claudeSessionId: first.claudeSessionId });
    expect(history.messages[2]?.metadata).toMatchObject({ receivedAt: expect.any(Number) });

    // Paged: the newest two, then the two before them.
    const newest = await agent.getConversationHistory('alice_123', { limit: 2 });
    expect(newest.messages.map((m) => m.seq)).toEqual([3, 4]);
    expect(newest.hasMore).toBe(true);
    const older = await agent.getConversationHistory('alice_123', { limit: 2, before: 3 });
    expect(transcriptOf(older.messages)).toEqual(transcriptOf(history.messages.slice(0, 2)));
    expect(older.hasMore).toBe(false);

    // The Claude session id, the transcript and the last activity are stored right after the answer.
    await agent.whenIdle();
    const session = await agent.getSession('user_alice_123');
    expect(session?.claudeSessionId).toBe(first.claudeSessionId);
    expect(session?.lastActiveAt).toBeGreaterThanOrEqual(answer?.createdAt ?? Number.POSITIVE_INFINITY);
    expect(session?.lastActiveAt).toBeGreaterThan(session?.createdAt ?? Number.POSITIVE_INFINITY);
    expect(await t.store.loadTranscript('user_alice_123')).toContain('What is my name?');

    // Observers saw each turn start and finish, with its duration, usage and cost.
    expect(started).toEqual([
      { sessionId: 'user_alice_123', userId: 'alice_123', messages: 1 },
      { sessionId: 'user_alice_123', userId: 'alice_123', messages: 1 },
    ]);
    expect(finished[1]).toMatchObject({
      sessionId: 'user_alice_123',
      userId: 'alice_123',
      usage: second.usage,
      costUsd: second.costUsd,
      success: true,
      freshSession: false,
    });
    expect(finished[1]?.durationMs).toBeGreaterThan(0);
  });

  it('keeps two users apart, and a user’s named sessions apart', async () => {
    await agent.chat('My name is Bob', { userId: 'bob' });
    const carol = await agent.chat('What is my name?', { userId: 'carol' });
    expect(carol.content).toBe("I don't know your name yet.");
    const bob = await agent.chat('What is my name?', { userId: 'bob' });
    expect(bob.content).toBe('Your name is Bob.');
    expect((await agent.listSessions('carol')).sessions.map((s) => s.id)).toEqual(['user_carol']);

    const work = await agent.chat('What is my name?', { userId: 'bob', sessionId: 'bob-work' });
    expect(work.content).toBe("I don't know your name yet.");
    expect(work.sessionId).toBe('bob-work');
    expect(work.claudeSessionId).not.toBe(bob.claudeSessionId);
    const ids = (await agent.listSessions('bob')).sessions.map((s) => s.id);
    expect(ids.sort()).toEqual(['bob-work', 'user_bob']);
    expect(
      (await agent.getConversationHistory({ userId: 'bob', sessionId: 'bob-work' })).messages,
    ).toHaveLength(2);
  });

  it('fails a turn of a CLI without credentials with CLI_NOT_AUTHENTICATED, and stores no answer', async () => {
    const requests = t.h.fake.conversationRequests().length;
    const noKey = await t.h.agent(t.store, { config: { env: { ANTHROPIC_API_KEY: '' } } });
    const error = await noKey.chat('Hello?', { userId: 'nokey' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliNotAuthenticatedError);
    expect(error).toMatchObject({ code: 'CLI_NOT_AUTHENTICATED' });
    const history = await noKey.getConversationHistory('nokey');
    expect(transcriptOf(history.messages)).toEqual(['user: Hello?']);
    expect(t.h.fake.conversationRequests()).toHaveLength(requests);
  });
});

describe('a pool with a memory budget (real CLI)', () => {
  const t = useAgentHarness();

  it('keeps the warm processes within it: a budget with room for one evicts the idle one for the next user', async () => {
    const agent = await t.h.agent(t.store, { pool: { maxLive: 4, maxMemoryBytes: 1 } });
    await agent.chat('My name is Dana', { userId: 'dana' });
    expect(agent.stats().pool.live).toBe(1);
    expect(agent.stats().pool.rssBytes).toBeGreaterThan(0);
    await agent.chat('My name is Erin', { userId: 'erin' });
    expect(agent.stats().pool).toMatchObject({ live: 1, evicted: 1 });
    expect((await agent.chat('What is my name?', { userId: 'dana' })).content).toBe('Your name is Dana.');
  });
});
