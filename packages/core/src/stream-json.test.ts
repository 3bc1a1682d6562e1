import { describe, expect, it } from 'vitest';
import { ProtocolError } from './errors.js';
import { LineSplitter, parseCliLine } from './stream-json.js';

describe('LineSplitter', () => {
  it('splits across chunk boundaries and keeps the unfinished line', () => {
    const splitter = new LineSplitter();
    expect(splitter.push('{"a":1}\n{"b"')).toEqual(['{"a":1}']);
    expect(splitter.push(':2}\r\n{"c":3}')).toEqual(['{"b":2}']);
    expect(splitter.flush()).toEqual(['{"c":3}']);
    expect(splitter.flush()).toEqual([]);
  });

  it('does not cap the line length (a 5 MB tool result stays one line)', () => {
    const splitter = new LineSplitter();
    const big = JSON.stringify({ type: 'user', text: 'x'.repeat(5 * 1024 * 1024) });
    const lines: string[] = [];
    for (let i = 0; i < big.length; i += 65536)
      lines.push(...splitter.push(Buffer.from(big.slice(i, i + 65536))));
    lines.push(...splitter.push('\n'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(big);
  });

  it('decodes a multi-byte character split between chunks', () => {
    const splitter = new LineSplitter();
    const bytes = Buffer.from('"héllo ✓"\n');
    const lines = [...splitter.push(bytes.subarray(0, 3)), ...splitter.push(bytes.subarray(3))];
    expect(lines).toEqual(['"héllo ✓"']);
  });
});

describe('parseCliLine', () => {
  it('parses known message types as they are', () => {
    const line =
      '{"type":"result","subtype":"success","is_error":false,"session_id":"s","num_turns":1,"duration_ms":5}';
    const message = parseCliLine(line);
    expect(message.type).toBe('result');
    expect(message).toMatchObject({ subtype: 'success', session_id: 's' });
  });

  it('keeps unknown message types whole under `other`', () => {
    const message = parseCliLine('{"type":"rate_limit_event","rate_limit_info":{"status":"allowed"}}');
    expect(message).toEqual({
      type: 'other',
      cliType: 'rate_limit_event',
      raw: { type: 'rate_limit_event', rate_limit_info: { status: 'allowed' } },
    });
  });

  it('throws ProtocolError carrying the offending line for non-JSON', () => {
    try {
      parseCliLine('Error: something broke');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ProtocolError);
      expect((error as ProtocolError).code).toBe('PROTOCOL_ERROR');
      expect((error as ProtocolError).line).toBe('Error: something broke');
    }
  });

  it('truncates a huge offending line in the error', () => {
    const error = (() => {
      try {
        parseCliLine(`x${'y'.repeat(100_000)}`);
      } catch (caught) {
        return caught as ProtocolError;
      }
    })();
    expect(error?.line.length).toBeLessThan(1000);
  });

  it('rejects JSON that is not a typed object', () => {
    expect(() => parseCliLine('[1,2]')).toThrow(ProtocolError);
    expect(() => parseCliLine('{"no":"type"}')).toThrow(ProtocolError);
    expect(() => parseCliLine('42')).toThrow(ProtocolError);
  });
});
