import { setTimeout as sleep } from 'node:timers/promises';
import { replies } from '@claude-code-server/fake-anthropic';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, type ClusterNode, HOLD, LIMITED_KEY } from './cluster.js';
import { call, chat, chatStream, history, waitForTask } from './cluster-api.js';
import { BACKENDS } from './shared-backends.js';

/** A message starting with this is answered in about two seconds. */
const SLOW = 'SLOW';
/** A key that may have one turn running at a time, across every node. */
const SINGLE_KEY = 'cluster-single-key-0123456789';

describe.each(BACKENDS)('nodes with cluster.advertise_url on a shared %s', (_label, makeBackend) => {
  const backend = makeBackend();
  let cluster: Cluster;
  let a: ClusterNode;
  let b: ClusterNode;

  /** A session whose last turn ran on A (so A's CLI process of it is warm). */
  async function sessionOnA(user: string): Promise<{ sessionId: string; claudeSessionId: string }> {
    const first = await chat(a.url, { message: `My name is ${user}`, user_id: user });
    expect(first.body).toMatchObject({ success: true });
    // The answer goes out a few ms before the turn's counter and transcript are stored; after a kill in
    // between, the next turn gets the exchange as context in its prompt (recovered_messages), where the
    // fake's memory rule, which reads earlier user turns, does not look. These tests kill A later.
    await sleep(300);
    return { sessionId: first.body.session_id, claudeSessionId: first.body.claude_session_id };
  }

  beforeAll(async () => {
    cluster = await Cluster.create(`affinity-${backend.name}`, backend);
    cluster.fake.addRule((request) =>
      request.lastUserText.startsWith(SLOW)
        ? replies.text('slowly answered', { chunks: 5, delayMs: 500 })
        : undefined,
    );
    const options = {
      advertise: true,
      extraKeysYaml: ['    - name: single', `      key: ${SINGLE_KEY}`, '      max_concurrent_turns: 1'].join(
        '\n',
      ),
    };
    [a, b] = (await cluster.addNodes([
      ['a', options],
      ['b', options],
    ])) as [ClusterNode, ClusterNode];
  });
  let stopped = false;
  // A test that failed halfway leaves the next one both nodes.
  afterEach(async () => {
    if (stopped) return;
    for (const node of [a, b]) if (node && !node.running) await node.start();
  });
  afterAll(async () => {
    await cluster?.close();
    expect(await backend.leftovers()).toEqual([]);
  });

  it("turns alternating between nodes are answered by the warm process of the session's node", async () => {
    const user = 'Ann';
    const { sessionId, claudeSessionId } = await sessionOnA(user);
    const turns = [
      [b, 'What is my name?', 'Your name is Ann.'],
      [a, 'The sea is calm', 'The sea is calm'],
      [b, 'The wind is up', 'The wind is up'],
      [a, 'What is my name?', 'Your name is Ann.'],
    ] as const;
    for (const [node, message, content] of turns) {
      const reply = await chat(node.url, { message, user_id: user, session_id: sessionId });
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ success: true, content, metadata: { warm: true } });
    }
    // B handed every turn to A: it never ran the conversation, so its CLI config dir has no transcript of it.
    expect(a.hasTranscript(claudeSessionId)).toBe(true);
    expect(b.hasTranscript(claudeSessionId)).toBe(false);
    expect((await history(b.url, sessionId, user)).map((message) => message.content)).toEqual([
      'My name is Ann',
      'Nice to meet you, Ann. I will remember your name.',
      ...turns.flatMap(([, message, content]) => [message, content]),
    ]);
  });

  it('a message for a session whose node is gone is answered by the other node, resumed there', async () => {
    const user = 'Bob';
    const { sessionId } = await sessionOnA(user);
    await a.kill();
    const reply = await chat(b.url, { message: 'What is my name?', user_id: user, session_id: sessionId });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      success: true,
      content: 'Your name is Bob.',
      metadata: { warm: false },
    });
    await a.start();
    // The session is B's now: its next turn on A goes to B's warm process.
    const next = await chat(a.url, { message: 'Still there?', user_id: user, session_id: sessionId });
    expect(next.body).toMatchObject({ success: true, content: 'Still there?', metadata: { warm: true } });
  });

  it('a forwarded /chat whose node dies mid-turn answers 502 NODE_LOST, and the session goes on', async () => {
    const user = 'Cai';
    const { sessionId } = await sessionOnA(user);
    const lost = chat(b.url, { message: `${HOLD} on A`, user_id: user, session_id: sessionId });
    await cluster.fake.waitForRequest((request) => request.lastUserText === `${HOLD} on A`);
    await a.kill();
    const answer = await lost;
    expect(answer.status).toBe(502);
    expect(answer.body).toMatchObject({ success: false, error: { code: 'NODE_LOST' } });
    // Sent again, the message is answered on B once A's lease of the session has run out.
    const again = await chat(b.url, { message: 'What is my name?', user_id: user, session_id: sessionId });
    expect(again.body).toMatchObject({ success: true, content: 'Your name is Cai.' });
  });

  it('a forwarded /chat/stream whose node dies mid-turn ends with a NODE_LOST error event', async () => {
    const user = 'Dee';
    const { sessionId } = await sessionOnA(user);
    const streamed = chatStream(b.url, {
      message: `${HOLD} the stream`,
      user_id: user,
      session_id: sessionId,
    });
    await cluster.fake.waitForRequest((request) => request.lastUserText === `${HOLD} the stream`);
    await a.kill();
    const { status, events } = await streamed;
    expect(status).toBe(200);
    expect(events.at(-1)).toMatchObject({
      event: 'error',
      data: { success: false, error: { code: 'NODE_LOST' }, status: 502 },
    });
    expect(events.some((event) => event.event === 'done')).toBe(false);
  });

  it("a key's max_concurrent_turns holds across nodes: 429 CONCURRENCY_LIMITED while its turn runs elsewhere", async () => {
    const slow = chat(a.url, { message: `${SLOW} please`, user_id: 'single-1' }, SINGLE_KEY);
    await cluster.fake.waitForRequest((request) => request.lastUserText === `${SLOW} please`);
    const refused = await chat(b.url, { message: 'meanwhile', user_id: 'single-2' }, SINGLE_KEY);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ success: false, error: { code: 'CONCURRENCY_LIMITED' } });
    // An async task of the key waits for the slot instead.
    const accepted = await call(b.url, 'POST', '/chat/async', {
      body: { message: 'queued for the slot', user_id: 'single-3' },
      key: SINGLE_KEY,
    });
    expect(accepted.status).toBe(202);
    expect((await slow).body).toMatchObject({ success: true, content: 'slowly answered' });
    const task = await waitForTask(
      b.url,
      accepted.body.task_id,
      ['completed', 'failed', 'cancelled'],
      30_000,
      SINGLE_KEY,
    );
    expect(task).toMatchObject({ status: 'completed', result: { content: 'queued for the slot' } });
    // Once those turns ended, the slot is free on every node.
    const after = await chat(b.url, { message: 'now', user_id: 'single-2' }, SINGLE_KEY);
    expect(after.body).toMatchObject({ success: true, content: 'now' });
  });

  it("a burst to both nodes at once is answered by the session's node, one message after the other", async () => {
    const user = 'Fay';
    const { sessionId, claudeSessionId } = await sessionOnA(user);
    const messages = Array.from({ length: 6 }, (_, i) => `burst ${i + 1}`);
    const answers = await Promise.all(
      messages.map((message, i) =>
        chat((i % 2 === 0 ? a : b).url, { message, user_id: user, session_id: sessionId }),
      ),
    );
    for (const [i, answer] of answers.entries()) {
      expect(answer.body).toMatchObject({ success: true, content: messages[i], metadata: { warm: true } });
    }
    const stored = (await history(a.url, sessionId, user)).slice(2);
    for (let i = 0; i < stored.length; i += 2) {
      expect(stored[i + 1]).toMatchObject({ role: 'assistant', content: stored[i]?.content });
    }
    expect(
      stored
        .filter((m) => m.role === 'user')
        .map((m) => m.content)
        .sort(),
    ).toEqual(messages);
    expect(b.hasTranscript(claudeSessionId)).toBe(false);
  });

  it("while the session's node shuts down (SIGTERM), its messages are answered by the other node", async () => {
    const user = 'Gus';
    const { sessionId } = await sessionOnA(user);
    // A turn handed from B to A leaves B a kept-alive connection to A.
    const handed = await chat(b.url, { message: 'handed over', user_id: user, session_id: sessionId });
    expect(handed.body).toMatchObject({ success: true, metadata: { warm: true } });
    // Another turn keeps A draining for about two seconds.
    const draining = chat(a.url, { message: `${SLOW} while draining`, user_id: 'gus-other' });
    await cluster.fake.waitForRequest((request) => request.lastUserText === `${SLOW} while draining`);
    const stopped = a.stop();
    await sleep(200);
    const reply = await chat(b.url, { message: 'What is my name?', user_id: user, session_id: sessionId });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      success: true,
      content: 'Your name is Gus.',
      metadata: { warm: false },
    });
    // The turn A was running when it was told to stop still finished there.
    expect((await draining).body).toMatchObject({ success: true, content: 'slowly answered' });
    expect(await stopped).toEqual({ code: 0, signal: null });
  });

  it("a forwarded request counts once against the key's shared rate limit", async () => {
    const user = 'limited-affine';
    const first = await chat(a.url, { message: 'one', user_id: user }, LIMITED_KEY);
    expect(first.status).toBe(200);
    // B hands it to A, which answers it: two requests of the key's two a minute, not three.
    const second = await chat(b.url, { message: 'two', user_id: user }, LIMITED_KEY);
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ success: true, content: 'two', metadata: { warm: true } });
    const third = await chat(b.url, { message: 'three', user_id: user }, LIMITED_KEY);
    expect(third.status).toBe(429);
    expect(third.body.error.code).toBe('RATE_LIMITED');
  });

  it('every node stops with exit 0 and leaves no CLI process', async () => {
    stopped = true;
    for (const exit of await cluster.stopAll()) expect(exit).toEqual({ code: 0, signal: null });
    expect(cluster.liveCliProcesses()).toEqual([]);
  });
});
