import { describe, expect, it } from 'vitest';
import { parseCliOptions } from './cli-options.js';

describe('parseCliOptions', () => {
  it('defaults to 127.0.0.1:8787 and reads --port / --host', () => {
    expect(parseCliOptions([])).toEqual({ port: 8787, host: '127.0.0.1', help: false });
    expect(parseCliOptions(['--port', '0', '--host', '0.0.0.0'])).toEqual({
      port: 0,
      host: '0.0.0.0',
      help: false,
    });
    expect(parseCliOptions(['--port=9000']).port).toBe(9000);
  });

  it('names the bad option', () => {
    expect(() => parseCliOptions(['--port', 'abc'])).toThrow(/--port must be an integer.*'abc'/);
    expect(() => parseCliOptions(['--nope'])).toThrow(/--nope/);
  });
});
