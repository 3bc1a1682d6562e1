import { describe, expect, it } from 'vitest';
import type { SessionStore } from '../types.js';
import { expectInvalidInput, expectSessionNotFound, type Harness } from './harness.js';

const MiB = 1024 * 1024;

const UNICODE_SAMPLES = [
  'Grüße, καλημέρα, привет, 你好, こんにちは, 안녕하세요',
  'emoji 👩‍👩‍👧‍👦 🏳️‍🌈 🦀 and astral 𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  'right-to-left: مرحبا שלום',
  'combining: e\u0301 a\u0308 and zero-width\u200bjoiner',
  'line separators \u2028 \u2029, tabs\tand\r\nnewlines',
  'quotes " \' ` and backslashes \\ \\n and JSON {"a":[1]}',
  '',
];

async function sessionWith(h: Harness, store: SessionStore, count: number): Promise<string> {
  const id = h.id();
  await store.createSession({ id, userId: h.userId() });
  for (let i = 1; i <= count; i++) await store.appendMessage(id, { role: 'user', content: `m${i}` });
  return id;
}

const seqs = (page: { messages: { seq: number }[] }) => page.messages.map((message) => message.seq);

/** appendMessage, listMessages, countMessages. */
export function defineMessageTests(h: Harness): void {
  describe('messages', () => {
    it('appends messages numbered from 1 with every field kept', async () => {
      const store = await h.open();
      const id = h.id();
      await store.createSession({ id, userId: h.userId() });
      const before = Date.now();
      const first = await store.appendMessage(id, { role: 'user', content: 'hello' });
      expect(first).toEqual({
        sessionId: id,
        seq: 1,
        role: 'user',
        content: 'hello',
        createdAt: expect.any(Number),
        usage: null,
        costUsd: null,
        metadata: null,
      });
      expect(first.createdAt).toBeGreaterThanOrEqual(before - 5000);
      expect(first.createdAt).toBeLessThanOrEqual(Date.now() + 5000);
      const second = await store.appendMessage(id, {
        role: 'assistant',
        content: 'hi there',
        usage: { inputTokens: 12, outputTokens: 3, cacheCreationInputTokens: 0, cacheReadInputTokens: 100 },
        costUsd: 0.00123,
        metadata: { model: 'claude', turn: { n: 1 } },
        createdAt: 1_700_000_000_123,
      });
      expect(second).toEqual({
        sessionId: id,
        seq: 2,
        role: 'assistant',
        content: 'hi there',
        createdAt: 1_700_000_000_123,
        usage: { inputTokens: 12, outputTokens: 3, cacheCreationInputTokens: 0, cacheReadInputTokens: 100 },
        costUsd: 0.00123,
        metadata: { model: 'claude', turn: { n: 1 } },
      });
      const third = await store.appendMessage(id, {
        role: 'system',
        content: 'note',
        usage: { outputTokens: 7 },
      });
      expect(third).toMatchObject({ seq: 3, usage: { outputTokens: 7 } });
      expect((await store.listMessages(id)).messages).toEqual([first, second, third]);
      expect(await store.countMessages(id)).toBe(3);
    });

    it('keeps sequential appends in order', async () => {
      const store = await h.open();
      const id = await sessionWith(h, store, 30);
      const page = await store.listMessages(id, { limit: 100 });
      expect(page.messages.map((message) => message.content)).toEqual(
        Array.from({ length: 30 }, (_, i) => `m${i + 1}`),
      );
      expect(seqs(page)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    });

    it('loses none of 200 concurrent appends to one session and numbers them 1..200', async () => {
      const store = await h.open();
      const id = h.id('concurrent');
      await store.createSession({ id, userId: h.userId() });
      const appended = await Promise.all(
        Array.from({ length: 200 }, (_, i) => store.appendMessage(id, { role: 'user', content: `c${i}` })),
      );
      expect(appended.map((message) => message.seq).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 200 }, (_, i) => i + 1),
      );
      const page = await store.listMessages(id, { limit: 1000 });
      expect(seqs(page)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
      expect(page.hasMore).toBe(false);
      const bySeq = new Map(appended.map((message) => [message.seq, message]));
      for (const message of page.messages) expect(message).toEqual(bySeq.get(message.seq));
      expect(await store.countMessages(id)).toBe(200);
    });

    it('stores unicode exactly', async () => {
      const store = await h.open();
      const id = h.id();
      await store.createSession({ id, userId: h.userId('ünï ℂødé 👤') });
      for (const content of UNICODE_SAMPLES) {
        await store.appendMessage(id, {
          role: 'assistant',
          content,
          metadata: { echo: content, [content]: 1 },
        });
      }
      const page = await store.listMessages(id);
      expect(page.messages.map((message) => message.content)).toEqual(UNICODE_SAMPLES);
      expect(page.messages.map((message) => message.metadata)).toEqual(
        UNICODE_SAMPLES.map((content) => ({ echo: content, [content]: 1 })),
      );
    });

    it('stores a 1 MB message exactly', async () => {
      const store = await h.open();
      const id = h.id();
      await store.createSession({ id, userId: h.userId() });
      const content = 'line of text with ünïcödé and 🦀\n'.repeat(Math.ceil(MiB / 34)).slice(0, MiB);
      const appended = await store.appendMessage(id, { role: 'assistant', content });
      expect(appended.content).toBe(content);
      const [listed] = (await store.listMessages(id)).messages;
      expect(listed!.content.length).toBe(content.length);
      expect(listed!.content === content).toBe(true);
    });

    it('pages an empty session', async () => {
      const store = await h.open();
      const id = await sessionWith(h, store, 0);
      expect(await store.listMessages(id)).toEqual({ messages: [], hasMore: false });
      expect(await store.listMessages(id, { after: 0 })).toEqual({ messages: [], hasMore: false });
      expect(await store.listMessages(id, { before: 1 })).toEqual({ messages: [], hasMore: false });
      expect(await store.countMessages(id)).toBe(0);
    });

    it('returns the newest page by default, 50 messages, hasMore only when older ones exist', async () => {
      const store = await h.open();
      const id = await sessionWith(h, store, 50);
      const exact = await store.listMessages(id);
      expect(seqs(exact)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect(exact.hasMore).toBe(false);
      await store.appendMessage(id, { role: 'user', content: 'm51' });
      const newest = await store.listMessages(id);
      expect(seqs(newest)).toEqual(Array.from({ length: 50 }, (_, i) => i + 2));
      expect(newest.hasMore).toBe(true);
      const oldest = await store.listMessages(id, { before: 2 });
      expect(seqs(oldest)).toEqual([1]);
      expect(oldest.hasMore).toBe(false);
    });

    it('pages backwards with before and forwards with after, at the boundaries', async () => {
      const store = await h.open();
      const id = await sessionWith(h, store, 10);
      const page = async (options: { limit?: number; before?: number; after?: number }) => {
        const result = await store.listMessages(id, options);
        return { seqs: seqs(result), hasMore: result.hasMore };
      };
      expect(await page({ limit: 5 })).toEqual({ seqs: [6, 7, 8, 9, 10], hasMore: true });
      expect(await page({ limit: 10 })).toEqual({ seqs: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], hasMore: false });
      expect(await page({ limit: 5, before: 11 })).toEqual({ seqs: [6, 7, 8, 9, 10], hasMore: true });
      expect(await page({ limit: 5, before: 6 })).toEqual({ seqs: [1, 2, 3, 4, 5], hasMore: false });
      expect(await page({ limit: 5, before: 7 })).toEqual({ seqs: [2, 3, 4, 5, 6], hasMore: true });
      expect(await page({ limit: 5, before: 3 })).toEqual({ seqs: [1, 2], hasMore: false });
      expect(await page({ limit: 5, before: 1000 })).toEqual({ seqs: [6, 7, 8, 9, 10], hasMore: true });
      expect(await page({ limit: 5, after: 0 })).toEqual({ seqs: [1, 2, 3, 4, 5], hasMore: true });
      expect(await page({ limit: 5, after: 5 })).toEqual({ seqs: [6, 7, 8, 9, 10], hasMore: false });
      expect(await page({ limit: 5, after: 4 })).toEqual({ seqs: [5, 6, 7, 8, 9], hasMore: true });
      expect(await page({ limit: 5, after: 8 })).toEqual({ seqs: [9, 10], hasMore: false });
      expect(await page({ limit: 5, after: 10 })).toEqual({ seqs: [], hasMore: false });
      expect(await page({ limit: 5, after: 1000 })).toEqual({ seqs: [], hasMore: false });
      expect(await page({ limit: 1, after: 9 })).toEqual({ seqs: [10], hasMore: false });
      expect(await page({ limit: 1000, after: 0 })).toEqual({
        seqs: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
        hasMore: false,
      });
    });

    it('message operations on an unknown session throw SessionNotFoundError', async () => {
      const store = await h.open();
      const id = h.id('missing');
      await expectSessionNotFound(() => store.appendMessage(id, { role: 'user', content: 'x' }), id);
      await expectSessionNotFound(() => store.listMessages(id), id);
      await expectSessionNotFound(() => store.countMessages(id), id);
      expect(await store.getSession(id)).toBeNull();
    });

    it('rejects bad messages naming the field, and stores none of them', async () => {
      const store = await h.open();
      const id = await sessionWith(h, store, 0);
      const bad = (message: unknown) => () => store.appendMessage(id, message as never);
      await expectInvalidInput(bad({ role: 'bot', content: 'x' }), 'role');
      await expectInvalidInput(bad({ role: 'user', content: 42 }), 'content');
      await expectInvalidInput(bad({ role: 'user' }), 'content');
      await expectInvalidInput(bad({ role: 'user', content: 'nul \u0000 byte' }), 'content');
      await expectInvalidInput(bad({ role: 'user', content: 'lone \ud800 surrogate' }), 'content');
      // 16 MiB + 1 byte of UTF-8 in 8 Mi + 1 characters: the limit counts bytes.
      await expectInvalidInput(bad({ role: 'user', content: `${'é'.repeat(8 * MiB)}x` }), 'content');
      await expectInvalidInput(bad({ role: 'user', content: 'x', costUsd: -0.01 }), 'costUsd');
      await expectInvalidInput(bad({ role: 'user', content: 'x', costUsd: Number.NaN }), 'costUsd');
      await expectInvalidInput(
        bad({ role: 'user', content: 'x', usage: { inputTokens: -1 } }),
        'usage.inputTokens',
      );
      await expectInvalidInput(
        bad({ role: 'user', content: 'x', usage: { outputTokens: 1.5 } }),
        'usage.outputTokens',
      );
      await expectInvalidInput(bad({ role: 'user', content: 'x', usage: { tokens: 1 } }), 'usage.tokens');
      await expectInvalidInput(bad({ role: 'user', content: 'x', metadata: ['a'] }), 'metadata');
      await expectInvalidInput(
        bad({ role: 'user', content: 'x', metadata: { when: new Date() } }),
        'metadata.when',
      );
      await expectInvalidInput(bad({ role: 'user', content: 'x', metadata: { u: undefined } }), 'metadata.u');
      await expectInvalidInput(
        bad({ role: 'user', content: 'x', metadata: { big: 'x'.repeat(65 * 1024) } }),
        'metadata',
      );
      await expectInvalidInput(bad({ role: 'user', content: 'x', createdAt: -1 }), 'createdAt');
      await expectInvalidInput(bad(null), 'message');
      await expectInvalidInput(
        () => store.appendMessage('bad id!', { role: 'user', content: 'x' }),
        'sessionId',
      );
      expect(await store.countMessages(id)).toBe(0);
    });

    it('rejects bad paging options naming the field', async () => {
      const store = await h.open();
      const id = await sessionWith(h, store, 1);
      await expectInvalidInput(() => store.listMessages(id, { limit: 0 }), 'limit');
      await expectInvalidInput(() => store.listMessages(id, { limit: 1001 }), 'limit');
      await expectInvalidInput(() => store.listMessages(id, { limit: 1.5 }), 'limit');
      await expectInvalidInput(() => store.listMessages(id, { before: 0 }), 'before');
      await expectInvalidInput(() => store.listMessages(id, { after: -1 }), 'after');
      await expectInvalidInput(() => store.listMessages(id, { after: 2.5 }), 'after');
      await expectInvalidInput(() => store.listMessages(id, { before: 5, after: 1 }), 'before');
      await expectInvalidInput(() => store.listMessages('', {}), 'sessionId');
      await expectInvalidInput(() => store.countMessages('../etc'), 'sessionId');
    });
  });
}
