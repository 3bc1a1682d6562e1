import { describe, expect, it } from 'vitest';
import { AgentAbortedError } from './errors.js';
import { transcriptOf, useAgentHarness } from './test-support/harness.js';
import type { AgentEvent } from './types.js';

describe('ordering, bursts and streaming (real CLI)', () => {
  const t = useAgentHarness();

  it('answers 20 concurrent messages to one session in arrival order with a complete history', async () => {
    const agent = await t.h.agent(t.store);
    const texts = Array.from({ length: 20 }, (_, i) => `message ${i + 1}`);
    const responses = await Promise.all(texts.map((text) => agent.chat(text, { userId: 'dora' })));
    expect(responses.map((r) => r.content)).toEqual(texts.map((t) => `echo: ${t}`));
    expect(responses.map((r) => r.metadata.turn)).toEqual(texts.map((_, i) => i + 1));

    const history = await agent.getConversationHistory('dora', { limit: 100 });
    expect(transcriptOf(history.messages)).toEqual(
      texts.flatMap((t) => [`user: ${t}`, `assistant: echo: ${t}`]),
    );
    // The model saw every earlier turn: the last request carried all 20 user messages in order.
    const last = t.h.fake.conversationRequests().at(-1);
    expect(last?.userTexts).toEqual(texts);
    expect(agent.stats()).toMatchObject({ turnsFinished: 20, turnsFailed: 0, queuedMessages: 0 });
  });

  it('runs different sessions at the same time, up to the pool’s limit of live processes', async () => {
    const agent = await t.h.agent(t.store, { pool: { maxLive: 2 }, maxQueue: 0 });
    t.h.fake.enqueue({ type: 'hang' }, { type: 'hang' });
    const stop = new AbortController();
    const call = (userId: string) => agent.chat(`hold on, ${userId}`, { userId, signal: stop.signal });
    const held = ['hana', 'hugo'].map((userId) => call(userId).catch((e: unknown) => e));
    // Both turns are in the API at once: neither waited for the other.
    await t.h.fake.waitForRequest((req) => req.lastUserText === 'hold on, hana');
    await t.h.fake.waitForRequest((req) => req.lastUserText === 'hold on, hugo');
    expect(agent.stats()).toMatchObject({ runningTurns: 2, pool: { live: 2, busy: 2 } });
    // A third session finds both turn slots (maxConcurrentTurns defaults to maxLive) busy and no room to wait (maxQueue 0).
    expect(agent.refusal()).toMatchObject({ code: 'AGENT_BUSY', scope: 'agent' });
    await expect(call('hedy')).rejects.toMatchObject({ code: 'AGENT_BUSY', scope: 'agent' });
    expect(agent.admissionStats()).toMatchObject({ running: 2, queued: 0 });
    stop.abort();
    for (const outcome of await Promise.all(held)) expect(outcome).toBeInstanceOf(AgentAbortedError);
  });

  it('holds a turn past maxConcurrentTurns in admission, never in the pool, and tells its caller when it starts', async () => {
    const agent = await t.h.agent(t.store, { pool: { maxLive: 2 }, maxConcurrentTurns: 1 });
    t.h.fake.enqueue({ type: 'hang' });
    const stop = new AbortController();
    const held = agent.chat('hold on, ida', { userId: 'ida', signal: stop.signal }).catch((e: unknown) => e);
    await t.h.fake.waitForRequest((req) => req.lastUserText === 'hold on, ida');
    let started = false;
    const next = agent.chat('after ida', { userId: 'ivo', onStart: () => (started = true) });
    expect(agent.admissionStats()).toEqual({ running: 1, queued: 1, sessions: 2 });
    expect(agent.stats().pool.queued).toBe(0);
    expect(started).toBe(false);
    stop.abort();
    expect(await held).toBeInstanceOf(AgentAbortedError);
    expect((await next).content).toBe('echo: after ida');
    expect(started).toBe(true);
  });

  it('merges a burst inside the debounce window into one turn', async () => {
    const agent = await t.h.agent(t.store, { debounceMs: 300, formatter: 'with-sender' });
    const before = t.h.fake.conversationRequests().length;
    const burst = ['hi', 'are you there?', 'one more thing'].map((text) =>
      agent.chat(text, { userId: 'eve', meta: { userName: 'Eve', platform: 'slack' } }),
    );
    const responses = await Promise.all(burst);
    expect(new Set(responses.map((r) => r.content)).size).toBe(1);
    expect(responses[0]?.metadata.mergedMessages).toBe(3);
    const requests = t.h.fake.conversationRequests().slice(before);
    expect(requests).toHaveLength(1);
    const prompt = requests[0]?.lastUserText ?? '';
    expect(prompt.split('\n')).toHaveLength(3);
    expect(prompt).toMatch(/^\[Eve via slack, .+\]: hi\n\[Eve via slack, .+\]: are you there\?\n/);

    const history = await agent.getConversationHistory('eve');
    expect(history.messages.map((m) => m.role)).toEqual(['user', 'user', 'user', 'assistant']);
    expect(history.messages[0]?.metadata).toMatchObject({ userName: 'Eve', platform: 'slack' });
  });

  it('streams the session first, then the turn as it happens, then done', async () => {
    const agent = await t.h.agent(t.store, { config: { includePartialMessages: true } });
    t.h.fake.enqueue({ type: 'text', text: 'one two three four', chunks: 4, delayMs: 20 });
    const events: AgentEvent[] = [];
    for await (const event of agent.stream('count please', { userId: 'finn', sessionId: 'finn-chat' })) {
      events.push(event);
    }
    expect(events[0]).toMatchObject({ type: 'session', sessionId: 'finn-chat' });
    const deltas = events.filter((e) => e.type === 'text_delta').map((e) => (e as { text: string }).text);
    expect(deltas.join('')).toBe('one two three four');
    expect(deltas.length).toBeGreaterThan(1);
    const done = events.at(-1);
    expect(done?.type).toBe('done');
    if (done?.type === 'done') {
      expect(done.response.content).toBe('one two three four');
      expect(done.response.sessionId).toBe('finn-chat');
    }
    expect((await agent.listSessions('finn')).sessions.map((s) => s.id)).toEqual(['finn-chat']);
  });
});
