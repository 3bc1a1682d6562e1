import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionStore } from '@claude-code-server/store';
import { createMemorySessionStore } from '@claude-code-server/store-memory';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readTranscriptFile, waitForTranscriptFlush, writeTranscriptFile } from './local-transcript.js';
import { TranscriptSync } from './transcript-sync.js';

describe('TranscriptSync', () => {
  let dir: string;
  let store: SessionStore;
  let path: string;
  const writes: string[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'agent-sync-'));
    path = join(dir, 'projects', 'p', 'c1.jsonl');
    const memory = createMemorySessionStore();
    writes.length = 0;
    // Records which kind of write reached the store, to show that only new lines travel.
    store = new Proxy(memory, {
      get(target, name) {
        const value = Reflect.get(target, name) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (name === 'saveTranscript') writes.push(`save:${String(args[1]).length}`);
          if (name === 'appendTranscript') writes.push(`append:${String(args[1]).length}`);
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    await store.createSession({ id: 's1', userId: 'u1' });
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('saves the whole file first, then only the lines added since, never a half-written line', async () => {
    const sync = new TranscriptSync(store);
    await writeTranscriptFile(path, '{"a":1}\n');
    await sync.save('s1', 'c1', path, 0, 1);
    await appendFile(path, '{"b":2}\n{"c":');
    await sync.save('s1', 'c1', path, 1, 2);
    expect(writes).toEqual(['save:8', 'append:8']);
    expect(await store.loadTranscript('s1')).toBe('{"a":1}\n{"b":2}\n');
  });

  it('saves the whole file again when its beginning changed or the turn count is not the known one', async () => {
    const sync = new TranscriptSync(store);
    await writeTranscriptFile(path, '{"a":1}\n');
    await sync.save('s1', 'c1', path, 0, 1);
    await writeFile(path, '{"z":9}\n{"b":2}\n');
    await sync.save('s1', 'c1', path, 1, 2);
    await appendFile(path, '{"c":3}\n');
    await sync.save('s1', 'c1', path, 5, 6);
    expect(writes).toEqual(['save:8', 'save:16', 'save:24']);
  });

  it('keeps a local file it saved itself, and writes the stored one back when the local one is gone or behind', async () => {
    const sync = new TranscriptSync(store);
    await writeTranscriptFile(path, '{"a":1}\n');
    await sync.save('s1', 'c1', path, 0, 1);
    expect(await sync.restore('s1', 'c1', path, 1)).toBe('local');

    // Another agent ran turn 2: the store moved on.
    await store.saveTranscript('s1', '{"a":1}\n{"other":2}\n');
    expect(await sync.restore('s1', 'c1', path, 2)).toBe('restored');
    expect((await readTranscriptFile(path))?.toString()).toBe('{"a":1}\n{"other":2}\n');

    // A fresh agent (nothing known) with no local file.
    await rm(path);
    expect(await new TranscriptSync(store).restore('s1', 'c1', path, 2)).toBe('restored');
    expect((await readTranscriptFile(path))?.toString()).toBe('{"a":1}\n{"other":2}\n');
  });

  it('reports a transcript that is in neither place as missing', async () => {
    expect(await new TranscriptSync(store).restore('s1', 'c1', path, 3)).toBe('missing');
  });

  it('does not return before the assistant message of the turn reached the file', async () => {
    await writeTranscriptFile(path, '{"message":{"id":"msg_old"}}\n');
    const from = 29;
    setTimeout(() => void appendFile(path, '{"message":{"id":"msg_new"}}\n'), 30);
    await waitForTranscriptFlush(path, from, new Map([['msg_new', 1]]), 5_000);
    expect((await readTranscriptFile(path))?.toString()).toContain('msg_new');
  });
});
