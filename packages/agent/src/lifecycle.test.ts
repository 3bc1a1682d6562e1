import { findProcessesByEnv } from '@claude-code-server/core/testing';
import { describe, expect, it } from 'vitest';
import { AgentBusyError } from './admission/agent-busy-error.js';
import { AgentClosedError, InvalidAgentInputError } from './errors.js';
import { createFlakyStore } from './test-support/flaky-store.js';
import { useAgentHarness } from './test-support/harness.js';
import type { TranscriptSaveFailedEvent, TurnFailedEvent } from './types.js';

describe('session lifecycle, abandoning and closing (real CLI)', () => {
  const t = useAgentHarness();

  it('clears a session: its messages, transcript and memory are gone', async () => {
    const agent = await t.h.agent(t.store);
    await agent.chat('My name is Rae', { userId: 'rae', sessionMetadata: { channel: 'C1' } });
    await agent.whenIdle();
    expect((await agent.getSession('user_rae'))?.metadata).toMatchObject({
      channel: 'C1',
      claudeAgent: { turns: 1 },
    });

    expect(await agent.clearSession('rae')).toBe(true);
    expect(await agent.getSession('user_rae')).toBeNull();
    await expect(t.store.loadTranscript('user_rae')).rejects.toMatchObject({ code: 'SESSION_NOT_FOUND' });
    expect((await agent.getConversationHistory('rae')).messages).toEqual([]);
    const after = await agent.chat('What is my name?', { userId: 'rae' });
    expect(after.content).toBe("I don't know your name yet.");
    expect(after.freshSession).toBe(false);
    expect(await agent.clearSession('rae', 'no-such-session')).toBe(false);
  });

  it('clears a session whose last turn is still waiting to be stored: it never comes back', async () => {
    const { store, failing } = createFlakyStore();
    const agent = await t.h.agent(store);
    const saveFailed = new Promise<TranscriptSaveFailedEvent>((resolve) =>
      agent.on('transcript_save_failed', resolve),
    );
    // The store refuses the session update that follows the answer (the turn counter and Claude session id).
    const failOnAnswer = agent.on('turn_finished', () => failing.add('updateSession'));
    await agent.chat('My name is Rex', { userId: 'rex' });
    failOnAnswer();
    expect((await saveFailed).error.code).toBe('STORE_UNAVAILABLE');
    failing.clear();

    expect(await agent.clearSession('rex')).toBe(true);
    const after = await agent.chat('What is my name?', { userId: 'rex' });
    expect(after.content).toBe("I don't know your name yet.");
    await store.close();
  });

  it('names bad call options', async () => {
    const agent = await t.h.agent(t.store);
    const cases: Array<[unknown, unknown, string]> = [
      ['', { userId: 'u' }, 'message'],
      ['hi', {}, 'options.userId'],
      ['hi', { userId: 'u', sessionId: '../x' }, 'options.sessionId'],
      ['hi', { userId: 'u', timeoutMs: -5 }, 'options.timeoutMs'],
      // Longer than a Node timer can wait: the turn would be interrupted as soon as it started.
      ['hi', { userId: 'u', timeoutMs: 2 ** 31 }, 'options.timeoutMs'],
      ['hi', { userId: 'u', sessionMetadata: { claudeAgent: {} } }, 'options.sessionMetadata.claudeAgent'],
    ];
    for (const [message, options, field] of cases) {
      const error = await agent.chat(message as string, options as never).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidAgentInputError);
      expect((error as InvalidAgentInputError).field).toBe(field);
    }
  });

  it('interrupts the turn of a stream that is left early, and the session carries on', async () => {
    const agent = await t.h.agent(t.store, { config: { includePartialMessages: true } });
    const failed = new Promise<TurnFailedEvent>((resolve) => agent.on('turn_failed', resolve));
    await agent.chat('My name is Sol', { userId: 'sol' });
    t.h.fake.enqueue({
      type: 'text',
      text: Array.from({ length: 40 }, (_, i) => `w${i}`).join(' '),
      delayMs: 100,
    });
    for await (const event of agent.stream('tell me a long story', { userId: 'sol' })) {
      if (event.type === 'text_delta') break;
    }
    expect((await failed).error.code).toBe('ABORTED');
    expect((await agent.chat('What is my name?', { userId: 'sol' })).content).toBe('Your name is Sol.');
  });

  it('times out a turn that hangs, with the core TIMEOUT code', async () => {
    const agent = await t.h.agent(t.store);
    t.h.fake.enqueue({ type: 'hang' });
    const error = await agent
      .chat('this hangs', { userId: 'tom', timeoutMs: 1_500 })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'TIMEOUT' });
    expect((await agent.chat('are you back?', { userId: 'tom' })).content).toBe('echo: are you back?');
  });

  it('refuses a message past the session’s queue as busy; on close: waiting messages fail, the running turn finishes, no process is left', async () => {
    const agent = await t.h.agent(t.store, { maxQueuePerSession: 1 });
    t.h.fake.enqueue({ type: 'text', text: 'slow answer', chunks: 4, delayMs: 150 });
    const running = agent.chat('first', { userId: 'uma' });
    const waiting = agent.chat('second', { userId: 'uma' }).catch((e: unknown) => e);
    // The first message started at once; the second waits behind it and fills the queue.
    const busy = await agent.chat('third', { userId: 'uma' }).catch((e: unknown) => e);
    expect(busy).toBeInstanceOf(AgentBusyError);
    expect(busy).toMatchObject({ code: 'AGENT_BUSY', sessionId: 'user_uma' });
    expect((busy as AgentBusyError).message).toContain('user_uma already has 1 message waiting');
    expect((busy as AgentBusyError).retryAfterMs).toBeGreaterThan(0);
    const closed = agent.close();
    expect(await waiting).toBeInstanceOf(AgentClosedError);
    expect((await running).content).toBe('slow answer');
    await closed;
    expect(await agent.chat('late', { userId: 'uma' }).catch((e: unknown) => e)).toBeInstanceOf(
      AgentClosedError,
    );
    expect(findProcessesByEnv('CLAUDE_CONFIG_DIR', agent.configDir)).toEqual([]);
  });

  it('on close with a grace period: a turn still running after it is interrupted', async () => {
    const agent = await t.h.agent(t.store);
    t.h.fake.enqueue({ type: 'hang' });
    const running = agent.chat('this hangs', { userId: 'vic' }).catch((e: unknown) => e);
    await t.h.fake.waitForRequest((req) => req.lastUserText === 'this hangs');
    await agent.close({ graceMs: 100 });
    expect(await running).toBeInstanceOf(AgentClosedError);
    expect(findProcessesByEnv('CLAUDE_CONFIG_DIR', agent.configDir)).toEqual([]);
  });
});
