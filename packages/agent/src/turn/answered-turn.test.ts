import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LeaseTaker } from '../lease.js';
import { readSessionState } from '../session-state.js';
import { createFlakyStore } from '../test-support/flaky-store.js';
import { writeTranscriptFile } from '../transcript/local-transcript.js';
import { TranscriptSync } from '../transcript/transcript-sync.js';
import { AnsweredTurn } from './answered-turn.js';

describe('AnsweredTurn', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'agent-answered-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function setup() {
    const flaky = createFlakyStore();
    const record = await flaky.store.createSession({ id: 's1', userId: 'u1' });
    const path = join(dir, 'c1.jsonl');
    await writeTranscriptFile(path, '{"turn":1}\n');
    const stored: number[] = [];
    const answered = new AnsweredTurn(
      flaky.store,
      new TranscriptSync(flaky.store),
      {
        sessionId: 's1',
        sessionCreatedAt: record.createdAt,
        claudeSessionId: 'c1',
        previousClaudeSessionId: null,
        turnsBefore: 0,
        metadata: {},
        freshStarts: 0,
        ownerId: 'agent-a',
        ownerAddress: null,
        lastSeq: 2,
        previousLastSeq: 0,
        path,
      },
      (turns) => stored.push(turns),
    );
    const lease = await new LeaseTaker(flaky.store, 'agent-a').acquire('s1', { ttlMs: 60_000, waitMs: 0 });
    return { ...flaky, record, answered, lease, stored };
  }

  it('stores the turn counter before the transcript, so a missing transcript never looks current', async () => {
    const { store, failing, writes, answered, lease, stored } = await setup();
    failing.add('saveTranscript');
    await expect(answered.save(lease)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    const record = await store.getSession('s1');
    // Until the transcript is stored, the record says the turn's exchange is still to bring along.
    expect(record && readSessionState(record)).toMatchObject({ turns: 1, lastOwner: 'agent-a', lastSeq: 0 });
    expect(record?.claudeSessionId).toBe('c1');
    expect(stored).toEqual([1]);
    expect(await store.loadTranscript('s1')).toBeNull();

    // Later, nobody else having moved the session on: only the transcript is still missing.
    expect(record && answered.matches(record)).toBe(true);
    failing.clear();
    writes.length = 0;
    await answered.save(lease);
    expect(writes).toEqual(['saveTranscript', 'updateSession']);
    expect(await store.loadTranscript('s1')).toBe('{"turn":1}\n');
    const saved = await store.getSession('s1');
    expect(saved && readSessionState(saved)).toMatchObject({ turns: 1, lastSeq: 2 });
  });

  it('is not finished once another agent has moved the session on', async () => {
    const { store, failing, answered, lease, record } = await setup();
    failing.add('updateSession');
    await expect(answered.save(lease)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(answered.matches(record)).toBe(true);
    failing.clear();
    const movedOn = await store.updateSession('s1', {
      claudeSessionId: 'c9',
      metadata: { claudeAgent: { turns: 1 } },
    });
    expect(answered.matches(movedOn)).toBe(false);
  });

  it('is not finished once the session was cleared, even by another agent, and created again', async () => {
    const { store, failing, answered, lease, record } = await setup();
    failing.add('updateSession');
    await expect(answered.save(lease)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    failing.clear();
    await lease.release();
    await store.deleteSession('s1');
    await new Promise((resolve) => setTimeout(resolve, 2));
    const again = await store.createSession({ id: 's1', userId: 'u1' });
    expect(readSessionState(again)).toEqual(readSessionState(record));
    expect(again.claudeSessionId).toBe(record.claudeSessionId);
    expect(answered.matches(again)).toBe(false);
  });
});
