import type { SessionStore } from '@claude-code-server/store';
import { createMemorySessionStore } from '@claude-code-server/store-memory';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readSessionState } from './session-state.js';
import { type AgentHarness, startAgentHarness } from './test-support/harness.js';

/** A memory store whose transcript writes wait at a gate until the test opens it. */
function gatedStore(): {
  store: SessionStore;
  waiting: () => number;
  open: () => void;
  leaseCalls: () => number;
} {
  const memory = createMemorySessionStore();
  let opened = false;
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let waiting = 0;
  let leaseCalls = 0;
  const store = new Proxy(memory, {
    get(target, name) {
      const value = Reflect.get(target, name) as unknown;
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        if (name === 'acquireLease') leaseCalls++;
        if ((name === 'saveTranscript' || name === 'appendTranscript') && !opened) {
          waiting++;
          await gate;
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return {
    store,
    waiting: () => waiting,
    leaseCalls: () => leaseCalls,
    open: () => {
      opened = true;
      release();
    },
  };
}

describe('a session’s turns back to back', () => {
  let h: AgentHarness;
  const stores: SessionStore[] = [];
  beforeAll(async () => {
    h = await startAgentHarness();
  });
  afterAll(async () => {
    await h?.close();
    for (const store of stores) await store.close();
  });

  it('answer on the warm process without waiting for the previous turn to be stored, then store both in order', async () => {
    const gated = gatedStore();
    stores.push(gated.store);
    const agent = await h.agent(gated.store);
    const first = await agent.chat('My name is Bea', { userId: 'bea' });
    expect(first.content).toBe('Nice to meet you, Bea. I will remember your name.');
    // The first turn's transcript write is under way and held at the gate.
    await vi.waitFor(() => expect(gated.waiting()).toBe(1), { timeout: 10_000 });

    const second = await agent.chat('What is my name?', { userId: 'bea' });
    expect(second.content).toBe('Your name is Bea.');
    expect(second.metadata).toMatchObject({ warm: true, turn: 2 });
    expect(await gated.store.loadTranscript('user_bea')).toBeNull();

    gated.open();
    await agent.whenIdle();
    const record = await gated.store.getSession('user_bea');
    expect(record && readSessionState(record).turns).toBe(2);
    expect(record?.claudeSessionId).toBe(second.claudeSessionId);
    const transcript = (await gated.store.loadTranscript('user_bea')) ?? '';
    expect(transcript).toContain('My name is Bea');
    expect(transcript).toContain('What is my name?');
  });

  it('wait for the previous turn to be stored when the next one needs another process: it resumes with that answer', async () => {
    const gated = gatedStore();
    stores.push(gated.store);
    const agent = await h.agent(gated.store, { allowedModels: ['claude-other'] });
    await agent.chat('My name is Dee', { userId: 'dee' });
    await vi.waitFor(() => expect(gated.waiting()).toBe(1), { timeout: 10_000 });

    // Another model is another process: it resumes the conversation from the store, once stored.
    const next = agent.chat('What is my name?', { userId: 'dee', overrides: { model: 'claude-other' } });
    gated.open();
    const response = await next;
    expect(response.content).toBe('Your name is Dee.');
    expect(response.metadata.warm).toBe(false);
  });

  it('hand the session to another agent only once the answered turn is stored: it resumes with that answer', async () => {
    const gated = gatedStore();
    stores.push(gated.store);
    const a = await h.agent(gated.store, { ownerId: 'machine-a' });
    const b = await h.agent(gated.store, { ownerId: 'machine-b' });
    await a.chat('My name is Cy', { userId: 'cy' });
    await vi.waitFor(() => expect(gated.waiting()).toBe(1), { timeout: 10_000 });

    let answered = false;
    const onB = b.chat('What is my name?', { userId: 'cy' }).then((response) => {
      answered = true;
      return response;
    });
    // B asks for the session's lease, and gets it only after A has stored its turn.
    const before = gated.leaseCalls();
    await vi.waitFor(() => expect(gated.leaseCalls()).toBeGreaterThan(before + 1), { timeout: 10_000 });
    expect(answered).toBe(false);

    gated.open();
    const response = await onB;
    expect(response.content).toBe('Your name is Cy.');
    expect(response.metadata.warm).toBe(false);
  });
});
