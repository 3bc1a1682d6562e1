import { beforeAll, describe, expect, it } from 'vitest';
import type { ClaudeAgent } from './agent.js';
import { transcriptOf, useAgentHarness } from './test-support/harness.js';

describe('ClaudeAgent (memory store, real CLI)', () => {
  const t = useAgentHarness();
  let agent: ClaudeAgent;

  beforeAll(async () => {
    // One spare: a new conversation starts on a process spawned ahead of time.
    agent = await t.h.agent(t.store, { pool: { maxLive: 2, spares: 1 } });
  });

  it('remembers a user across turns and records both sides', async () => {
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
    expect(history.messages[3]?.usage?.outputTokens).toBeGreaterThan(0);
    // The transcript and Claude session id are stored right after the answer.
    await agent.whenIdle();
    const session = await agent.getSession('user_alice_123');
    expect(session?.claudeSessionId).toBe(first.claudeSessionId);
    expect(await t.store.loadTranscript('user_alice_123')).toContain('What is my name?');
  });

  it('keeps two users apart', async () => {
    await agent.chat('My name is Bob', { userId: 'bob' });
    const carol = await agent.chat('What is my name?', { userId: 'carol' });
    expect(carol.content).toBe("I don't know your name yet.");
    const bob = await agent.chat('What is my name?', { userId: 'bob' });
    expect(bob.content).toBe('Your name is Bob.');
    expect((await agent.listSessions('carol')).sessions.map((s) => s.id)).toEqual(['user_carol']);
  });
});
