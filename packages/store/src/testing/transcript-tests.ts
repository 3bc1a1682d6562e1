import { describe, expect, it } from 'vitest';
import { expectInvalidInput, expectSessionNotFound, type Harness } from './harness.js';

const MiB = 1024 * 1024;

/** JSONL lines like the CLI writes, about `bytes` long. */
function transcriptOf(bytes: number, tag: string): string {
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const line = `${JSON.stringify({ type: i % 2 ? 'assistant' : 'user', tag, i, text: `ünïcödé 🦀 line ${i} ${'x'.repeat(200)}` })}\n`;
    lines.push(line);
    size += Buffer.byteLength(line);
  }
  return lines.join('');
}

/** saveTranscript, appendTranscript, loadTranscript. */
export function defineTranscriptTests(h: Harness): void {
  describe('transcripts', () => {
    it('loads null before anything is saved, then exactly what was saved; save replaces', async () => {
      const store = await h.open();
      const id = h.id();
      await store.createSession({ id, userId: h.userId() });
      expect(await store.loadTranscript(id)).toBeNull();
      await store.saveTranscript(id, '{"type":"user","text":"first"}\n');
      expect(await store.loadTranscript(id)).toBe('{"type":"user","text":"first"}\n');
      await store.saveTranscript(id, '{"type":"user","text":"second"}\n');
      expect(await store.loadTranscript(id)).toBe('{"type":"user","text":"second"}\n');
      await store.saveTranscript(id, '');
      expect(await store.loadTranscript(id)).toBe('');
    });

    it('appends chunks in order, starting a transcript when there is none', async () => {
      const store = await h.open();
      const id = h.id();
      await store.createSession({ id, userId: h.userId() });
      await store.appendTranscript(id, '{"n":1}\n');
      await store.appendTranscript(id, '{"n":2}\n{"n":');
      await store.appendTranscript(id, '3,"s":"ü🦀"}\n');
      expect(await store.loadTranscript(id)).toBe('{"n":1}\n{"n":2}\n{"n":3,"s":"ü🦀"}\n');
      await store.saveTranscript(id, 'reset\n');
      await store.appendTranscript(id, 'more\n');
      expect(await store.loadTranscript(id)).toBe('reset\nmore\n');
    });

    it('keeps a multi-megabyte transcript exactly, saved whole and appended to', async () => {
      const store = await h.open();
      const id = h.id();
      await store.createSession({ id, userId: h.userId() });
      const big = transcriptOf(6 * MiB, 'saved');
      await store.saveTranscript(id, big);
      const loaded = await store.loadTranscript(id);
      expect(loaded?.length).toBe(big.length);
      expect(loaded === big).toBe(true);
      const chunk = transcriptOf(2 * MiB, 'appended');
      await store.appendTranscript(id, chunk);
      const appended = await store.loadTranscript(id);
      expect(appended?.length).toBe(big.length + chunk.length);
      expect(appended === big + chunk).toBe(true);
    });

    it('transcript operations on an unknown session throw SessionNotFoundError', async () => {
      const store = await h.open();
      const id = h.id('missing');
      await expectSessionNotFound(() => store.saveTranscript(id, 'x\n'), id);
      await expectSessionNotFound(() => store.appendTranscript(id, 'x\n'), id);
      await expectSessionNotFound(() => store.loadTranscript(id), id);
      expect(await store.getSession(id)).toBeNull();
    });

    it('rejects bad transcripts naming the field, keeping the stored one', async () => {
      const store = await h.open();
      const id = h.id();
      await store.createSession({ id, userId: h.userId() });
      await store.saveTranscript(id, 'kept\n');
      await expectInvalidInput(() => store.saveTranscript(id, 42 as never), 'transcript');
      await expectInvalidInput(() => store.saveTranscript(id, 'nul \u0000'), 'transcript');
      await expectInvalidInput(() => store.saveTranscript(id, 'x'.repeat(64 * MiB + 1)), 'transcript');
      await expectInvalidInput(() => store.appendTranscript(id, null as never), 'chunk');
      await expectInvalidInput(() => store.saveTranscript('no spaces allowed', 'x'), 'sessionId');
      expect(await store.loadTranscript(id)).toBe('kept\n');
    });
  });
}
