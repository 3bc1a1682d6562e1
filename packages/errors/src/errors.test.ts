import { describe, expect, it } from 'vitest';
import { ClaudeCodeServerError, ERROR_CODES, type ErrorCode } from './index.js';

describe('the error family', () => {
  it('gives every code to one layer only, so a code means one thing', () => {
    const all: string[] = Object.values(ERROR_CODES).flat();
    const repeated = all.filter((code, i) => all.indexOf(code) !== i);
    expect(repeated).toEqual([]);
    expect(all.length).toBeGreaterThan(40);
  });

  it('a layer subclass is caught by the one base class and keeps its code, name and cause', () => {
    class LayerError extends ClaudeCodeServerError<'STORE_CLOSED'> {}
    const cause = new Error('driver said no');
    const error: unknown = new LayerError('STORE_CLOSED', 'the session store is closed', { cause });
    expect(error).toBeInstanceOf(ClaudeCodeServerError);
    expect(error).toBeInstanceOf(Error);
    const caught = error as ClaudeCodeServerError;
    const code: ErrorCode = caught.code;
    expect(code).toBe('STORE_CLOSED');
    expect(caught.name).toBe('LayerError');
    expect(caught.cause).toBe(cause);
    expect(caught.message).toBe('the session store is closed');
  });
});
