import { prettyFactory } from 'pino-pretty';
import { describe, expect, it } from 'vitest';
import { PRETTY_OPTIONS } from './log/create-logger.js';
import { redactUrl } from './store/redact-url.js';

const prettyLine = prettyFactory({ ...PRETTY_OPTIONS, colorize: false });

describe('pretty log lines', () => {
  it('time, level, message, then the other fields', () => {
    const line = JSON.stringify({
      level: 30,
      time: Date.UTC(2026, 0, 2, 3, 4, 5),
      pid: 1,
      url: 'http://127.0.0.1:8000',
      store: 'sqlite /srv/data/sessions.db',
      msg: 'claude-code-server listening on http://127.0.0.1:8000',
    });
    expect(prettyLine(line)).toBe(
      '[03:04:05] INFO: claude-code-server listening on http://127.0.0.1:8000 {"url":"http://127.0.0.1:8000","store":"sqlite /srv/data/sessions.db"}\n',
    );
  });

  it('a line that is not JSON passes through', () => {
    expect(prettyLine('plain text')).toBe('plain text\n');
  });
});

describe('URLs in messages and logs', () => {
  it('hide the password and secret-looking query values', () => {
    expect(redactUrl('postgres://app:s3cret@db:5432/x?sslmode=require&password=p')).toBe(
      'postgres://app:***@db:5432/x?sslmode=require&password=***',
    );
    expect(redactUrl('redis://:pw@127.0.0.1:6379/0')).toBe('redis://:***@127.0.0.1:6379/0');
    expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });
});
