import { randomUUID } from 'node:crypto';
import { ClaudeError } from '@claude-code-server/core';
import { StoreError } from '@claude-code-server/store';
import { afterAll, describe, expect, it } from 'vitest';
import { LeaseLostError } from './errors.js';
import { createFlakyStore } from './test-support/flaky-store.js';
import { transcriptOf, useAgentHarness } from './test-support/harness.js';
import { TcpProxy } from './test-support/tcp-proxy.js';
import { REDIS_URL, TestNamespace } from './test-support/test-stores.js';
import type { TranscriptSaveFailedEvent, TurnFailedEvent, TurnFinishedEvent } from './types.js';

const REDIS = new URL(REDIS_URL);
// The Redis keys of this run only, deleted at the end.
const namespace = new TestNamespace('test');
afterAll(() => namespace.drop());

describe('when things go wrong (real CLI)', () => {
  const t = useAgentHarness();

  it('starts a fresh Claude session once when the stored transcript is gone, and says so', async () => {
    const a = await t.h.agent(t.store);
    const first = await a.chat('My name is Ivy', { userId: 'ivy' });
    await a.whenIdle();
    await t.store.saveTranscript('user_ivy', '');

    // Another machine, with nothing in its config dir and nothing usable in the t.store.
    const b = await t.h.agent(t.store);
    const lost = await b.chat('What is my name?', { userId: 'ivy' });
    expect(lost.freshSession).toBe(true);
    expect(lost.metadata.freshSession).toBe(true);
    expect(lost.content).toBe("I don't know your name yet.");
    expect(lost.claudeSessionId).not.toBe(first.claudeSessionId);

    const next = await b.chat('My name is Jo', { userId: 'ivy' });
    expect(next.freshSession).toBe(false);
    expect(next.metadata.warm).toBe(true);
    expect((await b.chat('What is my name?', { userId: 'ivy' })).content).toBe('Your name is Jo.');
    expect(b.stats().freshSessions).toBe(1);
    await b.whenIdle();

    const session = await t.store.getSession('user_ivy');
    expect(session?.metadata).toMatchObject({ claudeAgent: { turns: 4, freshStarts: 1 } });
    const history = await b.getConversationHistory('ivy');
    expect(history.messages).toHaveLength(8);
    expect(history.messages[3]?.metadata).toMatchObject({ freshSession: true });
  });

  it('starts over once when the stored transcript cannot be resumed', async () => {
    const a = await t.h.agent(t.store);
    await a.chat('My name is Lu', { userId: 'lu' });
    await a.whenIdle();
    await t.store.saveTranscript('user_lu', 'not a transcript\n');
    const b = await t.h.agent(t.store);
    const answer = await b.chat('What is my name?', { userId: 'lu' });
    expect(answer.freshSession).toBe(true);
    expect(answer.content).toBe("I don't know your name yet.");
  });

  it('fails a turn the API refuses with the core error, reports it, and carries on', async () => {
    const agent = await t.h.agent(t.store);
    const failed: TurnFailedEvent[] = [];
    const finished: TurnFinishedEvent[] = [];
    agent.on('turn_failed', (event) => failed.push(event));
    agent.on('turn_finished', (event) => finished.push(event));
    await agent.chat('My name is Max', { userId: 'max' });
    // Every call of the turn is refused (a CLI may repeat a refused call with fewer features first).
    t.h.fake.addRule((req) =>
      req.lastUserText === 'this one fails'
        ? { type: 'error', status: 400, message: 'bad request' }
        : undefined,
    );
    const error = await agent.chat('this one fails', { userId: 'max' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClaudeError);
    expect((error as ClaudeError).code).toBe('API_ERROR');
    expect(failed).toEqual([
      expect.objectContaining({
        sessionId: 'user_max',
        userId: 'max',
        error: expect.objectContaining({ code: 'API_ERROR' }),
      }),
    ]);
    expect((await agent.chat('What is my name?', { userId: 'max' })).content).toBe('Your name is Max.');
    expect(finished).toHaveLength(2);
    expect(finished[0]).toMatchObject({ sessionId: 'user_max', success: true });
    expect(finished[0]?.usage.outputTokens).toBeGreaterThan(0);
    expect(finished[0]?.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('interrupts a turn as soon as its lease runs out, stores no answer for it, and carries on', async () => {
    const { store, failing } = createFlakyStore();
    const agent = await t.h.agent(store, { leaseTtlMs: 1_000 });
    await agent.chat('My name is Lee', { userId: 'lee' });
    t.h.fake.enqueue({ type: 'hang' });
    const cut = agent.chat('this outlives its lease', { userId: 'lee' }).catch((e: unknown) => e);
    await t.h.fake.waitForRequest((req) => req.lastUserText === 'this outlives its lease');
    // The store stops answering renewals: the lease runs out and another agent could take the session.
    failing.add('renewLease');
    expect(await cut).toBeInstanceOf(LeaseLostError);
    failing.clear();

    expect((await agent.chat('What is my name?', { userId: 'lee' })).content).toBe('Your name is Lee.');
    const history = await agent.getConversationHistory('lee');
    expect(history.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'user', 'assistant']);
    await store.close();
  });

  it('brings along an answered exchange whose agent died before it stored the counter and transcript', async () => {
    const { store, failing } = createFlakyStore();
    // Agent a answers, then cannot store the turn's counter (the store is away) and is never heard of again.
    const a = await t.h.agent(store);
    failing.add('updateSession');
    const answered = await a.chat('My name is Noa', { userId: 'noa' });
    expect(answered.content).toBe('Nice to meet you, Noa. I will remember your name.');
    await a.whenIdle();
    failing.clear();

    const b = await t.h.agent(store);
    const next = await b.chat('What do you know about me?', { userId: 'noa' });
    expect(next.metadata.recoveredMessages).toBe(2);
    const prompt = t.h.fake.conversationRequests().at(-1)?.lastUserText ?? '';
    expect(prompt).toContain('user: My name is Noa');
    expect(prompt).toContain('assistant: Nice to meet you, Noa.');
    expect(prompt).toContain('What do you know about me?');
    await b.whenIdle();
    // Stored now, so the next turn brings nothing along.
    const after = await b.chat('Anything else?', { userId: 'noa' });
    expect(after.metadata.recoveredMessages).toBe(0);
    expect(t.h.fake.conversationRequests().at(-1)?.lastUserText).toBe('Anything else?');
    const history = await b.getConversationHistory('noa');
    expect(history.messages.map((m) => m.role)).toEqual([
      'user',
      'assistant',
      'user',
      'assistant',
      'user',
      'assistant',
    ]);
    await store.close();
  });

  it('brings along an exchange whose counter was stored but whose transcript was not, when its agent died', async () => {
    const { store, failing } = createFlakyStore();
    const a = await t.h.agent(store);
    await a.chat('My name is Pia', { userId: 'pia' });
    await a.whenIdle();
    failing.add('saveTranscript');
    failing.add('appendTranscript');
    await a.chat('I live in Oslo', { userId: 'pia' });
    await a.whenIdle();
    failing.clear();
    const record = await store.getSession('user_pia');
    expect(record?.metadata).toMatchObject({ claudeAgent: { turns: 2 } });

    const b = await t.h.agent(store);
    const next = await b.chat('Where do I live?', { userId: 'pia' });
    expect(next.metadata.recoveredMessages).toBe(2);
    const request = t.h.fake.conversationRequests().at(-1);
    // The first exchange comes from the stored transcript, the second as context brought along.
    expect(request?.userTexts.some((text) => text === 'My name is Pia')).toBe(true);
    expect(request?.lastUserText).toContain('user: I live in Oslo');
    expect(request?.lastUserText).toContain('Where do I live?');
    await store.close();
  });

  /** An agent on Redis reached through a proxy the test can take down. */
  async function agentBehindProxy() {
    const proxy = new TcpProxy(REDIS.hostname, Number(REDIS.port || 6379));
    await proxy.start();
    const redis = namespace.redisStore(`redis://${proxy.url}`);
    const agent = await t.h.agent(redis);
    const userId = `kim-${randomUUID().slice(0, 8)}`;
    const failed: TurnFailedEvent[] = [];
    agent.on('turn_failed', (event) => failed.push(event));
    const cleanup = async () => {
      await redis.close();
      await proxy.stop();
    };
    return { proxy, agent, userId, failed, cleanup };
  }

  it('gives a clear error while the store is down, loses nothing saved, and continues when it is back', async () => {
    const { proxy, agent, userId, failed, cleanup } = await agentBehindProxy();
    try {
      await agent.chat('My name is Kim', { userId });
      await agent.whenIdle();

      await proxy.stop();
      const error = await agent.chat('What is my name?', { userId }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreError);
      expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE' });
      expect(failed[0]?.error.code).toBe('STORE_UNAVAILABLE');

      await proxy.start();
      const history = await agent.getConversationHistory(userId);
      expect(transcriptOf(history.messages)).toEqual([
        'user: My name is Kim',
        'assistant: Nice to meet you, Kim. I will remember your name.',
      ]);
      expect((await agent.chat('What is my name?', { userId })).content).toBe('Your name is Kim.');
    } finally {
      await cleanup();
    }
  });

  it('stores the transcript of a turn answered just before the store went down once it is back', async () => {
    const { proxy, agent, userId, cleanup } = await agentBehindProxy();
    try {
      const saveFailed = new Promise<TranscriptSaveFailedEvent>((resolve) =>
        agent.on('transcript_save_failed', resolve),
      );
      // The store goes away between the answer and the transcript save that follows it.
      const stopOnAnswer = agent.on('turn_finished', () => void proxy.stop());
      await agent.chat('My name is Kim', { userId });
      stopOnAnswer();
      expect((await saveFailed).error.code).toBe('STORE_UNAVAILABLE');

      await proxy.start();
      expect((await agent.chat('What is my name?', { userId })).content).toBe('Your name is Kim.');
      await agent.whenIdle();
      expect((await agent.getSession(`user_${userId}`))?.metadata).toMatchObject({
        claudeAgent: { turns: 2 },
      });
    } finally {
      await cleanup();
    }
  });
});
