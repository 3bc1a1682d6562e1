import { describe, expect, it } from 'vitest';
import { InvalidInputError } from './errors.js';
import {
  validateAppendMessageInput,
  validateCreateSessionInput,
  validateLeaseRequest,
  validateMessagePageOptions,
  validateSessionId,
  validateSessionListOptions,
  validateSessionUpdate,
  validateTtlMs,
  validateUserId,
} from './validate.js';

function fieldOf(call: () => unknown): string {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return (error as InvalidInputError).field;
  }
  throw new Error('expected InvalidInputError');
}

describe('validateSessionId', () => {
  it('accepts ids of the documented alphabet up to 256 characters', () => {
    for (const id of ['a', 'A9', 'chat:123@slack', 'x.y_z-1', '0'.repeat(256)]) {
      expect(validateSessionId(id)).toBe(id);
    }
  });

  it('rejects empty, long, path-like and non-string ids, naming the field', () => {
    for (const id of ['', '0'.repeat(257), '../x', '-x', '.hidden', 'a/b', 'a b', 'é', 42, null]) {
      expect(fieldOf(() => validateSessionId(id))).toBe('sessionId');
    }
    expect(fieldOf(() => validateSessionId('', 'id'))).toBe('id');
  });
});

describe('validateUserId', () => {
  it('accepts any text without control characters', () => {
    expect(validateUserId('Jane Doe <jane@example.com> 👤')).toBe('Jane Doe <jane@example.com> 👤');
  });

  it('rejects control characters, NUL, lone surrogates, empty and over-long ids', () => {
    for (const id of ['a\nb', 'a\u0000', 'a\u007f', 'a\u0085', '\ud800', '', 'u'.repeat(257)]) {
      expect(fieldOf(() => validateUserId(id))).toBe('userId');
    }
  });
});

describe('validateCreateSessionInput and validateSessionUpdate', () => {
  it('fills defaults and returns a copy that shares nothing with the input', () => {
    const metadata = { a: { b: [1] } };
    const normalized = validateCreateSessionInput({ id: 's1', userId: 'u', metadata, extra: 'dropped' });
    expect(normalized).toEqual({ id: 's1', userId: 'u', claudeSessionId: null, project: null, metadata });
    expect(normalized.metadata).not.toBe(metadata);
    expect(normalized.metadata.a).not.toBe(metadata.a);
  });

  it('names the wrong field', () => {
    expect(fieldOf(() => validateCreateSessionInput(undefined))).toBe('input');
    expect(fieldOf(() => validateCreateSessionInput({ id: 'bad id', userId: 'u' }))).toBe('id');
    expect(fieldOf(() => validateCreateSessionInput({ id: 's', userId: 'u', project: '../up' }))).toBe(
      'project',
    );
    expect(fieldOf(() => validateCreateSessionInput({ id: 's', userId: 'u', claudeSessionId: '' }))).toBe(
      'claudeSessionId',
    );
    expect(fieldOf(() => validateSessionUpdate({ metadata: new Map() }))).toBe('metadata');
    expect(fieldOf(() => validateSessionUpdate({ metadata: { deep: { fn: () => 1 } } }))).toBe(
      'metadata.deep.fn',
    );
    expect(fieldOf(() => validateSessionUpdate({ metadata: { list: [1, Number.POSITIVE_INFINITY] } }))).toBe(
      'metadata.list[1]',
    );
  });

  it('keeps undefined update fields out and null ones in', () => {
    expect(validateSessionUpdate({ project: null })).toEqual({ project: null });
    expect(validateSessionUpdate({})).toEqual({});
  });

  it('rejects metadata nested deeper than 32 levels or cyclic', () => {
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 40; i++) deep = { next: deep };
    expect(fieldOf(() => validateSessionUpdate({ metadata: deep }))).toMatch(/^metadata(\.next)+$/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(fieldOf(() => validateSessionUpdate({ metadata: cyclic }))).toMatch(/^metadata(\.self)+$/);
  });
});

describe('validateAppendMessageInput', () => {
  it('normalises absent optional fields to null and keeps the given ones', () => {
    expect(validateAppendMessageInput({ role: 'user', content: '' })).toEqual({
      role: 'user',
      content: '',
      usage: null,
      costUsd: null,
      metadata: null,
      createdAt: undefined,
    });
    expect(
      validateAppendMessageInput({
        role: 'assistant',
        content: 'x',
        usage: { inputTokens: 3 },
        costUsd: 0,
        createdAt: 5,
      }),
    ).toMatchObject({ usage: { inputTokens: 3 }, costUsd: 0, createdAt: 5 });
  });

  it('counts the content limit in UTF-8 bytes', () => {
    const atLimit = '€'.repeat((16 * 1024 * 1024) / 4) + 'x'.repeat((16 * 1024 * 1024) / 4);
    expect(validateAppendMessageInput({ role: 'user', content: atLimit }).content).toBe(atLimit);
    expect(fieldOf(() => validateAppendMessageInput({ role: 'user', content: `${atLimit}x` }))).toBe(
      'content',
    );
  });
});

describe('paging options', () => {
  it('fills the default limits', () => {
    expect(validateMessagePageOptions(undefined)).toEqual({ limit: 50 });
    expect(validateMessagePageOptions({ after: 0, limit: 1000 })).toEqual({ after: 0, limit: 1000 });
    expect(validateSessionListOptions(undefined)).toEqual({ limit: 50, cursor: null });
    expect(validateSessionListOptions({ limit: 200 })).toEqual({ limit: 200, cursor: null });
  });

  it('rejects out-of-range values naming the field', () => {
    expect(fieldOf(() => validateMessagePageOptions({ limit: '10' }))).toBe('limit');
    expect(fieldOf(() => validateMessagePageOptions({ before: Number.NaN }))).toBe('before');
    expect(fieldOf(() => validateMessagePageOptions('newest'))).toBe('options');
    expect(fieldOf(() => validateSessionListOptions({ limit: 201 }))).toBe('limit');
  });
});

describe('leases and TTLs', () => {
  it('accepts the documented ranges and rejects the rest', () => {
    expect(validateLeaseRequest('worker-1', 3_600_000)).toEqual({ owner: 'worker-1', ttlMs: 3_600_000 });
    expect(fieldOf(() => validateLeaseRequest('worker\n', 10))).toBe('owner');
    expect(fieldOf(() => validateLeaseRequest('w', Number.POSITIVE_INFINITY))).toBe('ttlMs');
    expect(validateTtlMs(undefined)).toBeUndefined();
    expect(validateTtlMs(1)).toBe(1);
    expect(fieldOf(() => validateTtlMs(0))).toBe('ttlMs');
    expect(fieldOf(() => validateTtlMs('1h'))).toBe('ttlMs');
  });
});
