import { describe, expect, it } from 'vitest';
import { buildChildEnv, CHILD_ENTRYPOINT } from './env.js';

describe('buildChildEnv', () => {
  const parent = {
    PATH: '/usr/bin',
    HOME: '/home/u',
    CLAUDECODE: '1',
    CLAUDE_CODE_ENTRYPOINT: 'cli',
    CLAUDE_CODE_SESSION_ID: 'parent-session',
  };

  it('strips the markers of a surrounding Claude Code session and names our entrypoint', () => {
    const env = buildChildEnv({}, parent);
    expect(env.PATH).toBe('/usr/bin');
    expect(env.CLAUDECODE).toBeUndefined();
    expect(env.CLAUDE_CODE_SESSION_ID).toBeUndefined();
    expect(env.CLAUDE_CODE_ENTRYPOINT).toBe(CHILD_ENTRYPOINT);
  });

  it('sets CLAUDE_CONFIG_DIR from configDir', () => {
    expect(buildChildEnv({ configDir: '/tmp/cfg' }, parent).CLAUDE_CONFIG_DIR).toBe('/tmp/cfg');
  });

  it("lets the caller's env win over everything", () => {
    const env = buildChildEnv({ configDir: '/a', env: { CLAUDE_CONFIG_DIR: '/b', HOME: '/h' } }, parent);
    expect(env.CLAUDE_CONFIG_DIR).toBe('/b');
    expect(env.HOME).toBe('/h');
  });
});
