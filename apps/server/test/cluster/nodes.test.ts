import type { RecordedRequest } from '@claude-code-server/fake-anthropic';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { Cluster, type ClusterNode, HOLD, LIMITED_KEY } from './cluster.js';
import { call, chat, history, waitForTask } from './cluster-api.js';
import { BACKENDS } from './shared-backends.js';

describe.each(BACKENDS)('claude-code-server nodes on a shared %s', (_label, makeBackend) => {
  const backend = makeBackend();
  let cluster: Cluster;
  let a: ClusterNode;
  let b: ClusterNode;
  /** Takes async tasks and runs none (tasks.concurrency 0). */
  let c: ClusterNode;

  /** The last model call whose newest user message was `text`. */
  const lastCallFor = (text: string): RecordedRequest | undefined =>
    cluster.fake.conversationRequests().findLast((request) => request.lastUserText === text);

  beforeAll(async () => {
    cluster = await Cluster.create(`cluster-${backend.name}`, backend);
    [a, b, c] = (await cluster.addNodes([['a'], ['b'], ['c', { concurrency: 0 }]])) as [
      ClusterNode,
      ClusterNode,
      ClusterNode,
    ];
    for (const node of [a, b, c]) {
      expect(node.server?.output.stdout).toContain(`"task_queue":"${backend.taskQueue}"`);
    }
  });
  afterAll(async () => {
    await cluster?.close();
    expect(await backend.leftovers()).toEqual([]);
  });

  it('alternating requests A, B, A, B on one session keep its memory and its history in order', async () => {
    const user = 'alternating';
    const turns = [
      ['My name is Ann', 'Nice to meet you, Ann. I will remember your name.'],
      ['What is my name?', 'Your name is Ann.'],
      ['The sky is green today', 'The sky is green today'],
      ['What is my name?', 'Your name is Ann.'],
    ] as const;
    let sessionId: string | undefined;
    for (const [i, [message, answer]] of turns.entries()) {
      const node = i % 2 === 0 ? a : b;
      const reply = await chat(node.url, { message, user_id: user, session_id: sessionId });
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ success: true, content: answer });
      sessionId = reply.body.session_id;
    }
    // The CLI that answered last (on B) was sent the whole conversation, turns of A included.
    expect(lastCallFor('What is my name?')?.userTexts).toEqual(turns.map(([message]) => message));
    const expected = turns.flatMap(([message, answer]) => [
      { role: 'user', content: message },
      { role: 'assistant', content: answer },
    ]);
    for (const node of [a, b]) {
      const stored = await history(node.url, sessionId as string, user);
      expect(stored).toMatchObject(expected);
    }
  });

  it('a burst of messages to one session, half to each node at once: every one answered, one order', async () => {
    const user = 'burst';
    const sessionId = 'burst-session';
    const messages = Array.from({ length: 6 }, (_, i) => `burst message ${i + 1}`);
    const answers = await Promise.all(
      messages.map((message, i) =>
        chat((i % 2 === 0 ? a : b).url, { message, user_id: user, session_id: sessionId }),
      ),
    );
    for (const [i, answer] of answers.entries()) {
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ success: true, session_id: sessionId, content: messages[i] });
    }
    const stored = await history(b.url, sessionId, user);
    expect(stored).toHaveLength(2 * messages.length);
    // One turn at a time across the nodes: each message is followed by its own answer.
    for (let i = 0; i < stored.length; i += 2) {
      expect(stored[i]).toMatchObject({ role: 'user' });
      expect(stored[i + 1]).toMatchObject({ role: 'assistant', content: stored[i]?.content });
    }
    const seqs = stored.map((message) => message.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    const userOrder = stored.filter((message) => message.role === 'user').map((message) => message.content);
    expect([...userOrder].sort()).toEqual([...messages].sort());
    // The last turn's CLI got every earlier message, in the stored order, whichever node ran it.
    expect(lastCallFor(userOrder.at(-1) as string)?.userTexts).toEqual(userOrder);
  });

  it("a key's rate limit of two a minute holds when its requests alternate between nodes", async () => {
    const ask = (node: ClusterNode, message: string) =>
      chat(node.url, { message, user_id: 'limited-user' }, LIMITED_KEY);
    expect((await ask(a, 'first of the minute')).status).toBe(200);
    expect((await ask(b, 'second of the minute')).status).toBe(200);
    for (const node of [a, b]) {
      const refused = await ask(node, 'one too many');
      expect(refused.status).toBe(429);
      expect(refused.body.error.code).toBe('RATE_LIMITED');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(lastCallFor('one too many')).toBeUndefined();
  });

  it('a node restarted (SIGTERM, then start on the same port and CLI config dir) goes on with its sessions', async () => {
    const user = 'restarted';
    const first = await chat(a.url, { message: 'My name is Bea', user_id: user });
    expect(first.body).toMatchObject({ success: true });
    expect(await a.stop()).toEqual({ code: 0, signal: null });
    expect(a.liveCliProcesses()).toEqual([]);
    await a.start();
    const again = await chat(a.url, { message: 'What is my name?', user_id: user });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({
      success: true,
      session_id: first.body.session_id,
      content: 'Your name is Bea.',
    });
    expect((await history(b.url, first.body.session_id, user)).map((m) => m.content)).toEqual([
      'My name is Bea',
      'Nice to meet you, Bea. I will remember your name.',
      'What is my name?',
      'Your name is Bea.',
    ]);
  });

  it('a node killed (SIGKILL) mid-turn: the next message, on another node, is answered within the lease TTL', async () => {
    const user = 'failover';
    const first = await chat(a.url, { message: 'before the kill', user_id: user });
    expect(first.body).toMatchObject({ success: true, content: 'before the kill' });
    const sessionId = first.body.session_id as string;
    const held = chat(a.url, { message: `${HOLD} the turn that dies`, user_id: user, session_id: sessionId });
    held.catch(() => undefined);
    await cluster.fake.waitForRequest((request) => request.lastUserText.startsWith(HOLD));

    const killedAt = Date.now();
    await a.kill();
    // The client of the turn that died loses its connection.
    await expect(held).rejects.toThrow();
    const after = await chat(b.url, { message: 'after the kill', user_id: user, session_id: sessionId });
    const freedAfterMs = Date.now() - killedAt;
    console.log(
      `[${backend.name}] SIGKILL of the node running a turn -> answer on the other node: ${freedAfterMs} ms`,
    );

    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({ success: true, content: 'after the kill' });
    // The session is free within the lease's TTL after the kill (4 s by default), with room for a slow host.
    expect(freedAfterMs).toBeLessThan(15_000);
    // Its CLI processes died with it.
    expect(a.liveCliProcesses()).toEqual([]);
    // What was answered before the kill is kept and known to the other node's CLI; the lost turn has no answer.
    expect(lastCallFor('after the kill')?.userTexts).toContain('before the kill');
    const answers = (await history(b.url, sessionId, user)).filter((message) => message.role === 'assistant');
    expect(answers.map((message) => message.content)).toEqual(['before the kill', 'after the kill']);
    await a.start();
  });

  it('a node killed (SIGKILL) the moment it answered: the next turn, on another node, still knows what was said', async () => {
    const user = 'killed-after-answer';
    // A failure halfway still leaves the later tests A.
    onTestFinished(async () => {
      if (!a.running) await a.start();
    });
    const first = await chat(a.url, { message: 'My name is Ida', user_id: user });
    // No wait: the kill may land before A stored the turn's counter and transcript.
    a.server?.child.kill('SIGKILL');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      success: true,
      content: 'Nice to meet you, Ida. I will remember your name.',
    });
    const sessionId = first.body.session_id as string;
    await a.kill();
    const callsBefore = cluster.fake.conversationRequests().length;
    const askedAt = Date.now();
    const reply = await chat(b.url, { message: 'What is my name?', user_id: user, session_id: sessionId });
    const tookMs = Date.now() - askedAt;
    const recovered = reply.body?.metadata?.recovered_messages;
    console.log(
      `[${backend.name}] SIGKILL right after the answer -> next turn on the other node: ${tookMs} ms, recovered_messages ${recovered}, fresh_session ${reply.body?.metadata?.fresh_session}`,
    );
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ success: true });
    // The name reached the model: as an earlier turn of the resumed transcript (A stored it in time),
    // or in the prompt as context brought along from the stored messages (A died first).
    const request = cluster.fake
      .conversationRequests()
      .slice(callsBefore)
      .find((call) => call.lastUserText.endsWith('What is my name?'));
    if (recovered === 0) {
      expect(request?.userTexts).toEqual(['My name is Ida', 'What is my name?']);
      expect(reply.body.content).toBe('Your name is Ida.');
    } else {
      expect(recovered).toBe(2);
      expect(request?.lastUserText).toContain('user: My name is Ida');
      expect(request?.lastUserText).toContain('assistant: Nice to meet you, Ida.');
      expect(request?.lastUserText).toContain('What is my name?');
    }
    // Either way the session goes on with the name in its history, and brings nothing along again.
    const again = await chat(b.url, { message: 'What is my name?', user_id: user, session_id: sessionId });
    expect(again.body).toMatchObject({
      success: true,
      content: 'Your name is Ida.',
      metadata: { recovered_messages: 0 },
    });
    expect((await history(b.url, sessionId, user)).map((m) => m.role)).toEqual([
      'user',
      'assistant',
      'user',
      'assistant',
      'user',
      'assistant',
    ]);
  });

  it('an async task taken by a node with tasks.concurrency 0 is run by another node', async () => {
    const accepted = await call(c.url, 'POST', '/chat/async', {
      body: { message: 'taken by c', user_id: 'tasks' },
    });
    expect(accepted.status).toBe(202);
    const task = await waitForTask(c.url, accepted.body.task_id, ['completed', 'failed', 'cancelled']);
    expect(task).toMatchObject({ status: 'completed', result: { success: true, content: 'taken by c' } });
    // The turn ran where a CLI config dir got its transcript: A or B, never C.
    const claudeSessionId = task.result.claude_session_id as string;
    expect(c.hasTranscript(claudeSessionId)).toBe(false);
    expect(a.hasTranscript(claudeSessionId) || b.hasTranscript(claudeSessionId)).toBe(true);
  });

  it('an async task taken by a node that is then stopped is finished by a node started afterwards', async () => {
    // Only C, which runs no task, is up when the task is taken.
    expect(await Promise.all([a.stop(), b.stop()])).toEqual([
      { code: 0, signal: null },
      { code: 0, signal: null },
    ]);
    const accepted = await call(c.url, 'POST', '/chat/async', {
      body: { message: 'taken before the stop', user_id: 'tasks-later' },
    });
    expect(accepted.status).toBe(202);
    expect((await call(c.url, 'GET', `/task/${accepted.body.task_id}`)).body.status).toBe('pending');
    expect(await c.stop()).toEqual({ code: 0, signal: null });

    await b.start();
    const task = await waitForTask(b.url, accepted.body.task_id, ['completed', 'failed', 'cancelled']);
    expect(task).toMatchObject({
      status: 'completed',
      result: { success: true, content: 'taken before the stop' },
    });
    expect(b.hasTranscript(task.result.claude_session_id)).toBe(true);
  });

  it('every node stops with exit 0 and leaves no CLI process', async () => {
    const exits = await cluster.stopAll();
    expect(exits.length).toBeGreaterThan(0);
    for (const exit of exits) expect(exit).toEqual({ code: 0, signal: null });
    expect(cluster.liveCliProcesses()).toEqual([]);
  });
});
